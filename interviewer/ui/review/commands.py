"""The review window's undoable edits: an evidence item's range and fields, a line's words, who said a line."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand

from interviewer.core.transcript import words_in_range
from interviewer.ui.review.context import ReviewContext


class UpdateEvidence(QUndoCommand):
    def __init__(self, window: ReviewContext, evidence_id: str, changes: dict[str, Any]) -> None:
        super().__init__("Edit evidence")
        self.window, self.evidence_id, self.changes = window, evidence_id, changes
        row = window.store.evidence_item(evidence_id)
        self.old = {k: getattr(row, k) for k in changes}

    def _apply(self, values: dict[str, Any]) -> None:
        values = dict(values)
        if "start" in values or "end" in values:
            row = self.window.store.evidence_item(self.evidence_id)
            values["quote"] = words_in_range(self.window.segments, values.get("start", row.start),
                                             values.get("end", row.end))
        self.window.store.update_evidence(self.evidence_id, actor=self.window.evaluator, **values)
        self.window.reload_evidence(select=self.evidence_id)

    def redo(self) -> None:
        self._apply(self.changes)

    def undo(self) -> None:
        self._apply(self.old)


class EditWords(QUndoCommand):
    def __init__(self, window: ReviewContext, segment_id: str, text: str) -> None:
        super().__init__("Correct words")
        self.window, self.segment_id, self.new_text = window, segment_id, text
        self.old: dict[str, Any] = {}

    def redo(self) -> None:
        from interviewer.notes.review.editing import edit_segment_text

        self.old = edit_segment_text(self.window.store, self.segment_id, self.new_text,
                                     actor=self.window.evaluator)
        self.window.reload_transcript()

    def undo(self) -> None:
        from interviewer.notes.review.editing import restore_segment

        restore_segment(self.window.store, self.old, actor=self.window.evaluator)
        self.window.reload_transcript()


class ReassignSpeaker(QUndoCommand):
    """Give one line to the other side of a one-microphone interview; quotes that cover it follow."""

    def __init__(self, window: ReviewContext, segment_id: str, speaker: str) -> None:
        super().__init__(f"Line said by the {speaker}")
        self.window, self.segment_id, self.speaker = window, segment_id, speaker

    def redo(self) -> None:
        from interviewer.notes.review.speakers import reassign

        reassign(self.window.store, self.segment_id, self.speaker, actor=self.window.evaluator)
        self.window.reload_transcript()
        self.window.reload_evidence()

    def undo(self) -> None:
        from interviewer.notes.review.speakers import undo

        undo(self.window.store, self.window.session_id, actor=self.window.evaluator)
        self.window.reload_transcript()
        self.window.reload_evidence()

