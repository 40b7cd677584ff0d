"""What the commands need from the outside world: the services container (the composition root builds it,
tests replace parts), and who acts when no evaluator is named."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from interviewer.core.config import DataDir
from interviewer.core.safetext import safe_text

if TYPE_CHECKING:  # typing only, keeps heavy imports lazy
    from interviewer.audio.transcriber import Transcriber
    from interviewer.core.vault import Vault
    from interviewer.notes.store.database import Store


@dataclass
class Services:
    """What commands need from the outside world; the composition root builds it, tests replace parts."""

    data_dir: DataDir
    open_store: Callable[[], Store]
    make_transcriber: Callable[..., Transcriber]
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    vault: Callable[[], Vault | None] = lambda: None

    def print(self, *args: Any) -> None:
        print(*args, file=self.out, flush=True)

    def say(self, line: str) -> None:
        """One line for people to read: control characters in it (a name's ESC or newline) shown escaped."""
        print(safe_text(line), file=self.out, flush=True)

    def warn(self, msg: str) -> None:
        print(f"interviewer: {safe_text(msg)}", file=self.err, flush=True)


EVALUATOR_ENV = "INTERVIEWER_EVALUATOR"


def default_evaluator(session_evaluator: str | None = None) -> str:
    """Who acts when --evaluator is not given: $INTERVIEWER_EVALUATOR, else the session's own evaluator, else
    nobody (""). The operating-system user name is never an evaluator: a hiring record must name the person."""
    return (os.environ.get(EVALUATOR_ENV) or "").strip() or (session_evaluator or "").strip()
