"""Erasure removes every trace of one candidate.

Their rows in every table (found through the schema's foreign keys, so tables added by later migrations are
covered: `interviewer.notes.store.ownership`), audio, every file users wrote in the data dir that mentions them
(exports, PDFs, bundles: `user_files`), the full-text index, the audit entries about them (those about rows
deleted long ago too), and the bytes SQLite would otherwise keep in free pages and the WAL. The audit log then
gets one entry that says what was done, with counts only and no personal data.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interviewer.core.config import DataDir
from interviewer.core.errors import UserError
from interviewer.core.files import inside
from interviewer.notes.privacy.disk import data_dir_of, is_locked, rel, remove_empty_parents, resolve, shred
from interviewer.notes.privacy.subject import Subject, find_subject
from interviewer.notes.privacy.user_files import mentioning_files
from interviewer.notes.store import audit_trail
from interviewer.notes.store.database import Store
from interviewer.notes.store.maintenance import rebuild_search_index, scrub, secure_delete, writer
from interviewer.notes.store.ownership import delete_owned, text_cells
from interviewer.notes.store.privacy_queries import audio_paths

ERASURE_ACTOR = "erasure"


@dataclass
class ErasureReport:
    erasure_id: str
    candidates: int
    rows: dict[str, int]
    audit_entries: int
    files: list[str]
    not_removed: list[str]
    scrubbed: bool
    mentions_left: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"erasure_id": self.erasure_id, "candidates": self.candidates, "rows": dict(self.rows),
                "audit_entries_removed": self.audit_entries, "files_removed": list(self.files),
                "not_removed": list(self.not_removed), "scrubbed": self.scrubbed,
                "mentions_left": list(self.mentions_left)}


def _files(store: Store, dd: DataDir, subject: Subject) -> tuple[dict[Path, None], list[str]]:
    """The files to remove (audio tracks, anything in audio/ named after a session, files users wrote that
    mention them, backups, their resume) and those outside the data dir, which are not removed."""
    sids = subject.sessions
    files: dict[Path, None] = {}
    not_removed: list[str] = []
    for stored in audio_paths(store, sids):
        p = resolve(store.root, stored)
        if p is None:
            continue
        if inside(p, dd.root):
            files[p] = None
        elif p.exists():
            not_removed.append(f"{p} (outside the data directory)")
    if dd.audio_dir.is_dir():
        for p in sorted(dd.audio_dir.iterdir()):
            if any(p.name.startswith(s) for s in sids) and not p.is_dir():
                files[p] = None
    for p in mentioning_files(dd, subject.mentions, store.vault):  # exports, bundles, any copy written here
        files[p] = None
    # Automatic database backups hold the candidate as they were: they go too (a new one is made later).
    if (dd.root / "backups").is_dir():
        for p in sorted((dd.root / "backups").iterdir()):
            if p.is_file():
                files[p] = None
    for c in subject.candidates:
        resume = Path(c.resume_path) if c.resume_path else None
        if resume is not None and resume.exists():
            if inside(resume, dd.root):
                files[resume] = None
            else:
                not_removed.append(f"{resume} (their resume, outside the data directory)")
    return files, not_removed


def erase_candidate(store: Store, data_dir: DataDir | Path, name: str) -> ErasureReport:
    """Remove every trace of the candidate called `name`; see the module docstring.

    Files go first: if one cannot be removed nothing is erased from the database, and running the erasure
    again after fixing the cause finishes it. Refuses (UserError) while one of their sessions is recording."""
    dd = data_dir_of(data_dir)
    with writer(store):
        subject = find_subject(store, name)
        live = [s for s in subject.sessions if is_locked(dd.audio_dir / f"{s}.lock")]
        if live:
            raise UserError(f"session {live[0][:8]} of this candidate is recording right now: stop it, then erase")

        # ---- files: audio tracks, anything in audio/ named after a session, exports that mention them
        files, not_removed = _files(store, dd, subject)
        removed: list[str] = []
        for p in files:
            if not (p.exists() or p.is_symlink()):
                continue
            try:
                shred(p)
            except OSError as exc:
                raise UserError(f"cannot remove {p}: {exc.strerror or exc}; nothing was erased from the "
                                f"database yet. Fix this and erase again") from None
            removed.append(rel(p, dd.root))
        remove_empty_parents([p for p in files if inside(p, dd.exports_dir)], dd.exports_dir)

        # ---- the database, in one transaction, then no deleted bytes left in free pages or the WAL
        erasure_id = secrets.token_hex(8)
        with secure_delete(store):
            with store.atomic():
                audit_trail.delete_entries(store, [e.id for e in subject.audit])
                counts = delete_owned(store, subject.ownership)
                # The FTS5 index keeps deleted terms in old segments until they are merged: rebuild it.
                rebuild_search_index(store)
                left = text_cells(store, subject.names, {})
                store.audit(ERASURE_ACTOR, "candidate.erase", "candidates", None,
                            new={"erasure_id": erasure_id, "rows": counts, "audit_entries": len(subject.audit),
                                 "files": len(removed), "unlinked": len(subject.unlinks)})
            scrubbed = scrub(store)
    return ErasureReport(erasure_id=erasure_id, candidates=len(subject.candidates), rows=counts,
                         audit_entries=len(subject.audit), files=removed, not_removed=not_removed,
                         scrubbed=scrubbed,
                         mentions_left=[f"{m.table} {m.id} {m.column}" for m in left])

