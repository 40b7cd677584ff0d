"""The live window's recording: Record, Pause, Stop and the states between them. Starting and stopping the
session run off the UI thread (`BackgroundOp`): the window says "Starting…" or "Saving…" with its recording
buttons disabled (a key pressed while it starts acts once the recording has started), and a failure is one
sentence in the window."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QMessageBox

from interviewer.audio.pace import LoadStatus
from interviewer.core.transcript import mmss
from interviewer.ui.bridge import BackgroundOp
from interviewer.ui.catch_up import CatchUp
from interviewer.ui.live.base import LiveBase
from interviewer.ui.live.transcript import TRANSCRIPT_PLACEHOLDERS


class RecordingControls(LiveBase):
    """Record / pause / stop, the state shown in the toolbar, the clock, and the catch-up after Stop."""

    def _set_state(self, state: str) -> None:
        self.state = state
        self.record_btn.setEnabled(state == "idle")
        self.pause_btn.setEnabled(state in ("recording", "paused"))
        self.pause_btn.setText("▶ Resume" if state == "paused" else "❚❚ Pause")
        self.stop_btn.setEnabled(state in ("recording", "paused"))
        text, style = {
            "idle": ("● NOT RECORDING", "color: #6f6f6f;"),
            "starting": ("● STARTING…", "color: #b28600;"),
            "recording": ("● REC", "color: white; background: #da1e28; border-radius: 6px; padding: 2px 10px;"),
            "paused": ("❚❚ PAUSED", "color: #161616; background: #f1c21b; border-radius: 6px; padding: 2px 10px;"),
            "stopping": ("■ SAVING…", "color: #6f6f6f;"),
            "stopped": ("■ SAVED", "color: #198038;"),
        }[state]
        f = QFont(self.font())
        f.setBold(True)
        f.setPointSize(14)
        self.rec_indicator.setFont(f)
        self.rec_indicator.setText(text)
        self.rec_indicator.setStyleSheet(style)
        self.transcript.show_state(state)
        reviewable = state == "stopped" and self.open_review is not None
        self.review_action.setVisible(reviewable)  # a toolbar widget shows and hides through its action
        self.review_btn.setEnabled(reviewable)
        # While the recording is being saved, Ctrl+Shift+R opens the review once it is.
        self.act_review.setEnabled(state in ("stopping", "stopped") and self.open_review is not None)
        if state in ("starting", "recording"):  # the keys go to the window (tags), not to a field
            self.transcript.text.setFocus()

    def record(self) -> None:
        """Start the session off the UI thread (opening the devices, creating the recording and its rows can take
        a while); the window says "Starting…" meanwhile, and the outcome arrives in `_on_session_started` or
        `_on_start_failed`."""
        if self.state != "idle":
            return
        self._set_state("starting")
        self.statusBar().showMessage(TRANSCRIPT_PLACEHOLDERS["starting"])
        factory, listener = self.session_factory, self.bridge.listener()

        def start(_progress: Callable[[float], None], _cancel: threading.Event) -> Any:
            session = factory(listener)
            session.start()
            return session

        # Parentless, as the bridge: the worker thread reports to it even if the window is deleted meanwhile.
        self.start_op = BackgroundOp(start, name="start session", on_done=self._on_session_started,
                                     on_failed=self._on_start_failed).start()

    def once_started(self, slot: Callable[[], Any]) -> None:
        """Run `slot` now, or once the session has started if it is starting: a key pressed meanwhile (a tag, a
        note, Pause, Stop, closing) acts on the recording, in the order pressed."""
        if self.state == "starting":
            self._held.append(slot)
        else:
            slot()

    def _on_session_started(self, session: Any) -> None:
        self.session = session
        self.session_id = session.session_id
        if self.state == "starting":  # not already stopped by the session itself (its source ended at once)
            self._set_state("recording")
            self.clock.start()
        if self._close_when_stopped:  # closed while starting: save and close
            self.stop()
        held, self._held = self._held, []
        for slot in held:  # after this callback, from the event loop, as the key presses would have been
            QTimer.singleShot(0, slot)

    def _on_start_failed(self, sentence: str) -> None:
        self._held.clear()  # nothing is recorded: keys pressed while it was starting have nothing to act on
        self._set_state("idle")
        self.statusBar().showMessage(sentence)
        if self._close_when_stopped:
            self.close()
            return
        QMessageBox.critical(self, "Cannot start recording", sentence)

    def toggle_pause(self) -> None:
        if self.session is None:
            return
        if self.state == "recording":
            self.session.pause()
            self._set_state("paused")
        elif self.state == "paused":
            self.session.resume()
            self._set_state("recording")

    def stop(self) -> None:
        if self.session is None or self.state not in ("recording", "paused") or self._stopping:
            return
        self._stopping = True
        self._set_state("stopping")
        self.statusBar().showMessage(TRANSCRIPT_PLACEHOLDERS["stopping"])
        session = self.session
        # Stopping joins the transcriber's threads and closes the files: off the UI thread. The session says
        # it is saved through the bridge (`_on_stopped`), as when it stops by itself.
        self.stop_op = BackgroundOp(lambda _progress, _cancel: session.stop("stopped by the evaluator"),
                                    name="stop session", on_failed=self._on_stop_failed).start()

    def _on_stop_failed(self, sentence: str) -> None:
        self.clock.stop()
        self._stopping = False
        self._set_state("stopped")
        self._on_error(sentence)
        if self._close_when_stopped:
            self.close()

    def review(self) -> None:
        """The saved recording in the review window (correct the words, rate, export)."""
        if self.session_id is None or self.open_review is None:
            return
        if self.state == "stopping":
            self._review_when_stopped = True
            self.statusBar().showMessage("The review opens as soon as the recording is saved…")
        elif self.state == "stopped":
            self.open_review(self.session_id)

    def _on_started(self, sid: str) -> None:
        self.statusBar().showMessage(f"Recording session {sid[:8]} — keys 1–4 tag the last "
                                     f"{self.window_spin.value()} s")

    def _on_stopped(self, reason: str) -> None:
        self.clock.stop()
        self._stopping = False
        self._tick()
        self._set_state("stopped")
        self.statusBar().showMessage(f"Saved: {reason}." + (" Open review (Ctrl+Shift+R) to correct, rate and export."
                                                            if self.open_review is not None else ""))
        if self._close_when_stopped:
            self.close()  # what was put off goes on at the next start
            return
        if self._review_when_stopped:
            self._review_when_stopped = False
            self.review()
        self._start_catch_up()

    def _on_load(self, status: LoadStatus) -> None:
        self.pace_label.setText(status.message)
        self.pace_label.setVisible(bool(status.message) and self.catch_up is None)

    def _start_catch_up(self) -> None:
        """After Stop on a busy machine: polish the transcript on the recording, with progress; the lines
        follow as they are revised."""
        session = self.session
        if session is None or not session.needs_catch_up or self.session_id is None:
            return
        self.catch_up = CatchUp(lambda sid, **kw: session.catch_up(**kw), [self.session_id], parent=self)
        self.catch_up.progress.connect(lambda sid, f: self._show_catch_up(f"Polishing the transcript… {f:.0%}"))
        self.catch_up.revised.connect(self._on_revised)
        self.catch_up.finished.connect(lambda sid, n: self._show_catch_up(
            f"Transcript polished: {n} line(s) improved", done=True))
        self.catch_up.failed.connect(lambda sid, msg: self._show_catch_up(msg, done=True))
        self._show_catch_up("Polishing the transcript… 0%")
        self.catch_up.start()

    def _show_catch_up(self, text: str, *, done: bool = False) -> None:
        self.pace_label.setText(text)
        self.pace_label.show()
        if done:
            self.catch_up = None

    def _on_error(self, message: str) -> None:
        self.statusBar().showMessage(message)
        QMessageBox.warning(self, "Recording stopped", message)

    def _tick(self) -> None:
        if self.session is not None:
            self.elapsed.setText(mmss(self.session.elapsed_s))

    @property
    def now_s(self) -> float:
        return float(self.session.elapsed_s) if self.session is not None else 0.0


def wait_for_threads(prefixes: tuple[str, ...] = ("transcribe", "replay", "fsync", "start session", "stop session"),
                     timeout: float = 10.0) -> list[str]:
    """Names of core threads still alive after `timeout` (for tests and shutdown checks)."""
    end = time.monotonic() + timeout
    alive: list[str] = []
    for t in threading.enumerate():
        if t.name.startswith(prefixes):
            t.join(max(0.0, end - time.monotonic()))
            if t.is_alive():
                alive.append(t.name)
    return alive
