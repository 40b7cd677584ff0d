"""The app's start never makes the UI thread wait: the window is up at once and says the speech model is
loading; the model loads and crashed interviews are recovered in the background (an event-loop heartbeat
keeps ticking); Record waits for the model; a model that cannot be loaded is one sentence in the window."""

from __future__ import annotations

import dataclasses
import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from interviewer import app
from interviewer.audio.decode import SAMPLE_RATE
from interviewer.audio.devices import PortAudioDevices
from interviewer.ui import application
from interviewer.ui.live.recording import wait_for_threads
from interviewer.ui.speech_model import LOADING, WAITS
from tests.fakes import FakeSoundDevice

LOAD_S = 2.0  # how long the fake model takes to load (and the slow recovery takes)
# The longest the UI thread may go without a tick, the synchronous start (building the window) included:
# about 0.15 s on a quiet machine; a load or a recovery on the UI thread would make it LOAD_S or more.
STALL_S = LOAD_S / 2


class Heartbeat:
    """A timer ticking every 20 ms on the UI thread; every tick's time is kept."""

    def __init__(self) -> None:
        self.stamps: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(lambda: self.stamps.append(time.monotonic()))

    def start(self) -> Heartbeat:
        self.stamps.append(time.monotonic())
        self.timer.start()
        return self

    def stop(self) -> None:
        self.timer.stop()
        self.stamps.append(time.monotonic())

    def ticks_between(self, a: float, b: float) -> int:
        return sum(a < t < b for t in self.stamps)

    def longest_gap(self) -> float:
        return max(b - a for a, b in zip(self.stamps, self.stamps[1:], strict=False))


class HeldModel:
    """`services.make_transcriber` for tests: on its (worker) thread it holds until released (at most 30 s),
    then returns `result` or raises it. When it started and ended, and on which thread, are kept."""

    def __init__(self, result: object = None) -> None:
        self.result = result
        self.release = threading.Event()
        self.started = self.ended = 0.0
        self.thread: int | None = None

    def __call__(self, *_args: object, **_kw: object) -> object:
        self.thread = threading.get_ident()
        self.started = time.monotonic()
        self.release.wait(30)
        self.ended = time.monotonic()
        if isinstance(self.result, BaseException):
            raise self.result
        return self.result


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def started(qtbot, data_dir, settings):
    """`launch(model, command=None)`: the GUI start as `interviewer` runs it, on a temporary data dir, with the
    model loader and the device layer injected; everything is shut down and closed after the test."""
    qapp = QApplication.instance()
    style = qapp.styleSheet()
    runs: list[application.Started] = []

    def launch(make_transcriber, *, command: str | None = None, model: str | None = None) -> application.Started:
        services = app.build_services(data_dir)
        if make_transcriber is not None:
            services = dataclasses.replace(services, make_transcriber=make_transcriber)
        args = SimpleNamespace(command=command, model=model, beam=None, allow_download=False, speed=1.0,
                               screenshot=None, screenshot_at=0.0)
        store = application.open_store(services)
        run = application.start(services, args, app, store, devices=PortAudioDevices(sd=FakeSoundDevice(("Mic",))),
                                settings=settings)
        runs.append(run)
        return run

    yield launch
    for run in runs:
        run.shutdown()
        for w in [*run.windows, run.library]:
            session = getattr(w, "session", None)
            if session is not None and w.state in ("recording", "paused", "stopping"):
                session.stop("test over")
                session.wait(30)
            w.close()
        run.store.close()
    assert wait_for_threads(("transcribe", "replay", "stop session", "recovery", "load speech model"), timeout=60) == []
    qapp.setStyleSheet(style)


def model_line(window) -> QLabel:
    return window.statusBar().findChild(QLabel, "speechModelState")


def test_the_window_is_up_at_once_and_the_ui_thread_ticks_while_the_model_loads(qtbot, started):
    model = HeldModel(result=object())
    beat = Heartbeat().start()
    run = started(model)
    # The window is shown and says so while the model is still loading (the loader is held: deterministic).
    assert run.library.isVisible() and run.speech.state == "loading" and model.ended == 0.0
    assert model_line(run.library).text() == LOADING and model_line(run.library).isVisible()
    qtbot.waitUntil(lambda: model.started > 0, timeout=10_000)
    qtbot.wait(int(LOAD_S * 1000))  # the model takes LOAD_S to load; the event loop runs meanwhile
    model.release.set()
    qtbot.waitUntil(lambda: run.speech.state == "ready", timeout=10_000)
    beat.stop()
    assert model.thread != threading.get_ident()  # loaded on a worker thread
    assert run.speech.transcriber is model.result
    assert not model_line(run.library).isVisible()
    # On the UI thread, the load would have allowed no tick at all while it ran, and one gap of >= 1.5 s.
    assert beat.ticks_between(model.started, model.ended) >= 10
    assert beat.longest_gap() < STALL_S, f"the UI thread stalled for {beat.longest_gap():.2f} s"


def test_record_waits_for_the_model_then_the_demo_starts(qtbot, started, transcriber, monkeypatch):
    """Record (the button and Ctrl+R) is disabled with a tooltip until the model is loaded; the demo records
    as soon as it is."""
    from PySide6.QtWidgets import QMessageBox

    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text: said.append(text)))
    model = HeldModel(result=transcriber)
    run = started(model, command="demo")
    [live] = run.windows
    assert live.isVisible() and live.state == "idle"
    assert not live.record_btn.isEnabled() and not live.act_record.isEnabled()
    assert live.record_btn.toolTip() == WAITS
    assert model_line(live).text() == LOADING
    live.record()  # called anyway (the keyboard and the mouse cannot): the start fails in one sentence
    qtbot.waitUntil(lambda: live.state == "idle" and said == [LOADING], timeout=10_000)
    model.release.set()
    qtbot.waitUntil(lambda: live.state == "recording", timeout=30_000)
    assert not model_line(live).isVisible()
    live.stop()
    qtbot.waitUntil(lambda: live.state == "stopped", timeout=60_000)


def test_a_model_that_cannot_be_loaded_is_one_sentence_naming_it_in_the_window(qtbot, started, tmp_path):
    missing = tmp_path / "no-model"
    run = started(None, model=str(missing))  # the real loader: resolve_model, then faster-whisper
    assert run.library.isVisible()
    qtbot.waitUntil(lambda: run.speech.state == "failed", timeout=30_000)
    line = model_line(run.library)
    assert line.isVisible() and "da1e28" in line.styleSheet()
    text = line.text()
    assert text.startswith("The speech model could not be loaded: ") and str(missing) in text
    assert "Traceback" not in text and "\n" not in text


def crashed_session(store, data_dir, seconds: float = 3.0) -> str:
    """A session a crash left "recording", with a recording on disk and no transcript."""
    cand = store.get_or_create_candidate("Zoë Ðặng")
    sid = store.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="Ada")
    wav = data_dir.audio_dir / f"{sid}.wav"
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    sf.write(wav, (0.1 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), SAMPLE_RATE, subtype="PCM_16")
    store.update_session(sid, audio_path=wav.relative_to(data_dir.root).as_posix(), sample_rate=SAMPLE_RATE)
    return sid


class HeldTranscriber:
    """Recovery's transcriber: each call holds until released (at most 30 s)."""

    label = "held"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.entered = threading.Event()
        self.thread: int | None = None
        self.started = self.ended = 0.0

    def transcribe_array(self, audio, **_kw):
        self.thread = threading.get_ident()
        self.started = time.monotonic()
        self.entered.set()
        self.release.wait(30)
        self.ended = time.monotonic()
        return []


def test_recovery_at_start_runs_in_the_background_with_progress_and_its_outcome_in_the_window(
        qtbot, started, data_dir):
    from interviewer.notes.store.database import Store

    with Store(data_dir.db_path) as store:
        sid = crashed_session(store, data_dir)
    slow = HeldTranscriber()
    model = HeldModel(result=slow)
    model.release.set()  # the model is quick here; the recovery is slow
    beat = Heartbeat().start()
    run = started(model)
    assert run.library.isVisible()
    qtbot.waitUntil(slow.entered.is_set, timeout=30_000)  # transcribing the crashed session's tail
    assert run.recovery is not None and run.recovery.running
    assert run.library.statusBar().currentMessage().startswith("Recovering interviews a crash interrupted… ")
    assert not run.library.notice.isVisible()
    qtbot.wait(int(LOAD_S * 1000))
    slow.release.set()
    qtbot.waitUntil(lambda: not run.recovery.running, timeout=30_000)
    beat.stop()
    assert slow.thread != threading.get_ident()
    assert run.library.notice.isVisible() and f"recovered session {sid[:8]} (Zoë Ðặng)" in run.library.notice.text()
    assert run.store.session(sid).status == "recovered"
    assert beat.ticks_between(slow.started, slow.ended) >= 10
    assert beat.longest_gap() < STALL_S, f"the UI thread stalled for {beat.longest_gap():.2f} s"
