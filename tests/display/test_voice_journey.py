"""Record my voice on a real display (1366×768, openbox), from the keyboard: New interview → the evaluator's
name → Alt+V → Space records the evaluator reading (a real recording played into the sound server the
microphone listens to) → the voice profile is in the store; the dialog fits the screen."""

from __future__ import annotations

import subprocess

from interviewer.notes import panel
from tests.conftest import FIXTURES
from tests.display.conftest import SCREEN

EVALUATOR = "Grace Hopper"
VOICE = FIXTURES / "audio" / "evaluator_voice.flac"


def test_record_my_voice_from_the_keyboard(display, launch, microphone):
    app = launch(env=microphone)
    library = display.wait_for_window("^Interviewer — interviews$")
    display.wait_painted(library)
    display.activate(library)
    display.key("ctrl+n")
    setup = display.wait_for_window("^New interview$")
    display.wait_painted(setup)
    display.key("Tab", "Tab")  # candidate, role, then the evaluator
    display.type(EVALUATOR)
    display.screenshot("setup-dialog-evaluator")
    display.key("alt+v")
    voice = display.wait_for_window(f"^Voice profile — {EVALUATOR}$")
    display.wait_painted(voice)
    width, height = display.size(voice)
    assert width <= SCREEN[0] and height <= SCREEN[1] - 40, (width, height)
    display.screenshot("voice-dialog")
    display.key("space")  # Record: the button has the focus
    # The evaluator reads: played into the null sink whose monitor is the default input.
    subprocess.run(["paplay", "--device=interviewer_test", str(VOICE)], env={**display.env, **microphone},
                   check=True, timeout=120)
    display.screenshot("voice-dialog-recording")
    profile = app.wait_store(lambda s: panel.voice_profile(s, EVALUATOR), "the voice profile to be stored",
                             timeout=180)
    assert len(profile) == 256
    with app.store() as store:
        (grace,) = [e for e in panel.evaluators(store) if e["name"] == EVALUATOR]
        assert grace["voice_profile"]["seconds"] >= 10
    display.screenshot("voice-dialog-saved")
    display.key("Escape")  # closes the voice dialog; the setup dialog is still there
    display.wait_gone(f"^Voice profile — {EVALUATOR}$")
    assert display.windows("^New interview$")
    display.key("Escape")
    display.wait_gone("^New interview$")
    assert app.quit() == 0
    app.assert_clean_stderr()
