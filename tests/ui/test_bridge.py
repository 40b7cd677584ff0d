"""BackgroundOp, the one way work leaves the UI thread: progress and the outcome come back on the UI thread,
a finished op lets go of itself, and an op that outlives its window neither crashes nor calls back."""

from __future__ import annotations

import gc
import threading
import weakref

import shiboken6
from PySide6.QtWidgets import QWidget

from interviewer.core.errors import ModelError
from interviewer.ui.bridge import BackgroundOp, failure_sentence


def test_progress_records_and_the_outcome_come_back_on_the_ui_thread(qtbot):
    main = threading.get_ident()
    seen: list[tuple[object, bool]] = []

    def work(progress, cancel):
        progress(0.25)
        progress(("revised", "seg-1"))  # any record the caller understands, in order
        return threading.get_ident()

    op = BackgroundOp(work, on_progress=lambda x: seen.append((x, threading.get_ident() == main)),
                      on_done=lambda worker: seen.append((worker != main, threading.get_ident() == main)))
    op.start()
    qtbot.waitUntil(lambda: op.delivered, timeout=5000)
    assert seen == [(0.25, True), (("revised", "seg-1"), True), (True, True)]
    assert not op.running


def test_a_failure_is_one_sentence(qtbot):
    problems: list[str] = []
    op = BackgroundOp(lambda p, c: (_ for _ in ()).throw(ModelError("cannot load the model: bad file",
                                                                    path="/models/small")),
                      on_failed=problems.append).start()
    qtbot.waitUntil(lambda: op.delivered, timeout=5000)
    assert problems == ["/models/small: cannot load the model: bad file"]
    assert failure_sentence(PermissionError(13, "Permission denied", "/r/cv.pdf"), "read") == \
        "Cannot read /r/cv.pdf: Permission denied."
    assert failure_sentence(RuntimeError()) == "RuntimeError"


def test_a_finished_op_is_released(qtbot):
    """Nothing holds an op once its outcome is delivered (before: every op stayed a child of its window)."""
    owner = QWidget()
    qtbot.addWidget(owner)
    done: list[object] = []
    op = BackgroundOp(lambda p, c: 42, owner, on_done=done.append).start()
    ref = weakref.ref(op)
    qtbot.waitUntil(lambda: done == [42], timeout=5000)
    assert op.wait(5)
    del op
    gc.collect()
    assert ref() is None
    assert owner.findChildren(BackgroundOp) == []


def test_an_op_that_outlives_its_window_does_not_crash_or_call_back(qtbot):
    """The window is deleted while the work runs: the op cancels, the worker's hand-back is dropped (before:
    the op died with its window and the worker raised "Internal C++ object already deleted")."""
    owner = QWidget()
    release = threading.Event()
    seen: list[str] = []

    def work(progress, cancel):
        release.wait(10)
        progress(0.5)
        return "late"

    op = BackgroundOp(work, owner, on_done=lambda r: seen.append(owner.windowTitle()),
                      on_progress=lambda f: seen.append(owner.windowTitle())).start()
    shiboken6.delete(owner)
    assert op.cancel.is_set()  # the work can stop early
    release.set()
    qtbot.waitUntil(lambda: op.delivered, timeout=5000)
    assert seen == [] and not op.running
