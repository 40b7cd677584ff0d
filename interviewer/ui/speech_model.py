"""The app's speech model, loaded once in the background (a `BackgroundOp`) while the windows are already up.

Until it is loaded, what needs it waits without blocking the UI thread: buttons and actions that need it are
disabled with a tooltip (`gate`), UI work is queued (`when_ready`), and work already on a worker thread
waits there (`wait_loaded`). A model that cannot be loaded is one sentence naming it, in every window that
shows the model's state (`show_in`)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QMainWindow

from interviewer.core.errors import ModelError
from interviewer.ui.bridge import BackgroundOp, failure_sentence

LOADING = "Loading the speech model…"
WAITS = "Waits for the speech model, which is still loading."


class SpeechModel:
    """`load()` builds the transcriber (slow: reads the model from disk); it runs on a worker thread.
    `label` names the model (its path or name) in the sentence shown when it cannot be loaded."""

    def __init__(self, load: Callable[[], Any], label: str) -> None:
        self._load = load
        self.label = label
        self.state = "not started"  # then "loading", "ready" or "failed"
        self.transcriber: Any = None
        self.problem = ""
        self.op: BackgroundOp | None = None
        self._settled = threading.Event()  # set on the worker once loading ended either way (for wait_loaded)
        self._outcome: tuple[Any, str] = (None, "")
        self._queued: list[tuple[Callable[[Any], None], Callable[[str], None] | None]] = []
        self._gated: list[tuple[Any, str, Callable[[], bool]]] = []
        self._labels: list[QLabel] = []

    # ------------------------------------------------------------------ loading
    def start(self) -> SpeechModel:
        self.state = "loading"
        self._show()
        self.op = BackgroundOp(self._work, name="load speech model", verb="read",
                               on_done=self._loaded, on_failed=self._failed).start()
        return self

    def _work(self, _progress: Any, _cancel: threading.Event) -> Any:
        try:
            transcriber = self._load()
        except Exception as exc:
            self._outcome = (None, self._sentence(failure_sentence(exc, "read")))
            self._settled.set()
            raise
        self._outcome = (transcriber, "")
        self._settled.set()
        return transcriber

    def _sentence(self, problem: str) -> str:
        problem = problem.rstrip(". ") + "."
        if self.label and self.label in problem:
            return f"The speech model could not be loaded: {problem}"
        return f"The speech model ({self.label}) could not be loaded: {problem}"

    def _loaded(self, transcriber: Any) -> None:
        self.transcriber, self.state = transcriber, "ready"
        self._show()
        queued, self._queued = self._queued, []
        for ready, _failed in queued:
            ready(transcriber)

    def _failed(self, _sentence: str) -> None:
        self.state, self.problem = "failed", self._outcome[1] or self._sentence(_sentence)
        self._show()
        queued, self._queued = self._queued, []
        for _ready, failed in queued:
            if failed is not None:
                failed(self.problem)

    # ------------------------------------------------------------------ what needs the model
    def when_ready(self, ready: Callable[[Any], None], failed: Callable[[str], None] | None = None) -> None:
        """On the UI thread: `ready(transcriber)` now if the model is loaded, else once it is (queued);
        `failed(sentence)` instead if it cannot be loaded."""
        if self.state == "ready":
            ready(self.transcriber)
        elif self.state == "failed":
            if failed is not None:
                failed(self.problem)
        else:
            self._queued.append((ready, failed))

    def wait_loaded(self, cancel: threading.Event | None = None) -> Any:
        """On a worker thread only (it blocks): the transcriber once loaded; ModelError if it cannot be."""
        while not self._settled.wait(0.1):
            if cancel is not None and cancel.is_set():
                from interviewer.live.refine import Cancelled

                raise Cancelled()
        transcriber, problem = self._outcome
        if problem:
            raise ModelError(problem)
        return transcriber

    def gate(self, item: Any, allowed: Callable[[], bool] = lambda: True) -> None:
        """Keep `item` (a button or an action) disabled, with a tooltip saying why, until the model is loaded;
        then enable it if `allowed()` (the window's own state may have moved on)."""
        tip = str(item.toolTip())
        self._gated.append((item, tip, allowed))
        self._show()

    def show_in(self, window: QMainWindow) -> QLabel:
        """A permanent line in `window`'s status bar: "Loading the speech model…", or why it failed; hidden once
        the model is ready."""
        label = QLabel()
        label.setObjectName("speechModelState")
        label.setWordWrap(True)
        window.statusBar().addPermanentWidget(label, 1)
        self._labels.append(label)
        self._show()
        return label

    @property
    def status_text(self) -> str:
        return {"loading": LOADING, "failed": self.problem}.get(self.state, "")

    def _show(self) -> None:
        from shiboken6 import isValid

        self._labels = [label for label in self._labels if isValid(label)]
        for label in self._labels:
            label.setText(self.status_text)
            label.setStyleSheet("color: #da1e28;" if self.state == "failed" else "color: #525252;")
            label.setToolTip(self.label)
            label.setVisible(bool(self.status_text))
        waiting = self.state in ("not started", "loading")
        self._gated = [g for g in self._gated if isValid(g[0])]
        for item, tip, allowed in self._gated:
            if waiting or self.state == "failed":
                item.setEnabled(False)
                item.setToolTip(WAITS if waiting else self.problem)
            else:
                item.setToolTip(tip)
                item.setEnabled(bool(allowed()))
        if not waiting:
            self._gated = [g for g in self._gated if self.state == "failed"]
