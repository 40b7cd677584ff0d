"""The live window's evidence list (issue 17, item 5): a one-key tag over a question and its answer quotes the
candidate's words, and shows the question apart (a muted "Q: …" line and the tooltip), following the voice labels
of the lines as they arrive."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionViewItem

from interviewer.core.transcript import Segment, Word
from interviewer.ui.quotes import CONTEXT_ROLE

QUESTION = "How did you cut the latency?"
ANSWER = "We moved the index into memory."


def line(start: float, text: str, speaker: str, confidence: float | None) -> Segment:
    words = text.split()
    step = 2.0 / len(words)
    return Segment(start, start + 2.0, text, speaker,
                   tuple(Word(start + i * step, start + (i + 1) * step, " " + w, 0.9) for i, w in enumerate(words)),
                   confidence)


def test_a_tag_over_a_question_and_its_answer_quotes_the_candidate_and_shows_the_question_apart(qtbot, scripted):
    win = scripted
    win.script.commit(line(1.0, QUESTION, "interviewer", 0.9))
    win.script.commit(line(4.0, ANSWER, "candidate", 0.9))
    qtbot.waitUntil(lambda: len(win.transcript.lines) == 2)
    win.script.elapsed_s = 8.0
    qtbot.keyClick(win, Qt.Key.Key_2)  # the last 20 s: the question and the answer
    [ev] = win.store.evidence(win.session_id)
    assert ev.quote == ANSWER
    item = win.evidence.item(0)
    assert item.text().endswith(f"“{ANSWER}”")
    assert QUESTION not in item.text()
    assert item.data(CONTEXT_ROLE) == QUESTION
    assert QUESTION in item.toolTip()
    # the delegate makes room for the muted line: the item is taller than it would be without it
    delegate = win.evidence.itemDelegate()
    index = win.evidence.model().index(0, 0)
    opt = QStyleOptionViewItem()
    opt.initFrom(win.evidence)
    opt.rect.setWidth(win.evidence.viewport().width())
    with_context = delegate.sizeHint(opt, index).height()
    item.setData(CONTEXT_ROLE, "")
    assert delegate.sizeHint(opt, index).height() < with_context


def test_one_voice_in_the_range_has_no_context(qtbot, scripted):
    win = scripted
    win.script.commit(line(1.0, QUESTION, "mic", None))  # one track, not told apart by voice
    win.script.commit(line(4.0, ANSWER, "mic", None))
    qtbot.waitUntil(lambda: len(win.transcript.lines) == 2)
    win.script.elapsed_s = 8.0
    qtbot.keyClick(win, Qt.Key.Key_1)
    [ev] = win.store.evidence(win.session_id)
    assert ev.quote == f"{QUESTION} {ANSWER}"
    assert not win.evidence.item(0).data(CONTEXT_ROLE)
    assert not win.evidence.item(0).toolTip()
