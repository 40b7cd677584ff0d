"""Journey 1 on a real display: the demo's live window, tagged from a real keyboard on two layouts."""

from __future__ import annotations

import pytest

from interviewer.live import demo
from interviewer.notes.store.database import Store
from interviewer.notes.store.records import EvidenceRecord
from tests.display.conftest import wait_for

LIVE_TITLE = "^Interviewer — .* — Senior ML Engineer$"
CLOSE_QUESTION = "^Stop the interview\\?$"
# The demo script tags these moments itself; the tests look only at the evidence their keys made.
SCRIPTED = {(t["criterion"], t["polarity"], float(t["at"])) for t in demo.scripted_tags()}


def own_evidence(store: Store) -> list[EvidenceRecord]:
    sessions = store.sessions()
    if not sessions:
        return []
    rows = store.evidence(sessions[-1].id)
    return [r for r in rows if (r.criterion, r.polarity, float(r.end)) not in SCRIPTED]


def tags(store: Store) -> list[tuple[str, str]]:
    return [(r.criterion, r.polarity) for r in own_evidence(store)]


def recording(store: Store) -> bool:
    return any(s.status == "recording" for s in store.sessions())


# What a person presses for "Shift+2" and "1" on each layout, as xdotool key names: the digit row's second key
# with Shift, and its first key alone. US Shift+2 types "@", German '"', French "2"; French 1 alone types "&".
KEYS = {"us": ("shift+2", "1"), "de": ("shift+2", "1"), "fr": ("shift+eacute", "ampersand")}


@pytest.mark.parametrize("keyboard", list(KEYS))
def test_demo_keys_tag_and_undo_on_a_real_keyboard(display, layout, launch, keyboard):
    """Shift+2 tags a concern for the second criterion, 1 a supporting tag for the first, Ctrl+Z undoes the
    last tag: checked in the store, on US, German and French layouts. Before, US Shift+2 did nothing ("Ambiguous
    shortcut overload: @") and the French key 1 (which types "&") did nothing."""
    concern_key, supports_key = KEYS[keyboard]
    layout(keyboard)
    app = launch("demo")
    window = display.wait_for_window(LIVE_TITLE)
    app.wait_store(recording, "the demo session to start recording")
    display.wait_painted(window)
    display.activate(window)

    display.key(concern_key)
    app.wait_store(lambda s: ("judgment", "concern") in tags(s), f"{concern_key} to tag a concern for Judgment")
    display.key(supports_key)
    app.wait_store(lambda s: ("claim-verification", "supports") in tags(s),
                   f"{supports_key} to tag supporting evidence for Claim verification")
    display.key("ctrl+z")
    app.wait_store(lambda s: tags(s) == [("judgment", "concern")], "Ctrl+Z to undo the last tag")
    display.screenshot(f"demo-tagged-{keyboard}")

    assert app.quit() == 0
    app.assert_clean_stderr()


def test_live_window_fits_narrows_and_asks_before_closing_a_recording(display, launch):
    """At 1366×768 the window fits the screen and narrows to 1024×700 (it was 1524 px wide and would not
    narrow); closing it with the window manager (Alt+F4) while recording asks first: Escape keeps recording,
    Alt+S saves and closes."""
    app = launch("demo")
    window = display.wait_for_window(LIVE_TITLE)
    app.wait_store(recording, "the demo session to start recording")
    display.wait_painted(window)
    width, height = display.size(window)
    assert width <= 1366
    assert height <= 768
    display.screenshot("live-1366x768")
    display.run("xdotool", "windowsize", window, "1024", "700")
    wait_for(lambda: display.size(window) == (1024, 700), "the window to narrow to 1024×700", timeout=30)
    display.screenshot("live-1024x700")

    display.activate(window)
    display.key("alt+F4")
    question = display.wait_for_window(CLOSE_QUESTION)
    qw, qh = display.size(question)
    assert qw <= 1366
    assert qh <= 768
    display.screenshot("close-question")
    display.key("Escape")  # Keep recording, the default
    display.wait_gone(CLOSE_QUESTION)
    assert display.windows(LIVE_TITLE)
    with app.store() as store:
        assert recording(store)

    display.activate(window)
    display.key("alt+F4")
    display.wait_for_window(CLOSE_QUESTION)
    display.key("alt+s")  # Save and close
    display.wait_gone(LIVE_TITLE)
    # the last window closed: the app saves the recording and exits by itself
    wait_for(lambda: app.proc.poll() is not None, "the app to exit after its last window closed", timeout=180)
    assert app.quit() == 0
    with app.store() as store:
        assert store.sessions()[-1].status == "complete"
    app.assert_clean_stderr()


def test_logout_with_the_close_question_open_saves_and_quits(display, launch):
    """SIGTERM (logout, shutdown) while "Stop the interview?" is open: Qt cancelled the quit because of the
    question's nested event loop, and the app hung. Now the question is answered with its escape and the app
    saves the recording and exits."""
    app = launch("demo")
    window = display.wait_for_window(LIVE_TITLE)
    app.wait_store(recording, "the demo session to start recording")
    display.wait_painted(window)
    display.activate(window)
    display.key("alt+F4")
    display.wait_painted(display.wait_for_window(CLOSE_QUESTION))
    assert app.quit() == 0  # SIGTERM; SIGKILL only after 30 s
    with app.store() as store:
        assert store.sessions()[-1].status == "complete"
    app.assert_clean_stderr()
