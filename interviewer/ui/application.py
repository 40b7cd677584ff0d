"""Start the Qt application: the window over the store the composition root opened."""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtWidgets import QApplication, QMessageBox

from interviewer.errors import UserError


def run(services: Any, args: Any) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Interviewer")
    app.setOrganizationName("Interviewer")
    try:
        store = services.open_store()
    except UserError as exc:
        QMessageBox.critical(None, "Interviewer", str(exc))
        return 2
    from interviewer.ui.main_window import MainWindow

    window = MainWindow(store)
    window.show()
    try:
        return int(app.exec())
    finally:
        store.close()
