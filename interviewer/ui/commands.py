"""Undo commands shared by the live and review windows."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from interviewer.notes.store.records import EvidenceRecord


class AddEvidence(QUndoCommand):
    """Add an evidence item; undo deletes it, redo puts the very same row (same id) back.

    `window` has `store`, `evaluator` and `reload_evidence(select=None)`."""

    def __init__(self, window: Any, fields: dict[str, Any], label: str = "Add evidence") -> None:
        super().__init__(label)
        self.window, self.fields = window, fields
        self.evidence_id: str | None = None
        self.row: EvidenceRecord | None = None

    def redo(self) -> None:
        store = self.window.store
        if self.row is None:
            self.evidence_id = store.add_evidence(**self.fields)
        else:
            store.restore_evidence(self.row.to_dict(), actor=self.window.evaluator)
        self.window.reload_evidence(select=self.evidence_id)

    def undo(self) -> None:
        store = self.window.store
        assert self.evidence_id is not None
        self.row = store.evidence_item(self.evidence_id)
        store.delete_evidence(self.evidence_id, actor=self.window.evaluator)
        self.window.reload_evidence()


class MarkSpokenConsent(QUndoCommand):
    """Tag a range of the recording as the candidate's spoken consent; undo puts back what was there."""

    def __init__(self, window: Any, start: float, end: float) -> None:
        super().__init__("Mark spoken consent")
        self.window, self.start, self.end = window, start, end
        self.consent_id: str | None = None
        self.before: dict[str, Any] = {}
        self.quote = ""

    def redo(self) -> None:
        store = self.window.store
        rows = sorted(store.consents(self.window.session_id), key=lambda c: c["confirmed_at"])
        if rows:
            self.before = {k: rows[-1].get(k) for k in ("spoken_start", "spoken_end", "spoken_quote")}
        row = store.mark_spoken_consent(self.window.session_id, self.start, self.end, actor=self.window.evaluator)
        self.consent_id, self.quote = row["id"], row["spoken_quote"]

    def undo(self) -> None:
        assert self.consent_id is not None
        self.window.store.set_spoken_consent(self.consent_id, self.before, actor=self.window.evaluator)
