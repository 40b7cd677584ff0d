"""The reads and writes retention, erasure and subject access make (`interviewer.notes.privacy`).

What a session holds of what was said (`transcript_held`, `delete_transcript`): segments and ratings (deleted),
evidence quotes and notes, the session's notes, failure stories, scenario quotes and the words of a spoken consent
(blanked). Tables and columns a schema lacks are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from interviewer.notes.store.database import Store
from interviewer.notes.store.maintenance import writer
from interviewer.notes.store.ownership import chunks, columns, marks, tables

AUDIO_KEYS = ("audio_path", "audio_path2")


@dataclass(frozen=True)
class RetentionSession:
    """A session as retention weighs it: who, its state, when it started, its stored audio paths."""

    id: str
    candidate: str
    status: str
    started_at: str
    audio_path: str | None
    audio_path2: str | None

    def audio(self) -> dict[str, str | None]:
        """Stored audio path by column (`audio_path`, `audio_path2`)."""
        return {"audio_path": self.audio_path, "audio_path2": self.audio_path2}


@dataclass(frozen=True)
class TranscriptCounts:
    """Rows of what was said: segments, evidence quotes or notes, ratings, notes (session, story, quotes)."""

    segments: int
    evidence: int
    ratings: int
    notes: int

    @property
    def held(self) -> bool:
        return any((self.segments, self.evidence, self.ratings, self.notes))


def retention_sessions(store: Store) -> list[RetentionSession]:
    """Every session, oldest first, with its candidate's name."""
    with writer(store):
        return [RetentionSession(r["id"], r["candidate"], r["status"], r["started_at"], r["audio_path"],
                                 r["audio_path2"]) for r in store.db.query(
            "SELECT s.id, c.name AS candidate, s.status, s.started_at, s.audio_path, s.audio_path2 "
            "FROM sessions s JOIN candidates c ON c.id = s.candidate_id ORDER BY s.started_at, s.id")]


def _transcript(store: Store, sid: str, *, delete: bool) -> TranscriptCounts:
    db = store.db
    names = set(tables(store))

    def run(count_sql: str, change_sql: str, args: list[str]) -> int:
        if delete:
            return int(db.execute(change_sql, args).rowcount)
        return int(db.execute(count_sql, args).fetchone()[0])

    segments = run("SELECT count(*) FROM segments WHERE session_id = ?",
                   "DELETE FROM segments WHERE session_id = ?", [sid])
    evidence = run("SELECT count(*) FROM evidence WHERE session_id = ? AND (quote != '' OR note != '')",
                   "UPDATE evidence SET quote = '', note = '' WHERE session_id = ? "
                   "AND (quote != '' OR note != '')", [sid])
    ratings = run("SELECT count(*) FROM ratings WHERE session_id = ?",
                  "DELETE FROM ratings WHERE session_id = ?", [sid])
    if {"call_ratings", "judgment_calls"} <= names:  # scores of judgment calls carry written reasons too
        where = "call_id IN (SELECT id FROM judgment_calls WHERE session_id = ?)"
        ratings += run(f"SELECT count(*) FROM call_ratings WHERE {where}",
                       f"DELETE FROM call_ratings WHERE {where}", [sid])
    notes = 0
    if "notes" in columns(store, "sessions"):
        notes += run("SELECT count(*) FROM sessions WHERE id = ? AND notes != ''",
                     "UPDATE sessions SET notes = '' WHERE id = ? AND notes != ''", [sid])
    if "failure_stories" in names:
        notes += run("SELECT count(*) FROM failure_stories WHERE session_id = ? AND fields NOT IN ('{}', '')",
                     "UPDATE failure_stories SET fields = '{}' WHERE session_id = ? AND fields NOT IN ('{}', '')",
                     [sid])
    if "spoken_quote" in columns(store, "consents"):  # the words of a spoken consent are what was said
        notes += run("SELECT count(*) FROM consents WHERE session_id = ? AND coalesce(spoken_quote, '') != ''",
                     "UPDATE consents SET spoken_quote = '' WHERE session_id = ? "
                     "AND coalesce(spoken_quote, '') != ''", [sid])
    if {"constraint_ticks", "scenario_uses"} <= names:
        where = "quote != '' AND scenario_use_id IN (SELECT id FROM scenario_uses WHERE session_id = ?)"
        notes += run(f"SELECT count(*) FROM constraint_ticks WHERE {where}",
                     f"UPDATE constraint_ticks SET quote = '' WHERE {where}", [sid])
    return TranscriptCounts(segments, evidence, ratings, notes)


def transcript_held(store: Store, sid: str) -> TranscriptCounts:
    """How much of what was said the session holds (see the module docstring)."""
    with writer(store):
        return _transcript(store, sid, delete=False)


def delete_transcript(store: Store, sid: str) -> TranscriptCounts:
    """Inside an open transaction: delete or blank what was said in the session; counts what was removed."""
    if not store.db.conn.in_transaction:
        raise RuntimeError("a transcript can only be deleted inside a transaction")
    return _transcript(store, sid, delete=True)


def session_texts(store: Store, sid: str) -> list[str]:
    """The texts of a session's segments, evidence quotes and spoken consent (empty ones left out)."""
    with writer(store):
        return [str(t) for (t,) in store.db.execute(
            "SELECT text FROM segments WHERE session_id = ? UNION SELECT quote FROM evidence WHERE session_id = ? "
            "UNION SELECT spoken_quote FROM consents WHERE session_id = ?", [sid, sid, sid]) if t]


def segment_texts(store: Store, sids: Sequence[str]) -> set[str]:
    """The texts of these sessions' segments, stripped."""
    out: set[str] = set()
    with writer(store):
        for part in chunks(sids):
            out.update(str(t).strip() for (t,) in store.db.execute(
                f"SELECT text FROM segments WHERE session_id IN ({marks(part)})", list(part)))
    return out


def session_consents(store: Store, sid: str) -> set[str]:
    """The ids of the consent records made in a session."""
    with writer(store):
        return {str(c) for (c,) in store.db.execute("SELECT id FROM consents WHERE session_id = ?", [sid])}


def audio_paths(store: Store, sids: Sequence[str]) -> list[str | None]:
    """The stored audio paths of these sessions (both tracks of each; None where a track has none)."""
    out: list[str | None] = []
    with writer(store):
        for part in chunks(sids):
            for s in store.t("sessions").rows_where(f"id IN ({marks(part)})", list(part)):
                out.extend(s.get(key) for key in AUDIO_KEYS)
    return out


def clear_audio(store: Store, sid: str, cleared: dict[str, str], *, actor: str, action: str) -> None:
    """Forget the audio paths in `cleared` (column -> the file removed) of a session, and say so in the audit
    log."""
    with store.atomic():
        store.t("sessions").update(sid, dict.fromkeys(cleared))
        store.audit(actor, action, "sessions", sid, old=dict(cleared), new=dict.fromkeys(cleared))


def candidate_sessions(store: Store, cid: str) -> list[str]:
    """The ids of a candidate's sessions, oldest first."""
    with writer(store):
        return [str(r[0]) for r in store.db.execute(
            "SELECT id FROM sessions WHERE candidate_id = ? ORDER BY started_at, id", [cid])]


def candidate_consents(store: Store, cid: str) -> list[dict[str, Any]]:
    """A candidate's consent records as the table holds them, in the order they were confirmed."""
    with writer(store):
        return list(store.t("consents").rows_where("candidate_id = ?", [cid], order_by="confirmed_at"))
