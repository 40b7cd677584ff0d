"""Turn the core's plain callbacks (called on worker threads) into Qt signals delivered on the UI thread, and run
one piece of slow work off the UI thread (`BackgroundOp`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

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
    removed = Signal(str)  # a committed line dropped as the microphone's echo of the call

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
            removed=self.removed.emit,
        )


def failure_sentence(exc: BaseException, verb: str = "write") -> str:
    """One sentence for the window: the file and the problem, never a traceback. `verb`: what was being done
    with a file named by an OSError ("Cannot write x.pdf: …", "Cannot read resume.pdf: …")."""
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, OSError):
        where = exc.filename or ""
        why = exc.strerror or str(exc)
        return f"Cannot {verb} {where}: {why}." if where else f"{why}."
    return str(exc) or type(exc).__name__


Work = Callable[[Callable[[Any], None], threading.Event], Any]


class BackgroundOp(QObject):
    """THE way to run slow work (the disk, the model, a device) off the UI thread and hand its outcome back on
    it, as Anki's QueryOp/CollectionOp do. `work(progress, cancel)` runs on a worker thread; it may call
    `progress(x)` (a fraction 0..1, or any record the caller understands) and should honour `cancel` (a
    threading.Event); it must not touch widgets. On the UI thread: `on_progress(x)` for each report, then
    `on_done(result)` or `on_failed(sentence)` (the exception as one sentence, never a traceback). The UI
    thread never waits for the work.

    `owner` (a widget or other QObject, optional) is who the outcome is for. The op is not its Qt child: a
    window closed and deleted while the work runs does not take the op down with it (the worker would then
    emit on a deleted object); instead the op sets `cancel` and drops the outcome. A started op keeps itself
    alive until its outcome is delivered, then lets go of itself (nothing accumulates per op)."""

    progress = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    _result = Signal(object, str)
    _progress = Signal(object)

    _alive: ClassVar[set[BackgroundOp]] = set()  # started, outcome not yet delivered

    def __init__(self, work: Work, owner: QObject | None = None, *, name: str = "background",
                 on_done: Callable[[Any], None] | None = None, on_failed: Callable[[str], None] | None = None,
                 on_progress: Callable[[Any], None] | None = None, verb: str = "write") -> None:
        super().__init__()
        self.work, self.name, self.verb = work, name, verb
        self.cancel = threading.Event()
        self.worker: threading.Thread | None = None
        self.running = False
        self.delivered = False
        self._owner_gone = False
        if owner is not None:
            owner.destroyed.connect(self._forget_owner)
        # Queued to this object's thread (the UI thread): the worker only emits, the UI thread runs callbacks.
        self._result.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._progress.connect(self._relay_progress, Qt.ConnectionType.QueuedConnection)
        if on_done is not None:
            self.finished.connect(on_done)
        if on_failed is not None:
            self.failed.connect(on_failed)
        if on_progress is not None:
            self.progress.connect(on_progress)

    def start(self) -> BackgroundOp:
        if self.worker is not None:
            raise RuntimeError(f"the background op {self.name!r} was already started")
        self.running = True
        BackgroundOp._alive.add(self)
        self.worker = threading.Thread(target=self._run, name=self.name, daemon=True)
        self.worker.start()
        return self

    def _run(self) -> None:
        try:
            result = self.work(self._progress.emit, self.cancel)
        except Exception as exc:  # noqa: BLE001 - reported to the window as one sentence
            self._result.emit(None, failure_sentence(exc, self.verb))
            return
        self._result.emit(result, "")

    @Slot()
    def _forget_owner(self) -> None:
        self._owner_gone = True
        self.cancel.set()

    @Slot(object)
    def _relay_progress(self, value: Any) -> None:
        if not self._owner_gone and not self.delivered:
            self.progress.emit(value)

    @Slot(object, str)
    def _deliver(self, result: Any, problem: str) -> None:
        self.running = False
        self.delivered = True
        BackgroundOp._alive.discard(self)
        if self._owner_gone:
            return
        if problem:
            self.failed.emit(problem)
        else:
            self.finished.emit(result)

    def wait(self, timeout: float | None = None) -> bool:
        """For shutdown and tests only (it blocks): True once the worker thread has ended (the outcome may
        still be queued for the UI thread)."""
        if self.worker is not None:
            self.worker.join(timeout)
            return not self.worker.is_alive()
        return True
