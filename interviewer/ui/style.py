"""The app's one style sheet addition: a visible focus mark on every control, for keyboard-only use (Fusion under
a bare X server draws almost none)."""

from __future__ import annotations

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
