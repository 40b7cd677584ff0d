"""The review window's judgment calls: marking a selected stretch as the answer to a card, scoring it blind."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor

from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.ratings import calls
from interviewer.notes.store.database import Store
from interviewer.ui.review.window import ReviewWindow
from tests.builders import synthetic_session


@pytest.fixture
def review(qtbot, data_dir, tmp_path):
    store = Store(data_dir.db_path)
    sid = synthetic_session(store, segments=20, evidence=0, audio_dir=data_dir.audio_dir)
    win = ReviewWindow(store=store, session_id=sid, kit=load_kit(), evaluator="Ada",
                       settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    yield win, store, sid
    store.close()


def test_marking_a_selection_as_the_answer_creates_the_call(qtbot, review, monkeypatch):
    win, store, sid = review
    w0, w1 = win.words[30], win.words[75]
    cur = QTextCursor(win.text.document())
    cur.setPosition(w0.pos)
    cur.setPosition(w1.pos + w1.length, QTextCursor.MoveMode.KeepAnchor)
    win.text.setTextCursor(cur)
    asked = []

    def pick(_parent, _title, _label, items, *_args):
        asked.extend(items)
        return next(i for i in items if i.startswith("Scenario sc-07")), True

    monkeypatch.setattr("interviewer.ui.review.calls_panel.QInputDialog.getItem", pick)
    qtbot.keyClick(win, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert any(i.startswith("Probe jd-04") for i in asked)
    [call] = store.calls(sid)
    assert (call.kind, call.key, call.criterion) == ("scenario", "sc-07", "judgment")
    assert (call.start, call.end) == (pytest.approx(w0.start, abs=1e-3), pytest.approx(w1.end, abs=1e-3))
    answer = calls.call_answer(store, call)
    spoken = [s for s in store.segments(sid) if s.end >= w0.start and s.start <= w1.end]
    assert {s.speaker for s in spoken} == {"candidate", "interviewer"}  # the stretch holds both voices
    theirs = " ".join(w.word.strip() for s in spoken if s.speaker == "candidate" for w in s.words
                      if w0.start <= (w.start + w.end) / 2 <= w1.end)
    assert answer["quote"] == theirs  # the candidate's words only
    question = " ".join(w.word.strip() for s in spoken if s.speaker == "interviewer" for w in s.words
                        if w0.start <= (w.start + w.end) / 2 <= w1.end)
    assert answer["context"] == question  # the question's, apart
    assert "sc-07" in win.calls_panel.list.item(0).text()
    shown = win.calls_panel.answer.text()  # the tab shows both, the question muted above the answer
    assert shown.index(f"Q: {question}") < shown.index(f"“{theirs}”")
    win.undo.undo()
    assert store.calls(sid) == []
    win.undo.redo()
    assert [c.id for c in store.calls(sid)] == [call.id]


def test_a_call_is_scored_blind_with_its_cards_anchors(qtbot, review):
    win, store, sid = review
    cid = calls.ask(store, sid, kind="scenario", key="sc-08", start=10.0, end=30.0, evaluator="Ben")
    store.rate_call(cid, evaluator="Ben", score=2, reason="averaged the labels away")
    panel = win.calls_panel
    panel.reload(select=cid)
    assert "blind" in panel.others.text() and "Ben" not in panel.others.text()
    panel.score.setCurrentIndex(panel.score.findData(4))
    assert "product owner" in panel.anchor.text()  # sc-08's own anchor for a 4
    panel.save_score()
    assert "reason" in panel.message.text()  # no evidence inside the answer, no reason: refused
    panel.reason.setText("read the disputed messages first")
    panel.save_score()
    assert {r.evaluator: r.score for r in store.call_ratings(cid)} == {"Ben": 2, "Ada": 4}
    assert "Ben 2" in panel.others.text()
    panel.start.setValue(12.0)
    panel.end.setValue(8.0)
    panel._span_changed()
    assert "end after it starts" in panel.message.text()
    assert store.call(cid).end == 30.0
