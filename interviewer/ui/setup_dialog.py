"""Session setup: who, for which role, which kit and claims, which microphone (with a live level), and the
candidate's consent. Recording cannot start until consent is recorded."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from interviewer.audio.devices import DeviceLayer, PortAudioDevices, microphone_problem, readable_name
from interviewer.core.errors import UserError
from interviewer.notes.store.consent import DEFAULT_NOTICE, DEFAULT_NOTICE_VERSION
from interviewer.ui.bridge import BackgroundOp
from interviewer.ui.call_audio import CallAudioNote
from interviewer.ui.style import FOCUS_STYLE, fitting_size
from interviewer.ui.voice_dialog import VoiceRow

if TYPE_CHECKING:
    from interviewer.notes.store.database import Store

AGREED_TEXT = {
    "verbal": "I read this notice to the candidate and they agreed out loud to be recorded",
    "written": "The candidate agreed to this notice in writing (signed or emailed), and I have it",
    "": "The candidate agreed to be recorded (choose how above)",
}
DEVICE_KEY = "setup/device"


@dataclass
class SetupResult:
    candidate: str
    role: str
    evaluator: str
    kit_path: Path | None
    claims: list[dict[str, Any]] = field(default_factory=list)
    resume_path: Path | None = None
    source: str = "default"
    source2: str | None = None
    consent: str = ""
    notice_version: str = DEFAULT_NOTICE_VERSION
    notice_text: str = DEFAULT_NOTICE


class LevelProbe(QObject):
    """Opens the chosen device for a level check only (nothing is recorded), through the device layer. The
    device opens off the UI thread (a BackgroundOp: opening can take a while, or hang on a busy device); the
    audio callback only stores the latest level, which a UI-thread timer shows (`on_level`). A device that
    fails to open is `on_problem(sentence)`, never a traceback."""

    def __init__(self, layer: DeviceLayer, parent: QObject | None = None, *,
                 on_level: Callable[[float], None] | None = None,
                 on_problem: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        self.on_level = on_level or (lambda _db: None)
        self.on_problem = on_problem or (lambda _sentence: None)
        self.source: Any = None
        self.opening: BackgroundOp | None = None
        self._latest: float | None = None  # written by the audio callback, read by the timer
        self._timer = QTimer(self)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._show_level)

    def start(self, spec: str) -> None:
        self.stop()
        if spec.startswith("file:"):
            return
        from interviewer.live.session import dbfs

        def level(block: Any) -> None:
            self._latest = dbfs(block)

        def open_device(_progress: Any, _cancel: threading.Event) -> Any:
            source = self.layer.open(spec)
            try:
                source.start(level, lambda err: None)
            except BaseException:
                with suppress(Exception):
                    source.stop()
                raise
            return source

        def opened(source: Any) -> None:
            if self.opening is not op:  # stopped, or another device chosen, meanwhile
                with suppress(Exception):
                    source.stop()
                return
            self.opening, self.source = None, source
            self._timer.start()

        def failed(sentence: str) -> None:
            if self.opening is op:
                self.opening = None
                self.on_problem(sentence)

        # No owner: the outcome always comes back, so a device that opens after stop() is closed at once.
        op = BackgroundOp(open_device, name="open microphone", verb="open", on_done=opened, on_failed=failed)
        self.opening = op
        op.start()

    def _show_level(self) -> None:
        latest, self._latest = self._latest, None
        if latest is not None:
            self.on_level(latest)

    def stop(self) -> None:
        self.opening = None  # one still opening is closed as soon as it has opened
        self._timer.stop()
        if self.source is not None:
            with suppress(Exception):
                self.source.stop()
            self.source = None


def list_devices(layer: DeviceLayer) -> tuple[str, list[tuple[str, str]]]:
    """(the sentence when there is no microphone, else ""; readable (label, spec) pairs). The spec is the
    device's name, so the choice survives a changed index. Asks the hardware: run it off the UI thread."""
    out = [("System default input", "default")]
    problem = microphone_problem(layer)
    if not problem:
        with suppress(UserError):
            devices = layer.inputs()
            names = [readable_name(d) for d in devices]
            for d, label in zip(devices, names, strict=True):
                if d.name.strip().lower() == "default":
                    continue  # ALSA's "default" is the system default input, listed first
                out.append((label if names.count(label) == 1 else f"{label} [{d.index}]", d.name))
    return problem, out


class SetupDialog(QDialog):
    """`devices`: the device layer (default: PortAudio), or a fixed list of (label, spec) pairs. `draft`: a dict
    the caller keeps (in memory only) so what was typed survives Cancel and comes back on the next open. `store`:
    where "Record my voice…" keeps the evaluator's voice profile. `platform`: sys.platform (the call's audio)."""

    def __init__(self, settings: QSettings | None = None, devices: DeviceLayer | list[tuple[str, str]] | None = None,
                 parent: QWidget | None = None, *, draft: dict[str, Any] | None = None, store: Store | None = None,
                 platform: str = sys.platform) -> None:
        super().__init__(parent)
        self.setWindowTitle("New interview")
        self.setStyleSheet(FOCUS_STYLE)
        self.settings = settings or QSettings()
        self.draft = draft
        self.candidate = QLineEdit()
        self.role = QLineEdit(str(self.settings.value("setup/role", "")))
        self.evaluator = QLineEdit(str(self.settings.value("setup/evaluator", "")))
        self.kit = QLineEdit()
        self.kit.setPlaceholderText("the bundled AI/ML engineering kit")
        kit_btn = QPushButton("Choose…")
        kit_btn.clicked.connect(lambda _checked=False: self._choose_kit())
        kit_row = QHBoxLayout()
        kit_row.addWidget(self.kit, 1)
        kit_row.addWidget(kit_btn)
        self.resume_path: Path | None = None
        self.resume_op: BackgroundOp | None = None
        self.resume_btn = QPushButton("Import resume (.pdf, .docx, .md, .txt)…")
        self.resume_btn.clicked.connect(lambda _checked=False: self._choose_resume())
        self.claims = QPlainTextEdit()
        self.claims.setTabChangesFocus(True)  # Tab moves on; claims are one per line, tabs mean nothing here
        self.claims.setPlaceholderText("Claims, one per line (filled from the resume, or typed or pasted)")
        self.claims.setMinimumHeight(60)
        self.claims.setMaximumHeight(120)
        self.resume_note = QLabel("")
        self.resume_note.setWordWrap(True)

        # ---- audio: the device layer, readable names, the remembered choice, one sentence when there is none
        self.layer: DeviceLayer = devices if devices is not None and not isinstance(devices, list) \
            else PortAudioDevices()
        self.device = QComboBox()
        self.device2 = QComboBox()
        self.device2.addItem("none", None)
        self.mic_problem = ""
        self.listing: BackgroundOp | None = None  # the device layer's inputs, asked off the UI thread
        self._wanted_device = ""  # the remembered (or restored) choice, selected once the list is there
        self._add_devices(devices if isinstance(devices, list) else [("System default input", "default")])
        saved = str(self.settings.value(DEVICE_KEY, "") or "")
        if saved.startswith("file:") and Path(saved[5:]).is_file():
            self._add_file_item(saved)
        elif saved:
            self._select_device(saved)
        file_btn = QPushButton("Use an audio file…")
        file_btn.setToolTip("Replay a recording as if it were the microphone (a rehearsal, or no microphone)")
        file_btn.clicked.connect(lambda _checked=False: self._choose_audio_file())
        device_row = QHBoxLayout()
        device_row.addWidget(self.device, 1)
        device_row.addWidget(file_btn)
        self.meter = QProgressBar()
        self.meter.setRange(-60, 0)
        self.meter.setValue(-60)
        self.meter.setTextVisible(False)
        self.mic_note = QLabel("Speak: the bar should move.")
        self.mic_note.setWordWrap(True)
        self.probe = LevelProbe(self.layer, self, on_level=lambda db: self.meter.setValue(int(max(-60, min(0, db)))),
                                on_problem=self._device_failed)
        self.device.currentIndexChanged.connect(lambda _i: self._device_changed())

        notice = QPlainTextEdit(DEFAULT_NOTICE)
        notice.setReadOnly(True)
        notice.setTabChangesFocus(True)
        notice.setMaximumHeight(80)
        self.verbal = QRadioButton("Verbal (said yes on the call)")
        self.written = QRadioButton("Written (signed or emailed)")
        self.method = QButtonGroup(self)
        self.method.addButton(self.verbal)
        self.method.addButton(self.written)
        self.agreed = QCheckBox(AGREED_TEXT[""])
        consent_box = QGroupBox(f"Consent (notice {DEFAULT_NOTICE_VERSION}) — required before recording")
        cl = QVBoxLayout(consent_box)
        cl.addWidget(notice)
        row = QHBoxLayout()
        row.addWidget(self.verbal)
        row.addWidget(self.written)
        cl.addLayout(row)
        cl.addWidget(self.agreed)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow("&Candidate", self.candidate)
        form.addRow("&Role", self.role)
        self.voice = VoiceRow(store, self.evaluator, self._voice_context, pause=self._pause_probe)
        evaluator_row = QHBoxLayout()
        evaluator_row.addWidget(self.evaluator, 1)
        evaluator_row.addWidget(self.voice.button)
        form.addRow(self._buddy("&Evaluator (you)", self.evaluator), evaluator_row)
        form.addRow("", self.voice)
        form.addRow(self._buddy("&Kit", self.kit), kit_row)
        form.addRow("Resume", self.resume_btn)
        form.addRow("", self.resume_note)
        form.addRow("C&laims", self.claims)
        form.addRow(self._buddy("&Microphone", self.device), device_row)
        form.addRow("Level", self.meter)
        form.addRow("", self.mic_note)
        form.addRow("Second source", self.device2)
        self.call_note: CallAudioNote | None = None  # the call's audio: listed when found, else how to get it
        if not isinstance(devices, list):
            self.call_note = CallAudioNote(self.layer, self.device2, platform=platform)
            form.addRow("", self.call_note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_btn = self.buttons.addButton("Open interview", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_btn = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        # Enter opens the interview (when it can); Cancel is never the default.
        self.start_btn.setDefault(True)
        self.start_btn.setAutoDefault(True)
        self.cancel_btn.setAutoDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.why = QLabel("")
        self.why.setWordWrap(True)
        self.why.setStyleSheet("color: #da1e28;")
        self.restored = QLabel("")
        self.restored.setWordWrap(True)
        self.restored.setStyleSheet("color: #525252;")

        body = QWidget()
        bl = QVBoxLayout(body)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.restored)
        bl.addLayout(form)
        bl.addWidget(consent_box)
        scroll = QScrollArea()  # a 768-pixel-high screen: the form scrolls, the buttons stay in view
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay = QVBoxLayout(self)
        lay.addWidget(scroll, 1)
        lay.addWidget(self.why)
        lay.addWidget(self.buttons)

        # Tab order: down the form, through the consent, then Open interview, then Cancel.
        chain: list[QWidget] = [self.candidate, self.role, self.evaluator, self.voice.button, self.kit, kit_btn, self.resume_btn,
                                self.claims, self.device, file_btn, self.device2, notice, self.verbal,
                                self.written, self.agreed, self.start_btn, self.cancel_btn]
        for a, b in pairwise(chain):
            QWidget.setTabOrder(a, b)
        for b in (kit_btn, self.resume_btn, file_btn):
            b.setAutoDefault(False)  # Enter in a field opens the interview, never a file chooser (Space does)

        for w in (self.candidate, self.evaluator):
            w.textChanged.connect(self._validate)
        self.agreed.toggled.connect(lambda _on: self._validate())
        self.method.buttonToggled.connect(lambda *_: self._method_changed())
        self._restore_draft()
        if not isinstance(devices, list):
            self.listing = BackgroundOp(lambda _progress, _cancel: list_devices(self.layer), self,
                                        name="list microphones", verb="open", on_done=self._devices_listed,
                                        on_failed=lambda sentence: self._devices_listed((sentence, [])))
            self.listing.start()
        self._validate()
        self.resize(*fitting_size(self, 660, 760))

    @staticmethod
    def _buddy(text: str, widget: QWidget) -> QLabel:
        """A row label whose Alt+letter moves to `widget` (a row holding a layout has no buddy of its own)."""
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    # ------------------------------------------------------------------ devices
    def _add_devices(self, items: list[tuple[str, str]]) -> None:
        for label, spec in items:
            if self.device.findData(spec) < 0:
                self.device.addItem(label, spec)
                self.device2.addItem(label, spec)

    def _select_device(self, spec: str) -> None:
        if self.device.findData(spec) >= 0:
            self.device.setCurrentIndex(self.device.findData(spec))
        else:
            self._wanted_device = spec  # not listed (yet): chosen when the list comes

    def _devices_listed(self, listed: tuple[str, list[tuple[str, str]]]) -> None:
        """On the UI thread: the inputs the device layer reported (or why there are none)."""
        problem, items = listed
        self.mic_problem = problem
        untouched = self.device.currentIndex() == 0  # the evaluator has not chosen meanwhile
        self.device.blockSignals(True)
        self._add_devices(items)
        if untouched and self._wanted_device and self.device.findData(self._wanted_device) >= 0:
            self.device.setCurrentIndex(self.device.findData(self._wanted_device))
        self.device.blockSignals(False)
        self._device_changed()
        if self.mic_problem and not self.source_spec().startswith("file:"):
            self.probe.stop()
        if self.call_note is not None:
            self.call_note.start()

    def _add_file_item(self, spec: str) -> None:
        label = f"Audio file: {Path(spec[5:]).name}"
        if self.device.findData(spec) < 0:
            self.device.addItem(label, spec)
        self.device.setCurrentIndex(self.device.findData(spec))

    def _choose_audio_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Audio file to replay", "",
                                              "Audio (*.wav *.flac *.mp3 *.m4a *.ogg *.opus *.webm);;All files (*)")
        if path:
            self._add_file_item(f"file:{path}")

    def source_spec(self) -> str:
        return str(self.device.currentData() or "default")

    def _device_changed(self) -> None:
        self.meter.setValue(-60)
        spec = self.source_spec()
        if self.listing is not None and self.listing.running and not spec.startswith("file:"):
            self.mic_note.setStyleSheet("")
            self.mic_note.setText("Looking for microphones…")
        elif spec.startswith("file:"):
            self.mic_note.setStyleSheet("")
            self.mic_note.setText(f"The interview will replay {Path(spec[5:]).name} as if it were the microphone.")
        elif self.mic_problem:
            self._show_mic_problem(self.mic_problem)
        else:
            self.mic_note.setStyleSheet("")
            self.mic_note.setText("Speak: the bar should move.")
            if self.isVisible():
                self.probe.start(spec)
        self._validate()

    def _voice_context(self) -> tuple[DeviceLayer, str, str, str]:
        """What "Record my voice…" records from: the chosen microphone (or audio file)."""
        spec = self.source_spec()
        return self.layer, spec, self.device.currentText(), "" if spec.startswith("file:") else self.mic_problem

    def _pause_probe(self, paused: bool) -> None:
        """The voice dialog records from the microphone: the level check lets go of it meanwhile."""
        if paused:
            self.probe.stop()
        else:
            self._device_changed()

    def _device_failed(self, message: str) -> None:
        sentence = message if message.lower().startswith(("no microphone", "cannot")) else \
            f"Cannot use this microphone: {message}"
        self.mic_problem = sentence
        self._show_mic_problem(sentence)
        self._validate()

    def _show_mic_problem(self, sentence: str) -> None:
        self.mic_note.setStyleSheet("color: #da1e28;")
        self.mic_note.setText(sentence + " Recording needs a working microphone; "
                                         "“Use an audio file…” replays a recording instead.")

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._device_changed()
        if self.mic_problem and not self.source_spec().startswith("file:"):
            self.probe.stop()

    def accept(self) -> None:
        """Open only what can be opened: a kit file that is not there is said here, with nothing lost."""
        kit = self.kit.text().strip()
        if kit and not Path(kit).expanduser().is_file():
            self.why.setText(f"The kit {kit} is not a file that can be read; choose another or leave it empty "
                             "for the bundled kit.")
            self.kit.setFocus()
            return
        if not self.start_btn.isEnabled():
            return  # Enter in a field while something is still needed: the reason is already shown
        super().accept()

    def done(self, result: int) -> None:
        self.probe.stop()
        if self.draft is not None:
            self.draft.clear()
            if result != QDialog.DialogCode.Accepted:
                self.draft.update(self._snapshot())  # Cancel or Esc: kept, in memory, for the next open
        super().done(result)

    # ------------------------------------------------------------------ the typed input survives Cancel
    def _snapshot(self) -> dict[str, Any]:
        return {"candidate": self.candidate.text(), "role": self.role.text(), "evaluator": self.evaluator.text(),
                "kit": self.kit.text(), "claims": self.claims.toPlainText(), "resume_path": self.resume_path,
                "resume_claims": getattr(self, "_resume_claims", {}), "method": self.consent_method(),
                "agreed": self.agreed.isChecked(), "device": self.source_spec()}

    def _restore_draft(self) -> None:
        d = self.draft
        if not d or not any(str(d.get(k) or "").strip() for k in ("candidate", "claims")):
            return
        self.candidate.setText(d.get("candidate", ""))
        self.role.setText(d.get("role", ""))
        self.evaluator.setText(d.get("evaluator", ""))
        self.kit.setText(d.get("kit", ""))
        self.claims.setPlainText(d.get("claims", ""))
        self.resume_path = d.get("resume_path")
        self._resume_claims = d.get("resume_claims", {})
        {"verbal": self.verbal, "written": self.written}.get(d.get("method", ""), QRadioButton()).setChecked(True)
        self._method_changed()
        self.agreed.setChecked(bool(d.get("agreed")))
        device = str(d.get("device") or "")
        if device.startswith("file:"):
            self._add_file_item(device)
        elif device:
            self._select_device(device)
        self.restored.setText("Restored what you typed before you cancelled.")

    def _choose_kit(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Interview kit", "", "Kits (*.toml)")
        if path:
            self.kit.setText(path)

    def _choose_resume(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Resume", "", "Resumes (*.pdf *.docx *.md *.txt)")
        if path:
            self.load_resume(Path(path))

    def load_resume(self, path: Path) -> BackgroundOp:
        """Read the resume and find its claims off the UI thread (a BackgroundOp); the claims box fills when
        it is done. Meanwhile the note says so and the interview cannot be opened (its claims would be lost)."""
        self.resume_note.setText(f"Reading {path.name}…")
        self.resume_note.setStyleSheet("color: #525252;")
        self.resume_btn.setEnabled(False)

        def work(_progress: Any, _cancel: threading.Event) -> tuple[list[Any], str]:
            from interviewer.notes.claims.extract import claims_from_file

            claims = claims_from_file(path)
            if claims:
                return claims, ""
            # say why, and that claims can be typed below
            from interviewer.notes.claims.diagnosis import why_no_claims
            from interviewer.notes.claims.reader import read_resume

            try:
                reason = why_no_claims(read_resume(path))
            except UserError as exc:
                reason = str(exc)
            return [], reason

        self.resume_op = BackgroundOp(work, self, name="read resume", verb="read",
                                      on_done=lambda result: self._resume_read(path, *result),
                                      on_failed=self._resume_failed)
        self.resume_op.start()
        self._validate()
        return self.resume_op

    def _resume_failed(self, sentence: str) -> None:
        self.resume_btn.setEnabled(True)
        self.resume_note.setText(sentence)
        self.resume_note.setStyleSheet("color: #da1e28;")
        self._validate()

    def _resume_read(self, path: Path, claims: list[Any], reason: str) -> None:
        self.resume_btn.setEnabled(True)
        self.resume_path = path
        self._resume_claims = {c.text: c for c in claims}
        self.claims.setPlainText("\n".join(c.text for c in claims))
        self._validate()
        if not claims:
            self.resume_note.setText(f"{path.name}: {reason}")
            self.resume_note.setStyleSheet("color: #8a3800;")
            return
        self.resume_note.setText(f"{len(claims)} claims from {path.name}; edit them below.")
        self.resume_note.setStyleSheet("color: #198038;")

    def consent_method(self) -> str:
        if self.verbal.isChecked():
            return "verbal"
        if self.written.isChecked():
            return "written"
        return ""

    def _method_changed(self) -> None:
        text = AGREED_TEXT[self.consent_method()]
        if self.agreed.text() != text:
            self.agreed.setChecked(False)  # a different confirmation: tick it again
            self.agreed.setText(text)
        self._validate()

    def _validate(self) -> None:
        problems = []
        if not self.candidate.text().strip():
            problems.append("the candidate's name")
        if not self.evaluator.text().strip():
            problems.append("your name")
        if not self.consent_method() or not self.agreed.isChecked():
            problems.append("the candidate's consent (method and confirmation)")
        if self.mic_problem and not self.source_spec().startswith("file:"):
            problems.append("a working microphone, or an audio file to replay")
        if self.resume_op is not None and self.resume_op.running:
            problems.append("the resume, still being read")
        self.start_btn.setEnabled(not problems)
        self.why.setText("Still needed: " + "; ".join(problems) if problems else "")

    def result_value(self) -> SetupResult:
        known = getattr(self, "_resume_claims", {})
        claims = []
        for line in self.claims.toPlainText().splitlines():
            text = line.strip().lstrip("-•* ").strip()
            if not text:
                continue
            c = known.get(text)
            claims.append({"text": text, "source": c.source if c else text, "section": c.section if c else "",
                           "topics": list(c.topics) if c else []})
        self.settings.setValue("setup/evaluator", self.evaluator.text().strip())
        self.settings.setValue("setup/role", self.role.text().strip())
        self.settings.setValue(DEVICE_KEY, self.source_spec())
        return SetupResult(
            candidate=self.candidate.text().strip(), role=self.role.text().strip(),
            evaluator=self.evaluator.text().strip(), kit_path=Path(self.kit.text()) if self.kit.text() else None,
            claims=claims, resume_path=self.resume_path, source=self.source_spec(),
            source2=self.device2.currentData(), consent=self.consent_method())

