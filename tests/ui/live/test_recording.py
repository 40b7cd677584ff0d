"""Starting and stopping a session never make the window wait: a heartbeat on the UI thread keeps ticking while
a source takes long to start or to stop; the window says what it is doing, its recording buttons disabled
meanwhile (a key pressed while it starts acts once it has started), and a failure to start is one sentence in
the window."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from interviewer.audio.pace import Pace
from interviewer.core.errors import UserError
from interviewer.live.session import LiveSession, SessionSpec, Track
from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.store.database import Store
from interviewer.ui.live.recording import wait_for_threads
from interviewer.ui.live.window import LiveWindow
from tests.fakes import PushSource, silence

SLOW_S = 1.5  # how long the source takes to start (or to stop): a device that is slow to open
TICK_MS = 20
# The longest the UI thread may go without a tick: generous for a loaded machine, a fraction of SLOW_S.
MAX_GAP_S = 0.3


class SlowSource(PushSource):
    """A pushed source whose start (or stop) blocks its caller for `SLOW_S`, as opening a device can."""

    def __init__(self, *, slow_start: bool = False, slow_stop: bool = False) -> None:
        super().__init__("mic")
        self.slow_start, self.slow_stop = slow_start, slow_stop

    def start(self, on_audio, on_end) -> None:
        if self.slow_start:
            time.sleep(SLOW_S)
        super().start(on_audio, on_end)

    def stop(self) -> None:
        if self.slow_stop:
            time.sleep(SLOW_S)
        super().stop()


class Heartbeat:
    """A timer ticking every 20 ms on the UI thread; `longest` is the longest time between two ticks."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self.longest = 0.0
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)

    def tick(self) -> None:
        now = time.monotonic()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def __enter__(self) -> Heartbeat:
        self.last = time.monotonic()
        self.timer.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.tick()  # the time since the last tick counts too
        self.timer.stop()


@pytest.fixture
def make_window(qtbot, data_dir, transcriber, tmp_path):
    store = Store(data_dir.db_path)
    cand = store.get_or_create_candidate("Zoë Ðặng")
    made: list[LiveWindow] = []

    def make(source=None, factory=None) -> LiveWindow:
        def session(listener):
            return LiveSession(store=store, data_dir=data_dir, transcriber=transcriber, tracks=[Track(source, "mic")],
                               spec=SessionSpec(candidate="Zoë Ðặng", consent="verbal", evaluator="Ada",
                                                candidate_id=cand), listener=listener, free_bytes=lambda p: 10**12,
                               pace=Pace(adaptive=False))

        win = LiveWindow(store=store, kit=load_kit(), candidate_id=cand, candidate="Zoë Ðặng", evaluator="Ada",
                         session_factory=factory or session,
                         settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        win.show()
        qtbot.waitExposed(win)
        win.activateWindow()
        qtbot.waitUntil(win.isActiveWindow, timeout=5000)
        made.append(win)
        return win

    yield make
    for win in made:
        win.close()
        qtbot.waitUntil(lambda w=win: w.state in ("idle", "stopped"), timeout=30_000)
        win.deleteLater()
    assert wait_for_threads(timeout=30) == []
    store.close()


def test_the_window_keeps_responding_while_a_session_starts(qtbot, make_window):
    win = make_window(SlowSource(slow_start=True))
    qtbot.wait(100)
    with Heartbeat() as beat:
        began = time.monotonic()
        win.record()
        # at once, before the session has started: the window says so, its recording controls disabled
        assert win.state == "starting"
        assert win.rec_indicator.text() == "● STARTING…"
        assert win.statusBar().currentMessage() == "Starting the recording…"
        assert "Starting the recording" in win.transcript.text.placeholderText()
        assert not any(b.isEnabled() for b in (win.record_btn, win.pause_btn, win.stop_btn))
        qtbot.waitUntil(lambda: win.state == "recording", timeout=30_000)
        took = time.monotonic() - began
    assert took >= SLOW_S  # the start did take that long...
    assert beat.longest < MAX_GAP_S, f"the UI thread waited {beat.longest:.2f} s"  # ...and the window never waited
    assert win.session_id is not None
    assert win.store.session(win.session_id).status == "recording"
    assert win.stop_btn.isEnabled() and win.pause_btn.isEnabled()


def test_the_window_keeps_responding_while_a_session_stops(qtbot, make_window):
    src = SlowSource(slow_stop=True)
    win = make_window(src)
    win.record()
    qtbot.waitUntil(lambda: win.state == "recording", timeout=30_000)
    src.push(silence(2.0))
    qtbot.wait(100)
    with Heartbeat() as beat:
        began = time.monotonic()
        win.stop()
        assert win.state == "stopping"
        assert win.rec_indicator.text() == "■ SAVING…"
        assert win.statusBar().currentMessage() == "Saving the recording…"
        assert not any(b.isEnabled() for b in (win.record_btn, win.pause_btn, win.stop_btn))
        qtbot.waitUntil(lambda: win.state == "stopped", timeout=30_000)
        took = time.monotonic() - began
    assert took >= SLOW_S
    assert beat.longest < MAX_GAP_S, f"the UI thread waited {beat.longest:.2f} s"
    assert win.store.session(win.session_id).status == "complete"
    assert win.statusBar().currentMessage().startswith("Saved: stopped by the evaluator.")


def test_a_failed_start_is_one_sentence_in_the_window(qtbot, make_window, monkeypatch):
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text: said.append((title, text))))

    def no_device(listener):
        time.sleep(0.2)
        raise UserError("the microphone “USB Audio” cannot be opened: it is in use by another program")

    win = make_window(factory=no_device)
    win.record()
    assert win.state == "starting"
    qtbot.waitUntil(lambda: win.state != "starting", timeout=30_000)
    sentence = "the microphone “USB Audio” cannot be opened: it is in use by another program"
    assert win.state == "idle"
    assert win.statusBar().currentMessage() == sentence
    assert said == [("Cannot start recording", sentence)]
    assert win.record_btn.isEnabled()
    assert win.session is None and win.session_id is None


def test_closing_while_a_session_starts_saves_it_then_closes(qtbot, make_window):
    win = make_window(SlowSource(slow_start=True))
    win.record()
    win.close()  # as quitting does: the session is stopped as soon as it has started
    assert win.isVisible()
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=30_000)
    assert win.state == "stopped"
    assert win.store.session(win.session_id).status == "complete"


def test_keys_pressed_while_a_session_starts_act_once_it_has_started(qtbot, make_window):
    """Before, the window froze while starting and the keys pressed meanwhile acted afterwards; it no longer
    freezes, and they still act, in order, on the recording."""
    src = SlowSource(slow_start=True)
    win = make_window(src)
    win.note.setFocus()
    qtbot.waitUntil(win.note.hasFocus, timeout=5000)
    win.record()
    assert win.state == "starting"
    assert win.transcript.text.hasFocus()  # the keys are the window's, not typed into a field
    focus = QApplication.focusWidget()
    qtbot.keyClick(focus, Qt.Key.Key_2, Qt.KeyboardModifier.ShiftModifier)  # a concern for the second criterion
    qtbot.keyClick(focus, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # then pause
    assert win.state == "starting"
    qtbot.waitUntil(lambda: win.state == "paused", timeout=30_000)
    [ev] = win.store.evidence(win.session_id)
    assert (ev.criterion, ev.polarity) == (win.kit.criteria[1].key, "concern")
    assert win.store.session(win.session_id).status == "paused"
