"""Consent: the notice the candidate agreed to, how and when, and the moment on the recording where they
said so out loud."""

from __future__ import annotations

from typing import Any

from interviewer.core.errors import UserError
from interviewer.core.transcript import words_in_range
from interviewer.notes.store.segments import Segments
from interviewer.notes.store.values import check_time, new_id

CONSENT_METHODS = ("verbal", "written")
DEFAULT_NOTICE_VERSION = "2026-11"
DEFAULT_NOTICE = (
    "This interview is recorded and transcribed on this computer, without any cloud service, so that "
    "the interviewers can review what was said. The recording, transcript and notes are used only to "
    "assess this application, are kept no longer than the hiring team's retention policy, and can be "
    "erased on request."
)


class Consent(Segments):
    """The `consents` table."""

    def record_consent(self, *, candidate_id: str, session_id: str | None, method: str, confirmed_by: str,
                       notice_text: str = DEFAULT_NOTICE, notice_version: str = DEFAULT_NOTICE_VERSION) -> str:
        if method not in CONSENT_METHODS:
            raise UserError(f"consent method must be one of: {', '.join(CONSENT_METHODS)}")
        cid = new_id()
        with self.atomic():
            row = {"id": cid, "session_id": session_id, "candidate_id": candidate_id,
                   "notice_version": notice_version, "notice_text": notice_text, "method": method,
                   "confirmed_by": confirmed_by, "confirmed_at": self.now()}
            self.t("consents").insert(row)
            self.audit(confirmed_by, "consent.record", "consents", cid, new=row)
        return cid

    def mark_spoken_consent(self, session_id: str, start: float, end: float, *, actor: str) -> dict[str, Any]:
        """Tag the moment on the recording where the candidate consented out loud: stored on the session's
        consent record with the words said then (from the committed transcript)."""
        start, end = check_time(start, "the start"), check_time(end, "the end")
        if end <= start:
            raise UserError(f"the consent moment needs 0 <= start < end (got {start:g}..{end:g})")
        with self.atomic():
            rows = sorted(self.consents(session_id), key=lambda c: c["confirmed_at"])
            if not rows:
                raise UserError("this session has no consent record to attach the spoken consent to")
            row = rows[-1]
            quote = words_in_range(self.segments(session_id), start, end)
            new = {"spoken_start": round(start, 3), "spoken_end": round(end, 3), "spoken_quote": quote}
            self.t("consents").update(row["id"], new)
            self.audit(actor, "consent.spoken", "consents", row["id"],
                       old={k: row.get(k) for k in new}, new=new)
        return {**row, **new}

    def set_spoken_consent(self, consent_id: str, values: dict[str, Any], *, actor: str) -> None:
        """Put back a consent record's spoken moment (undo of `mark_spoken_consent`)."""
        keys = ("spoken_start", "spoken_end", "spoken_quote")
        with self.atomic():
            row = dict(self.t("consents").get(consent_id))
            new = {k: values.get(k) for k in keys}
            self.t("consents").update(consent_id, new)
            self.audit(actor, "consent.spoken", "consents", consent_id, old={k: row.get(k) for k in keys}, new=new)

    def consents(self, session_id: str) -> list[dict[str, Any]]:
        with self.reading() as db:
            return list(db.table("consents").rows_where("session_id = ?", [session_id]))
