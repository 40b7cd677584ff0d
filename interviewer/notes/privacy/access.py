"""Subject access writes everything held on one candidate into a directory: JSON and copies of the audio."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from interviewer.core.config import DataDir
from interviewer.core.errors import UserError
from interviewer.core.files import OutsideDataDirError, data_path
from interviewer.core.vault import is_sealed, read_file, write_file
from interviewer.notes.privacy.disk import data_dir_of, write_private
from interviewer.notes.privacy.permissions import restrict_permissions
from interviewer.notes.privacy.retention_policy import load_policy
from interviewer.notes.privacy.subject import find_subject
from interviewer.notes.store import audit_trail
from interviewer.notes.store.database import Store
from interviewer.notes.store.maintenance import writer
from interviewer.notes.store.ownership import owned_rows, text_cells
from interviewer.notes.store.privacy_queries import candidate_consents, candidate_sessions

ACCESS_FORMAT = "interviewer-subject-access"

# Tables `Store.export_session` and the candidate part of candidate.json already give in full.
_EXPORTED = {"candidates", "sessions", "claims", "segments", "evidence", "ratings", "consents", "probe_asks",
             "judgment_calls", "call_ratings"}


def _check_out_dir(out_dir: Path) -> None:
    if out_dir.exists():
        if not out_dir.is_dir():
            raise UserError("exists and is not a directory", path=out_dir)
        if any(out_dir.iterdir()):
            raise UserError("is not empty; give a new or empty directory", path=out_dir)


def _audio(store: Store, sessions: list[dict[str, Any]], out_dir: Path,
           copies: list[tuple[Path, Path]]) -> list[dict[str, Any]]:
    """The index of a candidate's recordings; adds to `copies` the (source, destination) of those to copy."""
    index: list[dict[str, Any]] = []
    for export in sessions:
        s = export["session"]
        sid = str(s["id"])
        for track, key in enumerate(("audio_path", "audio_path2"), 1):
            item: dict[str, Any] = {"session_id": sid, "track": track, "file": None}
            try:
                src = data_path(store.root, s.get(key), what=f"recording of session {sid[:8]}")
            except OutsideDataDirError as exc:  # never copied out: it is not this data dir's file
                index.append({**item, "refused": str(exc)})
                continue
            if src is None:
                continue
            if src.is_file():
                dest = Path("audio") / (src.name if src.name.startswith(sid) else f"{sid}-{src.name}")
                copies.append((src, out_dir / dest))
                item["file"] = dest.as_posix()
            else:
                item["missing"] = str(src)
            index.append(item)
    return index


def access_candidate(store: Store, data_dir: DataDir | Path, name: str, out_dir: Path) -> Path:
    """Write everything held on the candidate into `out_dir` (new or empty): `candidate.json` and copies of
    their audio under `audio/`. Returns the path of `candidate.json`.

    candidate.json: `candidates` (each with its row, claims, consents and every session as
    `Store.export_session` gives it), `other_records` (their rows in any other table), `audit_log` (the entries
    about their rows), `mentioned_elsewhere` (other rows whose text names them), `audio` (the copied files)."""
    dd = data_dir_of(data_dir)
    out_dir = Path(out_dir)
    _check_out_dir(out_dir)
    with writer(store):
        subject = find_subject(store, name)
        audit = audit_trail.history(store, {e.id for e in subject.audit})
        people: list[dict[str, Any]] = []
        copies: list[tuple[Path, Path]] = []
        audio_index: list[dict[str, Any]] = []
        for c in subject.candidates:
            sessions = [store.export_session(s) for s in candidate_sessions(store, c.id)]
            audio_index += _audio(store, sessions, out_dir, copies)
            people.append({"candidate": c.to_dict(), "claims": [k.to_dict() for k in store.claims(str(c.id))],
                           "consents": candidate_consents(store, c.id), "sessions": sessions})
        others = {table: owned_rows(store, table, keys)
                  for table, keys in sorted(subject.owned.items()) if table not in _EXPORTED}
        elsewhere = [asdict(cell) for cell in text_cells(store, subject.names, subject.owned)]
    data = {"format": ACCESS_FORMAT, "version": 1,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "name": name.strip(), "candidates": people, "other_records": others, "audit_log": audit,
            "mentioned_elsewhere": elsewhere, "audio": audio_index, "retention": load_policy(dd).to_dict()}
    out_dir.mkdir(parents=True, exist_ok=True)
    if copies:
        (out_dir / "audio").mkdir(exist_ok=True)
    for src, dest in copies:  # the recording as it was made: decrypted when the data dir is encrypted
        if store.vault is not None and is_sealed(src):
            write_file(store.vault, dest, read_file(store.vault, src))
        else:
            shutil.copyfile(src, dest)
    target = out_dir / "candidate.json"
    write_private(target, json.dumps(data, ensure_ascii=False, indent=1, default=str))
    restrict_permissions(out_dir)
    return target
