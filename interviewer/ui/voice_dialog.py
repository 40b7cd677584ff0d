"""Record my voice: the evaluator reads a short passage aloud (or picks a recording of themselves), and their voice
profile (a speaker embedding, never the audio) is stored, so a one-microphone interview can tell their lines
from the candidate's. The recording and the embedding run off the UI thread (a BackgroundOp); the same Qt-free
code as `interviewer evaluator voice` (`live.enrolment`) does the work."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from interviewer.live import enrolment
from interviewer.ui.bridge import BackgroundOp
from interviewer.ui.style import FOCUS_STYLE, fitting_size

if TYPE_CHECKING:
    from interviewer.audio.devices import DeviceLayer
    from interviewer.notes.store.database import Store

OK_STYLE = "color: #198038;"
PROBLEM_STYLE = "color: #da1e28;"
AUDIO_FILES = "Audio (*.wav *.flac *.mp3 *.m4a *.ogg *.opus *.webm);;All files (*)"


def profile_line(store: Store | None, name: str) -> str:
    """Whether `name` has a voice profile, and when it was recorded, in one line (reads the store's snapshot)."""
    name = name.strip()
    if store is None or not name:
        return ""
    summary = enrolment.voice_profile_summary(store, name)
    if not summary:
        return f"{name} has no voice profile yet: with one, a one-microphone interview tells your lines apart."
    when = str(summary.get("recorded_at") or "")[:10] or "an unknown date"
    return f"{name} has a voice profile ({summary.get('seconds')} s of speech, recorded {when})."


class VoiceDialog(QDialog):
    """Records `seconds` from `spec` through the device layer (`layer`), or takes a file; stores the profile of
    `evaluator` in `store`. `mic_problem`: the setup dialog's sentence when there is no microphone."""

    def __init__(self, store: Store, evaluator: str, layer: DeviceLayer, spec: str = "default", *,
                 device_label: str = "", mic_problem: str = "", seconds: float = enrolment.RECORD_S,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.evaluator, self.layer, self.spec = store, evaluator.strip(), layer, spec
        self.seconds = seconds
        self.op: BackgroundOp | None = None
        self._stop_early = threading.Event()
        self._latest: enrolment.Heard | None = None  # written by the audio thread, shown by a UI-thread timer
        self._computing = False
        self.setWindowTitle(f"Voice profile — {self.evaluator}")
        self.setStyleSheet(FOCUS_STYLE)

        self.existing = QLabel(profile_line(store, self.evaluator))
        self.existing.setWordWrap(True)
        intro = QLabel(f"Press Record, then read this aloud at your usual pace (about {seconds:.0f} s). "
                       "Only a voice print is kept, never the recording.")
        intro.setWordWrap(True)
        self.prompt = QLabel(enrolment.PROMPT)
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet("font-size: 15px; padding: 8px; background: #f4f4f4; border: 1px solid #c6c6c6;")
        where = device_label or ("the system default input" if spec == "default" else spec)
        self.device_note = QLabel(f"Microphone: {where}")
        self.device_note.setWordWrap(True)
        self.meter = QProgressBar()
        self.meter.setRange(-60, 0)
        self.meter.setValue(-60)
        self.meter.setTextVisible(False)
        self.countdown = QLabel("")
        self.status = QLabel("")
        self.status.setWordWrap(True)

        self.record_btn = QPushButton(f"&Record ({seconds:.0f} s)")
        self.file_btn = QPushButton("From a &file…")
        longest = self.record_btn.fontMetrics().horizontalAdvance("Stop and use what was heard")
        self.record_btn.setMinimumWidth(longest + 32)  # the same width recording or not: nothing moves
        self.record_btn.clicked.connect(lambda _checked=False: self.toggle_recording())
        self.file_btn.clicked.connect(lambda _checked=False: self._choose_file())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_btn = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        for b in (self.record_btn, self.file_btn, self.close_btn):
            b.setAutoDefault(False)
        self.record_btn.setDefault(True)
        self.record_btn.setAutoDefault(True)
        if mic_problem:
            self.record_btn.setEnabled(False)
            self._say(f"{mic_problem} “From a file…” takes a recording of you reading instead.", problem=True)

        row = QHBoxLayout()
        row.addWidget(self.record_btn)
        row.addWidget(self.file_btn)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        for w in (self.existing, intro, self.prompt, self.device_note, self.meter, self.countdown):
            lay.addWidget(w)
        lay.addLayout(row)
        lay.addWidget(self.status)
        lay.addStretch(1)
        lay.addWidget(self.buttons)
        QWidget.setTabOrder(self.record_btn, self.file_btn)
        QWidget.setTabOrder(self.file_btn, self.close_btn)

        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._show_progress)
        self.resize(*fitting_size(self, 560, 440))
        self.record_btn.setFocus()

    # ------------------------------------------------------------------ outcome, said in one sentence
    def _say(self, text: str, *, problem: bool = False, ok: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(PROBLEM_STYLE if problem else OK_STYLE if ok else "")

    def _busy(self, busy: bool, *, recording: bool = False) -> None:
        self.file_btn.setEnabled(not busy)
        self.record_btn.setEnabled(recording or not busy)
        self.record_btn.setText("&Stop and use what was heard" if recording else f"&Record ({self.seconds:.0f} s)")

    def _run(self, work: Callable[[threading.Event], tuple[float, str] | None], name: str) -> BackgroundOp:
        def body(_progress: Any, cancel: threading.Event) -> tuple[float, str] | None:
            return work(cancel)

        self.op = BackgroundOp(body, self, name=name, verb="read", on_done=self._saved, on_failed=self._failed)
        self.op.start()
        return self.op

    def _saved(self, outcome: tuple[float, str] | None) -> None:
        self._finish()
        if outcome is None:
            return  # closed meanwhile: nothing stored
        seconds, _where = outcome
        self._say(f"Voice profile saved ({seconds:.0f} s of speech).", ok=True)
        self.existing.setText(profile_line(self.store, self.evaluator))

    def _failed(self, sentence: str) -> None:
        self._finish()
        self._say(sentence, problem=True)

    def _finish(self) -> None:
        self._timer.stop()
        self._computing = False
        self.meter.setValue(-60)
        self.countdown.setText("")
        self._busy(False)
        if self.record_btn.isEnabled():
            self.record_btn.setFocus()

    # ------------------------------------------------------------------ recording
    def toggle_recording(self) -> BackgroundOp | None:
        """Record (the dialog stays responsive: the device, the recording and the embedding are off the UI
        thread); pressed again while recording, stop early and use what was heard."""
        if self.op is not None and self.op.running:
            if not self._computing:
                self._stop_early.set()
            return self.op
        self._stop_early = threading.Event()
        stop = self._stop_early
        self._latest = None
        self._busy(True, recording=True)
        self._say("Opening the microphone…")
        self.countdown.setText(f"{self.seconds:.0f} s left")

        def heard(h: enrolment.Heard) -> None:
            self._latest = h

        def work(cancel: threading.Event) -> tuple[float, str] | None:
            source = self.layer.open(self.spec, name="voice")
            samples = enrolment.record_voice(source, self.seconds, stop=_AnyOf(stop, cancel), on_block=heard)
            self._computing = True
            if cancel.is_set():
                return None
            seconds = enrolment.save_voice_profile(self.store, self.evaluator, samples, where="The recording")
            return seconds, "recording"

        op = self._run(work, "record voice")
        self._timer.start()
        return op

    def _show_progress(self) -> None:
        if self._computing:
            self.meter.setValue(-60)
            self.countdown.setText("")
            self.record_btn.setEnabled(False)
            self._say("Computing your voice print…")
            return
        h = self._latest
        if h is None:
            return
        self._say("Recording: read the passage aloud.")
        self.meter.setValue(int(max(-60.0, min(0.0, h.level))))
        self.countdown.setText(f"{max(0.0, self.seconds - h.seconds):.0f} s left")

    # ------------------------------------------------------------------ a file
    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "A recording of you reading (about 20 s)", "", AUDIO_FILES)
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> BackgroundOp:
        """Decode `path`, compute and store the profile, off the UI thread."""
        self._busy(True)
        self._computing = True
        self._say(f"Reading {path.name} and computing your voice print…")

        def work(cancel: threading.Event) -> tuple[float, str] | None:
            samples = enrolment.read_voice_file(path)
            if cancel.is_set():
                return None
            return enrolment.save_voice_profile(self.store, self.evaluator, samples, where=path.name), path.name

        return self._run(work, "voice from file")

    def done(self, result: int) -> None:
        """Closing while recording or computing abandons it: nothing is stored."""
        if self.op is not None and self.op.running:
            self.op.cancel.set()
            self._stop_early.set()
        self._timer.stop()
        super().done(result)


class _AnyOf(threading.Event):
    """Set when either of two events is (`record_voice` polls `is_set`): stop early, or the dialog went away."""

    def __init__(self, a: threading.Event, b: threading.Event) -> None:
        super().__init__()
        self.a, self.b = a, b

    def is_set(self) -> bool:
        return self.a.is_set() or self.b.is_set()


class VoiceRow(QWidget):
    """Under the setup dialog's evaluator field: whether that evaluator has a voice profile; `button` ("Record my
    voice…", Alt+V) goes beside the field. `context()` gives the (layer, spec, device label, microphone problem)
    chosen in the dialog; `pause(True)` while the voice dialog is open (the level check lets go of the device)."""

    def __init__(self, store: Store | None, evaluator: QLineEdit,
                 context: Callable[[], tuple[DeviceLayer, str, str, str]], *,
                 pause: Callable[[bool], None] = lambda _on: None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.evaluator, self.context, self.pause = store, evaluator, context, pause
        self.dialog: VoiceDialog | None = None
        self.button = QPushButton("Record my &voice…")
        self.button.setAutoDefault(False)
        self.button.setToolTip("Read a short passage aloud once: a one-microphone interview then tells your lines "
                               "from the candidate's (only a voice print is kept)")
        self.button.clicked.connect(lambda _checked=False: self.open_dialog())
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #525252;")
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.refresh)
        evaluator.textChanged.connect(lambda _t: self._name_changed())
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.note, 1)
        self.refresh()

    def _name_changed(self) -> None:
        """The button follows the field at once (the focus order does not depend on timing); the profile line
        is looked up once typing pauses."""
        self.button.setEnabled(self.store is not None and bool(self.evaluator.text().strip()))
        if self.store is not None:
            self.note.setText("Looking for a voice profile…" if self.evaluator.text().strip() else
                              "Type your name to record your voice.")
        self._debounce.start()

    def refresh(self) -> None:
        name = self.evaluator.text().strip()
        self.button.setEnabled(self.store is not None and bool(name))
        if self.store is None:
            self.note.setText("")
            self.setVisible(False)
            return
        self.note.setText(profile_line(self.store, name) if name else "Type your name to record your voice.")

    def open_dialog(self) -> VoiceDialog | None:
        if self.store is None or not self.evaluator.text().strip():
            return None
        layer, spec, label, problem = self.context()
        self.pause(True)
        self.dialog = VoiceDialog(self.store, self.evaluator.text(), layer, spec, device_label=label,
                                  mic_problem=problem, parent=self.window())
        self.dialog.finished.connect(lambda _r: self._closed())
        self.dialog.open()
        return self.dialog

    def _closed(self) -> None:
        self.pause(False)
        self.refresh()
        self.button.setFocus()
