"""The live window on a busy machine: the status bar says what is put off, and after Stop the transcript is
polished on the recording with progress; closing meanwhile asks, and the rest goes on at the next start."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from interviewer.audio.decode import SAMPLE_RATE
from interviewer.audio.pace import Pace
from interviewer.live.catchup import pending
from interviewer.live.session import LiveSession, SessionSpec, Track
from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.store.database import Store
from interviewer.ui.live.recording import wait_for_threads
from interviewer.ui.live.window import LiveWindow
from tests.conftest import FIXTURES
from tests.fakes import PushSource, load
from tests.ui.started import record

TWO = FIXTURES / "audio" / "two_speakers.flac"


@pytest.fixture
def slow_live(qtbot, data_dir, transcriber, tmp_path):
    store = Store(data_dir.db_path)
    cand = store.get_or_create_candidate("Zoë Ðặng")
    src = PushSource("mic")

    def factory(listener):  # a machine measured as very slow from the start: everything optional waits
        return LiveSession(store=store, data_dir=data_dir, transcriber=transcriber, tracks=[Track(src, "mic")],
                           spec=SessionSpec(candidate="Zoë Ðặng", consent="verbal", evaluator="Ada",
                                            candidate_id=cand), listener=listener, free_bytes=lambda p: 10**12,
                           pace=Pace(commit_decode_s=10.0, clock=lambda: 0.0, on_status=listener.load))

    win = LiveWindow(store=store, kit=load_kit(), candidate_id=cand, candidate="Zoë Ðặng", evaluator="Ada",
                     session_factory=factory,
                     settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    win.show()
    qtbot.waitExposed(win)
    win.src = src
    yield win
    if win.catch_up is not None:
        win.catch_up.cancel(30)
    win.close()
    assert wait_for_threads(("transcribe", "stop session", "catch up"), timeout=60) == []
    store.close()


def record_and_stop(qtbot, win) -> None:
    record(qtbot, win)
    qtbot.waitUntil(lambda: "Previews paused" in win.pace_label.text() and win.pace_label.isVisible(),
                    timeout=10_000)
    win.src.push(np.concatenate([load(TWO)[: 14 * SAMPLE_RATE], np.zeros(SAMPLE_RATE, dtype=np.float32)]))
    win.stop()


@pytest.mark.slow
def test_the_status_bar_says_what_is_put_off_and_the_transcript_is_polished_after_stop(qtbot, slow_live):
    win = slow_live
    revised: list[str] = []
    record_and_stop(qtbot, win)
    qtbot.waitUntil(lambda: win.catch_up is not None, timeout=60_000)
    win.catch_up.revised.connect(lambda seg_id, seg: revised.append(seg_id))
    qtbot.waitUntil(lambda: "Transcript polished" in win.pace_label.text(), timeout=120_000)
    assert pending(win.store) == []
    stored = win.store.segment_rows(win.session_id)
    assert [r["text"] for r in stored] == [seg.text for seg in win.transcript.lines]  # the lines followed


@pytest.mark.slow
def test_closing_during_the_catch_up_asks_and_it_goes_on_at_the_next_start(qtbot, slow_live, monkeypatch):
    """The catch-up is held at 30 % (a long interview on a slow machine) while the evaluator closes."""
    import threading

    from interviewer.live.refine import Cancelled

    at_30 = threading.Event()

    def held(store, sid, transcriber, *, progress=None, cancel=None, on_revised=None, **kw):
        progress(0.3)
        at_30.set()
        while not cancel.wait(0.05):
            pass
        raise Cancelled("stopped")

    monkeypatch.setattr("interviewer.live.catchup.catch_up_session", held)
    win = slow_live
    record_and_stop(qtbot, win)
    qtbot.waitUntil(lambda: at_30.is_set() and "30%" in win.pace_label.text(), timeout=60_000)
    asked: list[str] = []

    def answer(parent, title, text, *a, **k):
        asked.append(text)
        return QMessageBox.StandardButton.Cancel if len(asked) == 1 else QMessageBox.StandardButton.Close

    monkeypatch.setattr(QMessageBox, "question", answer)
    win.request_close()  # Ctrl+W asks; Cancel keeps the window and the work
    assert "30%" in asked[0] and win.isVisible() and win.catch_up is not None and win.catch_up.running
    win.request_close()  # asked again; Close stops it
    assert len(asked) == 2 and win.catch_up is None and not win.isVisible()
    assert pending(win.store) == [win.session_id]  # goes on at the next start


def test_catch_up_reports_reach_the_ui_thread_only(qtbot):
    """Progress, revised lines and the outcome come back through BackgroundOp: every signal of CatchUp is
    emitted on the UI thread (before: emitted from the worker)."""
    import threading

    from PySide6.QtCore import Qt

    from interviewer.ui.catch_up import CatchUp

    main = threading.get_ident()
    seen: list[tuple[str, bool]] = []

    def run(sid, *, progress, cancel, on_revised):
        if sid == "bad":
            raise OSError(28, "No space left on device", "/data/audio/bad.wav")
        progress(0.5)
        on_revised("seg-1", object())
        return 1

    runner = CatchUp(run, ["good", "bad"])
    for name in ("progress", "revised", "finished", "failed", "all_done"):
        # Direct: the slot runs on whichever thread emits, so a signal emitted by the worker would show here.
        getattr(runner, name).connect(lambda *a, name=name: seen.append((name, threading.get_ident() == main)),
                                      Qt.ConnectionType.DirectConnection)
    runner.start()
    qtbot.waitUntil(lambda: ("all_done", True) in seen, timeout=5000)
    assert seen == [("progress", True), ("revised", True), ("finished", True), ("failed", True), ("all_done", True)]
    assert runner.fraction == 0.5 and not runner.running
