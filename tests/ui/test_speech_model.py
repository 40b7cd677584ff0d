"""The speech model loads in the background; what needs it waits without blocking the UI thread."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QPushButton

from interviewer.core.errors import ModelError
from interviewer.live.refine import Cancelled
from interviewer.ui.speech_model import LOADING, WAITS, SpeechModel


def test_buttons_wait_disabled_and_queued_work_runs_once_loaded(qtbot):
    release = threading.Event()
    model = object()
    speech = SpeechModel(lambda: (release.wait(10), model)[1], label="tiny.en")
    window = QMainWindow()
    qtbot.addWidget(window)
    button = QPushButton("Record")
    button.setToolTip("Start recording")
    action = QAction("Record", window)
    speech.gate(button)
    speech.gate(action, allowed=lambda: False)  # the window's own state says no
    line = speech.show_in(window)
    ran: list[object] = []
    speech.when_ready(ran.append)
    speech.start()
    assert speech.state == "loading" and line.text() == LOADING and line.isVisibleTo(window)
    assert not button.isEnabled() and button.toolTip() == WAITS and not action.isEnabled()
    assert ran == []
    release.set()
    qtbot.waitUntil(lambda: speech.state == "ready", timeout=5000)
    assert ran == [model] and speech.transcriber is model
    assert button.isEnabled() and button.toolTip() == "Start recording"
    assert not action.isEnabled()
    assert line.text() == "" and not line.isVisibleTo(window)
    speech.when_ready(ran.append)  # once loaded: at once
    assert ran == [model, model]


def test_a_model_that_fails_is_one_sentence_everywhere_and_workers_are_told(qtbot):
    def load():
        raise ModelError("is not a directory holding a CTranslate2 Whisper model", path="/models/gone")

    speech = SpeechModel(load, label="/models/gone")
    window = QMainWindow()
    qtbot.addWidget(window)
    button = QPushButton("Record")
    speech.gate(button)
    line = speech.show_in(window)
    failed: list[str] = []
    speech.when_ready(lambda _t: failed.append("ready?"), failed.append)
    speech.start()
    qtbot.waitUntil(lambda: speech.state == "failed", timeout=5000)
    sentence = ("The speech model could not be loaded: /models/gone: is not a directory holding a CTranslate2 "
                "Whisper model.")
    assert speech.problem == sentence and failed == [sentence] and line.text() == sentence
    assert not button.isEnabled() and button.toolTip() == sentence
    with pytest.raises(ModelError, match="could not be loaded"):
        speech.wait_loaded()


def test_a_worker_waiting_for_the_model_can_be_cancelled(qtbot):
    release = threading.Event()
    speech = SpeechModel(lambda: release.wait(10), label="tiny.en").start()
    cancel = threading.Event()
    outcome: list[str] = []

    def worker() -> None:
        try:
            speech.wait_loaded(cancel)
        except Cancelled:
            outcome.append("cancelled")

    t = threading.Thread(target=worker)
    t.start()
    cancel.set()
    t.join(5)
    assert outcome == ["cancelled"]
    release.set()
    qtbot.waitUntil(lambda: speech.state == "ready", timeout=5000)
