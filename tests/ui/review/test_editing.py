"""Who said what in the review window (issue 17, item 5): a line told apart by voice can be given to the other
speaker (F3), the quote of the evidence that covers it follows, and undo restores both; an uncertain line shows
its speaker with a question mark."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.store.database import Store
from interviewer.ui.review.window import ReviewWindow
from tests.builders import synthetic_session


@pytest.fixture
def window(qtbot, data_dir, tmp_path):
    store = Store(data_dir.db_path)
    sid = synthetic_session(store, segments=6, evidence=0, audio_dir=data_dir.audio_dir)
    rows = store.segment_rows(sid)
    for i, r in enumerate(rows):  # told apart by voice: line 4 unsurely
        store.set_segment_speaker(r["id"], r["speaker"], 0.3 if i == 4 else 0.9)
    # evidence over a question (line 2, interviewer) and its answer (line 3, candidate)
    eid = store.add_evidence(session_id=sid, start=rows[2]["start"], end=rows[3]["end"], criterion="judgment",
                             evaluator="Ada")
    win = ReviewWindow(store=store, session_id=sid, kit=load_kit(), evaluator="Ada",
                       settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win, store, sid, eid, rows
    win.close()
    store.close()


def quote(store: Store, sid: str, eid: str) -> str:
    return next(e.quote for e in store.evidence(sid) if e.id == eid)


def test_reassigning_a_line_changes_the_quote_and_undo_restores_it(qtbot, window):
    win, store, sid, eid, rows = window
    assert quote(store, sid, eid) == rows[3]["text"]  # the candidate's words only; the question is context
    win.reassign_line(2)  # the question was the candidate's after all
    assert win.segments[2].speaker == "candidate"
    assert quote(store, sid, eid) == f"{rows[2]['text']} {rows[3]['text']}"
    win.undo.undo()
    assert win.segments[2].speaker == "interviewer"
    assert quote(store, sid, eid) == rows[3]["text"]
    win.undo.redo()
    assert quote(store, sid, eid) == f"{rows[2]['text']} {rows[3]['text']}"


def test_f3_gives_the_line_under_the_cursor_to_the_other_speaker(qtbot, window):
    win, store, sid, _, _ = window
    cursor = win.text.textCursor()
    cursor.setPosition(win.line_starts[3] + 2)
    win.text.setTextCursor(cursor)
    win.text.setFocus()
    qtbot.keyClick(win.text, Qt.Key.Key_F3)
    assert store.segment_rows(sid)[3]["speaker"] == "interviewer"
    assert "interviewer?: " in win.text.toPlainText()  # line 4 is uncertain


def test_the_evidence_panel_shows_the_question_apart_and_f3_and_undo_move_both(qtbot, window):
    from interviewer.ui.quotes import CONTEXT_ROLE

    win, store, sid, eid, rows = window

    def shown() -> tuple[str, str]:
        item = win.evidence.item(0)
        return item.text().split("\n", 1)[1], item.data(CONTEXT_ROLE)

    assert shown() == (rows[3]["text"], rows[2]["text"])  # the candidate's words; the question apart
    assert rows[2]["text"] in win.evidence.item(0).toolTip()
    win.reassign_line(2)  # the question was the candidate's: all of it is quoted, nothing is context
    assert shown() == (f"{rows[2]['text']} {rows[3]['text']}", "")
    win.undo.undo()
    assert shown() == (rows[3]["text"], rows[2]["text"])
    assert quote(store, sid, eid) == rows[3]["text"]


def test_speaker_names_are_drawn_in_their_colours(qtbot, window):
    from interviewer.core.palette import CANDIDATE_COLOUR, INTERVIEWER_COLOUR

    win = window[0]
    colours = {}
    block = win.text.document().begin()
    while block.isValid():
        for fragment in (it.fragment() for it in block):
            name = fragment.text().rstrip("?: ")
            if name in ("interviewer", "candidate"):
                colours[name] = fragment.charFormat().foreground().color().name()
        block = block.next()
    assert colours == {"interviewer": INTERVIEWER_COLOUR, "candidate": CANDIDATE_COLOUR}
