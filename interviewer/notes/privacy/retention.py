"""Retention applies the data dir's policy (`retention_policy`).

Audio is deleted `audio_days` after a session started, what was said `transcript_days` after (segments and
ratings deleted; evidence quotes and notes, the session's notes, failure stories, scenario quotes and the words
of a spoken consent blanked; the evidence tags themselves stay; exports and bundles written anywhere in the data
dir that hold the transcript removed). A session that is recording is never touched.

The audit entries that hold an expired transcript are redacted inside retention's own transaction (the one
deliberate rewrite of the append-only log besides erasure: `interviewer.notes.store.audit_trail`); then each
step appends an entry that says what was done, with counts only and no personal data.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from interviewer.core.config import DataDir
from interviewer.core.errors import UserError
from interviewer.core.files import inside
from interviewer.notes.privacy.disk import (
    data_dir_of,
    is_locked,
    rel,
    remove_empty_parents,
    resolve,
    shred,
    shred_backups,
)
from interviewer.notes.privacy.retention_policy import RetentionPolicy, load_policy
from interviewer.notes.privacy.user_files import file_text, user_files
from interviewer.notes.store import audit_trail
from interviewer.notes.store.audit_trail import MIN_LINK_TEXT, AuditEntry, entries_about, json_or_none
from interviewer.notes.store.database import Store
from interviewer.notes.store.maintenance import merge_search_index, scrub, secure_delete, writer
from interviewer.notes.store.ownership import descendants, live_ids, owned
from interviewer.notes.store.privacy_queries import (
    clear_audio,
    delete_transcript,
    retention_sessions,
    segment_texts,
    session_consents,
    session_texts,
    transcript_held,
)

RETENTION_ACTOR = "retention"

# Keys of audit-log JSON that hold transcript text; retention blanks them for expired sessions.
_TEXT_KEYS = ("quote", "note", "notes", "reason", "text", "words", "spoken_quote")


@dataclass
class RetentionAction:
    """What retention did (or would do) to one session."""

    session_id: str
    candidate: str
    started_at: str
    audio_files: list[str] = field(default_factory=list)
    transcript: bool = False
    segments: int = 0
    evidence: int = 0
    ratings: int = 0
    notes: int = 0
    audit_redacted: int = 0
    exports: list[str] = field(default_factory=list)  # files in the data dir holding the transcript
    errors: list[str] = field(default_factory=list)

    @property
    def audio(self) -> bool:
        return bool(self.audio_files)

    @property
    def what(self) -> list[str]:
        return [w for w, on in (("audio", self.audio), ("transcript", self.transcript)) if on]

    def to_dict(self) -> dict[str, Any]:
        return {"session_id": self.session_id, "candidate": self.candidate, "started_at": self.started_at,
                "what": self.what, "audio_files": list(self.audio_files), "segments": self.segments,
                "evidence": self.evidence, "ratings": self.ratings, "notes": self.notes,
                "audit_redacted": self.audit_redacted, "exports": list(self.exports),
                "errors": list(self.errors)}


@dataclass
class RetentionReport:
    policy: RetentionPolicy
    now: str
    dry_run: bool
    actions: list[RetentionAction] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    scrubbed: bool = True

    @property
    def errors(self) -> list[str]:
        return [e for a in self.actions for e in a.errors]

    def to_dict(self) -> dict[str, Any]:
        return {"policy": self.policy.to_dict(), "now": self.now, "dry_run": self.dry_run,
                "sessions": [a.to_dict() for a in self.actions], "skipped": list(self.skipped),
                "totals": {"sessions": len(self.actions),
                           "audio_files": sum(len(a.audio_files) for a in self.actions),
                           "segments": sum(a.segments for a in self.actions),
                           "evidence": sum(a.evidence for a in self.actions),
                           "ratings": sum(a.ratings for a in self.actions),
                           "notes": sum(a.notes for a in self.actions),
                           "exports": sum(len(a.exports) for a in self.actions)},
                "errors": self.errors, "scrubbed": self.scrubbed}


def _parse_time(value: str) -> datetime:
    t = datetime.fromisoformat(value)
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def _aware(now: datetime) -> datetime:
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def _due(started: datetime, days: int | None, now: datetime) -> bool:
    return days is not None and now >= started + timedelta(days=days)


class _Copies:
    """Files written in the data dir (exports, bundles) that hold a session's transcript: its id, or the text of
    one of its segments, evidence quotes or spoken consent (whitespace and case aside). The files are read once,
    at the first question."""

    def __init__(self, store: Store, dd: DataDir) -> None:
        self._store, self._dd = store, dd
        self._texts: dict[Path, str] | None = None

    def of(self, sid: str) -> list[Path]:
        if self._texts is None:
            self._texts = {}
            for path in user_files(self._dd):
                if path.is_symlink():
                    continue
                with suppress(OSError, UserError):
                    self._texts[path] = " ".join(file_text(path, self._store.vault).split()).casefold()
        needles = {sid.casefold()} | {" ".join(t.split()).casefold() for t in session_texts(self._store, sid)}
        needles = {n for n in needles if len(n) >= MIN_LINK_TEXT}
        return [p for p, text in self._texts.items() if any(n in text for n in needles)]


def apply_retention(store: Store, data_dir: DataDir | Path, *, now: datetime, dry_run: bool,
                    policy: RetentionPolicy | None = None) -> RetentionReport:
    """Delete what the policy says has expired (or, with `dry_run`, only say what that would be).

    Applying (not a dry run) always ends by compacting the database, so the bytes of anything deleted before,
    by this run or an erasure that could not compact, leave the file too."""
    dd = data_dir_of(data_dir)
    policy = policy if policy is not None else load_policy(dd)
    now = _aware(now)
    report = RetentionReport(policy=policy, now=now.astimezone(UTC).isoformat(timespec="seconds"),
                             dry_run=dry_run)
    keep_all = policy.audio_days is None and policy.transcript_days is None
    copies_of = _Copies(store, dd)

    with writer(store):
        rows = [] if keep_all else retention_sessions(store)
        todo: list[tuple[RetentionAction, dict[str, Path]]] = []
        for r in rows:
            try:
                started = _parse_time(r.started_at)
            except (TypeError, ValueError):
                report.skipped.append({"session_id": r.id, "candidate": r.candidate,
                                       "reason": f"unreadable start time {r.started_at!r}"})
                continue
            tracks = {k: p for k, stored in r.audio().items() if (p := resolve(store.root, stored)) is not None}
            audio_due = _due(started, policy.audio_days, now) and bool(tracks)
            transcript_due = _due(started, policy.transcript_days, now)
            counts = transcript_held(store, r.id) if transcript_due else None
            copies = copies_of.of(r.id) if transcript_due else []
            text_due = (counts is not None and counts.held) or bool(copies)
            if not (audio_due or text_due):
                continue
            if r.status == "recording" or is_locked(dd.audio_dir / f"{r.id}.lock"):
                report.skipped.append({"session_id": r.id, "candidate": r.candidate,
                                       "reason": "recording in progress"})
                continue
            action = RetentionAction(session_id=r.id, candidate=r.candidate, started_at=r.started_at)
            if audio_due:
                action.audio_files = [rel(p, dd.root) for p in tracks.values()]
            if text_due and counts is not None:
                action.transcript = True
                action.segments, action.evidence = counts.segments, counts.evidence
                action.ratings, action.notes = counts.ratings, counts.notes
                action.exports = [rel(p, dd.root) for p in copies]
            todo.append((action, tracks if audio_due else {}))
            report.actions.append(action)
        if dry_run:
            return report
        with secure_delete(store):
            entries: list[AuditEntry] = []
            tables: set[str] = set()
            live: set[str] = set()
            if any(a.transcript for a, _ in todo):
                entries = audit_trail.read_entries(store)
                tables = descendants(store, "sessions")
                live = live_ids(store, tables)
            for action, tracks in todo:
                if tracks:
                    _expire_audio(store, dd, action, tracks)
                if action.transcript:
                    _expire_copies(dd, action)
                    rewritten = {e.id: e for e in _expire_transcript(store, action, entries, tables, live)}
                    entries = [rewritten.get(e.id, e) for e in entries]
            if any(a.transcript for a, _ in todo):
                # Merge the FTS index so deleted terms leave it, then rewrite the file: pages freed earlier
                # (FTS merges, undone evidence) may still hold the text if secure_delete was off then.
                merge_search_index(store)
            report.scrubbed = scrub(store)
        if todo:
            shred_backups(dd)
    return report


def _expire_copies(dd: DataDir, action: RetentionAction) -> None:
    """Remove the exports and bundles in the data dir that hold the expired transcript."""
    removed = []
    for name in action.exports:
        path = dd.root / name
        try:
            if path.exists() or path.is_symlink():
                shred(path)
            removed.append(name)
        except OSError as exc:
            action.errors.append(f"{name}: {exc.strerror or exc}")
    action.exports = removed
    remove_empty_parents([dd.root / r for r in removed if inside(dd.root / r, dd.exports_dir)], dd.exports_dir)


def _expire_audio(store: Store, dd: DataDir, action: RetentionAction, tracks: dict[str, Path]) -> None:
    cleared: dict[str, str] = {}
    for key, path in tracks.items():
        if not inside(path, dd.root):
            action.errors.append(f"{path}: outside the data directory, not removed")
            continue
        try:
            if path.exists() or path.is_symlink():
                shred(path)
            cleared[key] = rel(path, dd.root)
        except OSError as exc:
            action.errors.append(f"{rel(path, dd.root)}: {exc.strerror or exc}")
    lock = dd.audio_dir / f"{action.session_id}.lock"
    with suppress(OSError):
        lock.unlink(missing_ok=True)
    action.audio_files = [f for f in action.audio_files if f in cleared.values()]
    if not cleared:
        return
    clear_audio(store, action.session_id, cleared, actor=RETENTION_ACTOR, action="retention.audio")


def _redact(value: Any, *, all_text: bool = False) -> tuple[Any, bool]:
    """A JSON value with transcript text blanked: values under _TEXT_KEYS at any depth (every string with
    `all_text`). Returns (value, whether anything changed)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        changed = False
        for k, v in value.items():
            if k in _TEXT_KEYS and isinstance(v, str | list | dict) and v:
                out[k] = "" if isinstance(v, str) else [] if isinstance(v, list) else {}
                changed = True
            else:
                out[k], c = _redact(v, all_text=all_text)
                changed = changed or c
        return out, changed
    if isinstance(value, list):
        items = [_redact(v, all_text=all_text) for v in value]
        return [v for v, _ in items], any(c for _, c in items)
    if all_text and isinstance(value, str) and value:
        return "", True
    return value, False


def _redacted(e: AuditEntry) -> AuditEntry | None:
    """The entry with transcript text blanked in its `old` and `new`; None when it holds none."""
    olds, changed = [], False
    for raw in (e.old, e.new):
        red, c = _redact(json_or_none(raw), all_text=e.table == "failure_stories")
        changed = changed or c
        olds.append(raw if not c else json.dumps(red, ensure_ascii=False, sort_keys=True))
    return dataclasses.replace(e, old=olds[0], new=olds[1]) if changed else None


def _expire_transcript(store: Store, action: RetentionAction, entries: Sequence[AuditEntry], tables: set[str],
                       live: set[str]) -> list[AuditEntry]:
    """Delete what was said in the session and redact the audit entries that hold it; returns those entries
    as they now are."""
    sid = action.session_id
    with store.atomic():
        rows = owned(store, {"sessions": {sid}}).rows
        # The session's consent records belong to the candidate too (so `owned` leaves them), but their spoken
        # quote is what was said in this session: the entries about them lose it as well.
        consents = session_consents(store, sid)
        texts = segment_texts(store, [sid])
        about = entries_about(
            entries, row_ids=set().union(*rows.values()) | consents, owned_tables=tables,
            texts={t for t in texts if len(t) >= MIN_LINK_TEXT}, live_ids=live,
            named=[e.id for e in entries if sid in f"{e.old} {e.new}"])
        # Copies of the text in the audit log: the entries about this session's rows lose their text.
        updates = [r for e in about if (r := _redacted(e)) is not None]
        audit_trail.rewrite_entries(store, updates)
        action.audit_redacted = len(updates)
        counts = delete_transcript(store, sid)
        action.segments, action.evidence = counts.segments, counts.evidence
        action.ratings, action.notes = counts.ratings, counts.notes
        store.audit(RETENTION_ACTOR, "retention.transcript", "sessions", sid,
                    new={"segments_deleted": counts.segments, "evidence_blanked": counts.evidence,
                         "ratings_deleted": counts.ratings, "notes_blanked": counts.notes,
                         "audit_entries_redacted": len(updates)})
    return updates
