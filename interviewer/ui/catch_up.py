"""The catch-up after an interview on a busy machine (see interviewer.catchup), off the UI thread.

`CatchUp` runs `catch_up_session` for one or more sessions on a worker thread and hands progress, revised
segments and the outcome back to the UI thread as Qt signals. `cancel()` stops it before the next write:
the session keeps its flag and its catch-up goes on at the next start of the app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class CatchUp(QObject):
    progress = Signal(str, float)      # session id, 0..1
    revised = Signal(str, object)      # segment id, Segment
    finished = Signal(str, int)        # session id, segments revised
    failed = Signal(str, str)          # session id, one sentence
    all_done = Signal()

    def __init__(self, run: Callable[..., Any], session_ids: list[str], parent: QObject | None = None) -> None:
        """`run(session_id, progress=..., cancel=..., on_revised=...)` does one session's catch-up and
        returns the number of segments it revised (e.g. `LiveSession.catch_up` or `catch_up_session`)."""
        super().__init__(parent)
        self._run = run
        self.session_ids = list(session_ids)
        self._cancel = threading.Event()
        self._thread: threading.Thread | None = None
        self.fraction = 0.0

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._work, name="catch up", daemon=True)
        self._thread.start()

    def cancel(self, wait_s: float = 5.0) -> None:
        self._cancel.set()
        if self._thread is not None:
            self._thread.join(wait_s)

    def _work(self) -> None:
        from interviewer.refine import Cancelled

        for sid in self.session_ids:
            if self._cancel.is_set():
                break

            def progress(fraction: float, sid: str = sid) -> None:
                self.fraction = fraction
                self.progress.emit(sid, fraction)

            try:
                n = self._run(sid, progress=progress, cancel=self._cancel, on_revised=self.revised.emit)
            except Cancelled:
                break
            except Exception as exc:  # noqa: BLE001 - one sentence in the window; the flag stays for a retry
                self.failed.emit(sid, f"polishing the transcript of session {sid[:8]} failed: {exc}")
                continue
            self.finished.emit(sid, int(n))
        self.all_done.emit()
