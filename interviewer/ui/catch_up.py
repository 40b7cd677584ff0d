"""The catch-up after an interview on a busy machine (see interviewer.live.catchup), off the UI thread.

`CatchUp` runs `catch_up_session` for one or more sessions on a worker thread and hands progress, revised
segments and the outcome back to the UI thread as Qt signals. `cancel()` stops it before the next write:
the session keeps its flag and its catch-up goes on at the next start of the app.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from interviewer.ui.bridge import BackgroundOp, failure_sentence


class CatchUp(QObject):
    """The signals below are emitted on the UI thread only: the work reports through its BackgroundOp, which
    hands each report back on the UI thread (no signal is emitted from the worker)."""

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
        self.fraction = 0.0
        self._op = BackgroundOp(self._work, self, name="catch up", on_progress=self._report,
                                on_done=lambda _: self.all_done.emit(), on_failed=lambda _msg: self.all_done.emit())

    @property
    def running(self) -> bool:
        return self._op.running

    def start(self) -> None:
        self._op.start()

    def cancel(self, wait_s: float = 5.0) -> None:
        self._op.cancel.set()
        self._op.wait(wait_s)

    def _report(self, report: tuple[Any, ...]) -> None:
        """On the UI thread: one report of the work, as the signal it names."""
        kind, *args = report
        if kind == "progress":
            self.fraction = args[1]
        getattr(self, kind).emit(*args)

    def _work(self, report: Callable[[Any], None], cancel: threading.Event) -> None:
        from interviewer.live.refine import Cancelled

        for sid in self.session_ids:
            if cancel.is_set():
                return

            def progress(fraction: float, sid: str = sid) -> None:
                report(("progress", sid, float(fraction)))

            try:
                n = self._run(sid, progress=progress, cancel=cancel,
                              on_revised=lambda seg_id, seg: report(("revised", seg_id, seg)))
            except Cancelled:
                return
            except Exception as exc:  # noqa: BLE001 - one sentence in the window; the flag stays for a retry
                report(("failed", sid,
                        f"polishing the transcript of session {sid[:8]} failed: {failure_sentence(exc)}"))
                continue
            report(("finished", sid, int(n)))
