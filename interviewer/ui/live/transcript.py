"""The live transcript: committed lines in full colour, the utterance in progress greyed below them; a line the
second pass revises is rewritten in place."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from interviewer.core.palette import speaker_colour
from interviewer.core.transcript import Segment, mmss

TRANSCRIPT_PLACEHOLDERS = {  # what the empty transcript says, by the window's state
    "idle": "The transcript appears here about a second after each pause.\n\n"
            "Press Record (Ctrl+R) to start; F1 lists every shortcut.",
    "starting": "Starting the recording…",
    "recording": "Recording. The first words appear here about a second after the first pause.\n\n"
                 "Keys 1–4 tag the last seconds as evidence; Shift+1–4 as a concern.",
    "paused": "Paused: nothing is recorded. Ctrl+P resumes.",
    "stopping": "Saving the recording…",
    "stopped": "The recording is saved; no words were heard in it.",
}


class TranscriptView(QWidget):
    """Committed lines in full colour, the utterance in progress greyed; follows the newest line until the
    user scrolls up, then offers a button to jump back."""

    following_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setObjectName("transcript")
        self.text.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        font = QFont(self.text.font())
        font.setPointSize(15)
        self.text.setFont(font)
        self.text.document().setDocumentMargin(12)
        self.tentative = QLabel("")
        self.tentative.setWordWrap(True)
        self.tentative.setObjectName("tentative")
        tfont = QFont(font)
        tfont.setItalic(True)
        self.tentative.setFont(tfont)
        self.tentative.setStyleSheet("color: #8d8d8d; padding: 4px 12px;")
        self.jump = QPushButton("↓ Jump to live (End)")
        self.jump.setVisible(False)
        self.jump.clicked.connect(self.follow)
        self.show_state("idle")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.tentative)
        lay.addWidget(self.jump)
        self.following = True
        self._programmatic = False
        self.text.verticalScrollBar().valueChanged.connect(self._scrolled)
        # New lines or a resized view change the range: stay at the bottom while following.
        self.text.verticalScrollBar().rangeChanged.connect(self._range_changed)
        self.lines: list[Segment] = []
        self._ids: dict[str, int] = {}  # segment id -> line (and text block) number
        self._labelled: list[bool] = []  # whether each line shows its speaker
        self._last_speaker = ""


    def show_state(self, state: str) -> None:
        self.text.setPlaceholderText(TRANSCRIPT_PLACEHOLDERS.get(state, ""))

    def _scrolled(self, value: int) -> None:
        if self._programmatic:
            return
        at_bottom = value >= self.text.verticalScrollBar().maximum() - 4
        if at_bottom != self.following:
            self.following = at_bottom
            self.jump.setVisible(not at_bottom)
            self.following_changed.emit(at_bottom)

    def _range_changed(self, _lo: int, _hi: int) -> None:
        if self.following:
            self._to_bottom()

    def follow(self) -> None:
        self.following = True
        self.jump.setVisible(False)
        self._to_bottom()
        self.following_changed.emit(True)

    def _to_bottom(self) -> None:
        self._programmatic = True
        bar = self.text.verticalScrollBar()
        bar.setValue(bar.maximum())
        self._programmatic = False

    def add(self, seg: Segment, seg_id: str | None = None) -> None:
        if seg_id is not None:
            self._ids[seg_id] = len(self.lines)
        self.lines.append(seg)
        cursor = QTextCursor(self.text.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        if not self.text.document().isEmpty():
            cursor.insertBlock()
        # a label when the speaker changes, and on an uncertain line
        labelled = bool(seg.speaker) and (seg.speaker != self._last_speaker or seg.uncertain)
        self._labelled.append(labelled)
        self._last_speaker = seg.speaker
        self._write(cursor, seg, labelled)
        self.tentative.setText("")
        if self.following:
            self._to_bottom()

    def replace(self, seg_id: str, seg: Segment) -> bool:
        """Rewrite a committed line in place (the second pass revised it); False if it is not shown."""
        n = self._ids.get(seg_id)
        if n is None:
            return False
        self.lines[n] = seg
        for k in range(n, min(n + 2, len(self.lines))):  # who spoke may have changed (voice labels)
            line = self.lines[k]
            labelled = bool(line.speaker) and (k == 0 or line.speaker != self.lines[k - 1].speaker
                                               or line.uncertain)
            if k == n or labelled != self._labelled[k]:
                self._labelled[k] = labelled
                self._rewrite(k)
        self._last_speaker = self.lines[-1].speaker
        return True

    def remove(self, seg_id: str) -> Segment | None:
        """Take a committed line away (the session dropped it as the microphone's echo of the call): the line
        removed, or None if it is not shown. The line after it shows its speaker if that now changes there."""
        n = self._ids.pop(seg_id, None)
        if n is None:
            return None
        gone = self.lines.pop(n)
        del self._labelled[n]
        self._ids = {sid: (k - 1 if k > n else k) for sid, k in self._ids.items()}
        block = self.text.document().findBlockByNumber(n)
        cursor = QTextCursor(block)
        if n + 1 < self.text.document().blockCount():  # the line and its line break
            cursor.movePosition(QTextCursor.MoveOperation.NextBlock, QTextCursor.MoveMode.KeepAnchor)
        elif n > 0:  # the last line: the break before it
            cursor.movePosition(QTextCursor.MoveOperation.PreviousBlock)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
            cursor.movePosition(QTextCursor.MoveOperation.NextBlock, QTextCursor.MoveMode.KeepAnchor)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        else:
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        if n < len(self.lines):
            line = self.lines[n]
            labelled = bool(line.speaker) and (n == 0 or line.speaker != self.lines[n - 1].speaker or line.uncertain)
            if labelled != self._labelled[n]:
                self._labelled[n] = labelled
                self._rewrite(n)
        self._last_speaker = self.lines[-1].speaker if self.lines else ""
        return gone

    def _rewrite(self, n: int) -> None:
        block = self.text.document().findBlockByNumber(n)
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        self._write(cursor, self.lines[n], self._labelled[n])

    def _write(self, cursor: QTextCursor, seg: Segment, labelled: bool) -> None:
        head = QTextCharFormat()
        head.setForeground(QColor("#6f6f6f"))
        who = QTextCharFormat()
        who.setFontWeight(QFont.Weight.Bold)
        who.setForeground(QColor(speaker_colour(seg.speaker)))
        body = QTextCharFormat()
        body.setForeground(QColor("#161616"))
        cursor.insertText(f"{mmss(seg.start)}  ", head)
        if labelled:  # "?": told apart by voice, but unsurely
            cursor.insertText(f"{seg.speaker}{'?' if seg.uncertain else ''}: ", who)
        cursor.insertText(seg.text, body)

    def set_tentative(self, speaker: str, text: str) -> None:
        self.tentative.setText(f"{speaker}: {text} …" if speaker else f"{text} …")

