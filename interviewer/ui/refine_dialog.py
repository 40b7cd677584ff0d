"""Re-transcribe a finished session in the background, with progress and cancel."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget


class RefineRunner(QObject):
    progress = Signal(float)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Any, parent: QObject | None = None) -> None:
        """`work(progress, cancel)` runs on a worker thread and returns a report."""
        super().__init__(parent)
        self.work = work
        self.cancel = threading.Event()
        self.worker: threading.Thread | None = None

    def start(self) -> None:
        def run() -> None:
            try:
                report = self.work(self.progress.emit, self.cancel)
            except Exception as exc:  # noqa: BLE001 - shown to the user; nothing was changed
                self.failed.emit(str(exc) or type(exc).__name__)
                return
            self.finished.emit(report)

        self.worker = threading.Thread(target=run, name="refine", daemon=True)
        self.worker.start()


def run_refine(parent: QWidget, work: Any, on_done: Any) -> RefineRunner:
    dialog = QProgressDialog("Re-transcribing with stronger settings…", "Cancel", 0, 1000, parent)
    dialog.setWindowTitle("Refine transcript")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    runner = RefineRunner(work, parent)
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
