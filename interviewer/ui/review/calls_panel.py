"""The review window's "Judgment calls" tab: the session's calls (probes and scenario cards asked, each with
the candidate's answer span; the selected one's answer in the candidate's words, the question apart), "Mark the
selection as the answer to…" (Ctrl+J), the span edited, and each call scored 1-4 against its anchors, blind to
other evaluators until you have scored it."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from interviewer.core.palette import CONTEXT_COLOUR
from interviewer.core.transcript import mmss
from interviewer.notes.store.records import CallRecord
from interviewer.ui.review.context import ReviewContext


class AddCall(QUndoCommand):
    """A call already made (so a refusal is shown before anything is pushed); undo deletes it, redo puts it back."""

    def __init__(self, panel: CallsPanel, call_id: str) -> None:
        super().__init__("Mark an answer")
        self.panel = panel
        self.row = panel.review.store.call(call_id)
        self.first = True

    def redo(self) -> None:
        if not self.first:
            self.panel.review.store.restore_call(self.row.to_dict(), actor=self.panel.review.evaluator)
        self.first = False
        self.panel.reload(select=self.row.id)

    def undo(self) -> None:
        self.panel.review.store.delete_call(self.row.id, actor=self.panel.review.evaluator)
        self.panel.reload()


class CallsPanel(QWidget):
    def __init__(self, window: ReviewContext) -> None:
        super().__init__()
        self.review = window
        self.rows: list[CallRecord] = []
        lay = QVBoxLayout(self)
        hint = QLabel("Select the candidate's answer in the transcript, then “Mark as answer to…” (Ctrl+J). "
                      "Click a call to hear it.")
        hint.setWordWrap(True)
        lay.addWidget(hint)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.currentRowChanged.connect(lambda _r: self._show())
        self.list.itemClicked.connect(self._play)
        lay.addWidget(self.list, 1)
        self.answer = QLabel("")  # the candidate's words in the span, the question muted above them
        self.answer.setTextFormat(Qt.TextFormat.RichText)
        self.answer.setWordWrap(True)
        lay.addWidget(self.answer)
        self.mark_btn = QPushButton("Mark as answer to…")
        self.mark_btn.clicked.connect(lambda *_: self.mark_selection())
        lay.addWidget(self.mark_btn)
        self.start = QDoubleSpinBox()
        self.end = QDoubleSpinBox()
        for box in (self.start, self.end):
            box.setRange(0.0, 1e6)
            box.setDecimals(1)
            box.setSuffix(" s")
            box.editingFinished.connect(self._span_changed)
        self.score = QComboBox()
        self.score.addItem("—", None)
        for s in (1, 2, 3, 4):
            self.score.addItem(str(s), s)
        self.score.currentIndexChanged.connect(lambda _i: self._show_anchor())
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why (the evidence inside the answer is linked)")
        save = QPushButton("Save score")
        save.clicked.connect(lambda *_: self.save_score())
        self.anchor = QLabel("")
        self.anchor.setWordWrap(True)
        self.anchor.setStyleSheet("color: #525252;")
        self.others = QLabel("")
        self.others.setStyleSheet("color: #6f6f6f;")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        form = QFormLayout()
        span = QHBoxLayout()
        span.addWidget(self.start)
        span.addWidget(QLabel("to"))
        span.addWidget(self.end)
        form.addRow("Answer", span)
        row = QHBoxLayout()
        row.addWidget(self.score)
        row.addWidget(self.reason, 1)
        row.addWidget(save)
        form.addRow("Your score", row)
        form.addRow("", self.anchor)
        form.addRow("", self.others)
        lay.addLayout(form)
        lay.addWidget(self.message)
        act = QAction("Mark the selection as the answer to…", self)
        act.setShortcut(QKeySequence("Ctrl+J"))
        act.triggered.connect(lambda *_: self.mark_selection())
        self.mark_action = act  # the window adds it: Ctrl+J anywhere in the window
        self.reload()

    # ------------------------------------------------------------------ data
    def reload(self, select: str | None = None) -> None:
        w = self.review
        self.rows = w.store.calls(w.session_id)
        self.list.blockSignals(True)
        self.list.clear()
        for c in self.rows:
            start, end = w.store.call_span(c)
            depth = f" · follow-up {c.depth}" if c.kind == "probe" and c.claim_id and c.depth else ""
            item = QListWidgetItem(f"▶ {mmss(start)}–{mmss(end)}  {c.kind} {c.key}{depth}: {c.text[:90]}")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if not self.rows:
            self.list.addItem("No judgment call yet.")
        ids = [c.id for c in self.rows]
        self.list.setCurrentRow(ids.index(select) if select in ids else (0 if ids else -1))
        self._show()

    @property
    def selected(self) -> CallRecord | None:
        r = self.list.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def _show(self) -> None:
        c = self.selected
        w = self.review
        for box in (self.start, self.end, self.score, self.reason):
            box.setEnabled(c is not None)
        if c is None:
            self.others.setText("")
            self.anchor.setText("")
            self.answer.setText("")
            return
        self._show_answer(c)
        start, end = w.store.call_span(c)
        for box, v in ((self.start, start), (self.end, end)):
            box.blockSignals(True)
            box.setValue(v)
            box.blockSignals(False)
        ratings = w.store.call_ratings(c.id)
        mine = next((r for r in ratings if r.evaluator == w.evaluator), None)
        self.score.blockSignals(True)
        self.score.setCurrentIndex(self.score.findData(mine.score) if mine else 0)
        self.score.blockSignals(False)
        self.reason.setText(mine.reason if mine else "")
        self._show_anchor()
        visible = [r for r in w.store.visible_call_ratings(c.id, w.evaluator) if r.evaluator != w.evaluator]
        if mine is None:
            self.others.setText("Others' scores show once you have scored this call (blind).")
        else:
            self.others.setText("Panel: " + (", ".join(f"{r.evaluator} {r.score}" for r in visible)
                                             or "no other score yet"))

    def _show_answer(self, call: CallRecord) -> None:
        from interviewer.notes.ratings.calls import answer_text, question_text

        start, end = self.review.store.call_span(call)
        segments = getattr(self.review, "segments", None)  # not loaded yet while the window is built
        if segments is None:
            segments = self.review.store.segments(self.review.session_id)
        quote, question = answer_text(segments, start, end), question_text(segments, start, end)
        said = f"“{escape(quote)}”" if quote else "(nothing transcribed in the answer)"
        if question:
            said = f'<span style="color:{CONTEXT_COLOUR}"><i>Q: {escape(question)}</i></span><br/>{said}'
        self.answer.setText(said)

    def _show_anchor(self) -> None:
        from interviewer.notes.ratings.calls import anchors_for

        c = self.selected
        score = self.score.currentData()
        self.anchor.setText(anchors_for(self.review.kit, c).get(int(score), "") if c and score else "")

    def _play(self, item: QListWidgetItem) -> None:
        cid = item.data(Qt.ItemDataRole.UserRole)
        c = next((r for r in self.rows if r.id == cid), None)
        if c is not None:
            self.review.play_from(float(c.start))

    # ------------------------------------------------------------------ actions
    def selection_span(self) -> tuple[float, float] | None:
        w = self.review
        cur = w.text.textCursor()
        if not cur.hasSelection():
            return None
        a, b = cur.selectionStart(), cur.selectionEnd()
        inside = [x for x in w.words if x.pos + x.length > a and x.pos < b]
        return (inside[0].start, inside[-1].end) if inside else None

    def mark_selection(self, choice: tuple[str, str] | None = None) -> str | None:
        """The selected stretch is the candidate's answer to a probe or scenario card (asked there, or chosen
        from the kit); returns the new call's id."""
        from interviewer.core.errors import UserError
        from interviewer.notes.ratings.calls import ask, choices

        w = self.review
        span = self.selection_span()
        if span is None:
            w.statusBar().showMessage("Select the candidate's answer in the transcript first.", 4000)
            return None
        if choice is None:
            options = choices(w.kit)
            labels = [label for _k, _key, label in options]
            label, ok = QInputDialog.getItem(self, "Mark as answer to…", "The probe or scenario card it answers",
                                             labels, 0, False)
            if not ok:
                return None
            kind, key, _ = options[labels.index(label)]
            choice = (kind, key)
        end = span[1] if span[1] > span[0] else span[0] + 0.5
        try:
            call_id = ask(w.store, w.session_id, kind=choice[0], key=choice[1], start=span[0], end=end,
                          evaluator=w.evaluator)
        except UserError as exc:
            self.message.setText(str(exc))
            self.message.setStyleSheet("color: #da1e28;")
            return None
        w.undo.push(AddCall(self, call_id))
        self.message.setText(f"Marked {mmss(span[0])}–{mmss(end)} as the answer to {choice[1]}.")
        self.message.setStyleSheet("color: #198038;")
        return call_id

    def _span_changed(self) -> None:
        from interviewer.core.errors import UserError

        c = self.selected
        if c is None:
            return
        start, end = self.start.value(), self.end.value()
        if (start, end) == self.review.store.call_span(c):
            return
        try:
            self.review.store.update_call(c.id, actor=self.review.evaluator, start=start, end=end)
        except UserError as exc:
            self.message.setText(str(exc))
            self.message.setStyleSheet("color: #da1e28;")
            return
        self.reload(select=c.id)

    def save_score(self) -> None:
        from interviewer.core.errors import UserError

        w = self.review
        c = self.selected
        score = self.score.currentData()
        if c is None or score is None:
            return
        start, end = w.store.call_span(c)
        linked = [e.id for e in w.store.evidence(w.session_id)
                  if float(e.start) >= start and float(e.end) <= end]
        try:
            w.store.rate_call(c.id, evaluator=w.evaluator, score=int(score), evidence_ids=linked,
                              reason=self.reason.text())
        except UserError as exc:
            self.message.setText(str(exc))
            self.message.setStyleSheet("color: #da1e28;")
            return
        self.message.setText(f"Saved: {c.key} {score}, with {len(linked)} evidence item(s) inside the answer.")
        self.message.setStyleSheet("color: #198038;")
        self._show()
