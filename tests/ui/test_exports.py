"""Export from the app (issue 21 #5): File > Export in the review window, the library and the comparison, a save
dialog (injected), the work on a worker thread, the result as files read back, failures as one sentence."""

from __future__ import annotations

import json
import threading

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt

from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.store.database import Store
from interviewer.ui.bridge import BackgroundOp
from interviewer.ui.main_window import MainWindow
from interviewer.ui.review.window import ReviewWindow
from tests.builders import synthetic_session


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def stored(data_dir):
    store = Store(data_dir.db_path)
    sid = synthetic_session(store, candidate="Zoë Ðặng", role="MLE", segments=12, evidence=4)
    other = synthetic_session(store, candidate="Bo", role="MLE", segments=8, evidence=3, seed=2)
    store.rate(session_id=sid, criterion="judgment", evaluator="Ada", score=3, reason="clear trade-offs")
    store.rate(session_id=other, criterion="judgment", evaluator="Ada", score=2, reason="thin")
    yield store, sid
    store.close()


def pdf_text(path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)


def driven(window, target, opened):
    asked = []
    window.exporter.ask_path = lambda title, suggested, flt: asked.append((title, suggested, flt)) or str(target)
    window.exporter.open_url = opened.append
    return asked


def wait_done(qtbot, window):
    qtbot.waitUntil(lambda: window.exporter.op is not None and not window.exporter.op.running, timeout=30_000)


def test_background_op_hands_the_result_and_failures_back_on_the_ui_thread(qtbot):
    main = threading.get_ident()
    seen = []
    op = BackgroundOp(lambda progress, cancel: (progress(0.5), threading.get_ident())[1],
                      on_done=lambda r: seen.append(("done", r != main, threading.get_ident() == main)),
                      on_progress=lambda f: seen.append(("progress", f, threading.get_ident() == main)))
    op.start()
    qtbot.waitUntil(lambda: any(s[0] == "done" for s in seen), timeout=5000)
    assert seen == [("progress", 0.5, True), ("done", True, True)]

    def fail(progress, cancel):
        raise FileNotFoundError(2, "No such file or directory", "/nowhere/x.pdf")

    problems = []
    op2 = BackgroundOp(fail, on_failed=problems.append).start()
    qtbot.waitUntil(lambda: bool(problems), timeout=5000)
    assert problems == ["Cannot write /nowhere/x.pdf: No such file or directory."]
    assert op2.wait(5)


def test_review_window_exports_the_session_pdf_from_the_keyboard(qtbot, stored, settings, tmp_path):
    store, sid = stored
    win = ReviewWindow(store=store, session_id=sid, kit=load_kit(), evaluator="Ada", settings=settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    opened = []
    out = tmp_path / "out" / "zoe.pdf"
    out.parent.mkdir()
    asked = driven(win, out, opened)
    qtbot.keyClick(win, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert asked[0][0] == "Export the session report"
    assert asked[0][1].endswith("-report.pdf") and "Zoë-Ðặng" in asked[0][1]
    wait_done(qtbot, win)
    text = pdf_text(out)
    assert "Zoë Ðặng" in text
    assert win.exporter.bar.isVisible() and "Exported the session report" in win.exporter.bar.message.text()
    win.exporter.bar.open_file.click()
    win.exporter.bar.open_folder.click()
    assert [u.toLocalFile() for u in opened] == [str(out), str(out.parent)]
    assert settings.value("export/folder") == str(out.parent)
    # the next save dialog starts in the remembered folder; the anonymised report names nobody
    anon = out.parent / "anon.pdf"
    asked = driven(win, anon, opened)
    qtbot.keyClick(win, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    assert asked[0][1].startswith(str(out.parent))
    wait_done(qtbot, win)
    assert "Zoë" not in pdf_text(anon) and "Candidate" in pdf_text(anon)


def test_every_transcript_format_is_exported_from_the_menu(qtbot, stored, settings, tmp_path):
    store, sid = stored
    win = ReviewWindow(store=store, session_id=sid, kit=load_kit(), evaluator="Ada", settings=settings)
    qtbot.addWidget(win)
    menu_actions = {a.text(): a for a in win.export_menu.actions()}
    first_words = store.segments(sid)[0].text.split()[0]
    for kind, label in (("txt", "text"), ("srt", "subtitles"), ("vtt", "WebVTT"), ("md", "Markdown"),
                        ("json", "data")):
        action = next(a for t, a in menu_actions.items() if label in t.replace("&", ""))
        target = tmp_path / f"t.{kind}"
        driven(win, target, [])
        action.trigger()
        wait_done(qtbot, win)
        body = target.read_text(encoding="utf-8")
        if kind == "json":
            assert json.loads(body)["session"]["id"] == sid
        else:
            assert first_words in body
        if kind == "vtt":
            assert body.startswith("WEBVTT")
        if kind == "srt":
            assert "-->" in body


def test_library_exports_role_reports_and_says_what_is_missing(qtbot, stored, settings, tmp_path):
    store, _sid = stored
    lib = MainWindow(store, settings)
    qtbot.addWidget(lib)
    actions = {a.text().replace("&", ""): a for a in lib.export_menu.actions()}
    target = tmp_path / "x.pdf"
    driven(lib, target, [])
    lib.table.clearSelection()
    actions["Session report (PDF)…"].trigger()
    assert lib.exporter.bar.message.text() == "Select an interview first."
    assert not target.exists()
    lib.table.selectRow(0)
    for name, expect in (("Role comparison (PDF)…", "Bo"), ("Role calibration report (PDF)…", "MLE"),
                         ("Candidate's loop summary (PDF)…", "")):
        out = tmp_path / f"{name[:8].strip()}.pdf"
        driven(lib, out, [])
        actions[name].trigger()
        wait_done(qtbot, lib)
        assert expect in pdf_text(out)


def test_export_refuses_the_data_dir_and_reports_a_failure_in_one_sentence(qtbot, stored, settings, tmp_path,
                                                                          data_dir):
    store, sid = stored
    win = ReviewWindow(store=store, session_id=sid, kit=load_kit(), evaluator="Ada", settings=settings)
    qtbot.addWidget(win)
    inside = data_dir.root / "report.pdf"
    driven(win, inside, [])
    win.export_menu.actions()[0].trigger()
    assert not inside.exists()
    assert "is inside the data directory" in win.exporter.bar.message.text()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    driven(win, blocker / "x.pdf", [])
    win.export_menu.actions()[0].trigger()  # refused before any work starts: a file stands where a folder must
    qtbot.waitUntil(lambda: str(blocker) in win.exporter.bar.message.text(), timeout=30_000)
    text = win.exporter.bar.message.text()
    assert str(blocker) in text and "Traceback" not in text
    assert win.exporter.bar.open_file.isHidden()


def test_compare_window_exports_its_comparison(qtbot, stored, settings, tmp_path):
    store, _sid = stored
    lib = MainWindow(store, settings)
    qtbot.addWidget(lib)
    lib.table.selectRow(0)
    lib.open_compare()
    qtbot.addWidget(lib.compare)
    out = tmp_path / "compare.pdf"
    driven(lib.compare, out, [])
    lib.compare.menuBar().actions()[0].menu().actions()[0].trigger()
    wait_done(qtbot, lib.compare)
    text = pdf_text(out)
    assert "Bo" in text and "Zoë Ðặng" in text
