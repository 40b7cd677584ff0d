"""Undo commands shared by the live and review windows."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand


class AddEvidence(QUndoCommand):
    """Add an evidence item; undo deletes it, redo puts the very same row (same id) back.

    `window` has `store`, `evaluator` and `reload_evidence(select=None)`."""

    def __init__(self, window: Any, fields: dict[str, Any], label: str = "Add evidence") -> None:
        super().__init__(label)
        self.window, self.fields = window, fields
        self.evidence_id: str | None = None
        self.row: dict[str, Any] | None = None

    def redo(self) -> None:
        store = self.window.store
        if self.row is None:
            self.evidence_id = store.add_evidence(**self.fields)
        else:
            store.restore_evidence(self.row, actor=self.window.evaluator)
        self.window.reload_evidence(select=self.evidence_id)

    def undo(self) -> None:
        store = self.window.store
        assert self.evidence_id is not None
        self.row = dict(store.t("evidence").get(self.evidence_id))
        store.delete_evidence(self.evidence_id, actor=self.window.evaluator)
        self.window.reload_evidence()
