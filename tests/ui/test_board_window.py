"""The calibration board and the calibration exercise, on real stores and real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from interviewer.notes.ratings import calls
from interviewer.notes.store.database import Store
from interviewer.ui.board_window import BoardWindow, CalibrationExercise
from tests.notes.ratings.test_calls import ANSWERS, ROLE, SCENARIO, _session


@pytest.fixture
def store(data_dir):
    s = Store(data_dir.db_path)
    yield s
    s.close()


def _board(store: Store) -> dict[str, str]:
    """Three candidates asked the same card; Ben has scored every answer, Ada none yet."""
    ids = {}
    for name, score in zip(ANSWERS, (3, 1, 4), strict=True):
        sid = _session(store, name)
        ids[name] = calls.ask(store, sid, kind="scenario", key=SCENARIO, start=10.0, end=34.0)
        store.rate_call(ids[name], evaluator="Ben", score=score, reason=f"Ben's reading {score}")
    return ids


def _texts(widget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


def test_board_shows_answers_side_by_side_and_plays_them(qtbot, store):
    ids = _board(store)
    opened = []
    win = BoardWindow(store, ROLE, lambda s, t: opened.append((s, t)))
    qtbot.addWidget(win)
    board = win.board
    assert board.list.count() == 1 and SCENARIO in board.list.item(0).text()
    assert [board.table.horizontalHeaderItem(j).text() for j in range(3)] == list(ANSWERS)
    assert board.table.item(1, 1).text() == ANSWERS["Bo"]
    assert board.table.item(2, 2).text() == "Ben 4"
    board.play(2)
    assert opened == [(store.call(ids["Cy"]).session_id, 10.0)]
    assert board.start_exercise("Ada") is None  # nothing ticked yet
    board.list.item(0).setCheckState(Qt.CheckState.Checked)
    assert set(board.ticked_calls()) == set(ids.values())


def test_the_exercise_hides_other_scores_until_the_evaluator_has_scored(qtbot, store):
    ids = _board(store)
    ex = CalibrationExercise(store, [ids["Ann"], ids["Bo"], ids["Cy"]], "Ada")
    qtbot.addWidget(ex)
    ex.show()
    assert "hidden until you have scored" in ex.others.text()
    assert "Ben" not in _texts(ex)  # neither on the clip nor in the result
    assert ANSWERS["Ann"] in ex.quote.text()
    assert ex.anchor_labels[3].text().startswith("Samples and reads failures")  # the card's own anchors
    ex.group.button(3).setChecked(True)
    ex.save()
    assert "reason" in ex.message.text()  # no evidence in the clip and no reason: refused, still hidden
    assert "Ben" not in _texts(ex)
    ex.reason.setText("sorted the failures by cause")
    ex.save()
    assert "Ben 3" in ex.others.text()
    ex.go(1)
    assert "hidden until you have scored" in ex.others.text() and "Ben 1" not in _texts(ex)
    for i, score in ((1, 3), (2, 4)):
        ex.go(i)
        ex.group.button(score).setChecked(True)
        ex.reason.setText("as I heard it")
        ex.save()
    result = ex.result.text()
    assert f"scenario {SCENARIO}: alpha" in result and "over 3 answers" in result and "too few" in result
    assert "Split on sc-06 (Bo): Ada 3, Ben 1" in result
    assert {r.evaluator for r in store.call_ratings(ids["Cy"])} == {"Ada", "Ben"}


def test_the_exercise_plays_the_clip_and_stops_at_the_end_of_the_answer(qtbot, store, data_dir):
    from PySide6.QtMultimedia import QMediaPlayer

    from tests.builders import synthetic_session

    sid = synthetic_session(store, segments=10, evidence=0, audio_dir=data_dir.audio_dir)
    cid = calls.ask(store, sid, kind="probe", key="jd-04", start=10.0, end=12.0)
    ex = CalibrationExercise(store, [cid], "Ada")
    qtbot.addWidget(ex)
    ex.play()
    qtbot.waitUntil(lambda: ex.player.position_s >= 10.0, timeout=10_000)
    qtbot.waitUntil(lambda: ex.player.player.playbackState() == QMediaPlayer.PlaybackState.PausedState,
                    timeout=15_000)
    assert ex.player.position_s >= 12.0
