"""The main window over a real store: empty state, the session list, remembered geometry."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from interviewer.notes.store import Store
from interviewer.ui.main_window import MainWindow


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
