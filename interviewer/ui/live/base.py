"""What the live window's parts share: its state and widgets, declared once. `LiveWindow` is made of parts
(layout, recording, claims, prompts, evidence), each a `LiveBase`; `LiveWindow.__init__` and
`LiveLayout._build` set these, and a part calls another's methods through the stubs below."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
)

from interviewer.core.transcript import Segment
from interviewer.notes.prompts.kits import Kit
from interviewer.notes.prompts.ordering import PromptItem
from interviewer.notes.store.records import ClaimRecord, EvidenceRecord
from interviewer.ui.bridge import BackgroundOp, SessionBridge
from interviewer.ui.catch_up import CatchUp
from interviewer.ui.live.core_panel import CorePanel
from interviewer.ui.live.coverage import CoverageStrip
from interviewer.ui.live.failure_panel import FailurePanel
from interviewer.ui.live.scenarios import ScenarioPanel
from interviewer.ui.live.transcript import TranscriptView


class LiveBase(QMainWindow):
    # what the window was opened on
    store: Any
    kit: Kit
    candidate_id: str
    candidate: str
    evaluator: str
    role: str | None
    settings: Any
    planned_s: int
    session_factory: Callable[[Any], Any]
    save_probe_to_kit: Callable[[str, str, tuple[str, ...]], str] | None
    your_claims: Callable[[], set[str]]
    open_review: Callable[[str], Any] | None
    scripted_evidence: Callable[[], set[str]]
    scripted_claims: Callable[[], set[str]]
    # the session and what happened in it
    state: str
    session: Any
    session_id: str | None
    bridge: SessionBridge
    undo: QUndoStack
    clock: QTimer  # ticks the elapsed time while recording
    start_op: BackgroundOp
    stop_op: BackgroundOp
    catch_up: CatchUp | None
    scenario_use: str | None
    failure_story_id: str | None
    last_probe: PromptItem | None
    last_probe_ask: str | None
    prompt_items: list[PromptItem]
    _claim_rows: list[ClaimRecord]
    _evidence_rows: list[EvidenceRecord]
    _recent_evidence: list[str]
    _asked_keys: set[str]
    _stopping: bool
    _held: list[Callable[[], Any]]
    _close_when_stopped: bool
    _review_when_stopped: bool
    _default_sizes: bool
    # widgets
    rec_indicator: QLabel
    elapsed: QLabel
    level: QProgressBar
    record_btn: QPushButton
    pause_btn: QPushButton
    stop_btn: QPushButton
    review_btn: QPushButton
    review_action: QAction
    window_spin: QSpinBox
    claims_list: QListWidget
    claims_empty: QLabel
    status_buttons: dict[str, QPushButton]
    prompts: QListWidget
    ask_btn: QPushButton
    cues: QListWidget
    last_probe_label: QLabel
    coverage: CoverageStrip
    middle: QTabWidget
    failure_panel: FailurePanel
    scenario_panel: ScenarioPanel
    core_panel: CorePanel
    transcript: TranscriptView
    evidence: QListWidget
    note: QLineEdit
    split: QSplitter
    right_split: QSplitter
    demo_notice: QLabel
    pace_label: QLabel
    close_question: QMessageBox | None
    # actions
    all_actions: list[QAction]
    act_record: QAction
    act_pause: QAction
    act_stop: QAction
    act_review: QAction

    # ------------------------------------------------------------------ one part calls another
    @property
    def now_s(self) -> float:
        raise NotImplementedError

    @property
    def selected_claim(self) -> ClaimRecord | None:
        raise NotImplementedError

    @property
    def last_evidence_id(self) -> str | None:
        raise NotImplementedError

    def reload_claims(self) -> None:
        raise NotImplementedError

    def reload_prompts(self) -> None:
        raise NotImplementedError

    def reload_evidence(self, select: str | None = None) -> None:
        raise NotImplementedError

    def last_evidence_for(self, claim_id: str) -> str | None:
        raise NotImplementedError

    def _update_cues(self) -> None:
        raise NotImplementedError

    def _on_revised(self, seg_id: str, seg: Segment) -> None:
        raise NotImplementedError

    def _on_error(self, message: str) -> None:
        raise NotImplementedError

    def once_started(self, slot: Callable[[], Any]) -> None:
        raise NotImplementedError

    def _ask_text(self, title: str, label: str, text: str = "", multiline: bool = False) -> str | None:
        """A line (or lines) of text from the user; None when cancelled or empty."""
        from PySide6.QtWidgets import QInputDialog

        if multiline:
            value, ok = QInputDialog.getMultiLineText(self, title, label, text)
        else:
            value, ok = QInputDialog.getText(self, title, label, text=text)
        return value.strip() if ok and value.strip() else None
