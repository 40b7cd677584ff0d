"""UI tests get a real audio output device (a private PulseAudio null sink) where the machine has none:
QtMultimedia playback in the review window is exercised for real, and Qt does not warn about a
missing device."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.pulse import pulse_server


@pytest.fixture(scope="session", autouse=True)
def audio_output(tmp_path_factory):
    if shutil.which("pulseaudio") is None:
        pytest.fail("pulseaudio is missing: `bash scripts/system-packages --check-or-install` installs it")
    with pulse_server(tmp_path_factory.mktemp("pulse-ui")) as env:
        server = f"unix:{env['PULSE_RUNTIME_PATH']}/native"
        old = os.environ.get("PULSE_SERVER")
        os.environ["PULSE_SERVER"] = server
        try:
            yield server
        finally:
            if old is None:
                os.environ.pop("PULSE_SERVER", None)
            else:
                os.environ["PULSE_SERVER"] = old
