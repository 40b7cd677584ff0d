"""The live interview window: claims | prompts | transcript, one-key evidence, all from the keyboard.

The window never blocks: starting and stopping a session, transcription, VAD, disk and database work run
off the UI thread; their results arrive as Qt signals through `SessionBridge` and `BackgroundOp`. Its parts
live beside it: the layout, the recording controls, the claims, the prompts, the evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMessageBox

from interviewer.core.transcript import Segment
from interviewer.notes.prompts.kits import Kit
from interviewer.notes.prompts.ordering import PromptItem
from interviewer.ui.bridge import SessionBridge
from interviewer.ui.keys import TagKeys
from interviewer.ui.live.claims import STATUS_KEYS, ClaimLedger
from interviewer.ui.live.evidence import EvidenceTagging
from interviewer.ui.live.help import HelpOverlay
from interviewer.ui.live.layout import LiveLayout
from interviewer.ui.live.prompts import PromptList
from interviewer.ui.live.recording import RecordingControls


class LiveWindow(LiveLayout, RecordingControls, ClaimLedger, PromptList, EvidenceTagging):
    """One interview. `session_factory(listener)` makes the (not yet started) LiveSession."""

    def __init__(self, *, store: Any, kit: Kit, candidate_id: str, candidate: str, evaluator: str,
                 session_factory: Callable[[Any], Any], settings: QSettings | None = None,
                 role: str | None = None, planned_minutes: int = 60,
                 save_probe_to_kit: Callable[[str, str, tuple[str, ...]], str] | None = None,
                 your_claims: Callable[[], set[str]] | None = None,
                 open_review: Callable[[str], Any] | None = None) -> None:
        super().__init__()
        self.open_review = open_review  # opens the review window on a saved session (after Stop)
        # The demo: ids of the evidence and claims its script tagged and settled (labelled as scripted).
        self.scripted_evidence: Callable[[], set[str]] = set
        self.scripted_claims: Callable[[], set[str]] = set
        self.store = store
        self.kit = kit
        self.candidate_id = candidate_id
        self.candidate = candidate
        self.evaluator = evaluator
        self.settings = settings or QSettings()
        self.session_factory = session_factory
        self.planned_s = planned_minutes * 60
        self.save_probe_to_kit = save_probe_to_kit
        self.your_claims = your_claims or set
        self.scenario_use: str | None = None
        self.failure_story_id: str | None = None
        self.session: Any = None
        self.session_id: str | None = None
        # Parentless on purpose: the session's worker threads hold it through their listener, so it outlives
        # the window if the window is deleted while a recording is still being saved.
        self.bridge = SessionBridge()
        self.undo = QUndoStack(self)
        self.last_probe: PromptItem | None = None
        self.last_probe_ask: str | None = None
        self._stopping = False
        self._close_when_stopped = False
        self._review_when_stopped = False
        self._recent_evidence: list[str] = []
        self._asked_keys: set[str] = set()
        self._held: list[Callable[[], Any]] = []  # what was pressed while the session was starting
        self.role = role
        self.setWindowTitle(f"Interviewer — {candidate}" + (f" — {role}" if role else ""))

        self.close_question: QMessageBox | None = None
        self._build()
        self._actions()
        self._set_state("idle")
        self._wire()
        self.reload_claims()
        self.reload_evidence()
        self._restore()

    def _action(self, text: str, keys: list[str] | QKeySequence.StandardKey, slot: Callable[[], Any]) -> QAction:
        a = QAction(text, self)
        if isinstance(keys, list):
            a.setShortcuts([QKeySequence(k) for k in keys])
        else:
            a.setShortcuts(keys)
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        # `checked` must not reach add_claim(text=...) etc.; a key pressed while the session starts acts once it has
        a.triggered.connect(lambda _checked=False: self.once_started(slot))
        self.addAction(a)
        self.all_actions.append(a)
        return a

    def _actions(self) -> None:
        self.all_actions: list[QAction] = []
        self.act_record = self._action("Record", ["Ctrl+R"], self.record)
        self.act_pause = self._action("Pause / resume", ["Ctrl+P"], self.toggle_pause)
        self.act_stop = self._action("Stop", ["Ctrl+.", "Ctrl+Shift+S"], self.stop)
        self.act_review = self._action("Open review", ["Ctrl+Shift+R"], self.review)
        self.act_review.setEnabled(False)
        self.act_close = self._action("Close the window", ["Ctrl+W"], self.request_close)
        self.tag_actions: list[QAction] = []
        for i, c in enumerate(self.kit.criteria[:4]):
            # The keys shown here reach TagKeys first (by the physical key, on any layout): one shortcut each,
            # never the shifted character as well (Qt finds both and does nothing: "Ambiguous shortcut").
            self.tag_actions.append(self._action(f"Tag evidence: {c.name}", [str(i + 1)],
                                                 partial(self.tag, i, "supports")))
            self.tag_actions.append(self._action(f"Tag concern: {c.name}", [f"Shift+{i + 1}"],
                                                 partial(self.tag, i, "concern")))
        self.tag_keys = TagKeys(self, lambda digit, concern: self.once_started(partial(self._tag_key, digit, concern)))
        undo = self.undo.createUndoAction(self, "Undo")
        undo.setShortcuts(QKeySequence.StandardKey.Undo)
        redo = self.undo.createRedoAction(self, "Redo")
        redo.setShortcuts(QKeySequence.StandardKey.Redo)
        for a in (undo, redo):
            self.addAction(a)
            self.all_actions.append(a)
        self.act_undo, self.act_redo = undo, redo
        self._action("Write a note", ["Ctrl+N"], self.focus_note)
        self.act_consent = self._action("Mark spoken consent (the last seconds)", ["Ctrl+Shift+K"],
                                        self.mark_spoken_consent)
        self._action("Mark the selected prompt asked", ["A"], self.mark_asked)
        self._action("Next claim", ["Ctrl+Down", "]"], lambda: self._move_claim(1))
        self._action("Previous claim", ["Ctrl+Up", "["], lambda: self._move_claim(-1))
        self._action("Next prompt", ["Alt+Down"], lambda: self._move_prompt(1))
        self._action("Previous prompt", ["Alt+Up"], lambda: self._move_prompt(-1))
        for status, key in STATUS_KEYS.items():
            self._action(f"Claim status: {status}", [key], partial(self.set_claim_status, status))
        self._action("Add a claim", ["Ins", "Ctrl+Shift+N"], self.add_claim)
        self._action("Edit the claim", ["F2"], self.edit_claim)
        self._action("Delete the claim", ["Ctrl+Del"], self.delete_claim)
        self._action("Split the claim", ["Ctrl+Shift+X"], self.split_claim)
        self._action("Merge the claim with the next", ["Ctrl+Shift+M"], self.merge_claim)
        self._action("Move the claim up", ["Ctrl+Shift+Up"], partial(self.move_claim, -1))
        self._action("Move the claim down", ["Ctrl+Shift+Down"], partial(self.move_claim, 1))
        self._action("Pin the prompt to the claim", ["Ctrl+Shift+P"], self.pin_prompt)
        self._action("Write your own probe", ["Ctrl+Shift+W"], self.write_probe)
        self._action("Edit the prompt", ["Ctrl+Shift+E"], self.edit_prompt)
        self._action("Show the scenario card", ["Ctrl+Shift+C"], self.scenario_panel.show_card)
        self._action("Failure story", ["Ctrl+Shift+F"], lambda: self.middle.setCurrentWidget(self.failure_panel))
        self._action("Jump to live transcript", ["End"], self.transcript.follow)
        self._action("Keyboard shortcuts", ["F1", "?"], self.show_help)
        menu = self.menuBar().addMenu("&Interview")
        for a in (self.act_record, self.act_pause, self.act_stop, self.act_consent, self.act_review):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.act_close)
        edit = self.menuBar().addMenu("&Edit")
        edit.addAction(self.act_undo)
        edit.addAction(self.act_redo)
        helpm = self.menuBar().addMenu("&Help")
        helpm.addAction(self.all_actions[-1])

    def _wire(self) -> None:
        self.record_btn.clicked.connect(self.record)
        self.pause_btn.clicked.connect(self.toggle_pause)
        self.stop_btn.clicked.connect(self.stop)
        self.review_btn.clicked.connect(self.review)
        self.ask_btn.clicked.connect(self.mark_asked)
        for status, button in self.status_buttons.items():
            button.clicked.connect(lambda _=False, s=status: self.set_claim_status(s))
        self.claims_list.currentRowChanged.connect(lambda _row: self.reload_prompts())
        self.window_spin.valueChanged.connect(lambda v: self.settings.setValue("live/evidence_seconds", v))
        self.note.returnPressed.connect(lambda: self.once_started(self.save_note))
        self.note.installEventFilter(self)
        self.bridge.started.connect(self._on_started)
        self.bridge.segment.connect(self._on_segment)
        self.bridge.revised.connect(self._on_revised)
        self.bridge.removed.connect(self._on_removed)
        self.bridge.tentative.connect(lambda who, text, a, b: self.transcript.set_tentative(who, text))
        self.bridge.level.connect(lambda who, db: self.level.setValue(int(max(-60, min(0, db)))))
        self.bridge.stopped.connect(self._on_stopped)
        self.bridge.error.connect(self._on_error)
        self.bridge.load.connect(self._on_load)
        self.clock = QTimer(self)
        self.clock.setInterval(250)
        self.clock.timeout.connect(self._tick)

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt override
        if obj is self.note and event.type() == event.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.note.clear()
            self.transcript.text.setFocus()
            return True
        return super().eventFilter(obj, event)

    # ------------------------------------------------------------------ transcript
    def _on_segment(self, seg_id: str, seg: Segment) -> None:
        self.transcript.add(seg, seg_id)
        self._refresh_recent_quotes(seg)

    def _on_revised(self, seg_id: str, seg: Segment) -> None:
        """The second pass improved a committed line: show the new text where the old one was."""
        if self.transcript.replace(seg_id, seg):
            self._refresh_recent_quotes(seg)

    def _on_removed(self, seg_id: str) -> None:
        """The session dropped a line as the microphone's echo of the call: it goes at once, and the quotes of
        evidence tagged over it are re-read without its words."""
        gone = self.transcript.remove(seg_id)
        if gone is not None:
            self._refresh_recent_quotes(gone)

    # ------------------------------------------------------------------ help, settings, closing
    def show_help(self) -> None:
        self.help = HelpOverlay(self.all_actions, self)
        self.help.open()

    def _restore(self) -> None:
        geometry = self.settings.value("live/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        for key, splitter in (("live/splitter", self.split), ("live/right_splitter", self.right_split)):
            state = self.settings.value(key)
            if isinstance(state, QByteArray):
                splitter.restoreState(state)
                self._default_sizes = False

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._default_sizes:  # first run: claims | prompts | transcript as 24% | 30% | 46%
            self._default_sizes = False
            w = self.split.width()
            self.split.setSizes([int(w * 0.24), int(w * 0.30), w - int(w * 0.24) - int(w * 0.30)])

    def save_settings(self) -> None:
        self.settings.setValue("live/geometry", self.saveGeometry())
        self.settings.setValue("live/splitter", self.split.saveState())
        self.settings.setValue("live/right_splitter", self.right_split.saveState())
        self.settings.setValue("live/evidence_seconds", self.window_spin.value())
        self.settings.sync()

    def request_close(self) -> None:
        """Ctrl+W: close as the window's close button does, asking first while recording or polishing."""
        if self.state in ("recording", "paused") and not self.confirm_close():
            return
        if not self.confirm_leave_catch_up():
            return
        self.close()

    def confirm_leave_catch_up(self) -> bool:
        """While the transcript is being polished after Stop: close anyway (True; it goes on at the next start)
        or stay (False, the default). True at once when nothing is being polished."""
        if self.catch_up is None or not self.catch_up.running:
            return True
        answer = QMessageBox.question(
            self, "Still polishing the transcript",
            f"The transcript is being polished ({self.catch_up.fraction:.0%}). Close anyway? It goes on the "
            "next time Interviewer starts; nothing recorded is lost.",
            QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Close

    def confirm_close(self) -> bool:
        """While recording: save the recording and close (True), or keep recording (False, the default)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Stop the interview?",
                          "The interview is still being recorded. Save the recording and close the window, or "
                          "keep recording?", parent=self)
        save = box.addButton("&Save and close", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("&Keep recording", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        self.close_question = box
        box.exec()
        self.close_question = None
        return box.clickedButton() is save

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.save_settings()
        # The close button or the window manager (a spontaneous close) asks; quitting the app (logout, SIGTERM)
        # and Ctrl+W (which asked already) save without asking.
        if event.spontaneous() and self.state in ("recording", "paused") and not self.confirm_close():
            event.ignore()
            return
        if self.state == "starting" and event.spontaneous():
            self.once_started(self.request_close)  # asked as soon as the recording has started
            event.ignore()
            return
        if self.state in ("starting", "recording", "paused", "stopping"):
            # Finish the recording first (off the UI thread); the window closes when it is saved. One still
            # starting is stopped as soon as it has started.
            self._close_when_stopped = True
            self.stop()
            event.ignore()
            return
        if event.spontaneous() and not self.confirm_leave_catch_up():
            event.ignore()
            return
        if self.catch_up is not None:  # quitting, or asked already: it goes on at the next start
            self.catch_up.cancel()
            self.catch_up = None
        self.clock.stop()
        super().closeEvent(event)

