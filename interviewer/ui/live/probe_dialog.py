"""Ctrl+Shift+W in the live window: write a probe of one's own for the selected claim."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from interviewer.notes.prompts.kits import Kit


class ProbeDialog(QDialog):
    """Write a probe of one's own for the selected claim, optionally saved back to one's kit."""

    def __init__(self, kit: Kit, *, can_save: bool, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QCheckBox, QComboBox

        super().__init__(parent)
        self.setWindowTitle("Write your own probe")
        self.text = QPlainTextEdit()
        self.criterion = QComboBox()
        for c in kit.criteria:
            self.criterion.addItem(c.name, c.key)
        self.save = QCheckBox("Also save it to my kit (the default kit stays as it is; a copy is made)")
        self.save.setVisible(can_save)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Probe"))
        lay.addWidget(self.text)
        lay.addWidget(QLabel("Criterion"))
        lay.addWidget(self.criterion)
        lay.addWidget(self.save)
        lay.addWidget(buttons)

    def values(self) -> tuple[str, str, bool]:
        return self.text.toPlainText().strip(), str(self.criterion.currentData()), self.save.isChecked()

