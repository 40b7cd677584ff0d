"""Export from the app: a session's PDF (or anonymised), its transcript (txt, srt, vtt, md) or data (json), a role's
comparison or calibration PDF, a candidate's loop PDF. A save dialog (its last folder remembered), the work on a
worker thread (`BackgroundOp`) with progress in the window, a failure as one sentence, then "Open file" /
"Open folder". The files are written by the same core functions as `interviewer export`."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QToolBar,
    QWidget,
)

from interviewer.core.errors import UserError
from interviewer.ui.bridge import BackgroundOp

FOLDER_KEY = "export/folder"

# kind: (menu text, what it is in sentences, file suffix, file filter)
TRANSCRIPTS: dict[str, tuple[str, str, str]] = {
    "txt": ("Transcript as &text (.txt)…", "the transcript", "Text (*.txt)"),
    "srt": ("Transcript as &subtitles (.srt)…", "the subtitles", "SubRip subtitles (*.srt)"),
    "vtt": ("Transcript as &WebVTT (.vtt)…", "the WebVTT subtitles", "WebVTT (*.vtt)"),
    "md": ("Transcript with evidence as &Markdown (.md)…", "the Markdown transcript", "Markdown (*.md)"),
    "json": ("Session &data (.json)…", "the session data", "JSON (*.json)"),
}


@dataclass
class ExportJob:
    """One export: what it is (for sentences), a suggested file name, the dialog's filter, and `write(path)`
    (run on a worker thread; returns the path written)."""

    what: str
    filename: str
    file_filter: str
    write: Callable[[Path], Path]


def safe_filename(text: str) -> str:
    """A file name from a person's name or a role: letters (any script), digits, dot, dash."""
    cleaned = re.sub(r"[^\w.-]+", "-", text.strip(), flags=re.UNICODE).strip("-.")
    return cleaned or "export"


def session_job(store: Any, session_id: str, kind: str) -> ExportJob:
    """`kind`: "pdf", "pdf-anonymised", or one of TRANSCRIPTS."""
    from interviewer.core.vault import write_file

    s = store.session(session_id)
    stem = safe_filename(f"{s.candidate}-{(s.started_at or '')[:10]}")
    if kind in ("pdf", "pdf-anonymised"):
        from interviewer.notes.reports.session_report import session_pdf

        anonymise = kind == "pdf-anonymised"
        name = f"anonymised-report-{session_id[:8]}.pdf" if anonymise else f"{stem}-report.pdf"
        return ExportJob("the anonymised session report" if anonymise else "the session report", name,
                         "PDF (*.pdf)", lambda p: session_pdf(store, session_id, p, anonymise=anonymise))
    if kind not in TRANSCRIPTS:
        raise ValueError(kind)
    _text, what, file_filter = TRANSCRIPTS[kind]

    def write(path: Path) -> Path:
        if kind == "json":
            data = json.dumps(store.export_session(session_id), ensure_ascii=False, indent=1)
        else:
            from interviewer.notes.review.editing import export_transcript

            data = export_transcript(store, session_id, kind)
        return write_file(store.vault, path, data.encode("utf-8"))

    return ExportJob(what, f"{stem}.{kind}", file_filter, write)


def role_job(store: Any, role: str, kind: str) -> ExportJob:
    """`kind`: "compare" (the candidates side by side) or "calibration"."""
    from interviewer.notes.reports.calibration_report import calibration_pdf
    from interviewer.notes.reports.compare_report import compare_pdf

    if kind == "compare":
        return ExportJob(f"the comparison of the candidates for {role}", f"{safe_filename(role)}-candidates.pdf",
                         "PDF (*.pdf)", lambda p: compare_pdf(store, role, p))
    return ExportJob(f"the calibration report for {role}", f"{safe_filename(role)}-calibration.pdf", "PDF (*.pdf)",
                     lambda p: calibration_pdf(store, role, p))


def loop_job(store: Any, candidate: str) -> ExportJob:
    from interviewer.notes.reports.loop_report import loop_pdf

    return ExportJob(f"the loop summary of {candidate}", f"{safe_filename(candidate)}-loop.pdf", "PDF (*.pdf)",
                     lambda p: loop_pdf(store, candidate, p))


def refusal(store: Any, path: Path) -> str:
    """Why `path` must not be written (one sentence), or "" when it may: the CLI's one rule
    (`interviewer.core.files.check_output_path`), with the replacement the save dialog has already confirmed."""
    from interviewer.core.files import OutputRefusedError, check_output_path

    try:
        check_output_path(path, getattr(store, "root", None), force=True)
    except OutputRefusedError as exc:
        return str(exc)
    return ""


class ExportBar(QToolBar):
    """At the bottom of a window: progress while an export runs, then the result with Open file / Open folder,
    or the problem in one sentence."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Export", parent)
        self.setObjectName("exportBar")
        self.setMovable(False)
        self.setFloatable(False)
        box = QWidget()
        lay = QHBoxLayout(box)
        lay.setContentsMargins(6, 2, 6, 2)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_file = QPushButton("Open file")
        self.open_folder = QPushButton("Open folder")
        self.dismiss = QPushButton("Close")
        self.dismiss.clicked.connect(lambda _checked=False: self.hide())
        lay.addWidget(self.busy)
        lay.addWidget(self.message, 1)
        for b in (self.open_file, self.open_folder, self.dismiss):
            lay.addWidget(b)
        self.addWidget(box)
        self.hide()

    def running(self, text: str) -> None:
        self.busy.show()
        self.message.setStyleSheet("")
        self.message.setText(text)
        self.open_file.hide()
        self.open_folder.hide()
        self.show()

    def done(self, text: str) -> None:
        self.busy.hide()
        self.message.setStyleSheet("color: #198038;")
        self.message.setText(text)
        self.open_file.show()
        self.open_folder.show()
        self.show()

    def problem(self, text: str) -> None:
        self.busy.hide()
        self.message.setStyleSheet("color: #da1e28;")
        self.message.setText(text)
        self.open_file.hide()
        self.open_folder.hide()
        self.show()


class Exporter(QObject):
    """Exports for one window. `ask_path(title, suggested, filter) -> str` and `open_url(QUrl)` are injected in
    tests (defaults: the Qt save dialog, which confirms overwriting, and the desktop's opener)."""

    def __init__(self, window: QMainWindow, store: Any, settings: QSettings, *,
                 ask_path: Callable[[str, str, str], str] | None = None,
                 open_url: Callable[[QUrl], Any] | None = None) -> None:
        super().__init__(window)
        self.window, self.store, self.settings = window, store, settings
        self.ask_path = ask_path or self._ask_path
        self.open_url = open_url or QDesktopServices.openUrl
        self.bar = ExportBar(window)
        window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.bar)
        self.bar.open_file.clicked.connect(lambda _checked=False: self.open_last_file())
        self.bar.open_folder.clicked.connect(lambda _checked=False: self.open_last_folder())
        self.op: BackgroundOp | None = None
        self.last_path: Path | None = None

    def folder(self) -> str:
        saved = str(self.settings.value(FOLDER_KEY, "") or "")
        if saved and Path(saved).is_dir():
            return saved
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return docs if docs and Path(docs).is_dir() else str(Path.home())

    def _ask_path(self, title: str, suggested: str, file_filter: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self.window, title, suggested, file_filter)
        return str(path or "")

    def run(self, job: ExportJob | Callable[[], ExportJob]) -> BackgroundOp | None:
        """Ask where, then write off the UI thread. Returns the running op (None when nothing runs)."""
        if self.op is not None and self.op.running:
            self.bar.problem("An export is still being written; try again when it has finished.")
            return None
        try:
            job = job() if callable(job) else job
        except UserError as exc:
            self.bar.problem(str(exc))
            return None
        chosen = self.ask_path(f"Export {job.what}", str(Path(self.folder()) / job.filename), job.file_filter)
        if not chosen:
            return None
        path = Path(chosen).expanduser()
        if not path.suffix and "." in job.filename:
            path = path.with_suffix(Path(job.filename).suffix)
        problem = refusal(self.store, path)
        if problem:
            self.bar.problem(problem)
            return None
        self.settings.setValue(FOLDER_KEY, str(path.parent))
        self.bar.running(f"Writing {job.what} to {path}…")
        self.window.statusBar().showMessage(f"Exporting {job.what}…")
        self.op = BackgroundOp(lambda _progress, _cancel: job.write(path), self, name="export",
                               on_done=lambda written: self._done(job, Path(written or path)),
                               on_failed=self._failed)
        return self.op.start()

    def _done(self, job: ExportJob, path: Path) -> None:
        self.last_path = path
        self.bar.done(f"Exported {job.what} to {path}.")
        self.window.statusBar().showMessage(f"Exported {job.what}: {path}", 8000)

    def _failed(self, sentence: str) -> None:
        self.bar.problem(sentence)
        self.window.statusBar().showMessage(sentence, 8000)

    def open_last_file(self) -> None:
        if self.last_path is not None:
            self.open_url(QUrl.fromLocalFile(str(self.last_path)))

    def open_last_folder(self) -> None:
        if self.last_path is not None:
            self.open_url(QUrl.fromLocalFile(str(self.last_path.parent)))

    def add_open_actions(self, menu: QMenu) -> None:
        for text, keys, slot in (("Open the last e&xported file", "Ctrl+Shift+O", self.open_last_file),
                                 ("Show the last export in its &folder", "", self.open_last_folder)):
            a = QAction(text, self.window)
            if keys:
                a.setShortcut(QKeySequence(keys))
            a.triggered.connect(lambda _checked=False, s=slot: s())
            menu.addAction(a)
            self.window.addAction(a)


def add_export_menu(window: QMainWindow, menu: QMenu, exporter: Exporter, *, session: Callable[[], str | None],
                    role: Callable[[], str | None], candidate: Callable[[], str | None] | None = None) -> QMenu:
    """File > Export: every export, on the session / role / candidate the window has in hand. A missing one is
    said in the export bar ("Select an interview first.")."""
    store = exporter.store
    sub = menu.addMenu("&Export")

    def need(value: str | None, what: str) -> str:
        if not value:
            raise UserError(f"Select {what} first.")
        return value

    def add(text: str, keys: str, make: Callable[[], ExportJob]) -> None:
        a = QAction(text, window)
        if keys:
            a.setShortcut(QKeySequence(keys))
        a.triggered.connect(lambda _checked=False: exporter.run(make))
        sub.addAction(a)
        window.addAction(a)

    add("Session &report (PDF)…", "Ctrl+E", lambda: session_job(store, need(session(), "an interview"), "pdf"))
    add("&Anonymised session report (PDF)…", "Ctrl+Alt+E",
        lambda: session_job(store, need(session(), "an interview"), "pdf-anonymised"))
    sub.addSeparator()
    def transcript(kind: str) -> Callable[[], ExportJob]:
        return lambda: session_job(store, need(session(), "an interview"), kind)

    for kind, (text, _what, _filter) in TRANSCRIPTS.items():
        add(text, "", transcript(kind))
    sub.addSeparator()
    add("Role &comparison (PDF)…", "",
        lambda: role_job(store, need(role(), "an interview with a role (or a role)"), "compare"))
    add("Role ca&libration report (PDF)…", "",
        lambda: role_job(store, need(role(), "an interview with a role (or a role)"), "calibration"))
    if candidate is not None:
        add("Candidate's &loop summary (PDF)…", "", lambda: loop_job(store, need(candidate(), "an interview")))
    sub.addSeparator()
    exporter.add_open_actions(sub)
    return sub
