"""The live window's "Failure story" tab: the failure-archaeology record, filled while the story is told."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from interviewer.ui.live.context import LiveContext


class FailurePanel(QWidget):
    """The failure-archaeology record, filled while the story is told; missing parts shown (advisory)."""

    def __init__(self, window: LiveContext) -> None:
        from interviewer.notes.panel import FAILURE_FIELDS

        super().__init__()
        self.live = window
        self.fields: dict[str, QLineEdit] = {}
        lay = QVBoxLayout(self)
        intro = QLabel("Dig into one real failure. Each part you fill is saved; Enter in a field also links the "
                       "last evidence you tagged.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow: the field under its label
        for key, label in FAILURE_FIELDS:
            edit = QLineEdit()
            edit.editingFinished.connect(partial(self.save, key))
            self.fields[key] = edit
            name = QLabel(label)
            name.setWordWrap(True)
            name.setBuddy(edit)
            form.addRow(name, edit)
        lay.addLayout(form)
        self.status = QLabel("No failure story yet.")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #b28600;")
        lay.addWidget(self.status)
        lay.addStretch(1)

    def save(self, key: str) -> None:
        from interviewer.notes.panel import failure_stories, save_failure_story

        w = self.live
        text = self.fields[key].text().strip()
        if w.session_id is None or not text:
            return
        ev = [w.last_evidence_id] if w.last_evidence_id else []
        w.failure_story_id = save_failure_story(w.store, w.session_id, {key: text}, evidence_ids=ev,
                                                evaluator=w.evaluator, story_id=w.failure_story_id)
        story = next(s for s in failure_stories(w.store, w.session_id) if s["id"] == w.failure_story_id)
        self.show_status(story)

    def show_status(self, story: dict[str, Any]) -> None:
        if story["complete"]:
            self.status.setText("Every part of the story is there.")
            self.status.setStyleSheet("color: #198038;")
        else:
            head = "Concrete so far; still missing: " if story["concrete"] else "Still missing: "
            self.status.setText(head + "; ".join(story["missing"]))
            self.status.setStyleSheet("color: #b28600;")

