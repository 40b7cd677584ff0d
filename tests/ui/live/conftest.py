"""A live window over a real store whose session is scripted line by line (`tests.fakes.ScriptedSession`): what
the window shows of lines, labels and echoes, without a speech model."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.store.database import Store
from interviewer.ui.live.window import LiveWindow
from tests.fakes import ScriptedSession
from tests.ui.started import record


@pytest.fixture
def scripted(qtbot, data_dir, tmp_path):
    """A recording live window; `win.script` is its ScriptedSession."""
    store = Store(data_dir.db_path)
    cand = store.get_or_create_candidate("Zoë Ðặng")
    sessions: list[ScriptedSession] = []

    def factory(listener):
        sessions.append(ScriptedSession(store, cand, listener))
        return sessions[-1]

    win = LiveWindow(store=store, kit=load_kit(), candidate_id=cand, candidate="Zoë Ðặng", evaluator="Ada",
                     session_factory=factory, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    win.show()
    qtbot.waitExposed(win)
    record(qtbot, win)
    assert win.state == "recording"
    win.script = sessions[0]
    yield win
    win.close()
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=10_000)
    win.deleteLater()
    store.close()
