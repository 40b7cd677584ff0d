"""The review window and the library, over real stores and real audio playback (QtMultimedia)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor

from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.store.database import Store
from interviewer.ui.main_window import MainWindow
from interviewer.ui.review.window import ReviewWindow
from tests.builders import synthetic_session


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def stored(data_dir):
    store = Store(data_dir.db_path)
    sid = synthetic_session(store, segments=40, evidence=6, audio_dir=data_dir.audio_dir)
    yield store, sid
    store.close()


@pytest.fixture
def review(qtbot, stored, settings):
    store, sid = stored
    win = ReviewWindow(store=store, session_id=sid, kit=load_kit(), evaluator="Ada", settings=settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    qtbot.waitUntil(lambda: win.player.player.duration() > 0, timeout=10_000)
    return win


def test_clicking_evidence_plays_from_its_start(qtbot, review):
    row = review.rows[3]
    item = review.evidence.item(3)
    rect = review.evidence.visualItemRect(item)
    qtbot.mouseClick(review.evidence.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: abs(review.player.position_s - row.start) < 0.3, timeout=5000)
    assert abs(review.player.position_s - row.start) < 0.3


def test_clicking_a_line_plays_from_it(qtbot, review):
    seg = review.segments[10]
    cur = QTextCursor(review.text.document())
    cur.setPosition(review.line_starts[10] + 2)
    rect = review.text.cursorRect(cur)
    review.text.verticalScrollBar().setValue(0)
    review._follow(cur)
    rect = review.text.cursorRect(cur)
    qtbot.mouseClick(review.text.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: abs(review.player.position_s - seg.start) < 0.3, timeout=5000)


def test_correcting_words_keeps_timestamps_and_undoes(qtbot, review, stored):
    store, sid = stored
    before = store.segment_rows(sid)[5]
    n = len(before["words"])
    new_text = " ".join(["corrected"] * n)
    review.correct_line(new_text, index=5)
    after = store.segment_rows(sid)[5]
    assert after["text"] == new_text
    assert [(w["start"], w["end"]) for w in after["words"]] == [(w["start"], w["end"]) for w in before["words"]]
    assert any(e["action"].startswith("segment") and before["text"] in (e["old"] or "")
               for e in store.audit_entries(before["id"]))
    review.undo.undo()
    assert store.segment_rows(sid)[5]["text"] == before["text"]


def test_evidence_nudge_drag_and_field_edits_with_undo(qtbot, review, stored):
    store, _ = stored
    review.evidence.setCurrentRow(0)
    e = review.selected_evidence
    review.nudge(0.5, 0.5)
    moved = store.t("evidence").get(e.id)
    assert moved["start"] == pytest.approx(e.start + 0.5)
    assert moved["end"] == pytest.approx(e.end + 0.5)
    review.timeline.evidence_moved.emit(e.id, 10.0, 30.0)
    assert store.t("evidence").get(e.id)["start"] == 10.0
    assert store.t("evidence").get(e.id)["quote"]
    review.update_evidence(e.id, polarity="concern", note="baseline unclear")
    assert store.t("evidence").get(e.id)["note"] == "baseline unclear"
    for _ in range(3):
        review.undo.undo()
    back = store.t("evidence").get(e.id)
    assert (back["start"], back["end"], back["polarity"], back["note"]) == (e.start, e.end, e.polarity,
                                                                           e.note)
    review.undo.redo()
    assert store.t("evidence").get(e.id)["start"] == pytest.approx(e.start + 0.5)


def test_add_evidence_by_selecting_text(qtbot, review, stored):
    store, sid = stored
    n = len(store.evidence(sid))
    w0, w1 = review.words[40], review.words[47]
    cur = QTextCursor(review.text.document())
    cur.setPosition(w0.pos)
    cur.setPosition(w1.pos + w1.length, QTextCursor.MoveMode.KeepAnchor)
    review.text.setTextCursor(cur)
    qtbot.keyClick(review, Qt.Key.Key_2)
    rows = store.evidence(sid)
    assert len(rows) == n + 1
    new = next(r for r in rows if r.start == pytest.approx(w0.start))
    assert new.end == pytest.approx(w1.end)
    assert new.criterion == "judgment"
    review.undo.undo()
    assert len(store.evidence(sid)) == n


def test_library_filters_and_search_opens_the_right_moment(qtbot, data_dir, settings):
    store = Store(data_dir.db_path)
    try:
        synthetic_session(store, candidate="Ann", role="MLE", segments=10, evidence=1)
        other = synthetic_session(store, candidate="Bo", role="Data", segments=10, evidence=1, seed=2)
        store.add_segments(other, [])
        from interviewer.core.transcript import Segment, Word

        store.add_segment(other, Segment(100.0, 103.0, "the zebracorn incident", "candidate",
                                         (Word(100.0, 101.0, " the", 1), Word(101.0, 102.0, " zebracorn", 1),
                                          Word(102.0, 103.0, " incident", 1))))
        lib = MainWindow(store, settings)
        qtbot.addWidget(lib)
        assert lib.table.rowCount() == 2
        lib.filter.setText("bo")
        visible = [i for i in range(2) if not lib.table.isRowHidden(i)]
        assert [lib.table.item(i, 0).text() for i in visible] == ["Bo"]
        lib.filter.clear()
        lib.role.setCurrentIndex(lib.role.findText("MLE"))
        visible = [i for i in range(2) if not lib.table.isRowHidden(i)]
        assert [lib.table.item(i, 0).text() for i in visible] == ["Ann"]
        opened = []
        lib.open_session.connect(lambda sid, at: opened.append((sid, at)))
        lib.search.setText("zebracorn")
        lib.run_search()
        assert lib.results.count() == 1
        assert "[zebracorn]" in lib.results.item(0).text() or "zebracorn" in lib.results.item(0).text()
        lib._open_result(lib.results.item(0))
        assert opened == [(other, 100.0)]
    finally:
        store.close()


def test_long_session_opens_with_everything(qtbot, data_dir, settings):
    """90 minutes, 1,500 segments, 200 evidence items (its speed is measured by bench/review_open.py)."""
    store = Store(data_dir.db_path)
    try:
        sid = synthetic_session(store, segments=1500, evidence=200, audio_dir=None)
        win = ReviewWindow(store=store, session_id=sid, kit=load_kit(), evaluator="Ada", settings=settings)
        qtbot.addWidget(win)
        win.show()
        assert len(win.segments) == 1500
        assert win.evidence.count() == 200
        assert len(win.timeline.markers) == 200
        assert win.duration == pytest.approx(1500 * 3.6)
        last = win.segments[-1]
        assert win.time_at(win.line_starts[-1] + 8) == pytest.approx(last.words[0].start)
    finally:
        store.close()


def test_blind_rating_with_anchors_and_evidence(qtbot, review, stored):
    store, sid = stored
    panel = review.rating_panel
    key = "judgment"
    combo = panel.scores[key]
    combo.setCurrentIndex(combo.findData(3))
    assert panel.anchors[key].text() == review.kit.criterion(key).anchors[3]
    store.rate(session_id=sid, criterion=key, evaluator="Bo", score=2, reason="thin")
    panel.refresh()
    assert "Bo" not in panel.others[key].text()  # blind until Ada has rated
    combo.setCurrentIndex(combo.findData(3))
    panel.save(key)
    mine = [r for r in store.ratings(sid) if r.evaluator == "Ada"]
    assert mine[0].score == 3
    assert mine[0].evidence_ids == [e.id for e in store.evidence(sid) if e.criterion == key]
    assert "Bo 2" in panel.others[key].text()
    # no evidence for a criterion and no reason: refused, with the reason why
    store.db.execute("DELETE FROM evidence WHERE criterion = 'production-constraints'")
    pc = panel.scores["production-constraints"]
    pc.setCurrentIndex(pc.findData(1))
    panel.save("production-constraints")
    assert "reason" in panel.message.text()
    assert not [r for r in store.ratings(sid) if r.criterion == "production-constraints"]


def test_evidence_probe_can_be_changed(qtbot, stored, settings):
    store, sid = stored
    store.add_probe_ask(session_id=sid, probe_key="jd-02", probe_text="Which would you cut first?", at_s=10.0)
    win = ReviewWindow(store=store, session_id=sid, kit=load_kit(), evaluator="Ada", settings=settings)
    qtbot.addWidget(win)
    win.evidence.setCurrentRow(0)
    win.f_probe.setCurrentIndex(win.f_probe.findData("jd-02"))
    win._form_changed("probe_id", win.f_probe.currentData())
    assert store.t("evidence").get(win.rows[0].id)["probe_id"] == "jd-02"


def test_compare_window_cells_open_playable_quotes(qtbot, data_dir):
    from interviewer.ui.compare_window import CompareWindow

    store = Store(data_dir.db_path)
    try:
        a = synthetic_session(store, candidate="Ann", role="MLE", segments=8, evidence=4, seed=1)
        b = synthetic_session(store, candidate="Bo", role="MLE", segments=8, evidence=4, seed=2)
        for sid, score in ((a, 3), (b, 2)):
            store.rate(session_id=sid, criterion="claim-verification", evaluator="Ada", score=score, reason="r")
            store.add_probe_ask(session_id=sid, probe_key="jd-01", probe_text="Which would you ship?", at_s=3.0)
        opened = []
        win = CompareWindow(store, "MLE", lambda s, t: opened.append((s, t)))
        qtbot.addWidget(win)
        assert win.matrix.columnCount() == 2
        assert "Ada 3" in win.matrix.item(0, 0).text()
        win.show_quotes(0, 0)
        first = win.quotes.item(0)
        assert first.text().startswith("▶")
        win._play(first)
        assert opened[0][0] == a
        board = win.board
        assert any("Which would you ship?" in board.list.item(i).text() for i in range(board.list.count()))
        board.show_call(0)
        assert board.table.columnCount() == 2 and board.table.horizontalHeaderItem(0).text() == "Ann"
        board.play(1)
        assert opened[-1] == (b, 3.0)
    finally:
        store.close()


def test_playback_notices_when_nothing_can_be_heard(qtbot, review, monkeypatch, tmp_path):
    from PySide6.QtMultimedia import QMediaDevices

    assert review.player.has_output  # the private PulseAudio sink
    assert review.audio_notice.isHidden()
    monkeypatch.setattr(QMediaDevices, "audioOutputs", staticmethod(list))
    review.player.outputs_changed.emit()
    assert review.audio_notice.isVisibleTo(review)
    assert "No audio output device" in review.audio_notice.text()
    review.player.path = tmp_path / "gone.wav"
    review.player.outputs_changed.emit()
    assert "gone.wav is missing" in review.audio_notice.text()


def test_an_encrypted_recording_plays_without_a_plaintext_copy(qtbot, data_dir, settings):
    from interviewer.core import vault

    v = vault.create_vault(data_dir.root, "review passphrase", n=2**10)
    with Store(data_dir.db_path, vault=v) as store:
        sid = synthetic_session(store, segments=12, evidence=2, audio_dir=data_dir.audio_dir)
        wav = data_dir.audio_dir / f"{sid}.wav"
        assert vault.is_sealed(wav)
        win = ReviewWindow(store=store, session_id=sid, kit=load_kit(), evaluator="Ada", settings=settings)
        qtbot.addWidget(win)
        win.show()
        assert win.player.device is not None
        qtbot.waitUntil(lambda: win.player.player.duration() > 0, timeout=10_000)
        assert win.player.player.duration() / 1000 == pytest.approx(store.session(sid).duration_s, abs=0.2)
        seg = win.segments[6]
        win.play_from(seg.start)
        qtbot.waitUntil(lambda: win.player.position_s > seg.start + 0.3, timeout=5000)
        win.player.stop()
        win.close()
    assert sorted(p.name for p in data_dir.audio_dir.iterdir()) == [f"{sid}.wav"]


def test_split_numbers_show_whole_and_their_words_still_highlight(qtbot, data_dir, settings):
    from interviewer.core.transcript import Segment, Word

    with Store(data_dir.db_path) as store:
        sid = synthetic_session(store, segments=2, evidence=0)
        words = (Word(10.0, 10.3, " on", 0.9), Word(10.3, 10.6, " 2", 0.9), Word(10.6, 11.0, ",400", 0.9),
                 Word(11.0, 11.5, " questions.", 0.9))
        store.add_segment(sid, Segment(10.0, 11.5, "on 2,400 questions.", "candidate", words))
        win = ReviewWindow(store=store, session_id=sid, kit=load_kit(), evaluator="Ada", settings=settings)
        qtbot.addWidget(win)
        text = win.text.document().toPlainText()
        assert "on 2,400 questions." in text and "2 ,400" not in text
        spans = {text[s.pos:s.pos + s.length]: s for s in win.words}
        assert spans[",400"].start == 10.6 and spans["questions."].start == 11.0


def test_f2_corrects_the_line_under_the_cursor_from_the_keyboard(qtbot, review, stored, monkeypatch):
    """issue 21 #4: F2 passed QAction's `checked` into `text` and crashed ('bool' has no 'split')."""
    store, sid = stored
    before = store.segment_rows(sid)[3]
    n = len(before["words"])
    asked = []
    monkeypatch.setattr(review, "ask_words", lambda label, text: asked.append(text) or " ".join(["fixed"] * n))
    cur = QTextCursor(review.text.document())
    cur.setPosition(review.line_starts[3] + 3)
    review.text.setTextCursor(cur)
    review.text.setFocus()
    qtbot.keyClick(review.text, Qt.Key.Key_F2)
    assert asked == [before["text"]]
    assert store.segment_rows(sid)[3]["text"] == " ".join(["fixed"] * n)
    undo = next(a for a in review.menuBar().actions() if a.text() == "&Edit").menu().actions()[0]
    assert undo.isEnabled() and undo.text() == "Undo Correct words"
    undo.trigger()
    assert store.segment_rows(sid)[3]["text"] == before["text"]


def test_no_action_passes_its_checked_flag_into_a_slot(qtbot, review, monkeypatch):
    """Every action of the review window triggers without an exception (the F2 bug's siblings)."""
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", False)))
    monkeypatch.setattr(review, "ask_words", lambda label, text: None)
    for action in review.all_actions:
        action.trigger()  # an exception in a slot fails the test (pytest-qt captures it)


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_the_review_window_rates_as_the_sessions_evaluator_never_the_os_user(qtbot, data_dir, settings, monkeypatch,
                                                                            tmp_path):
    """issue 21 #3: ratings were saved under the OS user ("root"); the PDF read "Evaluators: root"."""
    import getpass

    from interviewer import app
    from interviewer.notes.reports.session_report import session_pdf

    monkeypatch.setattr(getpass, "getuser", lambda: "os-login-name")
    services = app.build_services(data_dir)
    store = Store(data_dir.db_path)
    try:
        sid = synthetic_session(store, segments=10, evidence=4)
        store.update_session(sid, evaluator="Alex Tester")
        store.db.execute("UPDATE evidence SET evaluator = 'Alex Tester'")
        win = app.open_review_window(services, store, sid, settings=settings)
        qtbot.addWidget(win)
        assert win.evaluator == "Alex Tester"
        assert "Alex Tester" in win.rating_panel.rater.text()
        combo = win.rating_panel.scores["judgment"]
        combo.setCurrentIndex(combo.findData(3))
        win.rating_panel.save("judgment")
        assert [r.evaluator for r in store.ratings(sid)] == ["Alex Tester"]
        text = _pdf_text(session_pdf(store, sid, tmp_path / "s.pdf"))
        assert "Alex Tester" in text and "os-login-name" not in text
    finally:
        store.close()


def test_a_session_without_an_evaluator_asks_who_is_rating_once(qtbot, data_dir, settings, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from interviewer import app

    services = app.build_services(data_dir)
    store = Store(data_dir.db_path)
    asked = []
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(
        lambda *a, **k: asked.append(1) or ("Bo Reviewer", True)))
    try:
        sid = synthetic_session(store, segments=10, evidence=4)
        store.update_session(sid, evaluator=None)
        win = app.open_review_window(services, store, sid, settings=settings)
        qtbot.addWidget(win)
        assert win.evaluator == ""
        combo = win.rating_panel.scores["judgment"]
        combo.setCurrentIndex(combo.findData(2))
        win.rating_panel.save("judgment")
        assert asked == [1]
        assert [r.evaluator for r in store.ratings(sid)] == ["Bo Reviewer"]
        again = app.open_review_window(services, store, sid, settings=settings)
        qtbot.addWidget(again)
        assert again.evaluator == "Bo Reviewer"  # remembered
        assert asked == [1]
    finally:
        store.close()


@pytest.mark.parametrize("size", [(1280, 800), (1366, 768)])
def test_rubric_anchors_show_in_full_on_a_laptop_screen(qtbot, stored, settings, size):
    """issue 21 #9: rubric anchors were cut mid-sentence."""
    store, sid = stored
    win = ReviewWindow(store=store, session_id=sid, kit=load_kit(), evaluator="Ada", settings=settings)
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    panel = win.rating_panel
    for c in win.kit.criteria:
        combo = panel.scores[c.key]
        combo.setCurrentIndex(combo.findData(4))
        label = panel.anchors[c.key]
        assert label.text() == c.anchors[4]
        panel.ensure_visible(c.key)
        qtbot.waitUntil(lambda label=label: label.height() >= label.heightForWidth(label.width()), timeout=3000)
        assert not label.visibleRegion().isEmpty()


def test_a_refused_rating_says_why_in_plain_words_beside_its_row(qtbot, review, stored):
    """issue 21 #9: the refusal named a CLI flag ("--reason") and appeared far from its row."""
    store, _sid = stored
    store.db.execute("DELETE FROM evidence WHERE criterion = 'production-constraints'")
    panel = review.rating_panel
    pc = panel.scores["production-constraints"]
    pc.setCurrentIndex(pc.findData(2))
    panel.save("production-constraints")
    said = panel.row_status["production-constraints"].text()
    assert "--" not in said and "reason" in said and "Production constraints" in said
    assert panel.row_status["judgment"].text() != said


def test_words_are_selected_and_tagged_from_the_keyboard_alone(qtbot, review, stored):
    """Keyboard-only use (issue 21 #8's sibling): the read-only transcript had no keyboard cursor, so words could
    be tagged (1–4) only after selecting them with the mouse."""
    store, sid = stored
    n = len(store.evidence(sid))
    review.text.setFocus()
    qtbot.keyClick(review.text, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(3):  # down past the time and the speaker, into the words
        qtbot.keyClick(review.text, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert review.text.textCursor().hasSelection()
    qtbot.keyClick(review, Qt.Key.Key_1)
    rows = store.evidence(sid)
    assert len(rows) == n + 1, review.text.textCursor().selectedText()
    new = next(r for r in rows if r.start == pytest.approx(review.segments[0].start))
    assert new.criterion == review.kit.criteria[0].key and new.evaluator == "Ada"
