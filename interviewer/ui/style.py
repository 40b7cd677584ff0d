"""The app's one style sheet addition: a visible focus mark on every control, for keyboard-only use (Fusion under
a bare X server draws almost none)."""

from __future__ import annotations

from typing import Any

FOCUS_COLOUR = "#0f62fe"

FOCUS_STYLE = f"""
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QComboBox:focus, QSpinBox:focus, QDoubleSpinBox:focus,
QListWidget:focus, QTableWidget:focus, QTreeWidget:focus {{
    border: 2px solid {FOCUS_COLOUR};
}}
QPushButton:focus {{
    border: 2px solid {FOCUS_COLOUR};
    border-radius: 3px;
    padding: 4px 10px;
}}
QRadioButton:focus, QCheckBox:focus {{
    background: #d0e2ff;
    border-radius: 3px;
}}
"""


def fitting_size(widget: Any, width: int, height: int) -> tuple[int, int]:
    """(width, height), shrunk to the screen's available area: a 1366×768 laptop leaves about 720 pixels."""
    from PySide6.QtGui import QGuiApplication

    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return width, height
    area = screen.availableGeometry()
    return max(320, min(width, area.width() - 24)), max(240, min(height, area.height() - 48))
