"""A private PulseAudio server with a null sink: a real audio device for tests on a machine without one.

Used by the device test (recording from the sink's monitor through PortAudio) and by the UI tests
(QtMultimedia playback needs an output device, which a CI container does not have)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SINK = "interviewer_test"


@contextmanager
def pulse_server(runtime: Path) -> Iterator[dict[str, str]]:
    """Start the server in `runtime`; yield the environment a client needs to reach it."""
    for tool in ("pulseaudio", "pactl", "paplay"):
        assert shutil.which(tool), f"{tool} is missing: install pulseaudio and pulseaudio-utils"
    env = {**os.environ, "PULSE_RUNTIME_PATH": str(runtime), "XDG_RUNTIME_DIR": str(runtime),
           "PULSE_STATE_PATH": str(runtime), "HOME": str(runtime)}
    log_path = runtime / "pulse.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "--disable-shm=yes",
             "--load=module-native-protocol-unix", f"--load=module-null-sink sink_name={SINK} rate=16000",
             "--log-target=stderr"],
            env=env, stdout=subprocess.DEVNULL, stderr=log, text=True)
        try:
            deadline = time.monotonic() + 20
            while subprocess.run(["pactl", "info"], env=env, capture_output=True, check=False).returncode:
                assert server.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "PulseAudio did not start"
                time.sleep(0.1)
            yield env
        finally:
            server.terminate()
            server.wait(timeout=10)
