"""Recording through a real audio device: PulseAudio with a null sink, a fixture played into it with
paplay, recorded from the sink's monitor through PortAudio (sounddevice) by `interviewer record`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest
import soundfile as sf

from tests.conftest import JFK, JFK_TEXT, ROOT, wer

SINK = "interviewer_test"


@pytest.fixture(scope="module")
def pulse(tmp_path_factory):
    """A private PulseAudio server with a null sink; its environment for clients."""
    for tool in ("pulseaudio", "pactl", "paplay"):
        assert shutil.which(tool), f"{tool} is missing: install pulseaudio and pulseaudio-utils"
    runtime = tmp_path_factory.mktemp("pulse")
    env = {**os.environ, "PULSE_RUNTIME_PATH": str(runtime), "XDG_RUNTIME_DIR": str(runtime),
           "PULSE_STATE_PATH": str(runtime), "HOME": str(runtime)}
    log = (runtime / "pulse.log").open("w")
    server = subprocess.Popen(
        ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "--disable-shm=yes",
         "--load=module-native-protocol-unix", f"--load=module-null-sink sink_name={SINK} rate=16000",
         "--log-target=stderr"],
        env=env, stdout=subprocess.DEVNULL, stderr=log, text=True)
    deadline = time.monotonic() + 20
    while subprocess.run(["pactl", "info"], env=env, capture_output=True, check=False).returncode != 0:
        assert server.poll() is None, (runtime / "pulse.log").read_text()
        assert time.monotonic() < deadline, "PulseAudio did not start"
        time.sleep(0.1)
    yield env
    server.terminate()
    server.wait(timeout=10)
    log.close()


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
    segments = [x for x in lines if x.get("final")]
    assert segments, err
    assert all(s["speaker"] == "pulse" for s in segments)
    assert wer(JFK_TEXT, " ".join(s["text"] for s in segments)) <= 0.15
    stop = lines[-1]
    assert stop["event"] == "stop"
    assert stop["duration_s"] >= 14
    [audio] = (tmp_path / "data" / "audio").glob("*.wav")
    assert sf.info(str(audio)).frames >= 14 * 16000
