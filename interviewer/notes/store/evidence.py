"""Evidence: a tagged time range of a session, its quote (the words said in it), criterion, claim and note.

A quote is the words inside the evidence's range (`interviewer.core.transcript.words_in_range`); when the
words change, `revisions.Revisions.refresh_quotes` re-reads it.
"""

from __future__ import annotations

from typing import Any

from interviewer.core.errors import UserError
from interviewer.core.transcript import words_in_range
from interviewer.notes.store.records import EvidenceRecord
from interviewer.notes.store.segments import Segments
from interviewer.notes.store.values import check_range, new_id

POLARITIES = ("supports", "concern")


class Evidence(Segments):
    """The `evidence` table."""

    def add_evidence(self, *, session_id: str, start: float, end: float, criterion: str | None,
                     evaluator: str | None, claim_id: str | None = None, probe_id: str | None = None,
                     polarity: str = "supports", note: str = "", quote: str | None = None) -> str:
        if polarity not in POLARITIES:
            raise UserError(f"polarity must be one of: {', '.join(POLARITIES)}")
        start, end = check_range(start, end)
        eid = new_id()
        with self.atomic():
            if quote is None:
                quote = words_in_range(self.segments(session_id), start, end)
            row = {"id": eid, "session_id": session_id, "start": start, "end": end, "quote": quote,
                   "criterion": criterion, "claim_id": claim_id, "probe_id": probe_id, "polarity": polarity,
                   "note": note, "evaluator": evaluator, "created_at": self.now()}
            self.t("evidence").insert(row)
            self.audit(evaluator or "unknown", "evidence.add", "evidence", eid, new=row)
        return eid

    def delete_evidence(self, evidence_id: str, *, actor: str) -> None:
        with self.atomic():
            old = dict(self.t("evidence").get(evidence_id))
            self.t("evidence").delete(evidence_id)
            self.audit(actor, "evidence.delete", "evidence", evidence_id, old=old)

    def evidence(self, session_id: str) -> list[EvidenceRecord]:
        with self.reading() as db:
            rows = list(db.table("evidence").rows_where("session_id = ?", [session_id], order_by="start"))
        return [EvidenceRecord.from_row(r) for r in rows]

    def evidence_item(self, evidence_id: str) -> EvidenceRecord:
        """One evidence row, from any session; UserError when there is none (it was deleted meanwhile)."""
        with self.reading() as db:
            rows = list(db.table("evidence").rows_where("id = ?", [evidence_id], limit=1))
        if not rows:
            raise UserError(f"no evidence {evidence_id!r}")
        return EvidenceRecord.from_row(rows[0])

    def evidence_counts(self) -> dict[tuple[str, str | None], int]:
        """{(session id, criterion): number of evidence items}, over every session."""
        with self.reading() as db:
            rows = db.execute("SELECT session_id, criterion, count(*) FROM evidence "
                              "GROUP BY session_id, criterion").fetchall()
        return {(str(sid), crit): int(n) for sid, crit, n in rows}

    def update_evidence(self, evidence_id: str, *, actor: str, **fields: Any) -> None:
        allowed = {"start", "end", "quote", "criterion", "claim_id", "probe_id", "polarity", "note"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"cannot update evidence fields {sorted(unknown)}")
        if "polarity" in fields and fields["polarity"] not in POLARITIES:
            raise UserError(f"polarity must be one of: {', '.join(POLARITIES)}")
        with self.atomic():
            old = dict(self.t("evidence").get(evidence_id))
            if "start" in fields or "end" in fields:
                fields["start"], fields["end"] = check_range(fields.get("start", old["start"]),
                                                             fields.get("end", old["end"]))
            self.t("evidence").update(evidence_id, fields)
            self.audit(actor, "evidence.update", "evidence", evidence_id,
                       old={k: old[k] for k in fields}, new=fields)

    def restore_evidence(self, row: dict[str, Any], *, actor: str) -> None:
        """Put back an evidence row exactly as it was (undo of a delete)."""
        with self.atomic():
            self.t("evidence").insert(dict(row))
            self.audit(actor, "evidence.restore", "evidence", row["id"], new=row)

    def link_evidence_to_scenario(self, evidence_id: str, scenario_use_id: str) -> None:
        """The evidence was tagged while this scenario card was open."""
        with self.atomic():
            self.t("evidence").update(evidence_id, {"scenario_use_id": scenario_use_id})
