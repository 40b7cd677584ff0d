"""The review window's timeline: the whole session, evidence markers by criterion, the playhead."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from interviewer.core.transcript import mmss


class Timeline(QWidget):
    """The whole session: evidence markers by criterion, the playhead; click to play from there, drag a
    marker to move it, drag its right edge to resize it."""

    seek_requested = Signal(float)
    evidence_moved = Signal(str, float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(54)
        self.duration = 1.0
        self.playhead = 0.0
        self.markers: list[tuple[str, float, float, QColor, bool]] = []
        self._drag: tuple[str, str, float, float, float] | None = None
        self.setMouseTracking(True)

    def set_data(self, duration: float, markers: list[tuple[str, float, float, QColor, bool]]) -> None:
        self.duration = max(duration, 1.0)
        self.markers = markers
        self.update()

    def set_playhead(self, t: float) -> None:
        self.playhead = t
        self.update()

    def x_of(self, t: float) -> float:
        return 8 + (self.width() - 16) * t / self.duration

    def t_of(self, x: float) -> float:
        return max(0.0, min(self.duration, (x - 8) / max(1.0, self.width() - 16) * self.duration))

    def paintEvent(self, _event: Any) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        h = self.height()
        p.fillRect(self.rect(), QColor("#f4f4f4"))
        p.setPen(QPen(QColor("#8d8d8d"), 1))
        p.drawLine(QPointF(8, h - 14), QPointF(self.width() - 8, h - 14))
        step = 60 if self.duration > 300 else 10
        t = 0.0
        while t <= self.duration:
            x = self.x_of(t)
            p.drawLine(QPointF(x, h - 18), QPointF(x, h - 10))
            if (step == 60 and int(t) % 300 == 0) or (step == 10 and int(t) % 30 == 0):
                p.drawText(QPointF(x + 2, h - 1), mmss(t))
            t += step
        for _id, start, end, colour, concern in self.markers:
            x0, x1 = self.x_of(start), max(self.x_of(end), self.x_of(start) + 3)
            rect = QRectF(x0, 6, x1 - x0, h - 26)
            fill = QColor(colour)
            fill.setAlpha(150 if not concern else 90)
            p.fillRect(rect, fill)
            if concern:
                p.setPen(QPen(colour, 2, Qt.PenStyle.DashLine))
                p.drawRect(rect)
        p.setPen(QPen(QColor("#da1e28"), 2))
        x = self.x_of(self.playhead)
        p.drawLine(QPointF(x, 2), QPointF(x, h - 10))

    def _hit(self, x: float) -> tuple[str, str] | None:
        for eid, start, end, _c, _k in self.markers:
            x0, x1 = self.x_of(start), max(self.x_of(end), self.x_of(start) + 3)
            if abs(x - x1) <= 4:
                return eid, "resize"
            if x0 <= x <= x1:
                return eid, "move"
        return None

    def mousePressEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        x = event.position().x()
        hit = self._hit(x)
        if hit is not None:
            start, end = next((m[1], m[2]) for m in self.markers if m[0] == hit[0])
            self._drag = (hit[0], hit[1], x, start, end)
        else:
            self.seek_requested.emit(self.t_of(x))

    def mouseMoveEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        x = event.position().x()
        if self._drag is None:
            hit = self._hit(x)
            shape = (Qt.CursorShape.SizeHorCursor if hit and hit[1] == "resize" else
                     Qt.CursorShape.OpenHandCursor if hit else Qt.CursorShape.PointingHandCursor)
            self.setCursor(shape)
            return
        eid, mode, x0, start, end = self._drag
        dt = self.t_of(x) - self.t_of(x0)
        new = (start + dt, end + dt) if mode == "move" else (start, max(start + 0.5, end + dt))
        self.markers = [(m[0], *new, m[3], m[4]) if m[0] == eid else m for m in self.markers]
        self.update()

    def mouseReleaseEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if self._drag is None:
            return
        eid = self._drag[0]
        self._drag = None
        for m in self.markers:
            if m[0] == eid:
                self.evidence_moved.emit(eid, max(0.0, m[1]), max(0.0, m[2]))

