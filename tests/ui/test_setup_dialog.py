"""The setup dialog: no microphone (issue 21 #7), keyboard-only use (#8), consent wording and device names (#9)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QDialog

from interviewer.audio.devices import PortAudioDevices
from interviewer.ui.setup_dialog import SetupDialog
from tests.conftest import FIXTURES, JFK
from tests.fakes import FakeSoundDevice
from tests.ui.started import record


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def shown(qtbot, dlg):
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    dlg.activateWindow()
    qtbot.waitUntil(dlg.isActiveWindow, timeout=5000)
    return dlg


def listed(qtbot, dlg):
    """The device layer answered (it is asked off the UI thread)."""
    qtbot.waitUntil(lambda: dlg.listing is None or not dlg.listing.running, timeout=10_000)
    return dlg


def fill(dlg, method="verbal"):
    dlg.candidate.setText("Zoë Ðặng")
    dlg.evaluator.setText("Alex Tester")
    (dlg.verbal if method == "verbal" else dlg.written).setChecked(True)
    dlg.agreed.setChecked(True)


def test_no_microphone_is_said_in_the_dialog_and_recording_cannot_start(qtbot, settings, monkeypatch):
    """#7: showEvent printed a PortAudioError traceback, the meter stayed blank, Open interview stayed enabled."""
    monkeypatch.setitem(sys.modules, "sounddevice", FakeSoundDevice())  # PortAudio, on a machine with no input
    dlg = listed(qtbot, shown(qtbot, SetupDialog(settings=settings)))  # the default device layer
    fill(dlg)
    assert dlg.mic_note.text().startswith("No microphone found")
    assert not dlg.start_btn.isEnabled()
    assert "microphone" in dlg.why.text()
    # a recording replayed as the microphone still works
    dlg._add_file_item(f"file:{JFK}")
    assert dlg.start_btn.isEnabled()
    assert dlg.result_value().source == f"file:{JFK}"


def test_the_injected_device_layer_names_a_device_that_fails_to_open(qtbot, settings):
    layer = PortAudioDevices(sd=FakeSoundDevice(("USB Mic",)))
    dlg = listed(qtbot, shown(qtbot, SetupDialog(settings=settings, devices=layer)))
    fill(dlg)
    assert dlg.start_btn.isEnabled()  # the default input (the USB mic) opens
    dlg.device.addItem("Gone", "Gone")
    dlg.device.setCurrentIndex(dlg.device.count() - 1)
    # the device opens off the UI thread: its failure comes back as a sentence in the dialog
    qtbot.waitUntil(lambda: "'Gone'" in dlg.mic_note.text(), timeout=5000)
    assert not dlg.start_btn.isEnabled()


def test_record_without_a_microphone_names_the_device_and_the_problem(qtbot, data_dir, monkeypatch):
    """#7: Ctrl+R said only "Error querying device -1"."""
    from PySide6.QtWidgets import QMessageBox

    from interviewer import app
    from interviewer.notes.prompts.kits import load_kit
    from interviewer.notes.store.database import Store

    monkeypatch.setitem(sys.modules, "sounddevice", FakeSoundDevice())
    said = []
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda parent, title, text: said.append(text)))
    services = app.build_services(data_dir)
    store = Store(data_dir.db_path)
    try:
        cand = store.get_or_create_candidate("Zoë Ðặng")
        live = app.open_live_window(services, store, None, kit=load_kit(), kit_id=None, candidate_id=cand,
                                    candidate="Zoë Ðặng", role=None, evaluator="Alex Tester", consent="verbal",
                                    sources=[("default", "mic")])
        qtbot.addWidget(live)
        record(qtbot, live)
        assert live.state == "idle"
        [message] = said
        assert "system default input" in message and "no microphone found" in message.lower()
        assert "Error querying device -1" in message  # PortAudio's own words, after the sentence
    finally:
        store.close()


def test_keyboard_only_setup_tab_leaves_the_claims_and_enter_opens_the_interview(qtbot, settings):
    """#8: Tab inserted tabs in the claims box; Tab from consent skipped Open interview; Enter cancelled."""
    dlg = shown(qtbot, SetupDialog(settings=settings, devices=[("Test mic", f"file:{JFK}")]))
    qtbot.keyClicks(dlg.candidate, "Zoe")
    dlg.claims.setFocus()
    qtbot.keyClicks(dlg.claims, "Built a thing")
    qtbot.keyClick(dlg.claims, Qt.Key.Key_Tab)
    assert "\t" not in dlg.claims.toPlainText()
    assert not dlg.claims.hasFocus()
    dlg.evaluator.setText("Ada")
    dlg.verbal.setChecked(True)
    dlg.agreed.setFocus()
    qtbot.keyClick(dlg.agreed, Qt.Key.Key_Space)
    assert dlg.agreed.isChecked()
    qtbot.keyClick(dlg.agreed, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dlg.start_btn
    assert dlg.start_btn.isDefault() and not dlg.cancel_btn.isDefault()
    qtbot.keyClick(dlg.start_btn, Qt.Key.Key_Return)
    assert dlg.result() == QDialog.DialogCode.Accepted


def test_enter_in_a_field_opens_the_interview_not_cancel(qtbot, settings):
    dlg = shown(qtbot, SetupDialog(settings=settings, devices=[("Test mic", f"file:{JFK}")]))
    fill(dlg)
    dlg.candidate.setFocus()
    qtbot.keyClick(dlg.candidate, Qt.Key.Key_Return)
    assert dlg.result() == QDialog.DialogCode.Accepted


def test_focus_is_visible(qtbot, settings):
    dlg = shown(qtbot, SetupDialog(settings=settings, devices=[("Test mic", f"file:{JFK}")]))
    fill(dlg)
    for widget in (dlg.start_btn, dlg.claims, dlg.agreed):
        dlg.candidate.setFocus()
        qtbot.waitUntil(dlg.candidate.hasFocus, timeout=2000)
        before = widget.grab().toImage()
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus, timeout=2000)
        after = widget.grab().toImage()
        assert before != after, f"{widget.objectName() or type(widget).__name__} looks the same with focus"


def test_cancel_keeps_what_was_typed_for_the_next_open(qtbot, settings):
    draft: dict = {}
    dlg = shown(qtbot, SetupDialog(settings=settings, devices=[("Test mic", f"file:{JFK}")], draft=draft))
    qtbot.keyClicks(dlg.candidate, "Zoe Dang")
    dlg.claims.setPlainText("Built a thing")
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert dlg.result() == QDialog.DialogCode.Rejected
    again = shown(qtbot, SetupDialog(settings=settings, devices=[("Test mic", f"file:{JFK}")], draft=draft))
    assert again.candidate.text() == "Zoe Dang"
    assert again.claims.toPlainText() == "Built a thing"
    assert "Restored" in again.restored.text()
    fill(again)
    again.accept()
    assert draft == {}  # opened: nothing kept


def test_written_consent_is_not_read_aloud(qtbot, settings):
    """#9: written consent still asked to tick "I read this notice to the candidate"."""
    dlg = SetupDialog(settings=settings, devices=[("Test mic", f"file:{JFK}")])
    qtbot.addWidget(dlg)
    dlg.verbal.setChecked(True)
    assert "read this notice" in dlg.agreed.text()
    dlg.agreed.setChecked(True)
    dlg.written.setChecked(True)
    assert "read this notice" not in dlg.agreed.text() and "writing" in dlg.agreed.text()
    assert not dlg.agreed.isChecked()  # a different statement: confirmed again


def test_device_names_are_readable_and_the_choice_is_remembered(qtbot, settings):
    """#9: the list showed "[0] pulse" and "[1] default" and forgot the choice."""
    layer = PortAudioDevices(sd=FakeSoundDevice(("pulse", "default", "HDA Intel PCH: ALC257 Analog (hw:0,0)")))
    dlg = SetupDialog(settings=settings, devices=layer)
    qtbot.addWidget(dlg)
    listed(qtbot, dlg)
    labels = [dlg.device.itemText(i) for i in range(dlg.device.count())]
    assert labels == ["System default input", "PulseAudio sound server", "HDA Intel PCH: ALC257 Analog"]
    dlg.device.setCurrentIndex(2)
    fill(dlg)
    assert dlg.result_value().source == "HDA Intel PCH: ALC257 Analog (hw:0,0)"
    again = SetupDialog(settings=settings, devices=layer)
    qtbot.addWidget(again)
    listed(qtbot, again)
    assert again.device.currentText() == "HDA Intel PCH: ALC257 Analog"


def test_a_missing_kit_or_unreadable_resume_is_said_in_the_dialog(qtbot, settings, tmp_path):
    dlg = shown(qtbot, SetupDialog(settings=settings, devices=[("Test mic", f"file:{JFK}")]))
    fill(dlg)
    dlg.kit.setText(str(tmp_path / "gone.toml"))
    dlg.start_btn.click()
    assert dlg.isVisible() and dlg.result() != QDialog.DialogCode.Accepted
    assert "gone.toml" in dlg.why.text()
    folder = tmp_path / "resume.pdf"
    folder.mkdir()  # a folder where a resume should be: read fails with an OSError
    op = dlg.load_resume(folder)
    assert not dlg.start_btn.isEnabled()  # the claims are still being read: opening now would lose them
    qtbot.waitUntil(lambda: not op.running, timeout=10_000)
    assert "resume.pdf" in dlg.resume_note.text() and "Reading" not in dlg.resume_note.text()
    assert "da1e28" in dlg.resume_note.styleSheet()  # said as a problem
    dlg.kit.clear()
    dlg.start_btn.click()
    assert dlg.result() == QDialog.DialogCode.Accepted


def test_the_dialog_opens_without_waiting_for_the_device_layer(qtbot, settings):
    """Asking the hardware for its inputs can take a while (PortAudio's first start, a busy device): the dialog
    is up at once, says it is looking, and the list fills in when the answer comes."""
    import threading

    from interviewer.audio.sources import InputDevice

    release = threading.Event()

    class SlowLayer:
        def inputs(self):
            release.wait(10)
            return [InputDevice(index=0, name="USB Mic", channels=1, default_rate=48000)]

        def open(self, spec, *, name=""):
            return PortAudioDevices(sd=FakeSoundDevice(("USB Mic",))).open(spec, name=name)

    settings.setValue("setup/device", "USB Mic")  # the remembered choice comes back once it is listed
    dlg = shown(qtbot, SetupDialog(settings=settings, devices=SlowLayer()))
    assert dlg.listing.running and dlg.mic_note.text() == "Looking for microphones…"
    assert [dlg.device.itemText(i) for i in range(dlg.device.count())] == ["System default input"]
    release.set()
    listed(qtbot, dlg)
    assert dlg.device.currentText() == "USB Mic" and dlg.mic_note.text() == "Speak: the bar should move."


def test_setup_reads_a_french_resume_and_says_why_a_resume_has_no_claims(qtbot, settings, tmp_path):
    """(moved from test_live_window.py) The resume is read off the UI thread; the claims box fills when done."""
    dlg = SetupDialog(settings=settings, devices=[("Test mic", "file:/dev/null")])
    qtbot.addWidget(dlg)
    op = dlg.load_resume(FIXTURES / "resumes" / "french.md")
    qtbot.waitUntil(lambda: not op.running, timeout=10_000)
    assert len(dlg.claims.toPlainText().splitlines()) == 6
    assert dlg.resume_note.text() == "6 claims from french.md; edit them below."
    cv = tmp_path / "cv.txt"
    cv.write_text("Jane Doe\nSkills\nPython, SQL and the usual tools of the trade\n", encoding="utf-8")
    op = dlg.load_resume(cv)
    qtbot.waitUntil(lambda: not op.running, timeout=10_000)
    assert dlg.claims.toPlainText() == ""
    note = dlg.resume_note.text()
    assert note.startswith("cv.txt: no claims found:") and "by hand" in note
