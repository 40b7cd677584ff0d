"""Windows sized for the screen they open on: common laptop screens are 1280×800, 1366×768 and 1440×900."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QGuiApplication

# What the window manager adds around a window (title bar, borders) before the window has a frame to ask.
FRAME_ALLOWANCE = (16, 48)


def fit_to_screen(window: Any, width: int, height: int) -> None:
    """Resize `window` to width×height, or to the free area of its screen (less the frame) if that is smaller."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(width, height)
        return
    free = screen.availableGeometry()
    window.resize(max(window.minimumSizeHint().width(), min(width, free.width() - FRAME_ALLOWANCE[0])),
                  max(window.minimumSizeHint().height(), min(height, free.height() - FRAME_ALLOWANCE[1])))
