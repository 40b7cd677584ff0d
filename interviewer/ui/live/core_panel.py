"""The live window's "Core calls" tab: the role's shared core of judgment calls (`interviewer core`), which
are still to ask in this interview, and the time spent so far on each criterion's calls, so judgment can
take the larger part of the interview. Refreshed every two seconds from the store (small reads) while the
tab is on screen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from interviewer.core.transcript import mmss
from interviewer.ui.live.context import LiveContext

ASKED_COLOUR = "#198038"
TO_ASK_COLOUR = "#b28600"


class CorePanel(QWidget):
    def __init__(self, window: LiveContext, role: str | None) -> None:
        super().__init__()
        self.live = window
        self.role = role
        lay = QVBoxLayout(self)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        lay.addWidget(self.list, 1)
        lay.addWidget(QLabel("Time on each criterion's judgment calls"))
        self.times = QLabel("")
        self.times.setWordWrap(True)
        lay.addWidget(self.times)
        self.timer = QTimer(self)
        self.timer.setInterval(2000)
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self.refresh()

    def _tick(self) -> None:
        """Only while the tab is on screen (a closed window, or another tab, reads nothing)."""
        if self.isVisible() and self.live.isVisible():
            self.refresh()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.refresh()

    def _role(self) -> str | None:
        w = self.live
        if w.session_id:
            role = w.store.session(w.session_id).role
            if role:
                return str(role)
        return self.role

    def refresh(self) -> None:
        from interviewer.notes.ratings.calls import core_status, time_per_criterion

        w = self.live
        role = self._role()
        items: list[dict[str, Any]] = core_status(w.store, role, w.kit, w.session_id) if role else []
        self.list.clear()
        for it in items:
            mark = "✓" if it["asked"] else "○"
            row = QListWidgetItem(f"{mark} {it['kind']} {it['key']}: {it['text'][:110]}")
            row.setForeground(QColor(ASKED_COLOUR if it["asked"] else TO_ASK_COLOUR))
            self.list.addItem(row)
        todo = sum(1 for it in items if not it["asked"])
        if not role or not items:
            self.summary.setText("No shared core for this role (interviewer core --role ROLE --scenario KEY…).")
        else:
            self.summary.setText(f"{todo} of {len(items)} core calls still to ask." if todo else
                                 f"Every core call of {role} has been asked.")
        times = time_per_criterion(w.store, w.session_id) if w.session_id else {}
        total = sum(times.values())
        names = {c.key: c.name for c in w.kit.criteria}
        lines = [f"{names.get(k, k)}: {mmss(v)} ({round(100 * v / total)} %)"
                 for k, v in sorted(times.items(), key=lambda kv: -kv[1])]
        if total and times.get("judgment", 0.0) * 2 < total:
            lines.append("Judgment has less than half of the time so far; the method gives it the larger part.")
        self.times.setText("\n".join(lines) if total else "No judgment call asked yet.")
