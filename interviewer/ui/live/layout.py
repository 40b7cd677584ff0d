"""The live window's widgets, laid out: the recording toolbar, then claims | prompts (with the failure story,
scenarios and core calls as tabs) | transcript over evidence, the coverage strip at the bottom."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from interviewer.ui import quotes
from interviewer.ui.catch_up import CatchUp
from interviewer.ui.live.base import LiveBase
from interviewer.ui.live.claims import STATUS_KEYS, STATUS_LABELS
from interviewer.ui.live.core_panel import CorePanel
from interviewer.ui.live.coverage import CoverageStrip
from interviewer.ui.live.failure_panel import FailurePanel
from interviewer.ui.live.scenarios import ScenarioPanel
from interviewer.ui.live.transcript import TranscriptView
from interviewer.ui.style import fitting_size

DEFAULT_EVIDENCE_SECONDS = 20


def keep_font(window: QWidget, base: QFont) -> None:
    """Give `base` back to the controls that lost it: a widget the app's style sheet applies to (its focus mark)
    no longer inherits its window's font, and the live window is read from a distance (12 pt). Labels keep
    theirs (the small grey ones are small on purpose), and so do larger fonts (transcript, clock, titles)."""
    for w in window.findChildren(QWidget):
        if not isinstance(w, QLabel) and w.font().pointSizeF() < base.pointSizeF():
            font = QFont(w.font())
            font.setPointSizeF(base.pointSizeF())
            w.setFont(font)


class LiveLayout(LiveBase):
    """Builds the window's widgets: toolbar, claims | prompts (and the side tabs) | transcript and evidence."""

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
        self.middle = QTabWidget()
        self.middle.addTab(prompts_box, "Prompts")
        self.failure_panel = FailurePanel(self)
        self.middle.addTab(self.failure_panel, "Failure story")
        self.scenario_panel = ScenarioPanel(self)
        self.middle.addTab(self.scenario_panel, "Scenarios")
        self.core_panel = CorePanel(self, self.role)
        self.middle.addTab(self.core_panel, "Core calls")

        # transcript and evidence
        self.transcript = TranscriptView()
        self.evidence = QListWidget()
        self.evidence.setObjectName("evidence")
        self.evidence.setWordWrap(True)
        quotes.install(self.evidence)  # a quote's question as a muted line above it
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

