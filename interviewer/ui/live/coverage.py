"""The coverage strip under the live window: which criteria and claims have evidence yet."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from interviewer.core.palette import criterion_colour
from interviewer.notes.prompts.kits import Kit


class CoverageStrip(QWidget):
    """Which criteria and claims have evidence yet. Advisory only: it never scores anyone."""

    def __init__(self, kit: Kit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.chips: dict[str, QLabel] = {}
        for i, c in enumerate(kit.criteria):
            chip = QLabel(f"{i + 1} {c.name}")
            chip.setToolTip(c.definition)
            chip.setProperty("colour", criterion_colour(c.key, i))
            self.chips[c.key] = chip
            lay.addWidget(chip)
        self.claims = QLabel("")
        lay.addWidget(self.claims)
        lay.addStretch(1)
        self.update_counts({}, 0, 0)

    def update_counts(self, per_criterion: dict[str, int], claims_with: int, claims_total: int) -> None:
        for key, chip in self.chips.items():
            n = per_criterion.get(key, 0)
            colour = chip.property("colour")
            style = (f"background: {colour}; color: white;" if n else f"border: 1px solid {colour}; color: {colour};")
            chip.setStyleSheet(f"{style} border-radius: 9px; padding: 2px 8px;")
            chip.setText(f"{chip.text().split(' ·')[0]} · {n}")
        self.claims.setText(f"  claims with evidence: {claims_with}/{claims_total}")

