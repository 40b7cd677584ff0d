"""Re-transcribe a finished session in the background, with progress and cancel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from interviewer.ui.bridge import BackgroundOp


def run_refine(parent: QWidget, work: Any, on_done: Any) -> BackgroundOp:
    """`work(progress, cancel)` re-transcribes on a worker thread (BackgroundOp); `on_done(report)` on the UI
    thread; a failure is one sentence in a message box."""
    dialog = QProgressDialog("Re-transcribing with stronger settings…", "Cancel", 0, 1000, parent)
    dialog.setWindowTitle("Refine transcript")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    runner = BackgroundOp(work, parent, name="refine")
    runner.progress.connect(lambda f: dialog.setValue(int(f * 1000)))
    dialog.canceled.connect(runner.cancel.set)

    def done(report: Any) -> None:
        dialog.reset()
        on_done(report)

    def failed(message: str) -> None:
        dialog.reset()
        if not runner.cancel.is_set():
            QMessageBox.warning(parent, "Refine transcript", message)

    runner.finished.connect(done)
    runner.failed.connect(failed)
    runner.start()
    return runner
