"""Review and replay: the transcript with evidence in its criterion's colour, an audio player, a clickable
timeline; click any line or evidence item to hear that moment. Edits (words, evidence ranges and fields,
new evidence from a selection) go through an undo stack."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import partial
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QIODevice, QObject, QPointF, QRectF, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QKeySequence,
    QPainter,
    QPen,
    QTextCharFormat,
    QTextCursor,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from interviewer.core.palette import SUBTLE, criterion_colour
from interviewer.core.transcript import Segment, glued, mmss, words_in_range
from interviewer.notes.prompts.kits import Kit
from interviewer.ui.commands import AddEvidence

NUDGE_S = 0.5
RATER_KEY = "review/evaluator"


def remembered_rater(settings: QSettings | None = None) -> str:
    """The name this laptop last rated under (asked once by the review window), or ""."""
    return str((settings or QSettings()).value(RATER_KEY, "") or "").strip()


class SealedDevice(QIODevice):
    """A sealed (encrypted) recording as a random-access, read-only QIODevice: QtMultimedia plays it while
    the plaintext exists only in memory, a chunk at a time."""

    def __init__(self, sealed: Any, parent: QObject) -> None:
        super().__init__(parent)
        self._sealed = sealed
        self.open(QIODevice.OpenModeFlag.ReadOnly)

    def isSequential(self) -> bool:  # noqa: N802 - Qt override
        return False

    def size(self) -> int:
        return int(self._sealed.size)

    def bytesAvailable(self) -> int:  # noqa: N802 - Qt override
        return max(0, self.size() - self.pos()) + super().bytesAvailable()

    def readData(self, maxlen: int) -> bytes:  # noqa: N802 - Qt override
        self._sealed.seek(self.pos())
        return bytes(self._sealed.read(maxlen))

    def writeData(self, _data: Any, _size: int) -> int:  # noqa: N802 - Qt override
        return -1

    def close(self) -> None:
        super().close()
        self._sealed.close()


class AudioPlayer(QObject):
    """QtMultimedia playback of a session's recording, in seconds."""

    position_changed = Signal(float)
    outputs_changed = Signal()

    def __init__(self, path: Path | None, parent: QObject | None = None, vault: Any = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

        self.player = QMediaPlayer(self)
        self.output = QAudioOutput(self)
        self.player.setAudioOutput(self.output)
        # Follow the system's default output when a headset is plugged in or removed.
        self.devices = QMediaDevices(self)
        self.devices.audioOutputsChanged.connect(self._outputs_changed)
        self.player.positionChanged.connect(lambda ms: self.position_changed.emit(ms / 1000.0))
        self.path = path
        self.device: SealedDevice | None = None
        if path is not None and path.exists():
            from interviewer.core.vault import is_sealed

            if vault is not None and is_sealed(path):
                self.device = SealedDevice(vault.open(path), self)
                self.player.setSourceDevice(self.device, QUrl.fromLocalFile(str(path)))
            else:
                self.player.setSource(QUrl.fromLocalFile(str(path)))

    @property
    def available(self) -> bool:
        return self.path is not None and self.path.exists()

    @property
    def has_output(self) -> bool:
        from PySide6.QtMultimedia import QMediaDevices

        return bool(QMediaDevices.audioOutputs())

    def _outputs_changed(self) -> None:
        from PySide6.QtMultimedia import QMediaDevices

        self.output.setDevice(QMediaDevices.defaultAudioOutput())
        self.outputs_changed.emit()

    def notice(self) -> str:
        """What the player cannot do, for the window to show; empty when all is well."""
        if self.path is None:
            return "No recording for this session: the transcript can be read, not heard."
        if not self.path.exists():
            return f"The recording {self.path} is missing: the transcript can be read, not heard."
        if not self.has_output:
            return "No audio output device: playback moves through the transcript silently."
        return ""

    def seek(self, seconds: float) -> None:
        self.player.setPosition(int(max(0.0, seconds) * 1000))

    def play_from(self, seconds: float) -> None:
        self.seek(seconds)
        self.player.play()

    def toggle(self) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def skip(self, seconds: float) -> None:
        self.seek(self.position_s + seconds)

    @property
    def position_s(self) -> float:
        return self.player.position() / 1000.0

    def set_rate(self, rate: float) -> None:
        self.player.setPlaybackRate(rate)

    def stop(self) -> None:
        self.player.stop()


@dataclass
class WordSpan:
    start: float
    end: float
    pos: int      # character offset in the document
    length: int


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


class UpdateEvidence(QUndoCommand):
    def __init__(self, window: ReviewWindow, evidence_id: str, changes: dict[str, Any]) -> None:
        super().__init__("Edit evidence")
        self.window, self.evidence_id, self.changes = window, evidence_id, changes
        row = window.store.evidence_item(evidence_id)
        self.old = {k: row[k] for k in changes}

    def _apply(self, values: dict[str, Any]) -> None:
        values = dict(values)
        if "start" in values or "end" in values:
            row = self.window.store.evidence_item(self.evidence_id)
            values["quote"] = words_in_range(self.window.segments, values.get("start", row["start"]),
                                             values.get("end", row["end"]))
        self.window.store.update_evidence(self.evidence_id, actor=self.window.evaluator, **values)
        self.window.reload_evidence(select=self.evidence_id)

    def redo(self) -> None:
        self._apply(self.changes)

    def undo(self) -> None:
        self._apply(self.old)


class EditWords(QUndoCommand):
    def __init__(self, window: ReviewWindow, segment_id: str, text: str) -> None:
        super().__init__("Correct words")
        self.window, self.segment_id, self.new_text = window, segment_id, text
        self.old: dict[str, Any] = {}

    def redo(self) -> None:
        from interviewer.notes.review.editing import edit_segment_text

        self.old = edit_segment_text(self.window.store, self.segment_id, self.new_text,
                                     actor=self.window.evaluator)
        self.window.reload_transcript()

    def undo(self) -> None:
        from interviewer.notes.review.editing import restore_segment

        restore_segment(self.window.store, self.old, actor=self.window.evaluator)
        self.window.reload_transcript()


class ReassignSpeaker(QUndoCommand):
    """Give one line to the other side of a one-microphone interview; quotes that cover it follow."""

    def __init__(self, window: ReviewWindow, segment_id: str, speaker: str) -> None:
        super().__init__(f"Line said by the {speaker}")
        self.window, self.segment_id, self.speaker = window, segment_id, speaker

    def redo(self) -> None:
        from interviewer.notes.review.speakers import reassign

        reassign(self.window.store, self.segment_id, self.speaker, actor=self.window.evaluator)
        self.window.reload_transcript()
        self.window.reload_evidence()

    def undo(self) -> None:
        from interviewer.notes.review.speakers import undo

        undo(self.window.store, self.window.session_id, actor=self.window.evaluator)
        self.window.reload_transcript()
        self.window.reload_evidence()


class RatingPanel(QScrollArea):
    """Score each criterion 1-4 with the rubric anchor for the chosen score in full below it; a score needs
    linked evidence (all of this session's evidence for the criterion is linked) or a written reason. Blind:
    another evaluator's score for a criterion shows once you have rated it. What happened to a row (saved,
    refused and why) is said under that row. Scrolls when the window is short (a 768-pixel laptop screen)."""

    def __init__(self, window: ReviewWindow) -> None:
        super().__init__()
        self.review = window
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        outer = QVBoxLayout(body)
        self.rater = QLabel("")
        change = QPushButton("Change who is rating…")
        change.clicked.connect(lambda _checked=False: window.change_rater())
        who = QHBoxLayout()
        who.addWidget(self.rater, 1)
        who.addWidget(change)
        outer.addLayout(who)
        self.scores: dict[str, QComboBox] = {}
        self.anchors: dict[str, QLabel] = {}
        self.reasons: dict[str, QLineEdit] = {}
        self.others: dict[str, QLabel] = {}
        self.row_status: dict[str, QLabel] = {}
        self.rows: dict[str, QWidget] = {}
        for c in window.kit.criteria:
            combo = QComboBox()
            combo.addItem("—", None)
            for s in (1, 2, 3, 4):
                combo.addItem(str(s), s)
                combo.setItemData(s, c.anchors.get(s, ""), Qt.ItemDataRole.ToolTipRole)
            combo.setAccessibleName(f"Score for {c.name}")
            anchor = QLabel("")
            anchor.setWordWrap(True)
            anchor.setStyleSheet("color: #525252;")
            reason = QLineEdit()
            reason.setPlaceholderText("reason (needed when no evidence is linked)")
            reason.setAccessibleName(f"Reason for {c.name}")
            reason.returnPressed.connect(partial(self.save, c.key))
            others = QLabel("")
            others.setWordWrap(True)
            others.setStyleSheet("color: #6f6f6f;")
            status = QLabel("")
            status.setWordWrap(True)
            status.hide()  # shown with what happened to this row
            save = QPushButton("Save")
            save.setAccessibleName(f"Save the score for {c.name}")
            save.clicked.connect(partial(self.save, c.key))
            combo.currentIndexChanged.connect(partial(self._show_anchor, c.key))
            name = QLabel(f"<b>{escape(c.name)}</b>")
            name.setBuddy(combo)
            row_w = QWidget()
            grid = QGridLayout(row_w)
            grid.setContentsMargins(0, 4, 0, 4)
            grid.setVerticalSpacing(2)
            grid.addWidget(name, 0, 0, 1, 3)
            grid.addWidget(combo, 1, 0)
            grid.addWidget(reason, 1, 1)
            grid.addWidget(save, 1, 2)
            grid.addWidget(anchor, 2, 0, 1, 3)
            grid.addWidget(status, 3, 0, 1, 3)
            grid.addWidget(others, 4, 0, 1, 3)
            grid.setColumnStretch(1, 1)
            outer.addWidget(row_w)
            self.scores[c.key], self.anchors[c.key], self.reasons[c.key], self.others[c.key] = \
                combo, anchor, reason, others
            self.row_status[c.key], self.rows[c.key] = status, row_w
        self.message = QLabel("")  # the last row's outcome, also said under that row
        self.message.setWordWrap(True)
        self.message.hide()
        outer.addWidget(self.message)
        outer.addStretch(1)
        self.setWidget(body)
        self.refresh()

    def ensure_visible(self, key: str) -> None:
        self.ensureWidgetVisible(self.rows[key], 0, 8)

    def _show_anchor(self, key: str, _index: int = 0) -> None:
        score = self.scores[key].currentData()
        text = self.review.kit.criterion(key).anchors.get(score, "") if score else ""
        self.anchors[key].setText(text)
        self.anchors[key].setVisible(bool(text))

    def refresh(self) -> None:
        w = self.review
        self.rater.setText(f"Rating as: <b>{escape(w.evaluator)}</b>" if w.evaluator else
                           "Rating as: nobody yet (you will be asked for your name)")
        mine = {r["criterion"]: r for r in w.store.ratings(w.session_id) if r["evaluator"] == w.evaluator}
        visible = w.store.visible_ratings(w.session_id, w.evaluator)
        for key, combo in self.scores.items():
            r = mine.get(key)
            combo.blockSignals(True)
            combo.setCurrentIndex(combo.findData(r["score"]) if r else 0)
            combo.blockSignals(False)
            self.reasons[key].setText(r["reason"] if r else "")
            self._show_anchor(key)
            others = [f"{o['evaluator']} {o['score']}" for o in visible
                      if o["criterion"] == key and o["evaluator"] != w.evaluator]
            self.others[key].setText(("Panel: " + ", ".join(others)) if others else
                                     ("" if r else "Others' scores show once you have rated (blind)."))
            self.others[key].setVisible(bool(self.others[key].text()))

    def _say(self, key: str, text: str, colour: str) -> None:
        for label in (self.row_status[key], self.message):
            label.setText(text)
            label.setStyleSheet(f"color: {colour};")
        self.row_status[key].show()
        self.ensure_visible(key)

    def save(self, key: str, _checked: bool = False) -> None:
        from interviewer.core.errors import UserError

        w = self.review
        name = w.kit.criterion(key).name
        score = self.scores[key].currentData()
        if score is None:
            self._say(key, f"Choose a score (1–4) for {name} first.", "#da1e28")
            return
        if not w.ensure_rater():
            return
        linked = [e["id"] for e in w.store.evidence(w.session_id) if e["criterion"] == key]
        if not linked and not self.reasons[key].text().strip():
            self._say(key, f"Not saved: {name} has no tagged evidence in this session, so write a reason in "
                           "the box beside the score (or tag a moment for it first).", "#da1e28")
            self.reasons[key].setFocus()
            return
        try:
            w.store.rate(session_id=w.session_id, criterion=key, evaluator=w.evaluator, score=int(score),
                         evidence_ids=linked, reason=self.reasons[key].text())
        except UserError as exc:
            self._say(key, f"Not saved: {exc}", "#da1e28")
            return
        self.refresh()
        backing = (f"{len(linked)} evidence item{'s' if len(linked) != 1 else ''}" if linked else "your reason")
        self._say(key, f"Saved: {name} {score}, backed by {backing}.", "#198038")


class ReviewWindow(QMainWindow):
    """One session, days later: find the moment that matters and hear it."""

    def __init__(self, *, store: Any, session_id: str, kit: Kit, evaluator: str,
                 settings: QSettings | None = None, refine: Any = None) -> None:
        super().__init__()
        self.store = store
        self.session_id = session_id
        self.kit = kit
        self.evaluator = evaluator
        self.settings = settings or QSettings()
        self.refine_fn = refine
        self.undo = QUndoStack(self)
        self.session = store.session(session_id)
        self.setWindowTitle(f"Review — {self.session['candidate']} — {self.session['started_at'][:10]}")
        self.player = AudioPlayer(store.audio_file(self.session), self, vault=store.vault)
        self._build()
        self._actions()
        self.player.position_changed.connect(self._on_position)
        self.reload_transcript()
        self.reload_evidence()
        geometry = self.settings.value("review/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value("review/splitter")
        self._default_sizes = not isinstance(state, QByteArray)
        if isinstance(state, QByteArray):
            self.split.restoreState(state)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._default_sizes:
            self._default_sizes = False
            w = self.split.width()
            self.split.setSizes([int(w * 0.58), w - int(w * 0.58)])

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        base = QFont(self.font())
        base.setPointSize(12)
        self.setFont(base)
        self.text = QTextEdit()
        self.text.setReadOnly(True)
        # A keyboard cursor in the transcript: Shift+arrows select words to tag, F2 corrects the line under it.
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text.setObjectName("reviewTranscript")
        f = QFont(base)
        f.setPointSize(14)
        self.text.setFont(f)
        self.text.viewport().installEventFilter(self)
        self.evidence = QListWidget()
        self.evidence.setWordWrap(True)
        self.evidence.itemClicked.connect(self._evidence_clicked)
        self.evidence.currentRowChanged.connect(lambda _r: self._show_evidence_form())
        self.timeline = Timeline()
        self.timeline.seek_requested.connect(self.play_from)
        self.timeline.evidence_moved.connect(lambda eid, a, b: self.update_evidence(eid, start=a, end=b))
        self.play_btn = QPushButton("▶ Play / pause (Space)")
        back = QPushButton("« 5 s (←)")
        fwd = QPushButton("5 s » (→)")
        for b in (self.play_btn, back, fwd):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.play_btn.clicked.connect(self.player.toggle)
        back.clicked.connect(lambda: self.player.skip(-5))
        fwd.clicked.connect(lambda: self.player.skip(5))
        self.speed = QComboBox()
        for r in (0.75, 1.0, 1.25, 1.5, 2.0):
            self.speed.addItem(f"{r:g}×", r)
        self.speed.setCurrentIndex(1)
        self.speed.currentIndexChanged.connect(lambda _i: self.player.set_rate(float(self.speed.currentData())))
        self.clock = QLabel("00:00")
        cf = QFont(base)
        cf.setPointSize(16)
        cf.setBold(True)
        self.clock.setFont(cf)
        self.audio_notice = QLabel()
        self.audio_notice.setStyleSheet("color: #a15c00;")
        self.audio_notice.setWordWrap(True)
        self.player.outputs_changed.connect(self._show_audio_notice)
        self._show_audio_notice()
        controls = QHBoxLayout()
        for w in (self.play_btn, back, fwd, QLabel("Speed"), self.speed, self.clock):
            controls.addWidget(w)
        controls.addWidget(self.audio_notice, 1)
        controls.addStretch(1)
        if self.refine_fn is not None:
            refine_btn = QPushButton("Refine transcript…")
            refine_btn.clicked.connect(self.refine_fn)
            controls.addWidget(refine_btn)

        # evidence form
        self.f_criterion = QComboBox()
        self.f_criterion.addItem("(note)", None)
        for c in self.kit.criteria:
            self.f_criterion.addItem(c.name, c.key)
        self.f_polarity = QComboBox()
        self.f_polarity.addItems(["supports", "concern"])
        self.f_claim = QComboBox()
        self.f_claim.addItem("(no claim)", None)
        for c in self.store.claims(self.session["candidate_id"]):
            self.f_claim.addItem(c["text"][:70], c["id"])
        self.f_note = QLineEdit()
        self.f_probe = QComboBox()
        self.f_probe.addItem("(no probe)", None)
        for ask in self.store.probe_asks(self.session_id):
            self.f_probe.addItem(f"{mmss(ask['at_s'])} {ask['probe_text'][:60]}", ask["probe_key"])
        form = QFormLayout()
        form.addRow("Criterion", self.f_criterion)
        form.addRow("Polarity", self.f_polarity)
        form.addRow("Claim", self.f_claim)
        form.addRow("Probe", self.f_probe)
        form.addRow("Note", self.f_note)
        self.f_criterion.activated.connect(lambda _i: self._form_changed("criterion", self.f_criterion.currentData()))
        self.f_polarity.activated.connect(lambda _i: self._form_changed("polarity", self.f_polarity.currentText()))
        self.f_claim.activated.connect(lambda _i: self._form_changed("claim_id", self.f_claim.currentData()))
        self.f_note.editingFinished.connect(lambda: self._form_changed("note", self.f_note.text()))
        self.f_probe.activated.connect(lambda _i: self._form_changed("probe_id", self.f_probe.currentData()))
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(QLabel("Evidence — click to hear it; Ctrl+←/→ move, Ctrl+Shift+←/→ resize"))
        rl.addWidget(self.evidence, 1)
        rl.addLayout(form)
        from PySide6.QtWidgets import QTabWidget

        self.side_tabs = QTabWidget()
        self.rating_panel = RatingPanel(self)
        self.side_tabs.addTab(self.rating_panel, "Ratings")
        from interviewer.ui.calls_panel import CallsPanel

        self.calls_panel = CallsPanel(self)
        # In a scroll area, as the ratings: the window still fits a 1366x768 laptop screen.
        calls_scroll = QScrollArea()
        calls_scroll.setWidget(self.calls_panel)
        calls_scroll.setWidgetResizable(True)
        calls_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.side_tabs.addTab(calls_scroll, "Judgment calls")
        rl.addWidget(self.side_tabs)
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(self.text)
        self.split.addWidget(right)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        central = QWidget()
        lay = QVBoxLayout(central)
        lay.addLayout(controls)
        lay.addWidget(self.timeline)
        lay.addWidget(self.split, 1)
        self.setCentralWidget(central)
        self.statusBar().showMessage("Click a line or an evidence item to hear it. Select words and press 1–4 to "
                                     "tag them. F2 corrects the words of the line under the cursor.")
        from interviewer.ui.style import fitting_size

        self.resize(*fitting_size(self, 1300, 820))

    def _show_audio_notice(self) -> None:
        text = self.player.notice()
        self.audio_notice.setText(text)
        self.audio_notice.setVisible(bool(text))

    def _actions(self) -> None:
        self.all_actions: list[QAction] = []

        def act(text: str, keys: list[str], slot: Any) -> QAction:
            a = QAction(text, self)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.triggered.connect(lambda _checked=False, s=slot: s())  # never pass `checked` into a slot
            self.addAction(a)
            self.all_actions.append(a)
            return a

        act("Play / pause", ["Space"], self.player.toggle)
        act("Back 5 s", ["Left"], lambda: self.player.skip(-5))
        act("Forward 5 s", ["Right"], lambda: self.player.skip(5))
        for i, c in enumerate(self.kit.criteria[:4]):
            act(f"Tag the selection: {c.name}", [str(i + 1)], partial(self.tag_selection, i, "supports"))
            act(f"Tag the selection as a concern: {c.name}", [f"Shift+{i + 1}"],
                partial(self.tag_selection, i, "concern"))
        act("Move evidence earlier", ["Ctrl+Left"], partial(self.nudge, -NUDGE_S, -NUDGE_S))
        act("Move evidence later", ["Ctrl+Right"], partial(self.nudge, NUDGE_S, NUDGE_S))
        act("Shorten evidence", ["Ctrl+Shift+Left"], partial(self.nudge, 0.0, -NUDGE_S))
        act("Lengthen evidence", ["Ctrl+Shift+Right"], partial(self.nudge, 0.0, NUDGE_S))
        self.correct_action = act("&Correct the words of this line…", ["F2"], self.correct_line)
        undo = self.undo.createUndoAction(self, "Undo")
        undo.setShortcuts(QKeySequence.StandardKey.Undo)
        redo = self.undo.createRedoAction(self, "Redo")
        redo.setShortcuts(QKeySequence.StandardKey.Redo)
        for a in (undo, redo):
            self.addAction(a)
        from interviewer.ui.exports import Exporter, add_export_menu

        file_menu = self.menuBar().addMenu("&File")
        self.exporter = Exporter(self, self.store, self.settings)
        self.export_menu = add_export_menu(self, file_menu, self.exporter, session=lambda: self.session_id,
                                           role=lambda: self.session.get("role"),
                                           candidate=lambda: self.session.get("candidate"))
        file_menu.addSeparator()
        close = QAction("&Close", self)
        close.setShortcuts(QKeySequence.StandardKey.Close)
        close.triggered.connect(lambda _checked=False: self.close())
        file_menu.addAction(close)
        self.addAction(close)
        edit = self.menuBar().addMenu("&Edit")
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        edit.addAction(self.correct_action)
        self.reassign_action = QAction("Line said by the &other speaker", self)
        self.reassign_action.setShortcut(QKeySequence("F3"))
        self.reassign_action.triggered.connect(lambda _checked=False: self.reassign_line())
        self.addAction(self.reassign_action)
        edit.addAction(self.reassign_action)
        rater = QAction("Change &who is rating…", self)
        rater.triggered.connect(lambda _checked=False: self.change_rater())
        edit.addAction(rater)
        play = self.menuBar().addMenu("&Playback")
        for a in self.all_actions[:3]:
            play.addAction(a)
        tag = self.menuBar().addMenu("&Tag")
        for a in self.all_actions[3:]:
            if a is not self.correct_action:
                tag.addAction(a)

    # ------------------------------------------------------------------ data
    def reload_transcript(self) -> None:
        rows = self.store.segment_rows(self.session_id)
        self.segment_ids = [r["id"] for r in rows]
        self.segments = [Segment.from_dict(r) for r in rows]
        self.text.clear()
        self.words: list[WordSpan] = []
        self.line_starts: list[int] = []
        cursor = QTextCursor(self.text.document())
        head = QTextCharFormat()
        head.setForeground(QColor("#6f6f6f"))
        who = QTextCharFormat()
        who.setFontWeight(QFont.Weight.Bold)
        body = QTextCharFormat()
        last = None
        for i, seg in enumerate(self.segments):
            if i:
                cursor.insertBlock()
            self.line_starts.append(cursor.position())
            cursor.insertText(f"{mmss(seg.start)}  ", head)
            if seg.speaker and (seg.speaker != last or seg.uncertain):
                cursor.insertText(f"{seg.speaker}{'?' if seg.uncertain else ''}: ", who)  # ?: told apart unsurely
            last = seg.speaker
            if seg.words:
                # One insert per line; word positions follow by arithmetic (fast for 90-minute sessions).
                at = cursor.position()
                line = ""
                for w in seg.words:
                    token = w.word.strip()
                    if token:
                        if line and not glued(w.word):
                            line += " "
                        self.words.append(WordSpan(w.start, w.end, at + len(line), len(token)))
                        line += token
                cursor.insertText(line, body)
            else:
                cursor.insertText(seg.text, body)
        self.word_starts = [w.start for w in self.words]
        self._word_pos = [w.pos for w in self.words]
        self.duration = max([float(self.session.get("duration_s") or 0.0)] + [s.end for s in self.segments])
        self._paint_evidence()

    def reload_evidence(self, select: str | None = None) -> None:
        self.rows = self.store.evidence(self.session_id)
        keys = [c.key for c in self.kit.criteria]
        self.evidence.blockSignals(True)
        self.evidence.clear()
        markers = []
        for e in self.rows:
            idx = keys.index(e["criterion"]) if e["criterion"] in keys else -1
            colour = QColor(criterion_colour(e["criterion"], idx) if idx >= 0 else SUBTLE)
            name = self.kit.criteria[idx].name if idx >= 0 else "note"
            mark = "▲ concern" if e["polarity"] == "concern" else "✓"
            body = e["quote"] or e["note"]
            item = QListWidgetItem(f"{mmss(e['start'])}–{mmss(e['end'])}  {mark} {name}\n{body}")
            item.setForeground(colour)
            item.setData(Qt.ItemDataRole.UserRole, e["id"])
            self.evidence.addItem(item)
            markers.append((e["id"], float(e["start"]), float(e["end"]), colour, e["polarity"] == "concern"))
        self.evidence.blockSignals(False)
        if select is not None:
            for i, e in enumerate(self.rows):
                if e["id"] == select:
                    self.evidence.setCurrentRow(i)
        self.timeline.set_data(getattr(self, "duration", 1.0), markers)
        self._paint_evidence()
        self._show_evidence_form()

    def _paint_evidence(self) -> None:
        """Highlight the transcript words inside each evidence item in its criterion's colour."""
        if not hasattr(self, "words") or not hasattr(self, "rows"):
            return
        keys = [c.key for c in self.kit.criteria]
        selections = []
        for e in self.rows:
            idx = keys.index(e["criterion"]) if e["criterion"] in keys else -1
            colour = QColor(criterion_colour(e["criterion"], idx) if idx >= 0 else "#8d8d8d")
            colour.setAlpha(55)
            lo = bisect.bisect_left(self.word_starts, float(e["start"]) - 30.0)
            hi = bisect.bisect_right(self.word_starts, float(e["end"]))
            inside = [w for w in self.words[lo:hi] if e["start"] <= (w.start + w.end) / 2 <= e["end"]]
            if not inside:
                continue
            sel = QTextEdit.ExtraSelection()  # one range per item, across lines
            cur = QTextCursor(self.text.document())
            cur.setPosition(inside[0].pos)
            cur.setPosition(inside[-1].pos + inside[-1].length, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cur
            sel.format.setBackground(colour)
            selections.append(sel)
        self._evidence_selections = selections
        self.text.setExtraSelections(selections + self._word_selection())

    def _word_selection(self) -> list[Any]:
        sel = getattr(self, "_current_word", None)
        return [sel] if sel is not None else []

    # ------------------------------------------------------------------ playback
    def play_from(self, seconds: float) -> None:
        self.player.play_from(seconds)
        self.timeline.set_playhead(seconds)

    def _on_position(self, t: float) -> None:
        self.clock.setText(mmss(t))
        self.timeline.set_playhead(t)
        i = bisect.bisect_right(self.word_starts, t) - 1
        if 0 <= i < len(self.words) and self.words[i].end + 0.3 >= t:
            w = self.words[i]
            sel = QTextEdit.ExtraSelection()
            cur = QTextCursor(self.text.document())
            cur.setPosition(w.pos)
            cur.setPosition(w.pos + w.length, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cur
            sel.format.setBackground(QColor("#f1c21b"))
            sel.format.setFontWeight(QFont.Weight.Bold)
            self._current_word = sel
            self.text.setExtraSelections([*self._evidence_selections, sel])
            self._follow(cur)

    def _follow(self, cursor: QTextCursor) -> None:
        rect = self.text.cursorRect(cursor)
        view = self.text.viewport().rect()
        if not view.contains(rect):
            bar = self.text.verticalScrollBar()
            bar.setValue(bar.value() + rect.top() - view.height() // 3)

    def time_at(self, pos: int) -> float | None:
        """The start of the word at a document position (or of its line)."""
        positions = getattr(self, "_word_pos", None)
        if positions is None or len(positions) != len(self.words):
            positions = self._word_pos = [w.pos for w in self.words]
        k = bisect.bisect_right(positions, pos) - 1
        if 0 <= k < len(self.words) and pos <= self.words[k].pos + self.words[k].length:
            return self.words[k].start
        i = bisect.bisect_right(self.line_starts, pos) - 1
        return self.segments[i].start if 0 <= i < len(self.segments) else None

    def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 - Qt override
        if obj is self.text.viewport() and event.type() == event.Type.MouseButtonRelease \
                and event.button() == Qt.MouseButton.LeftButton and not self.text.textCursor().hasSelection():
            pos = self.text.cursorForPosition(event.position().toPoint()).position()
            t = self.time_at(pos)
            if t is not None:
                self.play_from(t)
        return super().eventFilter(obj, event)

    def click_line(self, index: int) -> None:
        """What a click on line `index` does (for keyboard users and tests)."""
        self.play_from(self.segments[index].start)

    def _evidence_clicked(self, item: QListWidgetItem) -> None:
        eid = item.data(Qt.ItemDataRole.UserRole)
        row = next(e for e in self.rows if e["id"] == eid)
        self.play_from(float(row["start"]))

    # ------------------------------------------------------------------ editing
    @property
    def selected_evidence(self) -> dict[str, Any] | None:
        r = self.evidence.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def _show_evidence_form(self) -> None:
        e = self.selected_evidence
        for w in (self.f_criterion, self.f_polarity, self.f_claim, self.f_note, self.f_probe):
            w.setEnabled(e is not None)
        if e is None:
            return
        self.f_criterion.setCurrentIndex(max(0, self.f_criterion.findData(e["criterion"])))
        self.f_polarity.setCurrentText(e["polarity"])
        self.f_claim.setCurrentIndex(max(0, self.f_claim.findData(e["claim_id"])))
        self.f_note.setText(e["note"])
        if e["probe_id"] and self.f_probe.findData(e["probe_id"]) < 0:
            self.f_probe.addItem(e["probe_id"], e["probe_id"])
        self.f_probe.setCurrentIndex(max(0, self.f_probe.findData(e["probe_id"])))

    def _form_changed(self, field: str, value: Any) -> None:
        e = self.selected_evidence
        if e is not None and e[field] != value:
            self.update_evidence(e["id"], **{field: value})

    def update_evidence(self, evidence_id: str, **changes: Any) -> None:
        self.undo.push(UpdateEvidence(self, evidence_id, changes))

    def nudge(self, d_start: float, d_end: float) -> None:
        e = self.selected_evidence
        if e is None:
            return
        start = max(0.0, e["start"] + d_start)
        end = max(start + 0.5, e["end"] + d_end)
        self.update_evidence(e["id"], start=start, end=end)

    def tag_selection(self, index: int, polarity: str) -> None:
        cur = self.text.textCursor()
        if not cur.hasSelection():
            self.statusBar().showMessage("Select the words to tag first.", 4000)
            return
        a, b = cur.selectionStart(), cur.selectionEnd()
        inside = [w for w in self.words if w.pos + w.length > a and w.pos < b]
        if not inside:
            self.statusBar().showMessage("Select some of the words to tag (not only the time).", 4000)
            return
        if not self.ensure_rater():
            return
        start, end = inside[0].start, inside[-1].end
        self.undo.push(AddEvidence(self, {
            "session_id": self.session_id, "start": start, "end": end, "criterion": self.kit.criteria[index].key,
            "evaluator": self.evaluator, "polarity": polarity, "quote": words_in_range(self.segments, start, end)}))

    def line_at_cursor(self) -> int:
        pos = self.text.textCursor().position()
        return max(0, bisect.bisect_right(self.line_starts, pos) - 1)

    def ask_words(self, label: str, text: str) -> str | None:
        """The line's words in a dialog wide enough to read them (None: cancelled)."""
        from PySide6.QtWidgets import QInputDialog

        dialog = QInputDialog(self)
        dialog.setWindowTitle("Correct the words")
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        dialog.resize(min(760, max(480, self.width() - 80)), dialog.sizeHint().height())
        return dialog.textValue() if dialog.exec() else None

    def correct_line(self, text: str | None = None, index: int | None = None) -> None:
        i = self.line_at_cursor() if index is None else index
        if not (0 <= i < len(self.segments)):
            return
        if text is None:
            value = self.ask_words(f"Line at {mmss(self.segments[i].start)}: correct the words (their times are kept)",
                                   self.segments[i].text)
            if not value or not value.strip():
                return
            text = value.strip()
        if not self.ensure_rater():
            return
        self.undo.push(EditWords(self, self.segment_ids[i], text))

    def reassign_line(self, index: int | None = None) -> None:
        """The line under the cursor was said by the other speaker (interviewer <-> candidate), undoable."""
        from interviewer.core.transcript import CANDIDATE, INTERVIEWER

        i = self.line_at_cursor() if index is None else index
        if not (0 <= i < len(self.segments)) or self.segments[i].speaker not in (INTERVIEWER, CANDIDATE):
            return
        if not self.ensure_rater():
            return
        other = CANDIDATE if self.segments[i].speaker == INTERVIEWER else INTERVIEWER
        self.undo.push(ReassignSpeaker(self, self.segment_ids[i], other))

    # ------------------------------------------------------------------ who is rating
    def ensure_rater(self) -> bool:
        """Ratings, tags and corrections carry a person's name: ask once when the session has none."""
        return bool(self.evaluator) or self.change_rater()

    def change_rater(self) -> bool:
        from PySide6.QtWidgets import QInputDialog

        suggestion = self.evaluator or remembered_rater(self.settings) or str(
            self.settings.value("setup/evaluator", "") or "")
        value, ok = QInputDialog.getText(self, "Who is rating?", "Your name (ratings and evidence carry it):",
                                         text=suggestion)
        name = str(value or "").strip()
        if not ok or not name:
            return False
        self.evaluator = name
        self.settings.setValue(RATER_KEY, name)
        self.rating_panel.refresh()
        return True

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.player.stop()
        self.settings.setValue("review/geometry", self.saveGeometry())
        self.settings.setValue("review/splitter", self.split.saveState())
        super().closeEvent(event)
