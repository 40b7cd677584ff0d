"""Editing in the review window: the selected evidence's form and range (Ctrl+←/→ move it, Ctrl+Shift+←/→
resize it), new evidence from selected words (1–4), a line's words corrected (F2) or given to the other
speaker (F3); each edit undoable."""

from __future__ import annotations

import bisect
from typing import Any

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QComboBox, QInputDialog, QLineEdit, QListWidget, QMainWindow, QTextEdit

from interviewer.core.transcript import CANDIDATE, INTERVIEWER, Segment, mmss, words_in_range
from interviewer.notes.prompts.kits import Kit
from interviewer.notes.store.records import EvidenceRecord
from interviewer.ui.commands import AddEvidence
from interviewer.ui.review.commands import EditWords, ReassignSpeaker, UpdateEvidence
from interviewer.ui.review.transcript import WordSpan


class ReviewEditing(QMainWindow):
    """The review window's edits; `ReviewWindow` builds the widgets and data declared here."""

    store: Any
    kit: Kit
    session_id: str
    evaluator: str
    undo: QUndoStack
    text: QTextEdit
    segments: list[Segment]
    segment_ids: list[str]
    words: list[WordSpan]
    line_starts: list[int]
    rows: list[EvidenceRecord]  # the session's evidence
    evidence: QListWidget
    f_criterion: QComboBox
    f_polarity: QComboBox
    f_claim: QComboBox
    f_note: QLineEdit
    f_probe: QComboBox

    def play_from(self, seconds: float) -> None:
        raise NotImplementedError

    def reload_transcript(self) -> None:
        raise NotImplementedError

    def reload_evidence(self, select: str | None = None) -> None:
        raise NotImplementedError

    def ensure_rater(self) -> bool:
        raise NotImplementedError

    def change_rater(self) -> bool:
        raise NotImplementedError

    @property
    def selected_evidence(self) -> EvidenceRecord | None:
        r = self.evidence.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def _show_evidence_form(self) -> None:
        e = self.selected_evidence
        for w in (self.f_criterion, self.f_polarity, self.f_claim, self.f_note, self.f_probe):
            w.setEnabled(e is not None)
        if e is None:
            return
        self.f_criterion.setCurrentIndex(max(0, self.f_criterion.findData(e.criterion)))
        self.f_polarity.setCurrentText(e.polarity)
        self.f_claim.setCurrentIndex(max(0, self.f_claim.findData(e.claim_id)))
        self.f_note.setText(e.note)
        if e.probe_id and self.f_probe.findData(e.probe_id) < 0:
            self.f_probe.addItem(e.probe_id, e.probe_id)
        self.f_probe.setCurrentIndex(max(0, self.f_probe.findData(e.probe_id)))

    def _form_changed(self, field: str, value: Any) -> None:
        e = self.selected_evidence
        if e is not None and getattr(e, field) != value:
            self.update_evidence(e.id, **{field: value})

    def update_evidence(self, evidence_id: str, **changes: Any) -> None:
        self.undo.push(UpdateEvidence(self, evidence_id, changes))

    def nudge(self, d_start: float, d_end: float) -> None:
        e = self.selected_evidence
        if e is None:
            return
        start = max(0.0, e.start + d_start)
        end = max(start + 0.5, e.end + d_end)
        self.update_evidence(e.id, start=start, end=end)

    def tag_selection(self, index: int, polarity: str) -> None:
        cur = self.text.textCursor()
        if not cur.hasSelection():
            self.statusBar().showMessage("Select the words to tag first.", 4000)
            return
        a, b = cur.selectionStart(), cur.selectionEnd()
        inside = [w for w in self.words if w.pos + w.length > a and w.pos < b]
        if not inside:
            self.statusBar().showMessage("Select some of the words to tag (not only the time).", 4000)
            return
        if not self.ensure_rater():
            return
        start, end = inside[0].start, inside[-1].end
        self.undo.push(AddEvidence(self, {
            "session_id": self.session_id, "start": start, "end": end, "criterion": self.kit.criteria[index].key,
            "evaluator": self.evaluator, "polarity": polarity, "quote": words_in_range(self.segments, start, end)}))

    def line_at_cursor(self) -> int:
        pos = self.text.textCursor().position()
        return max(0, bisect.bisect_right(self.line_starts, pos) - 1)

    def ask_words(self, label: str, text: str) -> str | None:
        """The line's words in a dialog wide enough to read them (None: cancelled)."""
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Correct the words")
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        dialog.resize(min(760, max(480, self.width() - 80)), dialog.sizeHint().height())
        return dialog.textValue() if dialog.exec() else None

    def correct_line(self, text: str | None = None, index: int | None = None) -> None:
        i = self.line_at_cursor() if index is None else index
        if not (0 <= i < len(self.segments)):
            return
        if text is None:
            value = self.ask_words(f"Line at {mmss(self.segments[i].start)}: correct the words (their times are kept)",
                                   self.segments[i].text)
            if not value or not value.strip():
                return
            text = value.strip()
        if not self.ensure_rater():
            return
        self.undo.push(EditWords(self, self.segment_ids[i], text))

    def reassign_line(self, index: int | None = None) -> None:
        """The line under the cursor was said by the other speaker (interviewer <-> candidate), undoable."""
        i = self.line_at_cursor() if index is None else index
        if not (0 <= i < len(self.segments)) or self.segments[i].speaker not in (INTERVIEWER, CANDIDATE):
            return
        if not self.ensure_rater():
            return
        other = CANDIDATE if self.segments[i].speaker == INTERVIEWER else INTERVIEWER
        self.undo.push(ReassignSpeaker(self, self.segment_ids[i], other))
