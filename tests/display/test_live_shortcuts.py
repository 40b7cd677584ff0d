"""Every shortcut of the live window typed on a real keyboard (US and German layouts): each does what it says
(checked in the store or by the window it opens), each dialog it opens fits a 1366×768 screen, and Qt never
reports an ambiguous shortcut."""

from __future__ import annotations

import pytest

from interviewer.live import demo
from interviewer.notes import panel
from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.store.database import Store
from interviewer.notes.store.records import ClaimRecord, SessionListing
from tests.display.conftest import SCREEN, Display
from tests.display.test_live_journey import LIVE_TITLE, recording

# Shortcut → the title of the dialog it opens (closed again with Escape).
DIALOGS = [
    ("F1", "^Keyboard shortcuts$"),
    ("question", "^Keyboard shortcuts$"),
    ("Insert", "^Add a claim$"),
    ("F2", "^Edit the claim$"),
    ("ctrl+shift+x", "^Split the claim$"),
    ("ctrl+shift+e", "^Edit the prompt$"),
    ("ctrl+shift+w", "^Write your own probe$"),
]
# Shortcuts with nothing to check but the absence of complaints (they move a selection or the view).
MOVES = ["ctrl+Down", "ctrl+Up", "alt+Down", "alt+Up", "End", "bracketleft"]


def session(store: Store) -> SessionListing:
    return store.sessions()[-1]


def last_claim(store: Store) -> ClaimRecord:
    cand = store.find_candidate(demo.CANDIDATE)
    assert cand is not None
    return store.claims(cand.id)[-1]


def fits(display: Display, window: str) -> None:
    width, height = display.size(window)
    assert width <= SCREEN[0]
    assert height <= SCREEN[1]


@pytest.mark.parametrize("keyboard", ["us", "de"])
def test_every_live_shortcut_on_a_real_keyboard(display, layout, launch, keyboard):
    layout(keyboard)
    app = launch("demo")
    window = display.wait_for_window(LIVE_TITLE)
    app.wait_store(recording, "the demo session to start recording")
    with app.store() as store:  # the demo script settles some claims itself; the last is not one of them
        scripted = [t["claim"].lower() for t in demo.scripted_tags() if t.get("claim")]
        assert not any(c in last_claim(store).text.lower() for c in scripted)
    display.wait_painted(window)
    display.activate(window)

    for key, title in DIALOGS:
        display.key(key)
        dialog = display.wait_for_window(title)
        display.wait_painted(dialog)
        fits(display, dialog)
        display.screenshot(f"{keyboard}-{key}")
        display.key("Escape")
        display.wait_gone(title)
        display.activate(window)

    card = panel.scenarios(load_kit())[0]["title"]
    display.key("ctrl+shift+c")
    shown = display.wait_for_window(f"^{card}$")
    fits(display, shown)
    display.key("Escape")
    display.wait_gone(f"^{card}$")
    display.activate(window)

    display.key(*MOVES)
    display.key(*["bracketright"] * 12)  # to the last claim (the list stops there)
    display.key("alt+v")
    app.wait_store(lambda s: last_claim(s).status == "verified", "Alt+V to mark the last claim verified")
    display.key("ctrl+z")
    app.wait_store(lambda s: last_claim(s).status == "unprobed", "Ctrl+Z to undo the claim status")

    display.key("a")
    app.wait_store(lambda s: s.probe_asks(session(s).id), "A to mark the selected prompt asked")
    display.key("ctrl+shift+k")
    app.wait_store(lambda s: any(c["spoken_start"] is not None for c in s.consents(session(s).id)),
                   "Ctrl+Shift+K to keep the spoken consent")
    display.key("ctrl+n")
    display.type("asked about the cache")
    display.key("Return")
    app.wait_store(lambda s: any(e.note == "asked about the cache" for e in s.evidence(session(s).id)),
                   "Ctrl+N, a note and Enter to save the note")

    display.key("ctrl+p")
    app.wait_store(lambda s: session(s).status == "paused", "Ctrl+P to pause")
    display.key("ctrl+p")
    app.wait_store(lambda s: session(s).status == "recording", "Ctrl+P to resume")
    display.key("ctrl+period")
    app.wait_store(lambda s: session(s).status == "complete", "Ctrl+. to stop and save", timeout=180)

    display.wait_painted(window)
    display.key("ctrl+shift+r")
    review = display.wait_for_window("^Review — ")
    display.wait_painted(review)
    fits(display, review)
    display.screenshot(f"{keyboard}-review-from-live")

    assert app.quit() == 0
    app.assert_clean_stderr()
