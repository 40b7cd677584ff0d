"""Refine through BackgroundOp: the re-transcription runs on a worker thread, its result comes back on the UI
thread, a failure is one sentence, and a refine asked for while the model loads waits for it off the UI
thread."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton, QWidget

from interviewer.core.errors import ModelError
from interviewer.live.refine import Cancelled
from interviewer.ui.refine_dialog import WAITING, WORKING, run_refine
from interviewer.ui.speech_model import SpeechModel


@pytest.fixture
def warnings_said(monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: said.append(text)))
    return said


def test_refine_runs_off_the_ui_thread_and_hands_its_report_back_on_it(qtbot, warnings_said):
    main = threading.get_ident()
    parent = QWidget()
    qtbot.addWidget(parent)
    go = threading.Event()
    seen: list[tuple[str, bool]] = []

    def work(progress, cancel):
        go.wait(10)
        progress(0.5)
        return f"report from {'a worker' if threading.get_ident() != main else 'the UI thread'}"

    op = run_refine(parent, work, lambda report: seen.append((report, threading.get_ident() == main)))
    dialog = parent.findChild(QProgressDialog)
    assert dialog.labelText() == WORKING and op.running
    go.set()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [("report from a worker", True)]
    assert warnings_said == []


def test_a_failed_refine_is_one_sentence_and_a_cancelled_one_says_nothing(qtbot, warnings_said):
    parent = QWidget()
    qtbot.addWidget(parent)
    done: list[object] = []

    def fail(progress, cancel):
        raise ModelError("cannot load the model: unsupported model file", path="/models/broken")

    op = run_refine(parent, fail, done.append)
    qtbot.waitUntil(lambda: op.delivered, timeout=5000)
    assert warnings_said == ["/models/broken: cannot load the model: unsupported model file"] and done == []

    def until_cancelled(progress, cancel):
        cancel.wait(10)
        raise Cancelled()

    op = run_refine(parent, until_cancelled, done.append)
    qtbot.waitUntil(lambda: len(parent.findChildren(QProgressDialog)) == 1, timeout=5000)  # the first one went
    parent.findChild(QProgressDialog).findChild(QPushButton).click()  # Cancel
    qtbot.waitUntil(lambda: op.delivered, timeout=5000)
    assert len(warnings_said) == 1 and done == []


def test_refine_asked_while_the_model_loads_waits_for_it_then_refines(qtbot, data_dir, transcriber, tmp_path,
                                                                     warnings_said):
    from interviewer import app
    from interviewer.notes.store.database import Store
    from tests.ui.test_application import crashed_session

    store = Store(data_dir.db_path)
    try:
        sid = crashed_session(store, data_dir)
        store.update_session(sid, status="complete", duration_s=3.0)
        release = threading.Event()
        speech = SpeechModel(lambda: (release.wait(30), transcriber)[1], label="tiny.en").start()
        window = app.open_review_window(app.build_services(data_dir), store, sid, transcriber=speech,
                                        evaluator="Ada",
                                        settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
        qtbot.addWidget(window)
        window.show()
        window.refine_fn()
        op = window.refine_runner
        dialog = window.findChild(QProgressDialog)
        qtbot.wait(200)  # the worker is waiting for the model, the UI thread is not
        assert op.running and dialog.labelText() == WAITING
        release.set()
        qtbot.waitUntil(lambda: op.delivered, timeout=60_000)
        assert warnings_said == []
        assert window.statusBar().currentMessage().startswith("Refined")
    finally:
        store.close()
