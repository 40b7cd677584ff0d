"""The main window over a real store: empty state, the session list, remembered geometry."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from interviewer.notes.store.database import Store
from interviewer.ui.main_window import MainWindow
from tests.ui.started import record


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "db.sqlite3")
    yield s
    s.close()


def test_empty_state_then_sessions(qtbot, store, settings):
    win = MainWindow(store, settings)
    qtbot.addWidget(win)
    assert win.stack.currentWidget() is win.empty
    cand = store.get_or_create_candidate("Zoë Ðặng")
    store.create_session(candidate_id=cand, role_id=store.get_or_create_role("ML"), kit_id=None, evaluator="e",
                         status="complete")
    win.refresh()
    assert win.stack.currentWidget() is win.table
    assert win.table.rowCount() == 1
    assert win.table.item(0, 0).text() == "Zoë Ðặng"
    assert win.table.item(0, 4).text() == "e"
    assert win.table.item(0, 5).text() == "complete"


def test_geometry_is_remembered(qtbot, store, settings):
    win = MainWindow(store, settings)
    qtbot.addWidget(win)
    win.resize(777, 555)
    win.show()
    qtbot.waitExposed(win)
    win.close()
    again = MainWindow(store, settings)
    qtbot.addWidget(again)
    assert again.size().width() == 777
    assert again.size().height() == 555


def test_enter_in_the_search_box_searches_and_does_not_open_a_session(qtbot, store, settings):
    """issue 21 #6: Enter in the search box opened the selected session (a window-wide Return shortcut)."""
    from PySide6.QtCore import Qt

    from tests.builders import seg

    cand = store.get_or_create_candidate("Ann")
    sid = store.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="Ada", status="complete")
    store.add_segment(sid, seg(10.0, 13.0, "the zebracorn incident"))
    win = MainWindow(store, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    win.table.selectRow(0)
    opened = []
    win.open_session.connect(lambda s, at: opened.append((s, at)))
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert win.search.hasFocus()
    qtbot.keyClicks(win.search, "zebracorn")
    qtbot.keyClick(win.search, Qt.Key.Key_Return)
    assert opened == []
    assert win.results.count() == 1 and "zebracorn" in win.results.item(0).text()
    # Enter on a result opens that moment; Enter on a row of the table opens the session
    win.results.setCurrentRow(0)
    win.results.setFocus()
    qtbot.keyClick(win.results, Qt.Key.Key_Return)
    assert opened == [(sid, 10.0)]
    win.table.setFocus()
    win.table.selectRow(0)
    qtbot.keyClick(win.table, Qt.Key.Key_Return)
    assert opened[-1] == (sid, -1.0)


def test_the_library_refreshes_when_a_live_window_records_and_saves(qtbot, store, settings, data_dir, transcriber):
    """issue 21 #6: the library said "No interviews yet" after a session was saved, until F5."""
    from interviewer.live.session import LiveSession, SessionSpec, Track
    from interviewer.notes.prompts.kits import load_kit
    from interviewer.ui.live.window import LiveWindow
    from tests.fakes import PushSource, silence

    lib = MainWindow(store, settings)
    qtbot.addWidget(lib)
    assert lib.stack.currentWidget() is lib.empty
    cand = store.get_or_create_candidate("Zoë Ðặng")
    src = PushSource("mic")

    def factory(listener):
        return LiveSession(store=store, data_dir=data_dir, transcriber=transcriber, tracks=[Track(src, "mic")],
                           spec=SessionSpec(candidate="Zoë Ðặng", consent="verbal", evaluator="Ada",
                                            candidate_id=cand), listener=listener, free_bytes=lambda p: 10**12)

    live = LiveWindow(store=store, kit=load_kit(), candidate_id=cand, candidate="Zoë Ðặng", evaluator="Ada",
                      session_factory=factory, settings=settings)
    lib.watch(live)
    try:
        record(qtbot, live)
        qtbot.waitUntil(lambda: lib.table.rowCount() == 1, timeout=10_000)
        assert lib.stack.currentWidget() is lib.table
        src.push(silence(1.0))
        live.stop()
        qtbot.waitUntil(lambda: live.state == "stopped", timeout=30_000)
        qtbot.waitUntil(lambda: lib.table.item(0, 5).text() == "complete", timeout=10_000)
    finally:
        live.close()
        qtbot.waitUntil(lambda: live.state in ("idle", "stopped"), timeout=30_000)
        live.deleteLater()


def test_the_library_refreshes_when_it_regains_focus(qtbot, store, settings):
    win = MainWindow(store, settings)
    qtbot.addWidget(win)
    cand = store.get_or_create_candidate("Bo")
    store.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="Ada", status="complete")
    assert win.table.rowCount() == 0
    win.show()
    win.activateWindow()
    qtbot.waitUntil(lambda: win.table.rowCount() == 1, timeout=5000)
