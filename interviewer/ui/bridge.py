"""Turn the core's plain callbacks (called on worker threads) into Qt signals delivered on the UI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from interviewer.session import Listener


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
