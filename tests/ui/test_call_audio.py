"""The call's audio in the setup dialog (issue 17, item 4): on macOS without a virtual device the dialog says how
to route a call through BlackHole; with one (or on Linux with an output monitor) "This computer's sound (the
call)" is offered as the second source and nothing more is said; on Linux without a monitor, one sentence."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from interviewer.audio.devices import PortAudioDevices
from interviewer.ui.setup_dialog import SetupDialog
from tests.fakes import FakeSoundDevice
from tests.pulse import SINK


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def opened(qtbot, settings, names, platform):
    dlg = SetupDialog(settings=settings, devices=PortAudioDevices(sd=FakeSoundDevice(names)), platform=platform)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    qtbot.waitUntil(lambda: dlg.call_note.looking.delivered, timeout=20_000)
    return dlg


def second_sources(dlg):
    return [dlg.device2.itemText(i) for i in range(dlg.device2.count())]


def test_on_a_mac_without_blackhole_the_dialog_says_how_to_route_the_call(qtbot, settings):
    dlg = opened(qtbot, settings, ("MacBook Pro Microphone",), "darwin")
    note = dlg.call_note
    assert note.isVisible()
    text = note.text()
    for step in ("BlackHole", "Audio MIDI Setup", "Multi-Output Device", "speakers", "second source"):
        assert step in text, step
    assert not any("the call" in s for s in second_sources(dlg))


def test_on_a_mac_with_blackhole_the_call_is_offered_and_nothing_more_is_said(qtbot, settings):
    dlg = opened(qtbot, settings, ("MacBook Pro Microphone", "BlackHole 2ch"), "darwin")
    assert not dlg.call_note.isVisible() and dlg.call_note.text() == ""
    assert "This computer's sound (the call): BlackHole 2ch" in second_sources(dlg)
    dlg.device2.setCurrentIndex(dlg.device2.findData("system"))
    dlg.candidate.setText("Zoe")
    dlg.evaluator.setText("Ada")
    dlg.verbal.setChecked(True)
    dlg.agreed.setChecked(True)
    assert dlg.result_value().source2 == "system"


def test_on_linux_with_an_output_monitor_nothing_new_is_said(qtbot, settings, audio_output):
    """The UI tests' private PulseAudio server (tests/ui/conftest.py) has a null sink: its monitor is the call."""
    dlg = opened(qtbot, settings, ("pulse",), "linux")
    assert not dlg.call_note.isVisible() and "BlackHole" not in dlg.call_note.text()
    assert f"This computer's sound (the call): {SINK}.monitor" in second_sources(dlg)


def test_on_linux_without_a_call_source_one_sentence_says_so(qtbot, settings, monkeypatch):
    monkeypatch.setenv("PULSE_SERVER", "unix:/nonexistent/native")
    dlg = opened(qtbot, settings, ("pulse",), "linux")
    assert dlg.call_note.isVisible()
    assert dlg.call_note.text().startswith("No source for the call's audio was found")
    assert "BlackHole" not in dlg.call_note.text()
