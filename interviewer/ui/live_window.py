"""The live interview window: claims | prompts | transcript, one-key evidence, all from the keyboard.

The window never blocks: starting and stopping a session, transcription, VAD, disk and database work run
on the core's threads; their results arrive as Qt signals through `SessionBridge`.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QKeySequence,
    QTextCharFormat,
    QTextCursor,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from interviewer.audio.pace import LoadStatus
from interviewer.core.palette import criterion_colour, status_colour
from interviewer.core.transcript import Segment, mmss, words_in_range
from interviewer.notes.claims.model import Claim
from interviewer.notes.prompts.cues import follow_up_cues
from interviewer.notes.prompts.kits import Kit
from interviewer.notes.prompts.probes import probes_for_claim
from interviewer.ui.bridge import SessionBridge
from interviewer.ui.catch_up import CatchUp
from interviewer.ui.commands import AddEvidence
from interviewer.ui.keys import TagKeys
from interviewer.ui.style import fitting_size

STATUS_LABELS = {
    "unprobed": ("○", status_colour("unprobed")),
    "probing": ("◐", status_colour("probing")),
    "verified": ("●", status_colour("verified")),
    "contradicted": ("✕", status_colour("contradicted")),
    "vague": ("~", status_colour("vague")),
}
STATUS_KEYS = {"unprobed": "Alt+U", "probing": "Alt+P", "verified": "Alt+V", "contradicted": "Alt+X",
               "vague": "Alt+G"}
DEFAULT_EVIDENCE_SECONDS = 20
TRANSCRIPT_PLACEHOLDERS = {  # what the empty transcript says, by the window's state
    "idle": "The transcript appears here about a second after each pause.\n\n"
            "Press Record (Ctrl+R) to start; F1 lists every shortcut.",
    "starting": "Starting the recording…",
    "recording": "Recording. The first words appear here about a second after the first pause.\n\n"
                 "Keys 1–4 tag the last seconds as evidence; Shift+1–4 as a concern.",
    "paused": "Paused: nothing is recorded. Ctrl+P resumes.",
    "stopping": "Saving the recording…",
    "stopped": "The recording is saved; no words were heard in it.",
}


def keep_font(window: QWidget, base: QFont) -> None:
    """Give `base` back to the controls that lost it: a widget the app's style sheet applies to (its focus mark)
    no longer inherits its window's font, and the live window is read from a distance (12 pt). Labels keep
    theirs (the small grey ones are small on purpose), and so do larger fonts (transcript, clock, titles)."""
    for w in window.findChildren(QWidget):
        if not isinstance(w, QLabel) and w.font().pointSizeF() < base.pointSizeF():
            font = QFont(w.font())
            font.setPointSizeF(base.pointSizeF())
            w.setFont(font)


@dataclass
class PromptItem:
    key: str
    text: str
    criterion: str
    source: str  # "claim" or "bank"


# ------------------------------------------------------------------------------------------- undo commands
class SetClaimStatus(QUndoCommand):
    def __init__(self, window: LiveWindow, claim_id: str, old: str, new: str) -> None:
        super().__init__(f"Claim status: {new}")
        self.window, self.claim_id, self.old, self.new = window, claim_id, old, new

    def redo(self) -> None:
        self.window.store.set_claim_status(self.claim_id, self.new, actor=self.window.evaluator,
                                           evidence_id=self.window.last_evidence_for(self.claim_id))
        self.window.reload_claims()

    def undo(self) -> None:
        self.window.store.set_claim_status(self.claim_id, self.old, actor=self.window.evaluator)
        self.window.reload_claims()


class EditLedger(QUndoCommand):
    """Undoable claim-ledger edits: add, edit text, delete, move."""

    def __init__(self, window: LiveWindow, label: str, do: Callable[[], Any], undo: Callable[[Any], None]) -> None:
        super().__init__(label)
        self.window, self._do, self._undo, self.result = window, do, undo, None

    def redo(self) -> None:
        self.result = self._do()
        self.window.reload_claims()

    def undo(self) -> None:
        self._undo(self.result)
        self.window.reload_claims()


# ------------------------------------------------------------------------------------------- widgets
class TranscriptView(QWidget):
    """Committed lines in full colour, the utterance in progress greyed; follows the newest line until the
    user scrolls up, then offers a button to jump back."""

    following_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setObjectName("transcript")
        self.text.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        font = QFont(self.text.font())
        font.setPointSize(15)
        self.text.setFont(font)
        self.text.document().setDocumentMargin(12)
        self.tentative = QLabel("")
        self.tentative.setWordWrap(True)
        self.tentative.setObjectName("tentative")
        tfont = QFont(font)
        tfont.setItalic(True)
        self.tentative.setFont(tfont)
        self.tentative.setStyleSheet("color: #8d8d8d; padding: 4px 12px;")
        self.jump = QPushButton("↓ Jump to live (End)")
        self.jump.setVisible(False)
        self.jump.clicked.connect(self.follow)
        self.show_state("idle")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.tentative)
        lay.addWidget(self.jump)
        self.following = True
        self._programmatic = False
        self.text.verticalScrollBar().valueChanged.connect(self._scrolled)
        # New lines or a resized view change the range: stay at the bottom while following.
        self.text.verticalScrollBar().rangeChanged.connect(self._range_changed)
        self.lines: list[Segment] = []
        self._ids: dict[str, int] = {}  # segment id -> line (and text block) number
        self._labelled: list[bool] = []  # whether each line shows its speaker
        self._last_speaker = ""


    def show_state(self, state: str) -> None:
        self.text.setPlaceholderText(TRANSCRIPT_PLACEHOLDERS.get(state, ""))

    def _scrolled(self, value: int) -> None:
        if self._programmatic:
            return
        at_bottom = value >= self.text.verticalScrollBar().maximum() - 4
        if at_bottom != self.following:
            self.following = at_bottom
            self.jump.setVisible(not at_bottom)
            self.following_changed.emit(at_bottom)

    def _range_changed(self, _lo: int, _hi: int) -> None:
        if self.following:
            self._to_bottom()

    def follow(self) -> None:
        self.following = True
        self.jump.setVisible(False)
        self._to_bottom()
        self.following_changed.emit(True)

    def _to_bottom(self) -> None:
        self._programmatic = True
        bar = self.text.verticalScrollBar()
        bar.setValue(bar.maximum())
        self._programmatic = False

    def add(self, seg: Segment, seg_id: str | None = None) -> None:
        if seg_id is not None:
            self._ids[seg_id] = len(self.lines)
        self.lines.append(seg)
        cursor = QTextCursor(self.text.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        if not self.text.document().isEmpty():
            cursor.insertBlock()
        labelled = bool(seg.speaker) and seg.speaker != self._last_speaker  # a label when the speaker changes
        self._labelled.append(labelled)
        self._last_speaker = seg.speaker
        self._write(cursor, seg, labelled)
        self.tentative.setText("")
        if self.following:
            self._to_bottom()

    def replace(self, seg_id: str, seg: Segment) -> bool:
        """Rewrite a committed line in place (the second pass revised it); False if it is not shown."""
        n = self._ids.get(seg_id)
        if n is None:
            return False
        self.lines[n] = seg
        for k in range(n, min(n + 2, len(self.lines))):  # who spoke may have changed (voice labels)
            line = self.lines[k]
            labelled = bool(line.speaker) and (k == 0 or line.speaker != self.lines[k - 1].speaker
                                               or line.uncertain)
            if k == n or labelled != self._labelled[k]:
                self._labelled[k] = labelled
                self._rewrite(k)
        self._last_speaker = self.lines[-1].speaker
        return True

    def _rewrite(self, n: int) -> None:
        block = self.text.document().findBlockByNumber(n)
        cursor = QTextCursor(block)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        self._write(cursor, self.lines[n], self._labelled[n])

    def _write(self, cursor: QTextCursor, seg: Segment, labelled: bool) -> None:
        head = QTextCharFormat()
        head.setForeground(QColor("#6f6f6f"))
        who = QTextCharFormat()
        who.setFontWeight(QFont.Weight.Bold)
        who.setForeground(QColor("#1f6fd1" if seg.speaker.lower().startswith("interv") else "#161616"))
        body = QTextCharFormat()
        body.setForeground(QColor("#161616"))
        cursor.insertText(f"{mmss(seg.start)}  ", head)
        if labelled:  # "?": told apart by voice, but unsurely
            cursor.insertText(f"{seg.speaker}{'?' if seg.uncertain else ''}: ", who)
        cursor.insertText(seg.text, body)

    def set_tentative(self, speaker: str, text: str) -> None:
        self.tentative.setText(f"{speaker}: {text} …" if speaker else f"{text} …")


class CoverageStrip(QWidget):
    """Which criteria and claims have evidence yet. Advisory only: it never scores anyone."""

    def __init__(self, kit: Kit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.chips: dict[str, QLabel] = {}
        for i, c in enumerate(kit.criteria):
            chip = QLabel(f"{i + 1} {c.name}")
            chip.setToolTip(c.definition)
            chip.setProperty("colour", criterion_colour(c.key, i))
            self.chips[c.key] = chip
            lay.addWidget(chip)
        self.claims = QLabel("")
        lay.addWidget(self.claims)
        lay.addStretch(1)
        self.update_counts({}, 0, 0)

    def update_counts(self, per_criterion: dict[str, int], claims_with: int, claims_total: int) -> None:
        for key, chip in self.chips.items():
            n = per_criterion.get(key, 0)
            colour = chip.property("colour")
            style = (f"background: {colour}; color: white;" if n else f"border: 1px solid {colour}; color: {colour};")
            chip.setStyleSheet(f"{style} border-radius: 9px; padding: 2px 8px;")
            chip.setText(f"{chip.text().split(' ·')[0]} · {n}")
        self.claims.setText(f"  claims with evidence: {claims_with}/{claims_total}")


class HelpOverlay(QDialog):
    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        table = QTableWidget(0, 2)
        table.setHorizontalHeaderLabels(["Action", "Keys"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for a in actions:
            keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in a.shortcuts())
            if not keys:
                continue
            r = table.rowCount()
            table.insertRow(r)
            table.setItem(r, 0, QTableWidgetItem(a.text().replace("&", "")))
            table.setItem(r, 1, QTableWidgetItem(keys))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(table)
        lay.addWidget(buttons)
        self.resize(560, 620)


class FailurePanel(QWidget):
    """The failure-archaeology record, filled while the story is told; missing parts shown (advisory)."""

    def __init__(self, window: LiveWindow) -> None:
        from interviewer.notes.panel import FAILURE_FIELDS

        super().__init__()
        self.live = window
        self.fields: dict[str, QLineEdit] = {}
        lay = QVBoxLayout(self)
        intro = QLabel("Dig into one real failure. Each part you fill is saved; Enter in a field also links the "
                       "last evidence you tagged.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        from PySide6.QtWidgets import QFormLayout

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow: the field under its label
        for key, label in FAILURE_FIELDS:
            edit = QLineEdit()
            edit.editingFinished.connect(partial(self.save, key))
            self.fields[key] = edit
            name = QLabel(label)
            name.setWordWrap(True)
            name.setBuddy(edit)
            form.addRow(name, edit)
        lay.addLayout(form)
        self.status = QLabel("No failure story yet.")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #b28600;")
        lay.addWidget(self.status)
        lay.addStretch(1)

    def save(self, key: str) -> None:
        from interviewer.notes.panel import failure_stories, save_failure_story

        w = self.live
        text = self.fields[key].text().strip()
        if w.session_id is None or not text:
            return
        ev = [w._evidence_rows[-1]["id"]] if w._evidence_rows else []
        w.failure_story_id = save_failure_story(w.store, w.session_id, {key: text}, evidence_ids=ev,
                                                evaluator=w.evaluator, story_id=w.failure_story_id)
        story = next(s for s in failure_stories(w.store, w.session_id) if s["id"] == w.failure_story_id)
        self.show_status(story)

    def show_status(self, story: dict[str, Any]) -> None:
        if story["complete"]:
            self.status.setText("Every part of the story is there.")
            self.status.setStyleSheet("color: #198038;")
        else:
            head = "Concrete so far; still missing: " if story["concrete"] else "Still missing: "
            self.status.setText(head + "; ".join(story["missing"]))
            self.status.setStyleSheet("color: #b28600;")


class ScenarioCard(QWidget):
    """A clean full-screen card for a second display or a screen share: only the scenario, large."""

    def __init__(self, scenario: dict[str, Any]) -> None:
        super().__init__()
        self.setWindowTitle(scenario["title"])
        self.setStyleSheet("background: white; color: #161616;")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(80, 60, 80, 60)
        title = QLabel(scenario["title"])
        tf = QFont(self.font())
        tf.setPointSize(28)
        tf.setBold(True)
        title.setFont(tf)
        title.setWordWrap(True)
        body = QLabel(scenario["prompt"])
        bf = QFont(self.font())
        bf.setPointSize(20)
        body.setFont(bf)
        body.setWordWrap(True)
        cons = QLabel("\n".join(f"•  {c['text']}" for c in scenario["constraints"]))
        cf = QFont(self.font())
        cf.setPointSize(18)
        cons.setFont(cf)
        cons.setWordWrap(True)
        cons.setStyleSheet("color: #393939; padding-top: 24px;")
        lay.addWidget(title)
        lay.addWidget(body)
        lay.addWidget(QLabel(""))
        head = QLabel("Constraints")
        head.setFont(cf)
        lay.addWidget(head)
        lay.addWidget(cons)
        lay.addStretch(1)
        close = QAction("Close", self)
        close.setShortcuts([QKeySequence("Esc")])
        close.triggered.connect(self.close)
        self.addAction(close)


class ScenarioPanel(QWidget):
    """Production-constraint scenarios: show a card to the candidate, tick each constraint their answer
    engaged with (linked to the last evidence and its quote)."""

    def __init__(self, window: LiveWindow) -> None:
        from interviewer.notes.panel import scenarios

        super().__init__()
        self.live = window
        self.items = scenarios(window.kit)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        for s in self.items:
            self.list.addItem(QListWidgetItem(f"{s['title']}\n{', '.join(c['key'] for c in s['constraints'])}"))
        if self.items:
            self.list.setCurrentRow(0)
        self.list.currentRowChanged.connect(lambda _r: self.refresh())
        show = QPushButton("Show card (Ctrl+Shift+C)")
        show.clicked.connect(self.show_card)
        copy = QPushButton("Copy as text")
        copy.clicked.connect(self.copy_text)
        row = QHBoxLayout()
        row.addWidget(show)
        row.addWidget(copy)
        self.ticks = QListWidget()
        self.ticks.itemChanged.connect(self._ticked)
        lay = QVBoxLayout(self)
        lay.addWidget(self.list, 1)
        lay.addLayout(row)
        engaged = QLabel("Constraints the answer engaged with (tick = link the last evidence):")
        engaged.setWordWrap(True)
        lay.addWidget(engaged)
        lay.addWidget(self.ticks, 1)
        self.card: ScenarioCard | None = None
        self.refresh()

    @property
    def current(self) -> dict[str, Any] | None:
        r = self.list.currentRow()
        return self.items[r] if 0 <= r < len(self.items) else None

    def copy_text(self) -> None:
        from PySide6.QtWidgets import QApplication

        from interviewer.notes.panel import scenario_text

        if self.current:
            QApplication.clipboard().setText(scenario_text(self.current))

    def show_card(self) -> None:
        from interviewer.notes.panel import close_scenario, open_scenario

        sc = self.current
        w = self.live
        if sc is None:
            return
        if w.scenario_use and w.session_id:
            close_scenario(w.store, w.scenario_use, w.now_s)
        if w.session_id:
            w.scenario_use = open_scenario(w.store, w.session_id, sc, w.now_s, w.evaluator)
        self.card = ScenarioCard(sc)
        self.card.installEventFilter(self)
        self.card.showFullScreen()
        self.refresh()

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt override
        if obj is self.card and event.type() == event.Type.Close:
            from interviewer.notes.panel import close_scenario

            w = self.live
            if w.scenario_use and w.session_id:
                close_scenario(w.store, w.scenario_use, w.now_s)
                w.scenario_use = None
        return super().eventFilter(obj, event)

    def refresh(self) -> None:
        from interviewer.notes.panel import scenario_uses

        sc = self.current
        self.ticks.blockSignals(True)
        self.ticks.clear()
        ticked: dict[str, str] = {}
        w = self.live
        if w.session_id and w.scenario_use:
            for u in scenario_uses(w.store, w.session_id):
                if u["id"] == w.scenario_use:
                    ticked = {t["constraint_key"]: t["quote"] for t in u["ticks"]}
        for c in (sc or {}).get("constraints", []):
            quote = ticked.get(c["key"])
            item = QListWidgetItem(c["text"] + (f"\n    “{quote}”" if quote else ""))
            item.setData(Qt.ItemDataRole.UserRole, c["key"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if c["key"] in ticked else Qt.CheckState.Unchecked)
            self.ticks.addItem(item)
        self.ticks.blockSignals(False)

    def _ticked(self, item: QListWidgetItem) -> None:
        from interviewer.notes.panel import tick_constraint

        w = self.live
        if item.checkState() != Qt.CheckState.Checked or not (w.session_id and w.scenario_use):
            return
        ev = w._evidence_rows[-1]["id"] if w._evidence_rows else None
        tick_constraint(w.store, w.scenario_use, str(item.data(Qt.ItemDataRole.UserRole)), evidence_id=ev,
                        start=max(0.0, w.now_s - 20), end=w.now_s, actor=w.evaluator)
        self.refresh()


class ProbeDialog(QDialog):
    """Write a probe of one's own for the selected claim, optionally saved back to one's kit."""

    def __init__(self, kit: Kit, *, can_save: bool, parent: QWidget | None = None) -> None:
        from PySide6.QtWidgets import QCheckBox, QComboBox

        super().__init__(parent)
        self.setWindowTitle("Write your own probe")
        self.text = QPlainTextEdit()
        self.criterion = QComboBox()
        for c in kit.criteria:
            self.criterion.addItem(c.name, c.key)
        self.save = QCheckBox("Also save it to my kit (the default kit stays as it is; a copy is made)")
        self.save.setVisible(can_save)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Probe"))
        lay.addWidget(self.text)
        lay.addWidget(QLabel("Criterion"))
        lay.addWidget(self.criterion)
        lay.addWidget(self.save)
        lay.addWidget(buttons)

    def values(self) -> tuple[str, str, bool]:
        return self.text.toPlainText().strip(), str(self.criterion.currentData()), self.save.isChecked()


# ------------------------------------------------------------------------------------------- the window
class LiveWindow(QMainWindow):
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

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        base = QFont(self.font())
        base.setPointSize(12)
        self.setFont(base)

        # top bar: record controls, status
        bar = QToolBar("Recording")
        bar.setObjectName("recordingBar")
        bar.setMovable(False)
        self.addToolBar(bar)
        self.rec_indicator = QLabel("● NOT RECORDING")
        self.rec_indicator.setObjectName("recIndicator")
        self.elapsed = QLabel("00:00")
        self.elapsed.setObjectName("elapsed")
        efont = QFont(base)
        efont.setPointSize(20)
        efont.setBold(True)
        self.elapsed.setFont(efont)
        self.level = QProgressBar()
        self.level.setRange(-60, 0)
        self.level.setValue(-60)
        self.level.setTextVisible(False)
        self.level.setFixedWidth(160)
        self.level.setStyleSheet("QProgressBar { border: 1px solid #8d8d8d; border-radius: 3px; background: #f4f4f4; }"
                                 "QProgressBar::chunk { background: #24a148; }")
        self.level.setToolTip("Input level")
        self.record_btn = QPushButton("● Record")
        self.pause_btn = QPushButton("❚❚ Pause")
        self.stop_btn = QPushButton("■ Stop")
        self.review_btn = QPushButton("Open review (Ctrl+Shift+R)")
        self.review_btn.setToolTip("Open this recording in the review window: correct, rate, export")
        for b in (self.record_btn, self.pause_btn, self.stop_btn, self.review_btn):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.window_spin = QSpinBox()
        self.window_spin.setRange(5, 120)
        self.window_spin.setSuffix(" s")
        self.window_spin.setToolTip("Keys 1–4 tag this many seconds before now")
        self.window_spin.setValue(int(str(self.settings.value("live/evidence_seconds", DEFAULT_EVIDENCE_SECONDS))))
        bar.addWidget(self.record_btn)
        bar.addWidget(self.pause_btn)
        bar.addWidget(self.stop_btn)
        self.review_action = bar.addWidget(self.review_btn)
        bar.addSeparator()
        bar.addWidget(self.rec_indicator)
        bar.addSeparator()
        bar.addWidget(self.elapsed)
        bar.addSeparator()
        bar.addWidget(QLabel(" Level "))
        bar.addWidget(self.level)
        bar.addSeparator()
        bar.addWidget(QLabel(" Tag window "))
        bar.addWidget(self.window_spin)

        # claims
        self.claims_list = QListWidget()
        self.claims_list.setObjectName("claims")
        self.claims_list.setWordWrap(True)
        self.claims_list.setAlternatingRowColors(True)
        self.claims_empty = QLabel("No claims yet.\nImport a resume or type claims in the setup.")
        self.claims_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.claims_empty.setWordWrap(True)
        self.claims_empty.setStyleSheet("color: #6f6f6f;")
        status_row = QGridLayout()
        self.status_buttons: dict[str, QPushButton] = {}
        for n, (status, (glyph, colour)) in enumerate(STATUS_LABELS.items()):
            b = QPushButton(f"{glyph} {status}")
            b.setToolTip(f"Set the selected claim to {status} ({STATUS_KEYS[status]})")
            b.setStyleSheet(f"color: {colour};")
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.clicked.connect(lambda _=False, s=status: self.set_claim_status(s))
            self.status_buttons[status] = b
            status_row.addWidget(b, n // 3, n % 3)
        claims_box = self._panel("Claims", [self.claims_empty, self.claims_list], status_row)

        # prompts
        self.prompts = QListWidget()
        self.prompts.setObjectName("prompts")
        self.prompts.setWordWrap(True)
        self.ask_btn = QPushButton("✓ Mark asked (A)")
        self.ask_btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cues = QListWidget()
        self.cues.setObjectName("cues")
        self.cues.setWordWrap(True)
        self.cues.setMaximumHeight(150)
        self.coverage = CoverageStrip(self.kit)
        ask_row = QHBoxLayout()
        ask_row.addWidget(self.ask_btn)
        self.last_probe_label = QLabel("No probe asked yet")
        self.last_probe_label.setStyleSheet("color: #6f6f6f;")
        self.last_probe_label.setWordWrap(True)
        ask_row.addWidget(self.last_probe_label, 1)
        cue_title = QLabel("Follow-up cues (advisory)")
        cue_title.setStyleSheet("font-weight: bold; color: #525252;")
        prompts_box = self._panel("Prompts", [self.prompts, cue_title, self.cues], ask_row)
        from PySide6.QtWidgets import QTabWidget

        self.middle = QTabWidget()
        self.middle.addTab(prompts_box, "Prompts")
        self.failure_panel = FailurePanel(self)
        self.middle.addTab(self.failure_panel, "Failure story")
        self.scenario_panel = ScenarioPanel(self)
        self.middle.addTab(self.scenario_panel, "Scenarios")
        from interviewer.ui.core_panel import CorePanel

        self.core_panel = CorePanel(self, self.role)
        self.middle.addTab(self.core_panel, "Core calls")

        # transcript and evidence
        self.transcript = TranscriptView()
        self.evidence = QListWidget()
        self.evidence.setObjectName("evidence")
        self.evidence.setWordWrap(True)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Note (Ctrl+N) — Enter saves it at this moment, Esc returns to the transcript")
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self._panel("Transcript", [self.transcript]))
        ev_title = QWidget()
        ev_lay = QVBoxLayout(ev_title)
        ev_lay.setContentsMargins(0, 0, 0, 0)
        ev_lay.addWidget(self._title("Evidence  (1–4 tag · Shift = concern · Ctrl+Z undo)"))
        ev_lay.addWidget(self.evidence)
        ev_lay.addWidget(self.note)
        right.addWidget(ev_title)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        self.right_split = right

        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(claims_box)
        self.split.addWidget(self.middle)
        self.split.addWidget(right)
        self._default_sizes = True
        central = QWidget()
        lay = QVBoxLayout(central)
        self.demo_notice = QLabel("")
        self.demo_notice.setObjectName("demoNotice")
        self.demo_notice.setWordWrap(True)
        self.demo_notice.setStyleSheet("background: #fcf4d6; color: #161616; border: 1px solid #f1c21b; "
                                       "border-radius: 4px; padding: 4px 8px;")
        self.demo_notice.setVisible(False)
        lay.addWidget(self.demo_notice)
        lay.addWidget(self.split, 1)
        # The strip scrolls sideways in a window narrower than its chips, rather than widening the window.
        strip = QScrollArea()
        strip.setWidget(self.coverage)
        strip.setWidgetResizable(True)
        strip.setFrameShape(QFrame.Shape.NoFrame)
        strip.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        strip.setFixedHeight(self.coverage.sizeHint().height() + strip.horizontalScrollBar().sizeHint().height())
        lay.addWidget(strip)
        self.setCentralWidget(central)
        self.statusBar().showMessage("Ready. F1 lists every shortcut.")
        # The live path's answer to a busy machine, and the catch-up after Stop: a lasting part of the bar.
        self.pace_label = QLabel("")
        self.pace_label.setObjectName("paceStatus")
        self.pace_label.setToolTip("Whatever this computer is too busy to do live - previews, the second pass - "
                                   "is done on the recording after Stop: the stored transcript loses nothing.")
        self.pace_label.hide()
        self.statusBar().addPermanentWidget(self.pace_label)
        self.catch_up: CatchUp | None = None
        self.resize(*fitting_size(self, 1360, 820))  # a saved geometry (restored later) wins
        keep_font(self, base)

    def show_demo_notice(self, text: str) -> None:
        """A banner saying what in this window is the demo's script rather than the person's own work."""
        self.demo_notice.setText(text)
        self.demo_notice.setVisible(bool(text))

    def _title(self, text: str) -> QLabel:
        t = QLabel(text)
        t.setWordWrap(True)  # a narrow pane wraps its title instead of widening the window
        f = QFont(self.font())
        f.setBold(True)
        f.setPointSize(13)
        t.setFont(f)
        return t

    def _panel(self, title: str, widgets: list[QWidget], footer: QHBoxLayout | QGridLayout | None = None) -> QWidget:
        box = QFrame()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self._title(title))
        for w in widgets:
            lay.addWidget(w, 1 if isinstance(w, (QListWidget, TranscriptView)) else 0)
        if footer is not None:
            lay.addLayout(footer)
        return box

    # ------------------------------------------------------------------ actions and shortcuts
    def _action(self, text: str, keys: list[str] | QKeySequence.StandardKey, slot: Callable[[], Any]) -> QAction:
        a = QAction(text, self)
        if isinstance(keys, list):
            a.setShortcuts([QKeySequence(k) for k in keys])
        else:
            a.setShortcuts(keys)
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        a.triggered.connect(lambda _checked=False: slot())  # `checked` must not reach add_claim(text=...) etc.
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
        self.tag_keys = TagKeys(self, self._tag_key)
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
        self.claims_list.currentRowChanged.connect(lambda _row: self.reload_prompts())
        self.window_spin.valueChanged.connect(lambda v: self.settings.setValue("live/evidence_seconds", v))
        self.note.returnPressed.connect(self.save_note)
        self.note.installEventFilter(self)
        self.bridge.started.connect(self._on_started)
        self.bridge.segment.connect(self._on_segment)
        self.bridge.revised.connect(self._on_revised)
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

    # ------------------------------------------------------------------ state
    def _set_state(self, state: str) -> None:
        self.state = state
        recording = state == "recording"
        self.record_btn.setEnabled(state == "idle")
        self.pause_btn.setEnabled(state in ("recording", "paused"))
        self.pause_btn.setText("▶ Resume" if state == "paused" else "❚❚ Pause")
        self.stop_btn.setEnabled(state in ("recording", "paused"))
        text, style = {
            "idle": ("● NOT RECORDING", "color: #6f6f6f;"),
            "starting": ("● STARTING…", "color: #b28600;"),
            "recording": ("● REC", "color: white; background: #da1e28; border-radius: 6px; padding: 2px 10px;"),
            "paused": ("❚❚ PAUSED", "color: #161616; background: #f1c21b; border-radius: 6px; padding: 2px 10px;"),
            "stopping": ("■ SAVING…", "color: #6f6f6f;"),
            "stopped": ("■ SAVED", "color: #198038;"),
        }[state]
        f = QFont(self.font())
        f.setBold(True)
        f.setPointSize(14)
        self.rec_indicator.setFont(f)
        self.rec_indicator.setText(text)
        self.rec_indicator.setStyleSheet(style)
        self.transcript.show_state(state)
        reviewable = state == "stopped" and self.open_review is not None
        self.review_action.setVisible(reviewable)  # a toolbar widget shows and hides through its action
        self.review_btn.setEnabled(reviewable)
        # While the recording is being saved, Ctrl+Shift+R opens the review once it is.
        self.act_review.setEnabled(state in ("stopping", "stopped") and self.open_review is not None)
        if recording:
            self.transcript.text.setFocus()

    def record(self) -> None:
        if self.state != "idle":
            return
        self._set_state("starting")
        try:
            self.session = self.session_factory(self.bridge.listener())
            self.session_id = self.session.start()
        except Exception as exc:  # noqa: BLE001 - shown to the user, nothing is lost
            self._set_state("idle")
            QMessageBox.critical(self, "Cannot start recording", str(exc))
            return
        self._set_state("recording")
        self.clock.start()

    def toggle_pause(self) -> None:
        if self.session is None:
            return
        if self.state == "recording":
            self.session.pause()
            self._set_state("paused")
        elif self.state == "paused":
            self.session.resume()
            self._set_state("recording")

    def stop(self) -> None:
        if self.session is None or self.state not in ("recording", "paused") or self._stopping:
            return
        self._stopping = True
        self._set_state("stopping")
        threading.Thread(target=self.session.stop, args=("stopped by the evaluator",), name="stop session",
                         daemon=True).start()

    def review(self) -> None:
        """The saved recording in the review window (correct the words, rate, export)."""
        if self.session_id is None or self.open_review is None:
            return
        if self.state == "stopping":
            self._review_when_stopped = True
            self.statusBar().showMessage("The review opens as soon as the recording is saved…")
        elif self.state == "stopped":
            self.open_review(self.session_id)

    def _on_started(self, sid: str) -> None:
        self.statusBar().showMessage(f"Recording session {sid[:8]} — keys 1–4 tag the last "
                                     f"{self.window_spin.value()} s")

    def _on_stopped(self, reason: str) -> None:
        self.clock.stop()
        self._stopping = False
        self._tick()
        self._set_state("stopped")
        self.statusBar().showMessage(f"Saved: {reason}." + (" Open review (Ctrl+Shift+R) to correct, rate and export."
                                                            if self.open_review is not None else ""))
        if self._close_when_stopped:
            self.close()  # what was put off goes on at the next start
            return
        if self._review_when_stopped:
            self._review_when_stopped = False
            self.review()
        self._start_catch_up()

    def _on_load(self, status: LoadStatus) -> None:
        self.pace_label.setText(status.message)
        self.pace_label.setVisible(bool(status.message) and self.catch_up is None)

    def _start_catch_up(self) -> None:
        """After Stop on a busy machine: polish the transcript on the recording, with progress; the lines
        follow as they are revised."""
        session = self.session
        if session is None or not session.needs_catch_up or self.session_id is None:
            return
        self.catch_up = CatchUp(lambda sid, **kw: session.catch_up(**kw), [self.session_id], parent=self)
        self.catch_up.progress.connect(lambda sid, f: self._show_catch_up(f"Polishing the transcript… {f:.0%}"))
        self.catch_up.revised.connect(self._on_revised)
        self.catch_up.finished.connect(lambda sid, n: self._show_catch_up(
            f"Transcript polished: {n} line(s) improved", done=True))
        self.catch_up.failed.connect(lambda sid, msg: self._show_catch_up(msg, done=True))
        self._show_catch_up("Polishing the transcript… 0%")
        self.catch_up.start()

    def _show_catch_up(self, text: str, *, done: bool = False) -> None:
        self.pace_label.setText(text)
        self.pace_label.show()
        if done:
            self.catch_up = None

    def _on_error(self, message: str) -> None:
        self.statusBar().showMessage(message)
        QMessageBox.warning(self, "Recording stopped", message)

    def _tick(self) -> None:
        if self.session is not None:
            self.elapsed.setText(mmss(self.session.elapsed_s))

    @property
    def now_s(self) -> float:
        return float(self.session.elapsed_s) if self.session is not None else 0.0

    # ------------------------------------------------------------------ transcript
    def _on_segment(self, seg_id: str, seg: Segment) -> None:
        self.transcript.add(seg, seg_id)
        self._refresh_recent_quotes(seg)

    def _on_revised(self, seg_id: str, seg: Segment) -> None:
        """The second pass improved a committed line: show the new text where the old one was."""
        if self.transcript.replace(seg_id, seg):
            self._refresh_recent_quotes(seg)

    def _refresh_recent_quotes(self, seg: Segment) -> None:
        # Evidence tagged a moment ago may cover words committed (or revised) only now: refresh its quote.
        rows = {e["id"]: e for e in self._evidence_rows}
        for eid in list(self._recent_evidence):
            row = rows.get(eid)
            if row is None:
                self._recent_evidence.remove(eid)
                continue
            if seg.start <= row["end"] and seg.end >= row["start"]:
                quote = words_in_range(self.transcript.lines, row["start"], row["end"])
                self.store.update_evidence(eid, actor=self.evaluator, quote=quote)
            if seg.end > row["end"] + 30:
                self._recent_evidence.remove(eid)
        self.reload_evidence()
        self._update_cues()

    def _update_cues(self) -> None:
        claims = [Claim(c["text"], c.get("source") or "", c.get("section") or "", c["position"],
                        tuple(c["topics"])) for c in self._claim_rows]
        probed = {i for i, c in enumerate(self._claim_rows) if c["status"] != "unprobed"}
        cues = follow_up_cues(self.transcript.lines, self.kit, claims, elapsed_s=self.now_s,
                              planned_s=self.planned_s, probed_claim_indices=probed,
                              asked_probe_ids=self._asked_keys)
        self.cues.clear()
        for cue in cues[-4:][::-1]:
            item = QListWidgetItem(f"{cue.text}\n    “{cue.quote}”" if cue.quote else cue.text)
            item.setForeground(QColor("#525252"))
            self.cues.addItem(item)

    # ------------------------------------------------------------------ claims and prompts
    def reload_claims(self) -> None:
        row = max(0, self.claims_list.currentRow())
        self._claim_rows = self.store.claims(self.candidate_id)
        mine = self.your_claims()
        scripted = self.scripted_claims()
        self.claims_list.blockSignals(True)
        self.claims_list.clear()
        for c in self._claim_rows:
            glyph, colour = STATUS_LABELS[c["status"]]
            yours = "★ " if c["id"] in mine else ""
            item = QListWidgetItem(f"{glyph}  {yours}{c['text']}")
            if yours:
                bold = QFont(self.claims_list.font())
                bold.setBold(True)
                item.setFont(bold)
                item.setToolTip("Your claim: the panel plan gives it to you")
            item.setForeground(QColor("#161616" if c["status"] == "unprobed" else colour))
            item.setToolTip(f"{c['status']} — {c.get('section') or ''}")
            if c["id"] in scripted and c["status"] != "unprobed":
                item.setText(f"{item.text()}\n    ({c['status']}: set by the demo script)")
                item.setToolTip(f"{c['status']}, set by the demo's script, not by you")
            item.setData(Qt.ItemDataRole.UserRole, c["id"])
            self.claims_list.addItem(item)
        self.claims_list.blockSignals(False)
        has = bool(self._claim_rows)
        self.claims_list.setVisible(has)
        self.claims_empty.setVisible(not has)
        if has:
            self.claims_list.setCurrentRow(min(row, len(self._claim_rows) - 1))
        self.reload_prompts()

    @property
    def selected_claim(self) -> dict[str, Any] | None:
        row = self.claims_list.currentRow()
        return self._claim_rows[row] if 0 <= row < len(self._claim_rows) else None

    def _move_claim(self, step: int) -> None:
        if self._claim_rows:
            self.claims_list.setCurrentRow(max(0, min(len(self._claim_rows) - 1, self.claims_list.currentRow() + step)))

    def _move_prompt(self, step: int) -> None:
        n = self.prompts.count()
        if n:
            self.prompts.setCurrentRow(max(0, min(n - 1, self.prompts.currentRow() + step)))

    def reload_prompts(self) -> None:
        self.prompt_items: list[PromptItem] = []
        claim = self.selected_claim
        pinned_keys: set[str] = set()
        if claim is not None:
            for row in self.store.claim_probes(claim["id"]):
                self.prompt_items.append(PromptItem(row["id"], row["text"], row["criterion"], "pinned"))
                if row["source_key"]:
                    pinned_keys.add(row["source_key"])
            c = Claim(claim["text"], claim.get("source") or "", claim.get("section") or "", claim["position"],
                      tuple(claim["topics"]))
            for cp in probes_for_claim(c, self.kit):
                key = cp.probe_id or f"claim:{claim['id']}:{zlib.crc32(cp.text.encode()):08x}"
                if key not in pinned_keys:
                    self.prompt_items.append(PromptItem(key, cp.text, cp.criterion, "claim"))
        seen = {p.key for p in self.prompt_items} | pinned_keys
        for crit in self.kit.criteria:
            for probe in self.kit.probes_for(crit.key)[:2]:
                if probe.id not in seen:
                    self.prompt_items.append(PromptItem(probe.id, probe.text, crit.key, "bank"))
        keys = [c.key for c in self.kit.criteria]
        self.prompts.clear()
        for p in self.prompt_items:
            idx = keys.index(p.criterion) if p.criterion in keys else 0
            name = self.kit.criteria[idx].name
            asked = "✓ " if p.key in self._asked_keys else ""
            pin = "📌 " if p.source == "pinned" else ""
            item = QListWidgetItem(f"{pin}{asked}[{name}] {p.text}")
            item.setForeground(QColor(criterion_colour(keys[idx], idx)))
            self.prompts.addItem(item)
        if self.prompt_items:
            self.prompts.setCurrentRow(0)

    def mark_asked(self) -> None:
        row = self.prompts.currentRow()
        if not (0 <= row < len(self.prompt_items)):
            return
        p = self.prompt_items[row]
        self.last_probe = p
        self._asked_keys.add(p.key)
        if self.session_id is not None:
            claim = self.selected_claim
            self.last_probe_ask = self.store.add_probe_ask(session_id=self.session_id, probe_key=p.key,
                                                           probe_text=p.text, at_s=self.now_s,
                                                           claim_id=claim["id"] if claim else None,
                                                           criterion=p.criterion, evaluator=self.evaluator)
        self.last_probe_label.setText(f"Asked at {mmss(self.now_s)}: {p.text[:90]}")
        self.reload_prompts()
        self.prompts.setCurrentRow(row)

    def set_claim_status(self, status: str) -> None:
        claim = self.selected_claim
        if claim is None or claim["status"] == status:
            return
        self.undo.push(SetClaimStatus(self, claim["id"], claim["status"], status))

    # ------------------------------------------------------------------ the claim ledger
    def _ask_text(self, title: str, label: str, text: str = "", multiline: bool = False) -> str | None:
        from PySide6.QtWidgets import QInputDialog

        if multiline:
            value, ok = QInputDialog.getMultiLineText(self, title, label, text)
        else:
            value, ok = QInputDialog.getText(self, title, label, text=text)
        return value.strip() if ok and value.strip() else None

    def add_claim(self, text: str | None = None) -> None:
        text = text or self._ask_text("Add a claim", "What does the candidate claim to have done?")
        if not text:
            return
        index = self.claims_list.currentRow() + 1 if self._claim_rows else 0
        store, who = self.store, self.evaluator
        self.undo.push(EditLedger(
            self, "Add claim",
            lambda: store.add_claim(self.candidate_id, text, actor=who, index=index),
            lambda cid: store.delete_claim(cid, actor=who)))
        self.claims_list.setCurrentRow(index)

    def edit_claim(self, text: str | None = None) -> None:
        claim = self.selected_claim
        if claim is None:
            return
        text = text or self._ask_text("Edit the claim", "Claim", claim["text"])
        if not text or text == claim["text"]:
            return
        store, who, cid, old = self.store, self.evaluator, claim["id"], claim["text"]
        self.undo.push(EditLedger(self, "Edit claim", lambda: store.edit_claim(cid, text, actor=who),
                                  lambda _r: store.edit_claim(cid, old, actor=who)))

    def delete_claim(self) -> None:
        claim = self.selected_claim
        if claim is None:
            return
        store, who, cid = self.store, self.evaluator, claim["id"]
        self.undo.push(EditLedger(self, "Delete claim", lambda: store.delete_claim(cid, actor=who),
                                  lambda row: store.restore_claim(row, actor=who)))

    def move_claim(self, step: int) -> None:
        claim = self.selected_claim
        if claim is None:
            return
        row = self.claims_list.currentRow()
        target = max(0, min(len(self._claim_rows) - 1, row + step))
        if target == row:
            return
        store, who, cid = self.store, self.evaluator, claim["id"]
        self.undo.push(EditLedger(self, "Move claim", lambda: store.move_claim(cid, target, actor=who),
                                  lambda _r: store.move_claim(cid, row, actor=who)))
        self.claims_list.setCurrentRow(target)

    def split_claim(self, parts: list[str] | None = None) -> None:
        claim = self.selected_claim
        if claim is None:
            return
        if parts is None:
            text = self._ask_text("Split the claim", "One claim per line:", claim["text"].replace("; ", ";\n"),
                                  multiline=True)
            parts = text.splitlines() if text else []
        if len([p for p in parts if p.strip()]) < 2:
            return
        self.store.split_claim(claim["id"], parts, actor=self.evaluator)
        self.undo.clear()  # a split renames ids: earlier undo steps no longer apply
        self.reload_claims()

    def merge_claim(self) -> None:
        row = self.claims_list.currentRow()
        if not (0 <= row < len(self._claim_rows) - 1):
            return
        self.store.merge_claims([self._claim_rows[row]["id"], self._claim_rows[row + 1]["id"]],
                                actor=self.evaluator)
        self.undo.clear()
        self.reload_claims()

    # ------------------------------------------------------------------ probes of one's own
    def pin_prompt(self) -> None:
        claim = self.selected_claim
        row = self.prompts.currentRow()
        if claim is None or not (0 <= row < len(self.prompt_items)):
            return
        p = self.prompt_items[row]
        if p.source == "pinned":
            self.store.remove_claim_probe(p.key, actor=self.evaluator)
        else:
            self.store.add_claim_probe(claim["id"], text=p.text, criterion=p.criterion, source_key=p.key,
                                       actor=self.evaluator)
        self.reload_prompts()

    def edit_prompt(self, text: str | None = None) -> None:
        """Reword the selected prompt for this claim: it is pinned with the new words (the kit is unchanged)."""
        claim = self.selected_claim
        row = self.prompts.currentRow()
        if claim is None or not (0 <= row < len(self.prompt_items)):
            return
        p = self.prompt_items[row]
        text = text or self._ask_text("Edit the prompt", "Prompt", p.text, multiline=True)
        if not text or text == p.text:
            return
        if p.source == "pinned":
            self.store.remove_claim_probe(p.key, actor=self.evaluator)
        self.store.add_claim_probe(claim["id"], text=text, criterion=p.criterion,
                                   source_key=p.key if p.source != "pinned" else None, actor=self.evaluator)
        self.reload_prompts()

    def write_probe(self, text: str | None = None, criterion: str | None = None,
                    save_to_kit: bool | None = None) -> None:
        claim = self.selected_claim
        if claim is None:
            return
        if text is None:
            dialog = ProbeDialog(self.kit, can_save=self.save_probe_to_kit is not None, parent=self)
            if not dialog.exec():
                return
            text, criterion, save_to_kit = dialog.values()
        criterion = criterion or self.kit.criteria[0].key
        if not text:
            return
        self.store.add_claim_probe(claim["id"], text=text, criterion=criterion, actor=self.evaluator)
        if save_to_kit and self.save_probe_to_kit is not None:
            where = self.save_probe_to_kit(criterion, text, tuple(claim["topics"]))
            self.statusBar().showMessage(f"Probe saved to your kit: {where}", 6000)
        self.reload_prompts()

    def last_evidence_for(self, claim_id: str) -> str | None:
        rows = [e for e in self._evidence_rows if e["claim_id"] == claim_id]
        return rows[-1]["id"] if rows else None

    # ------------------------------------------------------------------ evidence
    def _tag_key(self, digit: int, concern: bool) -> None:
        if digit <= len(self.kit.criteria[:4]):
            self.tag(digit - 1, "concern" if concern else "supports")

    def tag(self, index: int, polarity: str) -> None:
        if self.session_id is None or index >= len(self.kit.criteria):
            self.statusBar().showMessage("Start recording before tagging evidence.")
            return
        end = self.now_s
        start = max(0.0, end - self.window_spin.value())
        claim = self.selected_claim
        crit = self.kit.criteria[index]
        cmd = AddEvidence(self, {
            "session_id": self.session_id, "start": start, "end": end, "criterion": crit.key,
            "evaluator": self.evaluator, "claim_id": claim["id"] if claim else None,
            "probe_id": self.last_probe.key if self.last_probe else None, "polarity": polarity,
            "quote": words_in_range(self.transcript.lines, start, end)}, label=f"Tag evidence ({crit.key})")
        self.undo.push(cmd)
        if cmd.evidence_id:
            self._recent_evidence.append(cmd.evidence_id)
            from interviewer.notes.panel import link_evidence_to_open_scenario

            if link_evidence_to_open_scenario(self.store, self.session_id, cmd.evidence_id):
                self.scenario_panel.refresh()
        self.statusBar().showMessage(f"Tagged {mmss(start)}–{mmss(end)} as {polarity} for {crit.name}", 4000)

    def mark_spoken_consent(self) -> None:
        """The candidate just said yes to the notice out loud: keep that moment with the consent record."""
        if self.session_id is None:
            self.statusBar().showMessage("Start recording before marking the spoken consent.")
            return
        from interviewer.ui.commands import MarkSpokenConsent

        end = self.now_s
        start = max(0.0, end - self.window_spin.value())
        if end <= start:
            self.statusBar().showMessage("Nothing recorded yet to mark as the spoken consent.", 4000)
            return
        cmd = MarkSpokenConsent(self, start, end)
        self.undo.push(cmd)
        self.statusBar().showMessage(f"Spoken consent kept: {mmss(start)}–{mmss(end)}"
                                     + (f" “{cmd.quote[:80]}”" if cmd.quote else ""), 6000)

    def focus_note(self) -> None:
        self.note.setFocus()

    def save_note(self) -> None:
        text = self.note.text().strip()
        if text and self.session_id is not None:
            at = self.now_s
            self.undo.push(AddEvidence(self, {
                "session_id": self.session_id, "start": at, "end": at, "criterion": None,
                "evaluator": self.evaluator, "claim_id": (self.selected_claim or {}).get("id"),
                "probe_id": self.last_probe.key if self.last_probe else None, "polarity": "supports",
                "note": text, "quote": ""}, label="Note"))
        self.note.clear()
        self.transcript.text.setFocus()

    def reload_evidence(self, select: str | None = None) -> None:
        self._evidence_rows = self.store.evidence(self.session_id) if self.session_id else []
        keys = [c.key for c in self.kit.criteria]
        self.evidence.clear()
        per: dict[str, int] = {}
        scripted = self.scripted_evidence()
        for e in self._evidence_rows:
            if e["criterion"] in keys:
                idx = keys.index(e["criterion"])
                per[e["criterion"]] = per.get(e["criterion"], 0) + 1
                mark = "▲ concern" if e["polarity"] == "concern" else "✓"
                head = f"{mmss(e['start'])}  {mark} {self.kit.criteria[idx].name}"
                colour = criterion_colour(e["criterion"], idx)
            else:
                head, colour = f"{mmss(e['start'])}  ✎ note", "#525252"
            if not e["criterion"]:
                body = e["note"]
            else:
                body = f"“{e['quote']}”" if e["quote"] else "(waiting for words…)"
            if e["id"] in scripted:
                head += "   · tagged by the demo script"
            item = QListWidgetItem(f"{head}\n{body}")
            item.setForeground(QColor(colour))
            item.setData(Qt.ItemDataRole.UserRole, e["id"])
            if e["id"] in scripted:
                item.setToolTip("The demo's script tagged this, not you: your keys 1–4 tag as in an interview.")
            self.evidence.addItem(item)
        if self._evidence_rows:
            self.evidence.scrollToBottom()
        for i, e in enumerate(self._evidence_rows):
            if e["id"] == select:
                self.evidence.setCurrentRow(i)
        claims_with = len({e["claim_id"] for e in self._evidence_rows if e["claim_id"]})
        self.coverage.update_counts(per, claims_with, len(self._claim_rows) if hasattr(self, "_claim_rows") else 0)

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
        if self.state in ("recording", "paused", "stopping"):
            # Finish the recording first (off the UI thread); the window closes when it is saved.
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


def wait_for_threads(prefixes: tuple[str, ...] = ("transcribe", "replay", "fsync", "stop session"),
                     timeout: float = 10.0) -> list[str]:
    """Names of core threads still alive after `timeout` (for tests and shutdown checks)."""
    end = time.monotonic() + timeout
    alive: list[str] = []
    for t in threading.enumerate():
        if t.name.startswith(prefixes):
            t.join(max(0.0, end - time.monotonic()))
            if t.is_alive():
                alive.append(t.name)
    return alive
