"""Re-transcribe a finished session in the background, with progress and cancel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from interviewer.ui.bridge import BackgroundOp

WORKING = "Re-transcribing with stronger settings…"
WAITING = "Waiting for the speech model to load, then re-transcribing…"


def run_refine(parent: QWidget, work: Any, on_done: Any, *, waiting: bool = False) -> BackgroundOp:
    """`work(progress, cancel)` re-transcribes on a worker thread (BackgroundOp); `on_done(report)` on the UI
    thread; a failure is one sentence in a message box. `waiting`: the model is still loading (the work waits
    for it on its worker thread); the dialog says so until the first progress."""
    dialog = QProgressDialog(WAITING if waiting else WORKING, "Cancel", 0, 1000, parent)
    dialog.setWindowTitle("Refine transcript")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)

    def progress(fraction: float) -> None:
        if dialog.labelText() != WORKING:
            dialog.setLabelText(WORKING)
        dialog.setValue(int(fraction * 1000))

    def done(report: Any) -> None:
        dialog.reset()
        dialog.deleteLater()
        on_done(report)

    def failed(message: str) -> None:
        dialog.reset()
        dialog.deleteLater()
        if not runner.cancel.is_set():
            QMessageBox.warning(parent, "Refine transcript", message)

    runner = BackgroundOp(work, parent, name="refine", verb="read", on_progress=progress, on_done=done,
                          on_failed=failed)
    dialog.canceled.connect(runner.cancel.set)
    return runner.start()
