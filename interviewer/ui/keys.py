"""The one-key evidence keys 1–4 and Shift+1–4, by the physical key, on any keyboard layout.

What Shift+digit types depends on the layout (US `@`, German `"`, French `2`; unshifted French types `é`),
and Qt's shortcut map matches a shortcut by the character: on X11 a "Shift+2" and an "@" shortcut both match
the US Shift+2 and Qt gives up with "Ambiguous shortcut overload: @", so the key does nothing. The tag keys
therefore go by the key's position on the digit row (its native scan code or virtual key), falling back on
Qt's key code where the platform gives none (the keypad, the offscreen platform in tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

# The digit row's keys 1–4, by platform: ("scan", native scan codes) or ("virtual", native virtual keys).
DIGIT_ROW: dict[str, tuple[str, dict[int, int]]] = {
    "xcb": ("scan", {10: 1, 11: 2, 12: 3, 13: 4}),  # X11 key codes (evdev + 8)
    "wayland": ("scan", {10: 1, 11: 2, 12: 3, 13: 4}),  # XKB key codes, as on X11
    "windows": ("scan", {2: 1, 3: 2, 4: 3, 5: 4}),  # set-1 scan codes
    "cocoa": ("virtual", {0x12: 1, 0x13: 2, 0x14: 3, 0x15: 4}),  # kVK_ANSI_1…4
}
DIGITS = {int(Qt.Key.Key_1): 1, int(Qt.Key.Key_2): 2, int(Qt.Key.Key_3): 3, int(Qt.Key.Key_4): 4}
SHIFT = Qt.KeyboardModifier.ShiftModifier


def tag_key(event: QKeyEvent, platform: str | None = None) -> tuple[int, bool] | None:
    """(digit 1–4, concern) for a press of a digit-row key 1–4, alone or with Shift only; else None."""
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if mods not in (Qt.KeyboardModifier.NoModifier, SHIFT):
        return None
    concern = mods == SHIFT
    kind, codes = DIGIT_ROW.get(platform if platform is not None else QGuiApplication.platformName(), ("", {}))
    code = event.nativeScanCode() if kind == "scan" else event.nativeVirtualKey() if kind == "virtual" else 0
    if code in codes:
        return codes[code], concern
    digit = DIGITS.get(int(event.key()))
    return (digit, concern) if digit else None


def typing_into(widget: Any) -> bool:
    """Whether keys pressed in `widget` are text being typed (a digit there is a digit, not a tag)."""
    if isinstance(widget, (QLineEdit, QAbstractSpinBox)):
        return True
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return not widget.isReadOnly()
    return isinstance(widget, QComboBox) and widget.isEditable()


class TagKeys(QObject):
    """Sends the digit-row keys pressed anywhere in `window` (outside text fields) to `on_tag(digit, concern)`,
    before Qt's shortcut map sees them. Installed on the application; removed with the window."""

    def __init__(self, window: QWidget, on_tag: Callable[[int, bool], None]) -> None:
        super().__init__(window)
        self._window = window
        self._on_tag = on_tag
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt override
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) or not isinstance(obj, QWidget):
            return False
        if obj.window() is not self._window or typing_into(obj) or typing_into(QApplication.focusWidget()):
            return False
        hit = tag_key(event)
        if hit is None:
            return False
        event.accept()  # accepted as an override: no shortcut fires; the press comes next, to us
        if kind == QEvent.Type.KeyPress and not event.isAutoRepeat():
            self._on_tag(*hit)
        return True
