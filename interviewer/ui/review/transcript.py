"""The review window's transcript as a document: one line per segment (time, speaker in their colour when it
changes, words), and where each word is, so a click or the playhead finds its moment."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor, QTextDocument

from interviewer.core.palette import speaker_colour
from interviewer.core.transcript import Segment, glued, mmss


@dataclass
class WordSpan:
    """Where one word of the transcript is: its time and its place in the document."""

    start: float
    end: float
    pos: int      # character offset in the document
    length: int


def write_transcript(document: QTextDocument, segments: list[Segment]) -> tuple[list[WordSpan], list[int]]:
    """Write `segments` into the (empty) `document`; the words' places and each line's first position."""
    words: list[WordSpan] = []
    line_starts: list[int] = []
    cursor = QTextCursor(document)
    head = QTextCharFormat()
    head.setForeground(QColor("#6f6f6f"))
    who = QTextCharFormat()
    who.setFontWeight(QFont.Weight.Bold)
    body = QTextCharFormat()
    last = None
    for i, seg in enumerate(segments):
        if i:
            cursor.insertBlock()
        line_starts.append(cursor.position())
        cursor.insertText(f"{mmss(seg.start)}  ", head)
        if seg.speaker and (seg.speaker != last or seg.uncertain):
            who.setForeground(QColor(speaker_colour(seg.speaker)))
            cursor.insertText(f"{seg.speaker}{'?' if seg.uncertain else ''}: ", who)  # ?: told apart unsurely
        last = seg.speaker
        if seg.words:
            # One insert per line; word positions follow by arithmetic (fast for 90-minute sessions).
            at = cursor.position()
            line = ""
            for w in seg.words:
                token = w.word.strip()
                if token:
                    if line and not glued(w.word):
                        line += " "
                    words.append(WordSpan(w.start, w.end, at + len(line), len(token)))
                    line += token
            cursor.insertText(line, body)
        else:
            cursor.insertText(seg.text, body)
    return words, line_starts
