"""The review window's "Ratings" tab: each criterion scored 1–4 against its rubric anchors, blind to the other
evaluators until one has rated."""

from __future__ import annotations

from functools import partial
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from interviewer.ui.review.context import ReviewContext


class RatingPanel(QScrollArea):
    """Score each criterion 1-4 with the rubric anchor for the chosen score in full below it; a score needs
    linked evidence (all of this session's evidence for the criterion is linked) or a written reason. Blind:
    another evaluator's score for a criterion shows once you have rated it. What happened to a row (saved,
    refused and why) is said under that row. Scrolls when the window is short (a 768-pixel laptop screen)."""

    def __init__(self, window: ReviewContext) -> None:
        super().__init__()
        self.review = window
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        outer = QVBoxLayout(body)
        self.rater = QLabel("")
        change = QPushButton("Change who is rating…")
        change.clicked.connect(lambda _checked=False: window.change_rater())
        who = QHBoxLayout()
        who.addWidget(self.rater, 1)
        who.addWidget(change)
        outer.addLayout(who)
        self.scores: dict[str, QComboBox] = {}
        self.anchors: dict[str, QLabel] = {}
        self.reasons: dict[str, QLineEdit] = {}
        self.others: dict[str, QLabel] = {}
        self.row_status: dict[str, QLabel] = {}
        self.rows: dict[str, QWidget] = {}
        for c in window.kit.criteria:
            combo = QComboBox()
            combo.addItem("—", None)
            for s in (1, 2, 3, 4):
                combo.addItem(str(s), s)
                combo.setItemData(s, c.anchors.get(s, ""), Qt.ItemDataRole.ToolTipRole)
            combo.setAccessibleName(f"Score for {c.name}")
            anchor = QLabel("")
            anchor.setWordWrap(True)
            anchor.setStyleSheet("color: #525252;")
            reason = QLineEdit()
            reason.setPlaceholderText("reason (needed when no evidence is linked)")
            reason.setAccessibleName(f"Reason for {c.name}")
            reason.returnPressed.connect(partial(self.save, c.key))
            others = QLabel("")
            others.setWordWrap(True)
            others.setStyleSheet("color: #6f6f6f;")
            status = QLabel("")
            status.setWordWrap(True)
            status.hide()  # shown with what happened to this row
            save = QPushButton("Save")
            save.setAccessibleName(f"Save the score for {c.name}")
            save.clicked.connect(partial(self.save, c.key))
            combo.currentIndexChanged.connect(partial(self._show_anchor, c.key))
            name = QLabel(f"<b>{escape(c.name)}</b>")
            name.setBuddy(combo)
            row_w = QWidget()
            grid = QGridLayout(row_w)
            grid.setContentsMargins(0, 4, 0, 4)
            grid.setVerticalSpacing(2)
            grid.addWidget(name, 0, 0, 1, 3)
            grid.addWidget(combo, 1, 0)
            grid.addWidget(reason, 1, 1)
            grid.addWidget(save, 1, 2)
            grid.addWidget(anchor, 2, 0, 1, 3)
            grid.addWidget(status, 3, 0, 1, 3)
            grid.addWidget(others, 4, 0, 1, 3)
            grid.setColumnStretch(1, 1)
            outer.addWidget(row_w)
            self.scores[c.key], self.anchors[c.key], self.reasons[c.key], self.others[c.key] = \
                combo, anchor, reason, others
            self.row_status[c.key], self.rows[c.key] = status, row_w
        self.message = QLabel("")  # the last row's outcome, also said under that row
        self.message.setWordWrap(True)
        self.message.hide()
        outer.addWidget(self.message)
        outer.addStretch(1)
        self.setWidget(body)
        self.refresh()

    def ensure_visible(self, key: str) -> None:
        self.ensureWidgetVisible(self.rows[key], 0, 8)

    def _show_anchor(self, key: str, _index: int = 0) -> None:
        score = self.scores[key].currentData()
        text = self.review.kit.criterion(key).anchors.get(score, "") if score else ""
        self.anchors[key].setText(text)
        self.anchors[key].setVisible(bool(text))

    def refresh(self) -> None:
        w = self.review
        self.rater.setText(f"Rating as: <b>{escape(w.evaluator)}</b>" if w.evaluator else
                           "Rating as: nobody yet (you will be asked for your name)")
        mine = {r.criterion: r for r in w.store.ratings(w.session_id) if r.evaluator == w.evaluator}
        visible = w.store.visible_ratings(w.session_id, w.evaluator)
        for key, combo in self.scores.items():
            r = mine.get(key)
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(r.score) if r else 0)
            combo.blockSignals(False)
            self.reasons[key].setText(r.reason if r else "")
            self._show_anchor(key)
            others = [f"{o.evaluator} {o.score}" for o in visible
                      if o.criterion == key and o.evaluator != w.evaluator]
            self.others[key].setText(("Panel: " + ", ".join(others)) if others else
                                     ("" if r else "Others' scores show once you have rated (blind)."))
            self.others[key].setVisible(bool(self.others[key].text()))

    def _say(self, key: str, text: str, colour: str) -> None:
        for label in (self.row_status[key], self.message):
            label.setText(text)
            label.setStyleSheet(f"color: {colour};")
        self.row_status[key].show()
        self.ensure_visible(key)

    def save(self, key: str, _checked: bool = False) -> None:
        from interviewer.core.errors import UserError

        w = self.review
        name = w.kit.criterion(key).name
        score = self.scores[key].currentData()
        if score is None:
            self._say(key, f"Choose a score (1–4) for {name} first.", "#da1e28")
            return
        if not w.ensure_rater():
            return
        linked = [e.id for e in w.store.evidence(w.session_id) if e.criterion == key]
        if not linked and not self.reasons[key].text().strip():
            self._say(key, f"Not saved: {name} has no tagged evidence in this session, so write a reason in "
                           "the box beside the score (or tag a moment for it first).", "#da1e28")
            self.reasons[key].setFocus()
            return
        try:
            w.store.rate(session_id=w.session_id, criterion=key, evaluator=w.evaluator, score=int(score),
                         evidence_ids=linked, reason=self.reasons[key].text())
        except UserError as exc:
            self._say(key, f"Not saved: {exc}", "#da1e28")
            return
        self.refresh()
        backing = (f"{len(linked)} evidence item{'s' if len(linked) != 1 else ''}" if linked else "your reason")
        self._say(key, f"Saved: {name} {score}, backed by {backing}.", "#198038")

