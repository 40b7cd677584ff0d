"""Recording through a real audio device: PulseAudio with a null sink, a fixture played into it with
paplay, recorded from the sink's monitor through PortAudio (sounddevice) by `interviewer record`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import soundfile as sf

from tests.conftest import JFK, JFK_TEXT, ROOT, wer
from tests.pulse import SINK, pulse_server


@pytest.fixture(scope="module")
def pulse(tmp_path_factory):
    """A private PulseAudio server with a null sink; its environment for clients."""
    with pulse_server(tmp_path_factory.mktemp("pulse")) as env:
        yield env


@pytest.mark.device
@pytest.mark.slow
def test_record_from_a_real_device(pulse, tmp_path):
    wav = tmp_path / "jfk.wav"
    data, rate = sf.read(str(JFK), dtype="float32")
    sf.write(str(wav), data, rate, subtype="PCM_16")  # paplay paces WAV in real time
    env = {**pulse, "PULSE_SOURCE": f"{SINK}.monitor", "PYTHONUNBUFFERED": "1"}
    devices = subprocess.run([sys.executable, "-m", "interviewer", "devices"], env=env, cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    assert "pulse" in devices
    rec = subprocess.Popen(
        [sys.executable, "-m", "interviewer", "record", "--source", "pulse", "--candidate", "Device Test",
         "--consent", "verbal", "--seconds", "14", "--data-dir", str(tmp_path / "data"), "--beam", "5"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        start = json.loads(rec.stdout.readline())
        assert start["event"] == "start"
        subprocess.run(["paplay", "-d", SINK, str(wav)], env=pulse, check=True, timeout=60)
        out, err = rec.communicate(timeout=90)
    finally:
        if rec.poll() is None:
            rec.kill()
    assert rec.returncode == 0, err
    lines = [json.loads(x) for x in out.splitlines()]
    final: dict[str, dict] = {}  # by segment id: a "revised" line (second pass, catch-up) replaces its line
    for x in lines:
        if x.get("final"):
            final[x["id"]] = x
    segments = list(final.values())
    assert segments, err
    # first committed under the source's name; one source without --speaker is then told apart by voice
    # (issue 17): a revision of the same line may carry interviewer/candidate
    assert all(x["speaker"] == "pulse" for x in lines if x.get("final") and not x.get("revised"))
    assert all(s["speaker"] in ("pulse", "interviewer", "candidate") for s in segments)
    assert wer(JFK_TEXT, " ".join(s["text"] for s in segments)) <= 0.15
    stop = lines[-1]
    assert stop["event"] == "stop"
    assert stop["duration_s"] >= 14
    [audio] = (tmp_path / "data" / "audio").glob("*.wav")
    assert sf.info(str(audio)).frames >= 14 * 16000
