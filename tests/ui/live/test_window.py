"""The live window under pytest-qt, over a real store, a real transcriber and a pushed (fake) source."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QSettings, Qt

from interviewer.audio.decode import SAMPLE_RATE
from interviewer.audio.pace import Pace
from interviewer.live.session import LiveSession, SessionSpec, Track
from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.store.database import Store
from interviewer.ui.live.recording import wait_for_threads
from interviewer.ui.live.window import LiveWindow
from interviewer.ui.setup_dialog import SetupDialog
from tests.conftest import FIXTURES
from tests.fakes import MarkedSecondPass, PushSource, load, silence
from tests.ui.started import record

TWO = FIXTURES / "audio" / "two_speakers.flac"
CLAIMS = ["Built the nightly evaluation harness with 1,800 questions",
          "Cut p95 retrieval latency from 900 ms to 200 ms",
          "Led the on-call rotation for the ranking service"]


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def env(data_dir):
    store = Store(data_dir.db_path)
    kit = load_kit()
    cand = store.get_or_create_candidate("Zoë Ðặng")
    store.add_claims(cand, [{"text": t} for t in CLAIMS])
    yield store, kit, cand
    store.close()


@pytest.fixture
def live(qtbot, env, data_dir, transcriber, settings):
    store, kit, cand = env
    src = PushSource("mic")

    def factory(listener):
        return LiveSession(store=store, data_dir=data_dir, transcriber=transcriber, tracks=[Track(src, "mic")],
                           spec=SessionSpec(candidate="Zoë Ðặng", consent="verbal", evaluator="Ada",
                                            candidate_id=cand), listener=listener, free_bytes=lambda p: 10**12,
                           pace=Pace(adaptive=False))

    win = LiveWindow(store=store, kit=kit, candidate_id=cand, candidate="Zoë Ðặng", evaluator="Ada",
                     session_factory=factory, settings=settings)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    win.src = src
    yield win
    # Not handed to qtbot.addWidget: closing a recording window saves first, so the test waits for that.
    win.close()
    qtbot.waitUntil(lambda: win.state in ("idle", "stopped"), timeout=30_000)
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=5000)
    win.deleteLater()


def test_empty_states_before_recording(live):
    assert live.rec_indicator.text() == "● NOT RECORDING"
    assert live.transcript.text.document().isEmpty()
    assert "Record" in live.transcript.text.placeholderText()
    assert live.evidence.count() == 0
    assert live.claims_list.count() == 3
    assert live.prompts.count() >= 3


def test_keys_tag_evidence_with_range_criterion_claim_and_probe(qtbot, live, env):
    store = env[0]
    record(qtbot, live)
    assert live.state == "recording"
    assert live.rec_indicator.text() == "● REC"
    live.src.push(silence(30.0))
    live.claims_list.setCurrentRow(1)
    live.prompts.setCurrentRow(0)
    qtbot.keyClick(live, Qt.Key.Key_A)
    asked = live.last_probe
    assert asked is not None
    assert store.probe_asks(live.session_id)[0]["probe_key"] == asked.key
    qtbot.keyClick(live, Qt.Key.Key_2)
    [ev] = store.evidence(live.session_id)
    assert ev.criterion == "judgment"
    assert ev.end == pytest.approx(30.0)
    assert ev.start == pytest.approx(10.0)
    assert ev.claim_id == store.claims(env[2])[1].id
    assert ev.probe_id == asked.key
    assert ev.polarity == "supports"
    assert live.evidence.count() == 1
    assert live.evidence.item(0).text().startswith("00:10")
    # Shift flips polarity to concern; the window is configurable.
    live.window_spin.setValue(5)
    qtbot.keyClick(live, Qt.Key.Key_3, Qt.KeyboardModifier.ShiftModifier)
    evs = store.evidence(live.session_id)
    concern = [e for e in evs if e.polarity == "concern"]
    assert len(concern) == 1
    assert concern[0].criterion == "failure-archaeology"
    assert concern[0].start == pytest.approx(25.0)
    # Ctrl+Z removes the last tag, Ctrl+Shift+Z puts it back.
    qtbot.keyClick(live, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [e.polarity for e in store.evidence(live.session_id)] == ["supports"]
    assert live.evidence.count() == 1
    qtbot.keyClick(live, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(store.evidence(live.session_id)) == 2


def test_spoken_consent_moment_is_kept_with_the_consent_record_and_undoes(qtbot, live, env):
    store = env[0]
    record(qtbot, live)
    live.src.push(silence(12.0))
    qtbot.keyClick(live, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    [consent] = store.consents(live.session_id)
    assert consent["method"] == "verbal"
    assert (consent["spoken_start"], consent["spoken_end"]) == (0.0, pytest.approx(12.0))
    assert "Spoken consent kept" in live.statusBar().currentMessage()
    assert store.evidence(live.session_id) == []  # a consent moment is not evidence
    qtbot.keyClick(live, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.consents(live.session_id)[0]["spoken_start"] is None
    assert any(e["action"] == "consent.spoken" for e in store.audit_entries(consent["id"]))


def test_tagging_before_recording_does_nothing(qtbot, live, env):
    qtbot.keyClick(live, Qt.Key.Key_1)
    assert env[0].t("evidence").count == 0
    assert "Start recording" in live.statusBar().currentMessage()


def test_claim_status_by_key_and_click_with_undo(qtbot, live, env):
    store, _, cand = env
    live.claims_list.setCurrentRow(0)
    qtbot.keyClick(live, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    assert store.claims(cand)[0].status == "verified"
    assert live.claims_list.item(0).text().startswith("●")
    live.status_buttons["contradicted"].click()
    assert store.claims(cand)[0].status == "contradicted"
    live.undo.undo()
    assert store.claims(cand)[0].status == "verified"
    history = [e for e in store.audit_entries(store.claims(cand)[0].id) if e["action"] == "claim.status"]
    assert len(history) == 3


@pytest.mark.slow
def test_transcript_follows_then_stops_when_scrolled_up(qtbot, live):
    record(qtbot, live)
    audio = load(TWO)
    live.src.push(audio)
    live.src.push(silence(1.0))
    qtbot.waitUntil(lambda: len(live.transcript.lines) >= 6, timeout=60_000)
    bar = live.transcript.text.verticalScrollBar()
    live.transcript.text.resize(400, 120)
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5000)
    assert bar.value() == bar.maximum()
    assert live.transcript.following
    bar.setValue(0)  # the user scrolls up to re-read
    assert not live.transcript.following
    assert live.transcript.jump.isVisibleTo(live)
    live.src.push(audio[: 8 * SAMPLE_RATE])
    live.src.push(silence(1.0))
    n = len(live.transcript.lines)
    qtbot.waitUntil(lambda: len(live.transcript.lines) > n, timeout=60_000)
    assert bar.value() == 0  # did not jump away from what the user is reading
    qtbot.keyClick(live, Qt.Key.Key_End)
    assert live.transcript.following
    assert bar.value() == bar.maximum()
    assert not live.transcript.jump.isVisibleTo(live)


def test_settings_are_restored(qtbot, env, settings, data_dir, transcriber):
    store, kit, cand = env

    def make():
        w = LiveWindow(store=store, kit=kit, candidate_id=cand, candidate="Z", evaluator="Ada",
                       session_factory=lambda listener: None, settings=settings)
        qtbot.addWidget(w)
        return w

    first = make()
    first.resize(701, 503)
    first.split.setSizes([200, 300, 600])
    first.window_spin.setValue(35)
    sizes = first.split.sizes()
    first.close()
    second = make()
    assert second.size().width() == 701
    assert second.size().height() == 503
    assert second.split.sizes() == sizes
    assert second.window_spin.value() == 35


@pytest.mark.slow
def test_no_thread_left_running_after_close(qtbot, live):
    record(qtbot, live)
    live.src.push(load(TWO)[: 10 * SAMPLE_RATE])
    assert any(t.name.startswith("transcribe") for t in threading.enumerate())
    live.close()  # closing while recording saves first, then closes
    qtbot.waitUntil(lambda: live.state == "stopped", timeout=30_000)
    qtbot.waitUntil(lambda: not live.isVisible(), timeout=5000)
    assert wait_for_threads(timeout=10) == []
    assert live.store.session(live.session_id).status == "complete"


def test_help_lists_every_shortcut(qtbot, live):
    qtbot.keyClick(live, Qt.Key.Key_F1)
    table = live.help.table
    actions = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert actions["Record"] == "Ctrl+R"
    assert any(k.startswith("Tag evidence") and v == "1" for k, v in actions.items())
    assert any(k.startswith("Tag concern") for k in actions)
    assert "Ctrl+Z" in actions["Undo"]
    assert actions["Write a note"] == "Ctrl+N"
    live.help.close()


def test_note_is_timestamped_and_focus_returns(qtbot, live, env):
    record(qtbot, live)
    live.src.push(silence(12.0))
    qtbot.keyClick(live, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert live.note.hasFocus()
    qtbot.keyClicks(live.note, "asked about 123")
    qtbot.keyClick(live.note, Qt.Key.Key_Return)
    [ev] = env[0].evidence(live.session_id)
    assert ev.note == "asked about 123"
    assert ev.criterion is None
    assert ev.start == pytest.approx(12.0)
    assert live.transcript.text.hasFocus()


def test_consent_gate_in_setup(qtbot, settings):
    dlg = SetupDialog(settings=settings, devices=[("Test mic", "file:/dev/null")])
    qtbot.addWidget(dlg)
    dlg.candidate.setText("Zoë")
    dlg.evaluator.setText("Ada")
    assert not dlg.start_btn.isEnabled()
    assert "consent" in dlg.why.text()
    dlg.verbal.setChecked(True)
    assert not dlg.start_btn.isEnabled()
    dlg.agreed.setChecked(True)
    assert dlg.start_btn.isEnabled()
    dlg.claims.setPlainText("Built a thing\n\n- Shipped another thing\n")
    result = dlg.result_value()
    assert result.consent == "verbal"
    assert [c["text"] for c in result.claims] == ["Built a thing", "Shipped another thing"]


def test_claim_ledger_editing_with_undo(qtbot, live, env):
    store, _, cand = env

    def texts():
        return [c.text for c in store.claims(cand)]

    live.claims_list.setCurrentRow(0)
    live.add_claim("Wrote the incident runbook")
    assert texts()[1] == "Wrote the incident runbook"
    assert live.claims_list.count() == 4
    live.edit_claim("Wrote the on-call runbook")
    assert texts()[1] == "Wrote the on-call runbook"
    qtbot.keyClick(live, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert texts()[0] == "Wrote the on-call runbook"
    live.undo.undo()
    live.undo.undo()
    live.undo.undo()
    assert texts() == CLAIMS
    live.claims_list.setCurrentRow(2)
    qtbot.keyClick(live, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert texts() == CLAIMS[:2]
    live.undo.undo()
    assert texts() == CLAIMS
    live.claims_list.setCurrentRow(0)
    live.split_claim(["Built the nightly evaluation harness", "It has 1,800 questions"])
    assert texts()[:2] == ["Built the nightly evaluation harness", "It has 1,800 questions"]
    live.merge_claim()
    assert len(texts()) == 3


def test_pin_and_write_own_probe(qtbot, live, env, tmp_path):
    store, _, cand = env
    saved = []
    live.save_probe_to_kit = lambda crit, text, topics: saved.append((crit, text)) or "my-kit.toml"
    live.claims_list.setCurrentRow(1)
    live.prompts.setCurrentRow(2)
    chosen = live.prompt_items[2]
    qtbot.keyClick(live, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert live.prompt_items[0].source == "pinned"
    assert live.prompt_items[0].text == chosen.text
    assert live.prompts.item(0).text().startswith("📌")
    assert sum(p.text == chosen.text for p in live.prompt_items) == 1
    live.write_probe("What did the p95 look like at peak traffic?", "claim-verification", save_to_kit=True)
    claim_id = store.claims(cand)[1].id
    assert [p["text"] for p in store.claim_probes(claim_id)][-1] == "What did the p95 look like at peak traffic?"
    assert saved == [("claim-verification", "What did the p95 look like at peak traffic?")]
    live.claims_list.setCurrentRow(0)
    assert all(p.source != "pinned" for p in live.prompt_items)


def test_your_claims_failure_story_and_scenario_card(qtbot, env, data_dir, transcriber, settings):
    from interviewer.notes import panel

    store, kit, cand = env
    src = PushSource("mic")
    first_claim = store.claims(cand)[0].id

    def factory(listener):
        return LiveSession(store=store, data_dir=data_dir, transcriber=transcriber, tracks=[Track(src, "mic")],
                           spec=SessionSpec(candidate="Zoë Ðặng", consent="verbal", evaluator="Ada",
                                            candidate_id=cand), listener=listener, free_bytes=lambda p: 10**12,
                           pace=Pace(adaptive=False))

    win = LiveWindow(store=store, kit=kit, candidate_id=cand, candidate="Zoë Ðặng", evaluator="Ada",
                     session_factory=factory, settings=settings, your_claims=lambda: {first_claim})
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5000)
    try:
        assert "★" in win.claims_list.item(0).text()
        assert "★" not in win.claims_list.item(1).text()
        record(qtbot, win)
        src.push(silence(20.0))
        qtbot.keyClick(win, Qt.Key.Key_3)  # failure-archaeology evidence
        assert len(store.evidence(win.session_id)) == 1, win.statusBar().currentMessage()
        fp = win.failure_panel
        fp.fields["what_broke"].setText("the ticket model degraded")
        fp.save("what_broke")
        assert "Still missing" in fp.status.text()
        for key in ("detection", "own_role", "fix"):
            fp.fields[key].setText("x")
            fp.save(key)
        [story] = panel.failure_stories(store, win.session_id)
        assert story["concrete"]
        assert story["evidence_ids"]
        assert "Concrete so far" in fp.status.text()
        sp = win.scenario_panel
        sp.list.setCurrentRow(0)
        qtbot.keyClick(win, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        assert sp.card is not None
        assert sp.card.isVisible()
        src.push(silence(5.0))
        win.activateWindow()
        win.tag(3, "supports")  # tagged while the card is open
        sp.ticks.item(0).setCheckState(Qt.CheckState.Checked)
        sp.card.close()
        [use] = panel.scenario_uses(store, win.session_id)
        assert use["closed_s"] is not None
        assert len(use["evidence"]) == 1
        assert use["ticks"][0]["evidence_id"] == use["evidence"][0]
    finally:
        win.close()
        qtbot.waitUntil(lambda: win.state in ("idle", "stopped"), timeout=30_000)
        win.deleteLater()


def test_edit_a_prompt_pins_the_new_words(qtbot, live, env):
    store, _, cand = env
    live.claims_list.setCurrentRow(0)
    live.prompts.setCurrentRow(1)
    original = live.prompt_items[1]
    live.edit_prompt("In your own words: what was the baseline?")
    assert live.prompt_items[0].text == "In your own words: what was the baseline?"
    assert live.prompt_items[0].source == "pinned"
    assert all(p.text != original.text for p in live.prompt_items)
    [row] = store.claim_probes(store.claims(cand)[0].id)
    assert row["source_key"] == original.key


@pytest.mark.slow
def test_revised_segments_replace_their_lines(qtbot, live):
    base = live.session_factory

    def marked(listener):
        session = base(listener)
        session.transcriber = MarkedSecondPass(session.transcriber)
        return session

    live.session_factory = marked
    revised: list[str] = []
    live.bridge.revised.connect(lambda seg_id, seg: revised.append(seg_id))
    record(qtbot, live)
    live.src.push(load(TWO)[: 14 * SAMPLE_RATE])
    live.src.push(silence(2.5))  # a pause: the second pass runs
    qtbot.waitUntil(lambda: len(live.transcript.lines) >= 2 and len(revised) >= len(live.transcript.lines),
                    timeout=90_000)
    lines = live.transcript.text.toPlainText().splitlines()
    assert len(lines) == len(live.transcript.lines)  # replaced, not appended
    assert all(line.endswith("zebra") for line in lines), lines
    assert all(seg.text.endswith("zebra") for seg in live.transcript.lines)
    stored = live.store.segment_rows(live.session_id)
    assert [r["text"] for r in stored] == [seg.text for seg in live.transcript.lines]
    qtbot.keyClick(live, Qt.Key.Key_1)  # evidence over the last seconds quotes the revised words
    assert "zebra" in live.store.evidence(live.session_id)[0].quote


@pytest.mark.parametrize("screen", [(1280, 800), (1366, 768), (1440, 900), (1280, 720)])
def test_the_window_fits_a_laptop_screen(live, screen):
    """It could not be narrowed below 1524 px: a long pane title, the scenario and failure-story labels and
    the coverage strip each set a minimum width. Now it fits 1280×720 and takes any size above its minimum."""
    hint = live.minimumSizeHint()
    assert hint.width() <= 1024
    assert hint.height() <= 600
    live.resize(*screen)
    assert (live.width(), live.height()) == screen
    # the three panes share the width: none is squeezed shut
    assert all(size > 150 for size in live.split.sizes())


def test_the_empty_transcript_says_what_is_happening(qtbot, live):
    """It said "Press Record (Ctrl+R) to start" while recording."""
    assert "Press Record" in live.transcript.text.placeholderText()
    record(qtbot, live)
    assert live.state == "recording"
    assert "Press Record" not in live.transcript.text.placeholderText()
    assert "Recording" in live.transcript.text.placeholderText()
    qtbot.keyClick(live, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert "Paused" in live.transcript.text.placeholderText()


def test_after_stop_the_window_opens_the_review(qtbot, live, env):
    """After Stop nothing led to the review: now a button and Ctrl+Shift+R open the saved session."""
    opened: list[str] = []
    live.open_review = opened.append
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    record(qtbot, live)
    live.src.push(silence(3.0))
    qtbot.keyClick(live, Qt.Key.Key_R, ctrl_shift)
    assert opened == []  # still recording: nothing to review yet
    assert not live.review_btn.isVisible()
    saving = threading.Event()  # the device's stop is held until the key below was pressed: however fast
    real_stop = live.src.stop    # or slow the machine, the key comes while the session is being saved

    def held_stop() -> None:
        saving.wait(30)
        real_stop()

    live.src.stop = held_stop
    live.stop()
    assert live.state == "stopping"  # saved off the UI thread
    qtbot.keyClick(live, Qt.Key.Key_R, ctrl_shift)  # pressed while saving: the review opens once saved
    assert opened == [] and live.state == "stopping"
    saving.set()
    qtbot.waitUntil(lambda: live.state == "stopped", timeout=30_000)
    assert opened == [live.session_id]
    opened.clear()
    assert live.review_btn.isVisible()
    assert "Open review (Ctrl+Shift+R)" in live.statusBar().currentMessage()
    qtbot.keyClick(live, Qt.Key.Key_R, ctrl_shift)
    assert opened == [live.session_id]
    live.review_btn.click()
    assert opened == [live.session_id] * 2


def answer_close_question(qtbot, live, button: str) -> None:
    """Click `button` of the question the window asks when it is closed while recording."""
    def answer() -> None:
        box = live.close_question
        assert box is not None and box.isVisible(), "no question was asked"
        next(b for b in box.buttons() if b.text().replace("&", "") == button).click()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, lambda: qtbot.waitUntil(lambda: live.close_question is not None, timeout=5000) or answer())


def test_closing_while_recording_asks_first(qtbot, live, env):
    """Closing the window while recording did not ask: now Keep recording (the default) or Save and close."""
    store = env[0]
    record(qtbot, live)
    live.src.push(silence(3.0))
    answer_close_question(qtbot, live, "Keep recording")
    qtbot.keyClick(live, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert live.state == "recording"
    assert live.isVisible()
    live.activateWindow()  # the question had the focus
    qtbot.waitUntil(live.isActiveWindow, timeout=5000)
    answer_close_question(qtbot, live, "Save and close")
    qtbot.keyClick(live, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not live.isVisible(), timeout=30_000)
    assert store.session(live.session_id).status != "recording"


def test_the_demo_says_what_its_script_did(qtbot, data_dir, transcriber, settings):
    """The demo's scripted evidence and claim statuses appeared as if the person had made them."""
    from interviewer import app as root
    from interviewer.live import demo

    services = root.build_services(data_dir)
    store = services.open_store()
    window = root.open_demo_window(services, store, transcriber, settings=settings)
    qtbot.addWidget(window)
    try:
        assert window.demo_notice.isVisibleTo(window)
        assert "demo's script" in window.demo_notice.text()
        cand = store.find_candidate(demo.CANDIDATE)
        sid = store.create_session(candidate_id=cand.id, role_id=None, kit_id=None, evaluator=demo.EVALUATOR)
        window.demo_tagger.start(sid)
        window.session_id = sid
        assert window.demo_tagger.due(60.0) == 3  # the three claim-verification tags of the first minute
        window.tag(1, "concern")  # the person's own key: not labelled
        window.reload_evidence()
        window.reload_claims()
        texts = [window.evidence.item(i).text() for i in range(window.evidence.count())]
        assert sum("tagged by the demo script" in t for t in texts) == 3
        assert len(texts) == 4
        own = [t for t in texts if "concern Judgment" in t]
        assert own and "demo script" not in own[0]
        claims = [window.claims_list.item(i).text() for i in range(window.claims_list.count())]
        settled = [t for t in claims if "set by the demo script" in t]
        assert settled and len(settled) == len(window.demo_tagger.settled)
    finally:
        window.close()
        store.close()



def test_controls_keep_the_window_font_under_the_app_style_sheet(qtbot, env, settings):
    """The app's style sheet (a visible focus mark, set before any window opens) stopped the lists, buttons and
    fields inheriting the live window's 12 pt font: they fell back to the default size, hard to read."""
    from PySide6.QtWidgets import QApplication

    from interviewer.ui.style import FOCUS_STYLE

    store, kit, cand = env
    app = QApplication.instance()
    old = app.styleSheet()
    app.setStyleSheet(old + FOCUS_STYLE)
    try:
        win = LiveWindow(store=store, kit=kit, candidate_id=cand, candidate="Zoë Ðặng", evaluator="Ada",
                         session_factory=lambda _listener: None, settings=settings)
        qtbot.addWidget(win)
        for w in (win.claims_list, win.prompts, win.evidence, win.note, win.record_btn, win.window_spin):
            assert w.font().pointSize() == 12, type(w).__name__
    finally:
        app.setStyleSheet(old)


def test_a_microphone_line_dropped_as_the_calls_echo_leaves_the_transcript_and_the_quote(qtbot, scripted):
    from interviewer.core.transcript import Segment, Word

    def said(start: float, text: str, speaker: str) -> Segment:
        words = text.split()
        return Segment(start, start + len(words) * 0.4, text, speaker,
                       tuple(Word(start + i * 0.4, start + (i + 1) * 0.4, " " + w, 0.9) for i, w in enumerate(words)))

    win = scripted
    win.script.commit(said(0.5, "Tell me about the outage.", "mic"))
    echo = win.script.commit(said(3.0, "We lost the primary at night.", "mic"))  # the mic hears the speakers
    qtbot.waitUntil(lambda: len(win.transcript.lines) == 2)
    win.script.elapsed_s = 6.0
    qtbot.keyClick(win, Qt.Key.Key_2)
    win.script.commit(said(3.1, "We lost the primary at night.", "call"))  # the call's own copy
    win.script.drop_echo(echo)
    qtbot.waitUntil(lambda: len(win.transcript.lines) == 2 and win.transcript.lines[-1].speaker == "call")
    shown = win.transcript.text.toPlainText()
    assert shown.count("We lost the primary at night.") == 1
    assert "call: We lost the primary at night." in shown
    assert [s.speaker for s in win.transcript.lines] == ["mic", "call"]
    [ev] = win.store.evidence(win.session_id)
    assert ev.quote.count("We lost the primary") == 1  # the quote holds the line once, not its echo too
    assert ev.quote == "Tell me about the outage. We lost the primary at night."
    assert win.evidence.item(0).text().count("We lost the primary") == 1
