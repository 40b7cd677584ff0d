"""The reads the PDF reports need beyond the store's own methods (`interviewer.notes.reports`)."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from interviewer.notes.store.database import Store


@dataclass(frozen=True)
class EvidenceRecord:
    """One evidence row, as a report quotes it."""

    id: str
    session_id: str
    start: float
    end: float
    quote: str
    note: str
    polarity: str
    criterion: str | None
    evaluator: str
    claim_id: str | None


def evidence_record(store: Store, evidence_id: str) -> EvidenceRecord | None:
    """The evidence item with this id, from any session; None when there is none (deleted since)."""
    with suppress(Exception), store._lock:
        row = dict(store.t("evidence").get(evidence_id))
        return EvidenceRecord(
            id=str(row["id"]), session_id=str(row["session_id"]), start=float(row["start"]),
            end=float(row["end"]), quote=str(row.get("quote") or ""), note=str(row.get("note") or ""),
            polarity=str(row["polarity"]), criterion=row.get("criterion"),
            evaluator=str(row.get("evaluator") or ""), claim_id=row.get("claim_id"))
    return None


def candidate_session_ids(store: Store, candidate_id: str) -> list[str]:
    """The ids of a candidate's sessions, the first started first."""
    with store._lock:
        rows = list(store.t("sessions").rows_where("candidate_id = ?", [candidate_id], order_by="started_at",
                                                   select="id"))
    return [str(r["id"]) for r in rows]
