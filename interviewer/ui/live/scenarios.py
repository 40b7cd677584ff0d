"""The live window's "Scenarios" tab: production-constraint scenarios shown to the candidate as a full-screen
card, and the constraints their answer engaged with."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from interviewer.ui.live.context import LiveContext


class ScenarioCard(QWidget):
    """A clean full-screen card for a second display or a screen share: only the scenario, large."""

    def __init__(self, scenario: dict[str, Any]) -> None:
        super().__init__()
        self.setWindowTitle(scenario["title"])
        self.setStyleSheet("background: white; color: #161616;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(80, 60, 80, 60)
        title = QLabel(scenario["title"])
        tf = QFont(self.font())
        tf.setPointSize(28)
        tf.setBold(True)
        title.setFont(tf)
        title.setWordWrap(True)
        body = QLabel(scenario["prompt"])
        bf = QFont(self.font())
        bf.setPointSize(20)
        body.setFont(bf)
        body.setWordWrap(True)
        cons = QLabel("\n".join(f"•  {c['text']}" for c in scenario["constraints"]))
        cf = QFont(self.font())
        cf.setPointSize(18)
        cons.setFont(cf)
        cons.setWordWrap(True)
        cons.setStyleSheet("color: #393939; padding-top: 24px;")
        lay.addWidget(title)
        lay.addWidget(body)
        lay.addWidget(QLabel(""))
        head = QLabel("Constraints")
        head.setFont(cf)
        lay.addWidget(head)
        lay.addWidget(cons)
        lay.addStretch(1)
        close = QAction("Close", self)
        close.setShortcuts([QKeySequence("Esc")])
        close.triggered.connect(self.close)
        self.addAction(close)


class ScenarioPanel(QWidget):
    """Production-constraint scenarios: show a card to the candidate, tick each constraint their answer
    engaged with (linked to the last evidence and its quote)."""

    def __init__(self, window: LiveContext) -> None:
        from interviewer.notes.panel import scenarios

        super().__init__()
        self.live = window
        self.items = scenarios(window.kit)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        for s in self.items:
            self.list.addItem(QListWidgetItem(f"{s['title']}\n{', '.join(c['key'] for c in s['constraints'])}"))
        if self.items:
            self.list.setCurrentRow(0)
        self.list.currentRowChanged.connect(lambda _r: self.refresh())
        show = QPushButton("Show card (Ctrl+Shift+C)")
        show.clicked.connect(self.show_card)
        copy = QPushButton("Copy as text")
        copy.clicked.connect(self.copy_text)
        row = QHBoxLayout()
        row.addWidget(show)
        row.addWidget(copy)
        self.ticks = QListWidget()
        self.ticks.itemChanged.connect(self._ticked)
        lay = QVBoxLayout(self)
        lay.addWidget(self.list, 1)
        lay.addLayout(row)
        engaged = QLabel("Constraints the answer engaged with (tick = link the last evidence):")
        engaged.setWordWrap(True)
        lay.addWidget(engaged)
        lay.addWidget(self.ticks, 1)
        self.card: ScenarioCard | None = None
        self.refresh()

    @property
    def current(self) -> dict[str, Any] | None:
        r = self.list.currentRow()
        return self.items[r] if 0 <= r < len(self.items) else None

    def copy_text(self) -> None:
        from PySide6.QtWidgets import QApplication

        from interviewer.notes.panel import scenario_text

        if self.current:
            QApplication.clipboard().setText(scenario_text(self.current))

    def show_card(self) -> None:
        from interviewer.notes.panel import close_scenario, open_scenario

        sc = self.current
        w = self.live
        if sc is None:
            return
        if w.scenario_use and w.session_id:
            close_scenario(w.store, w.scenario_use, w.now_s)
        if w.session_id:
            w.scenario_use = open_scenario(w.store, w.session_id, sc, w.now_s, w.evaluator)
        self.card = ScenarioCard(sc)
        self.card.installEventFilter(self)
        self.card.showFullScreen()
        self.refresh()

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt override
        if obj is self.card and event.type() == event.Type.Close:
            from interviewer.notes.panel import close_scenario

            w = self.live
            if w.scenario_use and w.session_id:
                close_scenario(w.store, w.scenario_use, w.now_s)
                w.scenario_use = None
        return super().eventFilter(obj, event)

    def refresh(self) -> None:
        from interviewer.notes.panel import scenario_uses

        sc = self.current
        self.ticks.blockSignals(True)
        self.ticks.clear()
        ticked: dict[str, str] = {}
        w = self.live
        if w.session_id and w.scenario_use:
            for u in scenario_uses(w.store, w.session_id):
                if u["id"] == w.scenario_use:
                    ticked = {t["constraint_key"]: t["quote"] for t in u["ticks"]}
        for c in (sc or {}).get("constraints", []):
            quote = ticked.get(c["key"])
            item = QListWidgetItem(c["text"] + (f"\n    “{quote}”" if quote else ""))
            item.setData(Qt.ItemDataRole.UserRole, c["key"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if c["key"] in ticked else Qt.CheckState.Unchecked)
            self.ticks.addItem(item)
        self.ticks.blockSignals(False)

    def _ticked(self, item: QListWidgetItem) -> None:
        from interviewer.notes.panel import tick_constraint

        w = self.live
        if item.checkState() != Qt.CheckState.Checked or not (w.session_id and w.scenario_use):
            return
        ev = w.last_evidence_id
        tick_constraint(w.store, w.scenario_use, str(item.data(Qt.ItemDataRole.UserRole)), evidence_id=ev,
                        start=max(0.0, w.now_s - 20), end=w.now_s, actor=w.evaluator)
        self.refresh()

