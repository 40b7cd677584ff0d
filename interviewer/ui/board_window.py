"""The calibration board and the calibration exercise.

* `BoardWidget` (a tab of the compare window, or `BoardWindow` on its own): read-only. Every judgment call
  asked to two or more candidates of a role; the selected call's answers side by side (span, the candidate's
  words, every evaluator's score, where they split); double-click an answer to hear it.
* `CalibrationExercise`: the hiring lead ticks calls on the board; each evaluator scores the clips in a
  focused window (the clip, the anchors, a score, a reason), blind: the panel's scores of a clip show only
  once they have scored it. The result: agreement per call and per criterion with the number of answers it
  rests on, each evaluator's offset, and the answers where the panel splits most.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from interviewer.core.palette import CONTEXT_COLOUR, SPLIT_COLOUR
from interviewer.core.transcript import mmss
from interviewer.notes.store.records import CallRecord


class BoardWidget(QWidget):
    def __init__(self, store: Any, role: str, open_moment: Callable[[str, float], None] | None = None,
                 evaluator: str = "") -> None:
        from interviewer.notes.ratings.calls import board_details

        super().__init__()
        self.store, self.role, self.open_moment, self.evaluator = store, role, open_moment, evaluator
        self.data = board_details(store, role)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        for c in self.data["calls"]:
            mark = "⚡ " if c["split"] else ""
            item = QListWidgetItem(f"{mark}{c['criterion_name'] or 'No criterion'} · {c['kind']} {c['key']}: "
                                   f"{c['text'][:120]}  ({len(c['answers'])} answers)")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            if c["split"]:
                item.setForeground(QColor(SPLIT_COLOUR))
            self.list.addItem(item)
        self.list.currentRowChanged.connect(self.show_call)
        self.table = QTableWidget(0, 0)
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.cellDoubleClicked.connect(lambda _r, col: self.play(col))
        self.prompt = QLabel("")
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet("color: #525252;")
        self.exercise_btn = QPushButton("Calibration exercise with the ticked calls…")
        self.exercise_btn.clicked.connect(lambda *_: self.start_exercise())
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.addWidget(self.prompt)
        rl.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        lay = QVBoxLayout(self)
        head = QLabel("Every judgment call asked to two or more candidates. ⚡ marks where evaluators are two points "
                      "or more apart. Double-click an answer to hear it; tick calls for a calibration exercise.")
        head.setWordWrap(True)
        lay.addWidget(head)
        if not self.data["calls"]:
            lay.addWidget(QLabel("No judgment call was asked to two or more candidates yet: mark probes as asked "
                                 "(A), open scenario cards, or mark answers in the review window (Ctrl+J)."))
        lay.addWidget(split, 1)
        lay.addWidget(self.exercise_btn)
        self.exercise: CalibrationExercise | None = None
        if self.data["calls"]:
            self.list.setCurrentRow(0)

    def show_call(self, row: int) -> None:
        if not (0 <= row < len(self.data["calls"])):
            return
        c = self.data["calls"][row]
        self.prompt.setText(f"“{c['text']}”" + (f"\n{c['prompt']}" if c["prompt"] else ""))
        answers = c["answers"]
        self.table.clear()
        self.table.setColumnCount(len(answers))
        self.table.setRowCount(3)
        self.table.setHorizontalHeaderLabels([a["candidate"] for a in answers])
        self.table.setVerticalHeaderLabels(["Answer", "In their words", "Scores"])
        for j, a in enumerate(answers):
            span = QTableWidgetItem(f"▶ {mmss(a['start'])}–{mmss(a['end'])}")
            quote = QTableWidgetItem(a["quote"] or "(nothing transcribed)")
            scores = ", ".join(f"{e} {s}" for e, s in a["scores"].items()) or "not scored"
            if a["spread"] >= 2:
                scores += f"\nsplit by {a['spread']}"
            score_item = QTableWidgetItem(scores)
            if a["spread"] >= 2:
                score_item.setForeground(QColor(SPLIT_COLOUR))
            for i, item in enumerate((span, quote, score_item)):
                self.table.setItem(i, j, item)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()

    def play(self, col: int) -> None:
        row = self.list.currentRow()
        if self.open_moment is None or not (0 <= row < len(self.data["calls"])):
            return
        answers = self.data["calls"][row]["answers"]
        if 0 <= col < len(answers):
            self.open_moment(answers[col]["session"], float(answers[col]["start"]))

    def ticked_calls(self) -> list[str]:
        return [a["call"] for i, c in enumerate(self.data["calls"])
                if self.list.item(i).checkState() == Qt.CheckState.Checked for a in c["answers"]]

    def start_exercise(self, evaluator: str | None = None) -> CalibrationExercise | None:
        ids = self.ticked_calls()
        if not ids:
            self.prompt.setText("Tick one or more calls first: their answers become the exercise's clips.")
            return None
        if evaluator is None:
            name, ok = QInputDialog.getText(self, "Calibration exercise", "Who scores the clips?", text=self.evaluator)
            if not ok or not name.strip():
                return None
            evaluator = name.strip()
        self.exercise = CalibrationExercise(self.store, ids, evaluator)
        self.exercise.show()
        return self.exercise


class BoardWindow(QMainWindow):
    def __init__(self, store: Any, role: str, open_moment: Callable[[str, float], None] | None = None,
                 evaluator: str = "") -> None:
        super().__init__()
        self.board = BoardWidget(store, role, open_moment, evaluator)
        self.setWindowTitle(f"Calibration board — {self.board.data['role']}")
        self.setCentralWidget(self.board)
        self.resize(1200, 760)


class CalibrationExercise(QMainWindow):
    """One clip at a time: the call, the answer (played from the recording), the anchors, a score and a reason."""

    def __init__(self, store: Any, call_ids: Sequence[str], evaluator: str) -> None:
        super().__init__()
        self.store, self.evaluator = store, evaluator
        self.call_ids = list(dict.fromkeys(call_ids))
        self.index = 0
        self.player: Any = None
        self._player_session: str | None = None
        self._stop_at: float | None = None
        self._pending: float | None = None
        self.setWindowTitle(f"Calibration exercise — {evaluator}")
        base = QFont(self.font())
        base.setPointSize(12)
        self.setFont(base)
        self.progress = QLabel("")
        self.title = QLabel("")
        tf = QFont(base)
        tf.setPointSize(15)
        tf.setBold(True)
        self.title.setFont(tf)
        self.title.setWordWrap(True)
        self.quote = QLabel("")
        self.quote.setTextFormat(Qt.TextFormat.RichText)  # the question muted above the answer
        self.quote.setWordWrap(True)
        self.quote.setStyleSheet("font-style: italic;")
        self.play_btn = QPushButton("▶ Play the clip")
        self.play_btn.clicked.connect(lambda *_: self.play())
        self.anchor_labels: dict[int, QLabel] = {}
        self.group = QButtonGroup(self)
        anchors = QVBoxLayout()
        for s in (1, 2, 3, 4):
            btn = QRadioButton(str(s))
            self.group.addButton(btn, s)
            label = QLabel("")
            label.setWordWrap(True)
            label.setStyleSheet("color: #525252;")
            row = QHBoxLayout()
            row.addWidget(btn)
            row.addWidget(label, 1)
            anchors.addLayout(row)
            self.anchor_labels[s] = label
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("why this score (needed when no evidence lies inside the answer)")
        self.save_btn = QPushButton("Save my score")
        self.save_btn.clicked.connect(lambda *_: self.save())
        self.others = QLabel("")
        self.others.setWordWrap(True)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        prev_btn = QPushButton("« Previous")
        next_btn = QPushButton("Next »")
        prev_btn.clicked.connect(lambda *_: self.go(self.index - 1))
        next_btn.clicked.connect(lambda *_: self.go(self.index + 1))
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.prompt = QLabel("")
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet("color: #525252;")
        nav = QHBoxLayout()
        nav.addWidget(prev_btn)
        nav.addWidget(self.progress, 1)
        nav.addWidget(next_btn)
        save_row = QHBoxLayout()
        save_row.addWidget(self.reason, 1)
        save_row.addWidget(self.save_btn)
        central = QWidget()
        lay = QVBoxLayout(central)
        lay.addLayout(nav)
        lay.addWidget(self.title)
        lay.addWidget(self.prompt)
        lay.addWidget(self.quote)
        lay.addWidget(self.play_btn)
        lay.addLayout(anchors)
        lay.addLayout(save_row)
        lay.addWidget(self.message)
        lay.addWidget(self.others)
        lay.addWidget(QLabel("Result so far"))
        lay.addWidget(self.result, 1)
        self.setCentralWidget(central)
        self.resize(900, 760)
        self.go(0)

    # ------------------------------------------------------------------ one clip
    @property
    def call(self) -> CallRecord:
        return self.store.call(self.call_ids[self.index])

    def go(self, index: int) -> None:
        from interviewer.notes.ratings.calls import anchors_for, call_answer, session_kit

        self.index = max(0, min(len(self.call_ids) - 1, index))
        call = self.call
        answer = call_answer(self.store, call)
        session = self.store.session(call.session_id)
        kit = session_kit(self.store, session)
        self.progress.setText(f"Clip {self.index + 1} of {len(self.call_ids)} · {session.candidate} · "
                              f"{mmss(answer['span_start'])}–{mmss(answer['span_end'])}")
        self.title.setText(f"{call.kind.capitalize()} {call.key}: {call.text}")
        card = next((c for c in kit.extra.get("scenarios", []) if isinstance(c, dict) and c.get("id") == call.key),
                    None) if call.kind == "scenario" else None
        self.prompt.setText(str(card.get("prompt") or "") if card else "")
        self.prompt.setVisible(bool(card))
        said = f"“{escape(answer['quote'])}”" if answer["quote"] else "(nothing transcribed)"
        if answer.get("context"):  # the question, apart from the candidate's words: a muted line above them
            said = f'<span style="color:{CONTEXT_COLOUR}">Q: {escape(answer["context"])}</span><br/>{said}'
        self.quote.setText(said)
        anchors = anchors_for(kit, call)
        for s, label in self.anchor_labels.items():
            label.setText(anchors.get(s, ""))
        mine = next((r for r in self.store.call_ratings(call.id) if r.evaluator == self.evaluator), None)
        self.group.setExclusive(False)
        for b in self.group.buttons():
            b.setChecked(False)
        self.group.setExclusive(True)
        if mine:
            self.group.button(int(mine.score)).setChecked(True)
        self.reason.setText(mine.reason if mine else "")
        self.message.setText("")
        self._show_others()
        self._show_result()

    def _show_others(self) -> None:
        visible = [r for r in self.store.visible_call_ratings(self.call_ids[self.index], self.evaluator)
                   if r.evaluator != self.evaluator]
        mine = any(r.evaluator == self.evaluator for r in self.store.call_ratings(self.call_ids[self.index]))
        if not mine:
            self.others.setText("The panel's scores of this clip are hidden until you have scored it.")
        else:
            self.others.setText("Panel: " + (", ".join(f"{r.evaluator} {r.score}" for r in visible)
                                             or "nobody else has scored it yet"))

    def save(self) -> None:
        from interviewer.core.errors import UserError

        score = self.group.checkedId()
        if score not in (1, 2, 3, 4):
            self.message.setText("Pick a score from 1 to 4 first.")
            return
        call = self.call
        start, end = self.store.call_span(call)
        linked = [e.id for e in self.store.evidence(call.session_id)
                  if float(e.start) >= start and float(e.end) <= end]
        try:
            self.store.rate_call(call.id, evaluator=self.evaluator, score=score, evidence_ids=linked,
                                 reason=self.reason.text())
        except UserError as exc:
            self.message.setText(str(exc))
            self.message.setStyleSheet(f"color: {SPLIT_COLOUR};")
            return
        self.message.setText(f"Saved: {score}.")
        self.message.setStyleSheet("color: #198038;")
        self._show_others()
        self._show_result()

    # ------------------------------------------------------------------ the clip's audio
    def play(self) -> None:
        from interviewer.ui.review.player import AudioPlayer

        call = self.call
        session = self.store.session(call.session_id)
        if self.player is None or self._player_session != session.id:
            if self.player is not None:
                self.player.stop()
            self.player = AudioPlayer(self.store.audio_file(session), self, vault=self.store.vault)
            self.player.position_changed.connect(self._position)
            self.player.player.mediaStatusChanged.connect(self._loaded)
            self._player_session = session.id
        notice = self.player.notice()
        if notice:
            self.message.setText(notice)
        start, end = self.store.call_span(call)
        self._stop_at = end
        if self._ready():
            self.player.play_from(start)
        else:  # a seek before the recording has loaded is ignored: play once it has
            self._pending = start

    def _ready(self) -> bool:
        from PySide6.QtMultimedia import QMediaPlayer

        status = self.player.player.mediaStatus() if self.player is not None else None
        return status in (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.BufferedMedia,
                          QMediaPlayer.MediaStatus.EndOfMedia)

    def _loaded(self, *_status: Any) -> None:
        if self._pending is not None and self.player is not None and self._ready():
            start, self._pending = self._pending, None
            self.player.play_from(start)

    def _position(self, t: float) -> None:
        if self._stop_at is not None and t >= self._stop_at and self.player is not None:
            self._stop_at = None
            self.player.player.pause()

    # ------------------------------------------------------------------ result
    def _show_result(self) -> None:
        from interviewer.notes.ratings.calls import by_call

        report = by_call(self.store, None, only=self.call_ids)
        lines = []
        for c in report["calls"]:
            alpha = "n/a" if c["alpha"] is None else f"{c['alpha']:.2f}"
            lines.append(f"{c['kind']} {c['key']}: alpha {alpha} over {c['items']} answers"
                         + (f" — {c['warning']}" if c["warning"] else ""))
        for key, c in report["criteria"].items():
            alpha = "n/a" if c["alpha"] is None else f"{c['alpha']:.2f}"
            lines.append(f"criterion {key}: alpha {alpha} over {c['items']} answers")
        for name, e in report["evaluators"].items():
            off = "n/a" if e["offset"] is None else f"{e['offset']:+.2f}"
            lines.append(f"{name}: offset from the panel {off} over {e['n']} shared clips")
        lines += [f"Split on {s['key']} ({s['candidate']}): " + ", ".join(f"{e} {v}" for e, v in s["scores"].items())
                  for s in report["splits"][:5]]
        # Blind: the result shows only once the evaluator has scored every clip.
        scored = sum(1 for cid in self.call_ids
                     if any(r.evaluator == self.evaluator for r in self.store.call_ratings(cid)))
        self.result.setText("\n".join(lines) if scored == len(self.call_ids) else
                            f"Shown once you have scored every clip ({scored} of {len(self.call_ids)} done).")

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if self.player is not None:
            self.player.stop()
        super().closeEvent(event)
