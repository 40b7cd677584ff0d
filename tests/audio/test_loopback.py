"""This computer's sound (the call) through a real PulseAudio server (issue 17, item 4): the default output's
monitor is found by itself, `interviewer devices` lists it, `--source2 system` records it, and the microphone's
echo of the call (no headphones: the mic hears the speakers) is not stored a second time."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile as sf

from interviewer.audio import loopback
from interviewer.audio.decode import decode_file
from interviewer.core.transcript import normalise_word
from tests.conftest import FIXTURES, JFK, ROOT
from tests.pulse import SINK, pulse_server

MIC_SINK = "interviewer_mic"
LJ = FIXTURES / "audio" / "lj050-0131.flac"
SR = 16000


@pytest.fixture(scope="module")
def pulse(tmp_path_factory):
    """A private PulseAudio server: its default output (the call) and a second sink playing the microphone."""
    with pulse_server(tmp_path_factory.mktemp("pulse")) as env:
        subprocess.run(["pactl", "load-module", "module-null-sink", f"sink_name={MIC_SINK}", "rate=16000"],
                       env=env, check=True, capture_output=True)
        subprocess.run(["pactl", "set-default-sink", SINK], env=env, check=True)
        yield env


@pytest.mark.device
def test_the_default_outputs_monitor_is_found(pulse):
    assert loopback.default_monitor(pulse) == f"{SINK}.monitor"
    subprocess.run(["pactl", "set-default-sink", MIC_SINK], env=pulse, check=True)
    try:
        assert loopback.default_monitor(pulse) == f"{MIC_SINK}.monitor"
    finally:
        subprocess.run(["pactl", "set-default-sink", SINK], env=pulse, check=True)
    assert loopback.default_monitor({"PATH": "/nonexistent"}) is None  # no pactl: nothing found, no error


@pytest.mark.device
def test_devices_lists_this_computers_sound(pulse):
    out = subprocess.run([sys.executable, "-m", "interviewer", "devices"], env=pulse, cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert f"[system] This computer's sound (the call): {SINK}.monitor" in out


def words(text: str) -> list[str]:
    return [w for w in (normalise_word(x) for x in text.split()) if w]


@pytest.mark.device
@pytest.mark.slow
def test_mic_plus_call_stores_no_duplicated_line(pulse, tmp_path):
    """The interviewer (JFK) speaks into the microphone; then the candidate (an LJ Speech reader) speaks on the
    call, which the speakers play and the microphone hears (an echo at half level, 80 ms late)."""
    jfk, lj = decode_file(JFK).samples, decode_file(LJ).samples
    pause = np.zeros(int(0.8 * SR), np.float32)
    lead = len(jfk) + len(pause)
    call = np.concatenate([np.zeros(lead, np.float32), lj, pause])
    delay = np.zeros(int(0.08 * SR), np.float32)
    mic = np.concatenate([jfk, pause, delay, 0.5 * lj, pause])[:len(call)]
    sf.write(tmp_path / "call.wav", call, SR, subtype="PCM_16")
    sf.write(tmp_path / "mic.wav", mic, SR, subtype="PCM_16")
    seconds = len(call) / SR + 1.5
    env = {**pulse, "PULSE_SOURCE": f"{MIC_SINK}.monitor", "PYTHONUNBUFFERED": "1"}
    rec = subprocess.Popen(
        [sys.executable, "-m", "interviewer", "record", "--source", "pulse", "--source2", "system",
         "--candidate", "Echo Test", "--consent", "verbal", "--seconds", f"{seconds:.1f}",
         "--data-dir", str(tmp_path / "data"), "--beam", "5"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        start = json.loads(rec.stdout.readline())
        assert start["event"] == "start"
        players = [subprocess.Popen(["paplay", "-d", sink, str(tmp_path / f"{name}.wav")], env=pulse)
                   for sink, name in ((MIC_SINK, "mic"), (SINK, "call"))]
        for p in players:
            assert p.wait(timeout=90) == 0
        out, err = rec.communicate(timeout=120)
    finally:
        if rec.poll() is None:
            rec.kill()
    assert rec.returncode == 0, err
    lines = [json.loads(x) for x in out.splitlines()]
    stop = lines[-1]
    assert stop["event"] == "stop"
    export = tmp_path / "session.json"
    subprocess.run([sys.executable, "-m", "interviewer", "export", start["session"], "--json", str(export),
                    "--data-dir", str(tmp_path / "data")], env=pulse, cwd=ROOT, check=True, capture_output=True)
    segments = json.loads(export.read_text())["segments"]
    said = {spk: " ".join(s["text"] for s in segments if s["speaker"] == spk) for spk in ("interviewer", "candidate")}
    # the call carries the candidate's words; the microphone the interviewer's
    assert {"frequent", "formal", "review"} <= set(words(said["candidate"])), said
    assert {"fellow", "americans", "country"} <= set(words(said["interviewer"])), said
    # ... and not the candidate's a second time: the echo the microphone heard was dropped
    echoed = set(words(said["interviewer"])) & {"system", "established", "frequent", "formal", "activities",
                                                  "thereunder", "regard"}
    assert not echoed, said
    assert stop["echoes_dropped"] >= 1


def test_the_platform_and_the_inputs_are_injectable():
    """A Mac's answer, tested anywhere: a virtual device among the inputs is the call; without one, the steps."""
    from interviewer.audio.sources import InputDevice

    mic = InputDevice(index=0, name="MacBook Pro Microphone", channels=1, default_rate=48000)
    hole = InputDevice(index=1, name="BlackHole 2ch", channels=2, default_rate=48000)
    assert loopback.find_system_audio("darwin", [mic]) is None
    assert loopback.find_system_audio("darwin", [mic, hole]) == loopback.SystemAudio("virtual", "BlackHole 2ch")
    steps = loopback.setup_help("darwin")
    assert "Audio MIDI Setup" in steps and "Multi-Output Device" in steps and "BlackHole" in steps
    assert "BlackHole" not in loopback.setup_help("linux") and "pactl" in loopback.setup_help("linux")
