"""Review and replay: the transcript with evidence in its criterion's colour, an audio player, a clickable
timeline; click any line or evidence item to hear that moment. Edits (words, evidence ranges and fields,
new evidence from a selection) go through an undo stack."""

from __future__ import annotations

import bisect
from functools import partial
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QTextCursor, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from interviewer.core.palette import SUBTLE, criterion_colour
from interviewer.core.transcript import Segment, context_in_range, mmss
from interviewer.notes.prompts.kits import Kit
from interviewer.ui import quotes
from interviewer.ui.review.calls_panel import CallsPanel
from interviewer.ui.review.editing import ReviewEditing
from interviewer.ui.review.player import AudioPlayer
from interviewer.ui.review.ratings import RatingPanel
from interviewer.ui.review.timeline import Timeline
from interviewer.ui.review.transcript import write_transcript
from interviewer.ui.style import fitting_size

NUDGE_S = 0.5
RATER_KEY = "review/evaluator"


def remembered_rater(settings: QSettings | None = None) -> str:
    """The name this laptop last rated under (asked once by the review window), or ""."""
    return str((settings or QSettings()).value(RATER_KEY, "") or "").strip()


class ReviewWindow(ReviewEditing):
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
        self.setWindowTitle(f"Review — {self.session.candidate} — {self.session.started_at[:10]}")
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
        quotes.install(self.evidence)  # a quote's question as a muted line above it
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
        for c in self.store.claims(self.session.candidate_id):
            self.f_claim.addItem(c.text[:70], c.id)
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
        self.side_tabs = QTabWidget()
        self.rating_panel = RatingPanel(self)
        self.side_tabs.addTab(self.rating_panel, "Ratings")
        self.calls_panel = CallsPanel(self)
        self.addAction(self.calls_panel.mark_action)
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
                                           role=lambda: self.session.role,
                                           candidate=lambda: self.session.candidate)
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
        self.words, self.line_starts = write_transcript(self.text.document(), self.segments)
        self.word_starts = [w.start for w in self.words]
        self._word_pos = [w.pos for w in self.words]
        self.duration = max([float(self.session.duration_s or 0.0)] + [s.end for s in self.segments])
        self._paint_evidence()

    def reload_evidence(self, select: str | None = None) -> None:
        self.rows = self.store.evidence(self.session_id)
        keys = [c.key for c in self.kit.criteria]
        self.evidence.blockSignals(True)
        self.evidence.clear()
        markers = []
        for e in self.rows:
            idx = keys.index(e.criterion) if e.criterion in keys else -1
            colour = QColor(criterion_colour(e.criterion or "", idx) if idx >= 0 else SUBTLE)
            name = self.kit.criteria[idx].name if idx >= 0 else "note"
            mark = "▲ concern" if e.polarity == "concern" else "✓"
            body = e.quote or e.note
            item = QListWidgetItem(f"{mmss(e.start)}–{mmss(e.end)}  {mark} {name}\n{body}")
            item.setForeground(colour)
            item.setData(Qt.ItemDataRole.UserRole, e.id)
            # the question the quote answers, derived from the transcript shown: it follows F3 and its undo
            quotes.set_context(item, context_in_range(self.segments, e.start, e.end) if e.quote else "")
            self.evidence.addItem(item)
            markers.append((e.id, float(e.start), float(e.end), colour, e.polarity == "concern"))
        self.evidence.blockSignals(False)
        if select is not None:
            for i, e in enumerate(self.rows):
                if e.id == select:
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
            idx = keys.index(e.criterion) if e.criterion in keys else -1
            colour = QColor(criterion_colour(e.criterion or "", idx) if idx >= 0 else "#8d8d8d")
            colour.setAlpha(55)
            lo = bisect.bisect_left(self.word_starts, float(e.start) - 30.0)
            hi = bisect.bisect_right(self.word_starts, float(e.end))
            inside = [w for w in self.words[lo:hi] if e.start <= (w.start + w.end) / 2 <= e.end]
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
        row = next(e for e in self.rows if e.id == eid)
        self.play_from(float(row.start))


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
