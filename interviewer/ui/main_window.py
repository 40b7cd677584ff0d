"""The main window: the session library (grows into the live and review windows)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from interviewer.transcript import mmss

COLUMNS = ("Candidate", "Role", "Started (UTC)", "Length", "Status", "Segments", "Evidence")


class MainWindow(QMainWindow):
    new_interview = Signal()

    def __init__(self, store: Any, settings: QSettings | None = None) -> None:
        super().__init__()
        self.store = store
        self.settings = settings or QSettings()
        self.setWindowTitle("Interviewer")
        self.resize(1000, 640)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.empty = QLabel("No interviews yet.\n\nFile → New interview (Ctrl+N) to record one,\n"
                            "or run `interviewer demo` to watch a sample interview.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("emptyState")

        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.table)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.stack)
        self.setCentralWidget(central)

        new = QAction("&New interview…", self)
        new.setShortcut(QKeySequence.StandardKey.New)
        new.triggered.connect(self.new_interview.emit)
        refresh = QAction("&Refresh", self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.refresh)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu = self.menuBar().addMenu("&File")
        menu.addAction(new)
        menu.addAction(refresh)
        menu.addAction(quit_action)

        geometry = self.settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        self.refresh()

    def refresh(self) -> None:
        rows = self.store.sessions()
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            values = (r["candidate"], r["role"] or "", r["started_at"][:16].replace("T", " "),
                      mmss(r["duration_s"]), r["status"], str(r["segments"]), str(r["evidence"]))
            for j, v in enumerate(values):
                item = QTableWidgetItem(v)
                item.setData(Qt.ItemDataRole.UserRole, r["id"])
                self.table.setItem(i, j, item)
        self.table.setSortingEnabled(True)
        self.stack.setCurrentWidget(self.table if rows else self.empty)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.settings.setValue("main/geometry", self.saveGeometry())
        super().closeEvent(event)
