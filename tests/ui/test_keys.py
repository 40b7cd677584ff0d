"""The tag keys go by the physical digit-row key on every platform, whatever the layout makes Shift+digit type."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent

from interviewer.ui.keys import tag_key

SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier


def press(key, mods, scan=0, virtual=0, text=""):
    return QKeyEvent(QEvent.Type.KeyPress, key, mods, scan, virtual, 0, text)


@pytest.mark.parametrize(("platform", "event", "expected"), [
    # X11, US layout: Shift+2 arrives as "@" (the press xdotool and a real keyboard send), 1 as "1"
    ("xcb", press(Qt.Key.Key_At, SHIFT, 11, 0x40, "@"), (2, True)),
    ("xcb", press(Qt.Key.Key_1, NONE, 10, 0x31, "1"), (1, False)),
    # German: Shift+2 is '"', Shift+3 is "§"
    ("xcb", press(Qt.Key.Key_QuoteDbl, SHIFT, 11, 0x22, '"'), (2, True)),
    ("xcb", press(Qt.Key.Key_section, SHIFT, 12, 0xA7, "§"), (3, True)),
    # French: the key types "&" alone and "1" with Shift; it is the same key 1
    ("xcb", press(Qt.Key.Key_Ampersand, NONE, 10, 0x26, "&"), (1, False)),
    ("xcb", press(Qt.Key.Key_1, SHIFT, 10, 0x31, "1"), (1, True)),
    ("wayland", press(Qt.Key.Key_Dollar, SHIFT, 13, 0x24, "$"), (4, True)),
    ("windows", press(Qt.Key.Key_At, SHIFT, 3, 0x32, "@"), (2, True)),
    ("cocoa", press(Qt.Key.Key_At, SHIFT, 0, 0x13, "@"), (2, True)),
    # no native code (the offscreen platform, the keypad): Qt's key code
    ("offscreen", press(Qt.Key.Key_3, SHIFT), (3, True)),
    ("xcb", press(Qt.Key.Key_4, Qt.KeyboardModifier.KeypadModifier, 83, 0xFFB4, "4"), (4, False)),
    # not a tag: other digits and letters, Ctrl or Alt held
    ("xcb", press(Qt.Key.Key_5, NONE, 14, 0x35, "5"), None),
    ("xcb", press(Qt.Key.Key_A, NONE, 38, 0x61, "a"), None),
    ("xcb", press(Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier, 10, 0x31), None),
    ("xcb", press(Qt.Key.Key_At, SHIFT | Qt.KeyboardModifier.AltModifier, 11, 0x40), None),
])
def test_tag_key_by_physical_key(qapp, platform, event, expected):
    assert tag_key(event, platform) == expected
