"""What the review window's tabs (ratings, judgment calls) and undo commands need of the window: a Protocol,
so they do not import the window that holds them."""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QStatusBar, QTextEdit

from interviewer.core.transcript import Segment
from interviewer.notes.prompts.kits import Kit
from interviewer.ui.review.transcript import WordSpan


class ReviewContext(Protocol):
    store: Any
    kit: Kit
    session_id: str
    evaluator: str
    undo: QUndoStack
    text: QTextEdit  # the transcript
    segments: list[Segment]
    words: list[WordSpan]

    def statusBar(self) -> QStatusBar: ...  # noqa: N802 - Qt's name

    def play_from(self, seconds: float) -> None: ...

    def reload_transcript(self) -> None: ...

    def reload_evidence(self, select: str | None = None) -> None: ...

    def ensure_rater(self) -> bool:
        """True once someone is named as rating (asked once when the session has nobody)."""
        ...

    def change_rater(self) -> bool: ...

