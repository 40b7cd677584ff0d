"""Turn the core's plain callbacks (called on worker threads) into Qt signals delivered on the UI thread, and run
one piece of slow work off the UI thread (`BackgroundOp`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from interviewer.core.errors import UserError
from interviewer.live.session import Listener


class SessionBridge(QObject):
    """Signals are emitted from worker threads; Qt queues them to receivers living on the UI thread."""

    started = Signal(str)
    segment = Signal(str, object)
    revised = Signal(str, object)
    tentative = Signal(str, str, float, float)
    level = Signal(str, float)
    stopped = Signal(str)
    error = Signal(str)
    load = Signal(object)  # LoadStatus: what the live path does about the machine's speed

    def listener(self) -> Listener:
        return Listener(
            started=self.started.emit,
            segment=self.segment.emit,
            revised=self.revised.emit,
            tentative=self.tentative.emit,
            level=self.level.emit,
            stopped=self.stopped.emit,
            error=self.error.emit,
            load=self.load.emit,
        )


def failure_sentence(exc: BaseException) -> str:
    """One sentence for the window: the file and the problem, never a traceback."""
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, OSError):
        where = exc.filename or ""
        why = exc.strerror or str(exc)
        return f"Cannot write {where}: {why}." if where else f"{why}."
    return str(exc) or type(exc).__name__


class BackgroundOp(QObject):
    """Run `work(progress, cancel)` on a worker thread and hand its result back on the UI thread, as Anki's
    QueryOp does: `on_done(result)` or `on_failed(sentence)` run on the thread that owns this object (the UI
    thread), `on_progress(fraction)` too. The UI thread never waits for the work.

    `work` gets `progress(fraction)` to report and `cancel` (a threading.Event) to honour; it must not touch
    widgets."""

    progress = Signal(float)
    finished = Signal(object)
    failed = Signal(str)
    _result = Signal(object, str)
    _progress = Signal(float)

    def __init__(self, work: Callable[[Callable[[float], None], threading.Event], Any], parent: QObject | None = None,
                 *, name: str = "background", on_done: Callable[[Any], None] | None = None,
                 on_failed: Callable[[str], None] | None = None,
                 on_progress: Callable[[float], None] | None = None) -> None:
        super().__init__(parent)
        self.work, self.name = work, name
        self.cancel = threading.Event()
        self.worker: threading.Thread | None = None
        self.running = False
        # Queued to this object's thread: the worker only emits, the UI thread runs the callbacks.
        self._result.connect(self._deliver)
        self._progress.connect(self._relay_progress)
        if on_done is not None:
            self.finished.connect(on_done)
        if on_failed is not None:
            self.failed.connect(on_failed)
        if on_progress is not None:
            self.progress.connect(on_progress)

    def start(self) -> BackgroundOp:
        def run() -> None:
            try:
                result = self.work(self._progress.emit, self.cancel)
            except Exception as exc:  # noqa: BLE001 - reported to the window as one sentence
                self._result.emit(None, failure_sentence(exc))
                return
            self._result.emit(result, "")

        self.running = True
        self.worker = threading.Thread(target=run, name=self.name, daemon=True)
        self.worker.start()
        return self

    @Slot(float)
    def _relay_progress(self, fraction: float) -> None:
        self.progress.emit(fraction)

    @Slot(object, str)
    def _deliver(self, result: Any, problem: str) -> None:
        self.running = False
        if problem:
            self.failed.emit(problem)
        else:
            self.finished.emit(result)

    def wait(self, timeout: float | None = None) -> bool:
        """For shutdown and tests: True once the worker thread has ended (callbacks may still be queued)."""
        if self.worker is not None:
            self.worker.join(timeout)
            return not self.worker.is_alive()
        return True
