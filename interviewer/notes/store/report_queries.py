"""The reads the PDF reports need beyond the store's own methods (`interviewer.notes.reports`)."""

from __future__ import annotations

from interviewer.core.errors import UserError
from interviewer.notes.store.database import Store
from interviewer.notes.store.records import EvidenceRecord


def evidence_record(store: Store, evidence_id: str) -> EvidenceRecord | None:
    """The evidence item with this id, from any session; None when there is none (deleted since)."""
    try:
        return store.evidence_item(evidence_id)
    except UserError:
        return None


def candidate_session_ids(store: Store, candidate_id: str) -> list[str]:
    """The ids of a candidate's sessions, the first started first."""
    with store._lock:
        rows = list(store.t("sessions").rows_where("candidate_id = ?", [candidate_id], order_by="started_at",
                                                   select="id"))
    return [str(r["id"]) for r in rows]
