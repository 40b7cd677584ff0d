"""Compare a role's candidates: criteria x candidates with each evaluator's scores and evidence counts; a cell
opens its quotes, each playable; judgment calls side by side (the calibration board, `board_window`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from interviewer.core.transcript import mmss


class CompareWindow(QMainWindow):
    def __init__(self, store: Any, role: str, open_moment: Callable[[str, float], None],
                 settings: QSettings | None = None) -> None:
        from interviewer.notes.reports.compare_data import comparison
        from interviewer.ui.exports import Exporter, role_job

        super().__init__()
        self.store, self.role, self.open_moment = store, role, open_moment
        self.data = comparison(store, role)
        self.setWindowTitle(f"Compare candidates — {role}")
        base = QFont(self.font())
        base.setPointSize(12)
        self.setFont(base)
        crit = self.data["criteria"]
        cands = self.data["candidates"]
        self.matrix = QTableWidget(len(crit), len(cands))
        self.matrix.setHorizontalHeaderLabels([c["name"] for c in cands])
        self.matrix.setVerticalHeaderLabels([c["name"] for c in crit])
        self.matrix.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.matrix.setWordWrap(True)
        for i, c in enumerate(crit):
            for j, cand in enumerate(cands):
                scores = cand["scores"].get(c["key"], {})
                ev = cand["evidence"].get(c["key"], {"supports": 0, "concern": 0})
                lines = [" · ".join(f"{who} {'/'.join(map(str, s))}" for who, s in sorted(scores.items()))
                         or "not rated", f"+{ev['supports']} −{ev['concern']} evidence"]
                item = QTableWidgetItem("\n".join(lines))
                item.setData(Qt.ItemDataRole.UserRole, (cand["id"], c["key"]))
                flat = [x for s in scores.values() for x in s]
                if flat:
                    shade = QColor(c["colour"])  # the criterion's colour, as in the PDF (core.palette)
                    shade.setAlpha(40 + 40 * round(sum(flat) / len(flat)))
                    item.setBackground(shade)
                self.matrix.setItem(i, j, item)
        self.matrix.resizeRowsToContents()
        self.matrix.resizeColumnsToContents()
        self.matrix.currentCellChanged.connect(lambda r, c, *_: self.show_quotes(r, c))
        self.quotes = QListWidget()
        self.quotes.setWordWrap(True)
        self.quotes.itemActivated.connect(self._play)
        self.quotes.itemDoubleClicked.connect(self._play)
        claims = QLabel("   ".join(
            f"{c['name']}: {c['claims']['verified']} verified, {c['claims']['contradicted']} contradicted, "
            f"{c['claims']['vague']} vague, {c['claims']['unprobed']} unprobed" for c in cands))
        claims.setWordWrap(True)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.addWidget(QLabel("Select a cell to see its quotes; Enter or double-click a quote to hear it."))
        tl.addWidget(self.matrix, 1)
        tl.addWidget(claims)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.quotes)
        from interviewer.ui.board_window import BoardWidget

        self.board = BoardWidget(store, role, open_moment)
        tabs = QTabWidget()
        tabs.addTab(split, "Criteria × candidates")
        tabs.addTab(self.board, "Judgment calls side by side")
        self.setCentralWidget(tabs)
        self.exporter = Exporter(self, store, settings or QSettings())
        menu = self.menuBar().addMenu("&File")
        for text, keys, kind in (("Export this &comparison (PDF)…", "Ctrl+E", "compare"),
                                 ("Export the role's ca&libration report (PDF)…", "", "calibration")):
            a = QAction(text, self)
            if keys:
                a.setShortcut(QKeySequence(keys))
            a.triggered.connect(lambda _checked=False, k=kind: self.exporter.run(role_job(store, role, k)))
            menu.addAction(a)
            self.addAction(a)
        self.exporter.add_open_actions(menu)
        menu.addSeparator()
        close = QAction("&Close", self)
        close.setShortcuts(QKeySequence.StandardKey.Close)
        close.triggered.connect(lambda _checked=False: self.close())
        menu.addAction(close)
        self.addAction(close)
        from interviewer.ui.style import fitting_size

        self.resize(*fitting_size(self, 1200, 760))

    def show_quotes(self, row: int, col: int) -> None:
        self.quotes.clear()
        item = self.matrix.item(row, col)
        if item is None:
            return
        cand_id, key = item.data(Qt.ItemDataRole.UserRole)
        cand = next(c for c in self.data["candidates"] if c["id"] == cand_id)
        for sid in cand["sessions"]:
            for e in self.store.evidence(sid):
                if e.criterion != key:
                    continue
                mark = "▲ concern" if e.polarity == "concern" else "✓"
                q = QListWidgetItem(f"▶ [{mmss(e.start)}] {mark} {e.evaluator or ''}: "
                                    f"“{e.quote or e.note}”")
                q.setData(Qt.ItemDataRole.UserRole, (sid, float(e.start)))
                self.quotes.addItem(q)
        if not self.quotes.count():
            self.quotes.addItem("No evidence for this criterion yet.")

    def _play(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if data:
            self.open_moment(data[0], data[1])
