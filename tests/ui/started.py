"""Record in a live window and wait until the session has started (it starts off the UI thread)."""

from __future__ import annotations


def record(qtbot, win, timeout: int = 30_000) -> None:
    """Press Record (as Ctrl+R does) and wait while the window says "Starting…"."""
    win.record()
    qtbot.waitUntil(lambda: win.state != "starting", timeout=timeout)
