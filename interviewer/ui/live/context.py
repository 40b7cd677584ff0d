"""What the live window's side panels (failure story, scenarios, core calls) need of the window: a Protocol,
so they do not import the window that holds them."""

from __future__ import annotations

from typing import Any, Protocol

from interviewer.notes.prompts.kits import Kit


class LiveContext(Protocol):
    store: Any
    kit: Kit
    evaluator: str
    session_id: str | None
    scenario_use: str | None  # the scenario card on show (its use row), if any
    failure_story_id: str | None

    @property
    def now_s(self) -> float:
        """Seconds recorded so far."""
        ...

    @property
    def last_evidence_id(self) -> str | None:
        """The evidence tagged last in this session, if any."""
        ...

    def isVisible(self) -> bool: ...  # noqa: N802 - Qt's name
