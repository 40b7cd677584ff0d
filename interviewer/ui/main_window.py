"""The session library: every interview, sortable and filterable; open one for review; search across all."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from interviewer.core.transcript import mmss
from interviewer.notes.store.panel_rows import failure_story_fields

BASE_COLUMNS = ("Candidate", "Role", "Started (UTC)", "Length", "Evaluator", "Status", "Segments", "Failure story")
STATUS_COLOURS = {"recording": "#da1e28", "recovered": "#b28600", "paused": "#b28600", "failed": "#da1e28"}


class NumberItem(QTableWidgetItem):
    """Sorts by number, not text."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        try:
            return float(self.data(Qt.ItemDataRole.UserRole + 1)) < float(other.data(Qt.ItemDataRole.UserRole + 1))
        except (TypeError, ValueError):
            return super().__lt__(other)


class MainWindow(QMainWindow):
    new_interview = Signal()
    open_session = Signal(str, float)  # session id, seconds to play from (-1: don't play)

    def __init__(self, store: Any, settings: QSettings | None = None, criteria: list[tuple[str, str]] | None = None
                 ) -> None:
        super().__init__()
        self.store = store
        self.settings = settings or QSettings()
        self.criteria = criteria or self._criteria_from_store()
        self.setWindowTitle("Interviewer — interviews")
        self.resize(1100, 680)
        self.encryption_label = QLabel("🔒 Encrypted at rest" if getattr(store, "vault", None) is not None
                                       else "Not encrypted")
        self.encryption_label.setToolTip(str(getattr(store, "root", "")))
        self.statusBar().addPermanentWidget(self.encryption_label)
        columns = [*BASE_COLUMNS, *(name for _k, name in self.criteria)]
        self.table = QTableWidget(0, len(columns))
        self.table.setHorizontalHeaderLabels(columns)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.activated.connect(lambda _i: self.open_selected())  # Enter on a row (not a window shortcut)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by candidate")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(lambda _t: self._apply_filter())
        self.role = QComboBox()
        self.role.currentIndexChanged.connect(lambda _i: self._apply_filter())
        top = QHBoxLayout()
        top.addWidget(QLabel("Role"))
        top.addWidget(self.role)
        top.addWidget(self.filter, 1)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search every transcript (Ctrl+F) — Enter to search, Enter on a result to hear it")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.run_search)
        self.results = QListWidget()
        self.results.setWordWrap(True)
        self.results.itemActivated.connect(self._open_result)
        self.results.itemDoubleClicked.connect(self._open_result)

        self.empty = QLabel("No interviews yet.\n\nFile → New interview (Ctrl+N) to record one,\n"
                            "or run `interviewer demo` to watch a sample interview.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("emptyState")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.table)
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addLayout(top)
        ul.addWidget(self.stack, 1)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.search)
        ll.addWidget(self.results, 1)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(upper)
        self.split.addWidget(lower)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 1)
        # A line for what the start did in the background (interviews a crash interrupted, recovered).
        self.notice = QLabel("")
        self.notice.setObjectName("startNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.notice)
        layout.addWidget(self.split)
        self.setCentralWidget(central)

        menu = self.menuBar().addMenu("&File")
        for text, keys, slot in (
            ("&New interview…", QKeySequence.StandardKey.New, self.new_interview.emit),
            # Enter opens a session only from the table (its `activated`): a window-wide Return shortcut took
            # Enter away from the search box.
            ("&Open for review", [QKeySequence("Ctrl+O")], self.open_selected),
            ("&Search transcripts", QKeySequence.StandardKey.Find, self.search.setFocus),
            ("&Panel plan for this candidate…", [QKeySequence("Ctrl+L")], self.open_plan),
            ("&Compare the candidates for this role…", [QKeySequence("Ctrl+Shift+R")], self.open_compare),
            ("&Refresh", QKeySequence.StandardKey.Refresh, self.refresh),
            ("", None, None),
            ("&Quit", [QKeySequence("Ctrl+Q")], self.close),  # StandardKey.Quit is empty on some platforms
        ):
            if slot is None or keys is None:  # the Export submenu goes here
                from interviewer.ui.exports import Exporter, add_export_menu

                self.exporter = Exporter(self, store, self.settings)
                self.export_menu = add_export_menu(self, menu, self.exporter, session=self.selected_session,
                                                   role=self._selected_role, candidate=self._selected_candidate)
                menu.addSeparator()
                continue
            a = QAction(text, self)
            if isinstance(keys, list):
                a.setShortcuts(keys)
            else:
                a.setShortcuts(keys)
            a.triggered.connect(lambda _checked=False, s=slot: s())
            menu.addAction(a)
            self.addAction(a)

        geometry = self.settings.value("main/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        self.refresh()

    def show_notice(self, text: str, *, problem: bool = False) -> None:
        """A line above the list (what the start did in the background); empty text hides it."""
        self.notice.setText(text)
        self.notice.setStyleSheet("color: #da1e28;" if problem else "color: #198038;")
        self.notice.setVisible(bool(text))

    def _criteria_from_store(self) -> list[tuple[str, str]]:
        rows = self.store.latest_kit_criteria()
        if rows:
            return rows
        from interviewer.notes.prompts.kits import load_kit

        return [(c.key, c.name) for c in load_kit().criteria]

    def watch(self, window: Any) -> None:
        """Show a live window's session as soon as it starts recording, and again once it is saved."""
        bridge = getattr(window, "bridge", None)
        if bridge is not None:
            bridge.started.connect(lambda _sid: self.refresh())
            bridge.stopped.connect(lambda _reason: self.refresh())

    def changeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == event.Type.ActivationChange and self.isActiveWindow():
            self.refresh()  # back from a live or review window: what they saved shows

    def refresh(self) -> None:
        selected = self.selected_session()
        rows = self.store.sessions()
        stories = failure_story_fields(self.store)
        counts = self.store.evidence_counts()
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            values: list[tuple[str, Any]] = [
                (r.candidate, None), (r.role or "", None), (r.started_at[:16].replace("T", " "), None),
                (mmss(r.duration_s), r.duration_s), (r.evaluator or "", None), (r.status, None),
                (str(r.segments), r.segments), (self._story_mark(stories.get(r.id)), None)]
            values += [(str(counts.get((r.id, k), 0)), counts.get((r.id, k), 0)) for k, _n in self.criteria]
            for j, (text, number) in enumerate(values):
                item = NumberItem(text) if number is not None else QTableWidgetItem(text)
                if number is not None:
                    item.setData(Qt.ItemDataRole.UserRole + 1, number)
                item.setData(Qt.ItemDataRole.UserRole, r.id)
                if r.status in STATUS_COLOURS:
                    item.setForeground(QColor(STATUS_COLOURS[r.status]))
                    item.setToolTip(f"This session is {r.status}" + (
                        ": a crash interrupted it and what was on disk was recovered" if r.status == "recovered"
                        else ""))
                self.table.setItem(i, j, item)
        self.table.setSortingEnabled(True)
        roles = sorted({r.role for r in rows if r.role})
        current = self.role.currentText()
        self.role.blockSignals(True)
        self.role.clear()
        self.role.addItem("All roles", None)
        for role in roles:
            self.role.addItem(role, role)
        self.role.setCurrentIndex(max(0, self.role.findText(current)))
        self.role.blockSignals(False)
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        self._apply_filter()
        rows_shown = [i for i in range(self.table.rowCount()) if not self.table.isRowHidden(i)]
        target = next((i for i in rows_shown if (cell := self.table.item(i, 0)) is not None
                       and cell.data(Qt.ItemDataRole.UserRole) == selected), rows_shown[0] if rows_shown else None)
        if target is not None:
            # A row is always current, so Ctrl+O / Enter / Ctrl+E work from the keyboard at once.
            self.table.setCurrentCell(target, 0)
            self.table.selectRow(target)

    @staticmethod
    def _story_mark(fields: dict[str, str] | None) -> str:
        from interviewer.notes.panel import completeness

        if not fields:
            return "none"  # a session with no concrete failure story is marked
        return "concrete" if completeness(fields)["concrete"] else "vague"

    def _apply_filter(self) -> None:
        text = self.filter.text().strip().lower()
        role = self.role.currentData()
        for i in range(self.table.rowCount()):
            cand = (self.table.item(i, 0) or QTableWidgetItem()).text().lower()
            r = (self.table.item(i, 1) or QTableWidgetItem()).text()
            self.table.setRowHidden(i, bool(text and text not in cand) or bool(role and r != role))

    def selected_session(self) -> str | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def _selected_role(self) -> str | None:
        sid = self.selected_session()
        return (self.store.session(sid).role if sid else None) or self.role.currentData()

    def _selected_candidate(self) -> str | None:
        sid = self.selected_session()
        return self.store.session(sid).candidate if sid else None

    def open_selected(self) -> None:
        sid = self.selected_session()
        if sid:
            self.open_session.emit(sid, -1.0)
        else:
            self.statusBar().showMessage("Select an interview in the list first (Tab to the list, then ↑/↓).", 5000)

    def open_compare(self) -> None:
        from interviewer.ui.compare_window import CompareWindow

        sid = self.selected_session()
        role = self.store.session(sid).role if sid else self.role.currentData()
        if not role:
            self.statusBar().showMessage("Select an interview (or a role) to compare its candidates.", 4000)
            return
        self.compare = CompareWindow(self.store, role, self.open_session.emit, settings=self.settings)
        self.compare.show()

    def open_plan(self) -> None:
        from interviewer.notes.prompts.kits import load_kit
        from interviewer.ui.plan_dialog import PlanDialog

        sid = self.selected_session()
        if not sid:
            self.statusBar().showMessage("Select an interview of the candidate first.", 4000)
            return
        session = self.store.session(sid)
        self.plan_dialog = PlanDialog(self.store, load_kit(), session.candidate_id, session.candidate, self)
        self.plan_dialog.open()

    def run_search(self) -> None:
        from interviewer.notes.review.editing import search

        self.results.clear()
        query = self.search.text().strip()
        if not query:
            return
        hits = search(self.store, query)
        if not hits:
            self.results.addItem(QListWidgetItem(f"Nothing matches “{query}”."))
        for h in hits:
            item = QListWidgetItem(f"{h['candidate']} · {h['session'][:8]} · {mmss(h['start'])}\n"
                                   f"{h.get('snippet') or h['text']}")
            item.setData(Qt.ItemDataRole.UserRole, (h["session"], float(h["start"])))
            self.results.addItem(item)

    def _open_result(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if data:
            self.open_session.emit(data[0], data[1])

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.settings.setValue("main/geometry", self.saveGeometry())
        super().closeEvent(event)
