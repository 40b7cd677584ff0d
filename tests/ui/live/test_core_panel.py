"""The live window's shared core: which core calls are still to ask, and the time on each criterion."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from interviewer.live.session import LiveSession, SessionSpec, Track
from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.ratings import calls
from interviewer.notes.store.database import Store
from interviewer.ui.live.window import LiveWindow
from tests.fakes import PushSource, silence
from tests.ui.started import record

ROLE = "Senior ML Engineer"


@pytest.fixture
def live(qtbot, data_dir, transcriber, tmp_path):
    store = Store(data_dir.db_path)
    kit = load_kit()
    calls.set_core(store, ROLE, kit, [("scenario", "sc-06"), ("probe", "jd-01")], actor="lead")
    cand = store.get_or_create_candidate("Ann")
    src = PushSource("mic")

    def factory(listener):
        return LiveSession(store=store, data_dir=data_dir, transcriber=transcriber, tracks=[Track(src, "mic")],
                           spec=SessionSpec(candidate="Ann", consent="verbal", evaluator="Ada", role=ROLE,
                                            candidate_id=cand), listener=listener, free_bytes=lambda p: 10**12)

    win = LiveWindow(store=store, kit=kit, candidate_id=cand, candidate="Ann", evaluator="Ada",
                     session_factory=factory, role=ROLE,
                     settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    win.show()
    qtbot.waitExposed(win)
    win.src = src
    yield win, store
    win.close()
    qtbot.waitUntil(lambda: win.state in ("idle", "stopped"), timeout=30_000)
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=5000)
    win.deleteLater()
    store.close()


def test_core_calls_still_to_ask_and_time_per_criterion(qtbot, live):
    win, store = live
    panel = win.core_panel
    assert panel.summary.text() == "2 of 2 core calls still to ask."
    assert [panel.list.item(i).text()[:12] for i in range(2)] == ["○ scenario s", "○ probe jd-0"]
    record(qtbot, win)
    win.src.push(silence(10.0))
    qtbot.waitUntil(lambda: win.now_s >= 9.5, timeout=10_000)
    sc = win.scenario_panel
    sc.list.setCurrentRow(next(i for i, s in enumerate(sc.items) if s["id"] == "sc-06"))
    sc.show_card()  # opening the card is the judgment call
    sc.card.close()  # closes at the same moment: the answer is still open-ended until the next call
    [call] = store.calls(win.session_id)
    assert (call.kind, call.key, call.evaluator) == ("scenario", "sc-06", "Ada")
    panel.refresh()
    assert panel.summary.text() == "1 of 2 core calls still to ask."
    assert panel.list.item(0).text().startswith("✓ scenario sc-06")
    win.src.push(silence(20.0))
    qtbot.waitUntil(lambda: win.now_s >= 29.5, timeout=10_000)
    jd = next(i for i, p in enumerate(win.prompt_items) if p.key == "jd-01")
    win.prompts.setCurrentRow(jd)
    qtbot.keyClick(win, Qt.Key.Key_A)
    rows = store.calls(win.session_id)
    assert [(c.key, c.criterion) for c in rows] == [("sc-06", "judgment"), ("jd-01", "judgment")]
    panel.refresh()
    assert panel.summary.text() == f"Every core call of {ROLE} has been asked."
    assert "Judgment:" in panel.times.text() and "100 %" in panel.times.text()
    assert "less than half" not in panel.times.text()
    calls.ask(store, win.session_id, kind="probe", key="cv-01", start=1.0, end=200.0)  # a long claim probe
    panel.refresh()
    assert "Claim verification: 03:19" in panel.times.text()
    assert "Judgment has less than half of the time so far" in panel.times.text()


def test_core_panel_reads_nothing_while_off_screen(qtbot, live, monkeypatch):
    win, _store = live
    panel = win.core_panel
    refreshed = []
    monkeypatch.setattr(panel, "refresh", lambda: refreshed.append(1))
    win.middle.setCurrentWidget(panel)
    assert refreshed == [1]  # shown: refreshed at once
    refreshed.clear()
    panel._tick()
    assert refreshed == [1]
    win.hide()  # a closed window's timer must not touch a store that may be closed by now
    panel._tick()
    assert refreshed == [1]
