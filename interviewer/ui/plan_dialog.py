"""The panel plan for one candidate's loop: who probes which claim. Claims that no panelist has shipped
are flagged so the hiring lead can add a practitioner. Edits are saved as the loop's plan."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from interviewer.notes import panel
from interviewer.notes.prompts.kits import Kit

UNASSIGNED = "— nobody on this panel —"


class PlanDialog(QDialog):
    def __init__(self, store: Any, kit: Kit, candidate_id: str, candidate: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.kit, self.candidate_id = store, kit, candidate_id
        self.setWindowTitle(f"Panel plan — {candidate}")
        self.people = [e["name"] for e in panel.evaluators(store)]
        base = QFont(self.font())
        base.setPointSize(12)
        self.setFont(base)
        title = QLabel(f"Who probes which of {candidate}'s claims")
        tf = QFont(base)
        tf.setPointSize(15)
        tf.setBold(True)
        title.setFont(tf)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Claim", "Topics", "Probed by"])
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(1, 210)
        self.table.setColumnWidth(2, 230)
        panel_text = "; ".join(f"{e['name']} ({', '.join(e['topics'])})" for e in panel.evaluators(store))
        people = QLabel(f"Panel: {panel_text or 'nobody yet — add evaluators with `interviewer evaluator add`'}")
        people.setWordWrap(True)
        people.setStyleSheet("color: #525252;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addWidget(people)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)
        lay.addWidget(buttons)
        self.resize(1100, 680)
        self.load()

    def load(self) -> None:
        result = panel.plan(self.store, self.kit, self.candidate_id)
        rows = [(a["claim_id"], a["claim"], a["topics"], a["evaluator"]) for a in result["assignments"]]
        rows += [(u["claim_id"], u["claim"], u["topics"], None) for u in result["unmatched"]]
        order = {c.id: c.position for c in self.store.claims(self.candidate_id)}
        rows.sort(key=lambda r: order.get(r[0], 0))
        self.table.setRowCount(len(rows))
        self.combos: dict[str, QComboBox] = {}
        for i, (cid, text, topics, who) in enumerate(rows):
            item = QTableWidgetItem(text)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(i, 0, item)
            t = QTableWidgetItem(", ".join(topics))
            t.setFlags(t.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(i, 1, t)
            combo = QComboBox()
            combo.addItem(UNASSIGNED, None)
            for p in self.people:
                combo.addItem(p, p)
            combo.setCurrentIndex(max(0, combo.findData(who)))
            if who is None:
                item.setForeground(QColor("#da1e28"))
                t.setForeground(QColor("#da1e28"))
                item.setToolTip("No practitioner on this panel for: " + (", ".join(topics) or "these topics"))
            self.table.setCellWidget(i, 2, combo)
            self.combos[cid] = combo
        self.table.resizeRowsToContents()
        gaps = sorted({t for u in result["unmatched"] for t in u["topics"]})
        if result["unmatched"]:
            self.summary.setText(f"{len(result['assignments'])} claims have a practitioner. "
                                 f"{len(result['unmatched'])} have none on this panel — no practitioner for: "
                                 f"{', '.join(gaps) or 'their topics'}. Add one, or assign by hand.")
            self.summary.setStyleSheet("color: #da1e28; font-weight: bold;")
        else:
            self.summary.setText("Every claim has a practitioner on this panel.")
            self.summary.setStyleSheet("color: #198038; font-weight: bold;")

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.table.resizeRowsToContents()  # now that the columns have their real widths

    def save(self) -> None:
        for cid, combo in self.combos.items():
            panel.assign(self.store, cid, combo.currentData())
        self.load()
