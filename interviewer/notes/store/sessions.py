"""Interview sessions: one recording of one candidate, its status, and the public list of sessions."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from interviewer.core.errors import UserError
from interviewer.core.files import OutsideDataDirError, data_path
from interviewer.notes.store.core import StoreCore
from interviewer.notes.store.records import RowRecord, SessionListing, SessionRecord
from interviewer.notes.store.values import new_id

SESSION_STATUSES = ("recording", "paused", "complete", "recovered", "failed")


class Sessions(StoreCore):
    """The `sessions` table."""

    def create_session(self, *, candidate_id: str, role_id: str | None, kit_id: str | None,
                       evaluator: str | None, status: str = "recording", audio_path: str | None = None,
                       sample_rate: int | None = None, model: str | None = None,
                       origin: str | None = None, session_id: str | None = None) -> str:
        if status not in SESSION_STATUSES:
            raise ValueError(status)
        sid = session_id or new_id()
        now = self.now()
        with self.atomic():
            self.t("sessions").insert({
                "id": sid, "candidate_id": candidate_id, "role_id": role_id, "kit_id": kit_id,
                "evaluator": evaluator, "status": status, "started_at": now, "ended_at": None,
                "duration_s": 0.0, "audio_path": audio_path, "sample_rate": sample_rate, "model": model,
                "origin": origin, "created_at": now,
            })
        return sid

    def update_session(self, session_id: str, **fields: Any) -> None:
        if "status" in fields and fields["status"] not in SESSION_STATUSES:
            raise ValueError(fields["status"])
        with self.atomic():
            self.t("sessions").update(session_id, fields)

    def session(self, session_id: str) -> SessionRecord:
        with self.reading() as db:
            rows = list(db.query(
                "SELECT s.*, c.name AS candidate, r.name AS role FROM sessions s "
                "JOIN candidates c ON c.id = s.candidate_id LEFT JOIN roles r ON r.id = s.role_id "
                "WHERE s.id = ?", [session_id]))
        if not rows:
            raise UserError(f"no session {session_id!r}")
        return SessionRecord.from_row(rows[0])

    def resolve_session(self, ref: str) -> str:
        """A full id, or an unambiguous prefix of one (as shown by `interviewer sessions`)."""
        with self.reading() as db:
            rows = [r[0] for r in db.execute("SELECT id FROM sessions WHERE id LIKE ? || '%' LIMIT 2",
                                             [ref.strip()]).fetchall()]
        if not rows:
            raise UserError(f"no session matches {ref!r} (see `interviewer sessions`)")
        if len(rows) > 1:
            raise UserError(f"session id {ref!r} is ambiguous: give more characters")
        return str(rows[0])

    def audio_file(self, session: RowRecord | Mapping[str, Any], key: str = "audio_path") -> Path | None:
        """The session's recording (track 1, or `key="audio_path2"`), inside the data dir; None when there is
        none, or when the stored path leads outside the data dir (never read: see `interviewer.core.files.data_path`)."""
        try:
            return data_path(self.root, session.get(key), what="recording")
        except OutsideDataDirError:
            return None

    def sessions(self, *, status: str | None = None) -> list[SessionListing]:
        """Every session in the public JSON shape of `interviewer sessions --format json`."""
        sql = (
            "SELECT s.id, c.name AS candidate, r.name AS role, s.status, s.started_at, s.duration_s, "
            "s.audio_path, s.evaluator, "
            "(SELECT count(*) FROM segments g WHERE g.session_id = s.id) AS segments, "
            "(SELECT count(*) FROM evidence e WHERE e.session_id = s.id) AS evidence "
            "FROM sessions s JOIN candidates c ON c.id = s.candidate_id LEFT JOIN roles r ON r.id = s.role_id "
        )
        args: list[Any] = []
        if status:
            sql += "WHERE s.status = ? "
            args.append(status)
        sql += "ORDER BY s.started_at"
        with self.reading() as db:
            rows = list(db.query(sql, args))
        out = []
        for r in rows:
            audio = self.audio_file(r)
            out.append(SessionListing(
                id=r["id"], candidate=r["candidate"], role=r["role"], status=r["status"], started_at=r["started_at"],
                duration_s=round(float(r["duration_s"] or 0), 3), audio_path=str(audio) if audio else None,
                segments=r["segments"], evidence=r["evidence"], evaluator=r["evaluator"]))
        return out

    def sessions_to_catch_up(self) -> list[str]:
        """Live sessions whose polishing was put off and not yet caught up (see interviewer.live.catchup)."""
        with self.reading() as db:
            return [r[0] for r in db.execute(
                "SELECT id FROM sessions WHERE catch_up = 1 AND status IN ('complete', 'recovered') "
                "ORDER BY started_at").fetchall()]

    def _duration(self, session_id: str) -> float:
        with self.reading() as db:
            return float(db.table("sessions").get(session_id)["duration_s"] or 0.0)
