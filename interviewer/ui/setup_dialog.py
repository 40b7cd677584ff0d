"""Session setup: who, for which role, which kit and claims, which microphone (with a live level), and the
candidate's consent. Recording cannot start until consent is recorded."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from interviewer.errors import UserError
from interviewer.notes.store import DEFAULT_NOTICE, DEFAULT_NOTICE_VERSION


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
    """Opens the chosen device for a level check only (nothing is recorded)."""

    level = Signal(float)
    problem = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source: Any = None

    def start(self, spec: str) -> None:
        self.stop()
        if spec.startswith("file:"):
            return
        from interviewer.audio.sources import DeviceSource
        from interviewer.session import dbfs

        try:
            self.source = DeviceSource(None if spec == "default" else spec)
            self.source.start(lambda block: self.level.emit(dbfs(block)), lambda err: None)
        except (UserError, OSError) as exc:
            self.source = None
            self.problem.emit(str(exc))

    def stop(self) -> None:
        if self.source is not None:
            self.source.stop()
            self.source = None


class SetupDialog(QDialog):
    def __init__(self, settings: QSettings | None = None, devices: list[tuple[str, str]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New interview")
        self.settings = settings or QSettings()
        self.candidate = QLineEdit()
        self.role = QLineEdit(str(self.settings.value("setup/role", "")))
        self.evaluator = QLineEdit(str(self.settings.value("setup/evaluator", "")))
        self.kit = QLineEdit()
        self.kit.setPlaceholderText("the bundled AI/ML engineering kit")
        kit_btn = QPushButton("Choose…")
        kit_btn.clicked.connect(self._choose_kit)
        kit_row = QHBoxLayout()
        kit_row.addWidget(self.kit, 1)
        kit_row.addWidget(kit_btn)
        self.resume_path: Path | None = None
        self.resume_btn = QPushButton("Import resume (.pdf, .docx, .md, .txt)…")
        self.resume_btn.clicked.connect(self._choose_resume)
        self.claims = QPlainTextEdit()
        self.claims.setPlaceholderText("Claims, one per line (filled from the resume, or typed or pasted)")
        self.resume_note = QLabel("")
        self.resume_note.setWordWrap(True)

        self.device = QComboBox()
        self.device2 = QComboBox()
        self.device2.addItem("none", None)
        for label, spec in devices if devices is not None else self._devices():
            self.device.addItem(label, spec)
            self.device2.addItem(label, spec)
        self.meter = QProgressBar()
        self.meter.setRange(-60, 0)
        self.meter.setValue(-60)
        self.meter.setTextVisible(False)
        self.mic_note = QLabel("Speak: the bar should move.")
        self.probe = LevelProbe(self)
        self.probe.level.connect(lambda db: self.meter.setValue(int(max(-60, min(0, db)))))
        self.probe.problem.connect(lambda msg: self.mic_note.setText(f"Microphone unavailable: {msg}"))
        self.device.currentIndexChanged.connect(lambda _i: self.probe.start(str(self.device.currentData())))

        notice = QPlainTextEdit(DEFAULT_NOTICE)
        notice.setReadOnly(True)
        notice.setMaximumHeight(90)
        self.verbal = QRadioButton("Verbal (said yes on the call)")
        self.written = QRadioButton("Written (signed or emailed)")
        self.method = QButtonGroup(self)
        self.method.addButton(self.verbal)
        self.method.addButton(self.written)
        self.agreed = QCheckBox("I read this notice to the candidate and they agreed to be recorded")
        consent_box = QGroupBox(f"Consent (notice {DEFAULT_NOTICE_VERSION}) — required before recording")
        cl = QVBoxLayout(consent_box)
        cl.addWidget(notice)
        row = QHBoxLayout()
        row.addWidget(self.verbal)
        row.addWidget(self.written)
        cl.addLayout(row)
        cl.addWidget(self.agreed)

        form = QFormLayout()
        form.addRow("Candidate", self.candidate)
        form.addRow("Role", self.role)
        form.addRow("Evaluator (you)", self.evaluator)
        form.addRow("Kit", kit_row)
        form.addRow("Resume", self.resume_btn)
        form.addRow("", self.resume_note)
        form.addRow("Claims", self.claims)
        form.addRow("Microphone", self.device)
        form.addRow("Level", self.meter)
        form.addRow("", self.mic_note)
        form.addRow("Second source", self.device2)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_btn = self.buttons.addButton("Open interview", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.why = QLabel("")
        self.why.setStyleSheet("color: #da1e28;")
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(consent_box)
        lay.addWidget(self.why)
        lay.addWidget(self.buttons)
        for w in (self.candidate, self.evaluator):
            w.textChanged.connect(self._validate)
        self.agreed.toggled.connect(self._validate)
        self.method.buttonToggled.connect(lambda *_: self._validate())
        self._validate()
        self.resize(640, 820)

    @staticmethod
    def _devices() -> list[tuple[str, str]]:
        from interviewer.audio.sources import input_devices

        out = [("System default input", "default")]
        with suppress(UserError):
            out += [(f"[{d.index}] {d.name}", str(d.index)) for d in input_devices()]
        return out

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self.device.count():
            self.probe.start(str(self.device.currentData()))

    def done(self, result: int) -> None:
        self.probe.stop()
        super().done(result)

    def _choose_kit(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Interview kit", "", "Kits (*.toml)")
        if path:
            self.kit.setText(path)

    def _choose_resume(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Resume", "", "Resumes (*.pdf *.docx *.md *.txt)")
        if path:
            self.load_resume(Path(path))

    def load_resume(self, path: Path) -> None:
        from interviewer.notes.claims import claims_from_file

        try:
            claims = claims_from_file(path)
        except UserError as exc:
            self.resume_note.setText(str(exc))
            self.resume_note.setStyleSheet("color: #da1e28;")
            return
        self.resume_path = path
        self._resume_claims = {c.text: c for c in claims}
        self.claims.setPlainText("\n".join(c.text for c in claims))
        if not claims:  # say why, and that claims can be typed below
            from interviewer.notes.resume import read_resume
            from interviewer.notes.resumes.diagnosis import why_no_claims

            try:
                reason = why_no_claims(read_resume(path))
            except UserError as exc:
                reason = str(exc)
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

    def _validate(self) -> None:
        problems = []
        if not self.candidate.text().strip():
            problems.append("the candidate's name")
        if not self.evaluator.text().strip():
            problems.append("your name")
        if not self.consent_method() or not self.agreed.isChecked():
            problems.append("the candidate's consent (method and confirmation)")
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
        return SetupResult(
            candidate=self.candidate.text().strip(), role=self.role.text().strip(),
            evaluator=self.evaluator.text().strip(), kit_path=Path(self.kit.text()) if self.kit.text() else None,
            claims=claims, resume_path=self.resume_path, source=str(self.device.currentData() or "default"),
            source2=self.device2.currentData(), consent=self.consent_method())

