"""Journey 1 on a real display: the demo's live window, tagged from a real keyboard on two layouts."""

from __future__ import annotations

from typing import Any

import pytest

from interviewer import demo
from interviewer.notes.store import Store

LIVE_TITLE = "^Interviewer — .* — Senior ML Engineer$"
# The demo script tags these moments itself; the tests look only at the evidence their keys made.
SCRIPTED = {(t["criterion"], t["polarity"], float(t["at"])) for t in demo.scripted_tags()}


def own_evidence(store: Store) -> list[dict[str, Any]]:
    sessions = store.sessions()
    if not sessions:
        return []
    rows = store.evidence(sessions[-1]["id"])
    return [r for r in rows if (r["criterion"], r["polarity"], float(r["end"])) not in SCRIPTED]


def tags(store: Store) -> list[tuple[str, str]]:
    return [(r["criterion"], r["polarity"]) for r in own_evidence(store)]


def recording(store: Store) -> bool:
    return any(s["status"] == "recording" for s in store.sessions())


@pytest.mark.parametrize("keyboard", ["us", "de"])
def test_demo_keys_tag_and_undo_on_a_real_keyboard(display, layout, launch, keyboard):
    """Shift+2 tags a concern for the second criterion, 1 a supporting tag for the first, Ctrl+Z undoes the
    last tag: checked in the store, on a US and a German layout (where Shift+2 types `@` and `"`)."""
    layout(keyboard)
    app = launch("demo")
    window = display.wait_for_window(LIVE_TITLE)
    app.wait_store(recording, "the demo session to start recording")
    display.activate(window)

    display.key("shift+2")
    app.wait_store(lambda s: ("judgment", "concern") in tags(s), "Shift+2 to tag a concern for Judgment")
    display.key("1")
    app.wait_store(lambda s: ("claim-verification", "supports") in tags(s),
                   "1 to tag supporting evidence for Claim verification")
    display.key("ctrl+z")
    app.wait_store(lambda s: tags(s) == [("judgment", "concern")], "Ctrl+Z to undo the last tag")
    display.screenshot(f"demo-tagged-{keyboard}")

    assert app.quit() == 0
    app.assert_clean_stderr()
