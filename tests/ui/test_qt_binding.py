"""Guards against a broken Qt binding release: PySide6 6.12.0 returned a bool from SignalInstance.emit()
without taking a reference, so a live session (dozens of level signals a second) aborted the process."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    level = Signal(str, float)


def test_emitting_signals_does_not_consume_references_to_bools(qapp):
    e = _Emitter()
    before = sys.getrefcount(True), sys.getrefcount(False)
    for _ in range(20_000):
        e.level.emit("mic", -20.0)
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert abs(after[0] - before[0]) < 100
    assert abs(after[1] - before[1]) < 100
