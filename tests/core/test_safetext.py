"""`interviewer.core.safetext`: user text printed without driving the terminal."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.core.safetext import cell, safe_text


def test_escapes_what_drives_a_terminal_and_keeps_the_rest():
    assert safe_text("Zoë Ðặng") == "Zoë Ðặng"
    assert safe_text("a\x1b]0;t\x07b") == "a\\x1b]0;t\\x07b"
    assert safe_text("one\ntwo\rthree\tfour") == "one\\ntwo\\rthree\\tfour"
    assert safe_text("x\u202ey\x9bz") == "x\\u202ey\\x9bz"
    assert safe_text("क्\u200dष") == "क्\u200dष"  # a joiner is part of the writing
    assert safe_text(None) == ""
    assert safe_text("para\none", newlines=True) == "para\none"


def test_limit_and_cells():
    assert safe_text("abcdef", limit=4) == "abc…"
    assert cell("a\nb", 6) == "a\\nb  "
    assert cell("x" * 30, 5) == "xxxxx"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_nothing_unsafe_survives(text):
    out = safe_text(text)
    assert all(ch.isprintable() or ch in "\u200c\u200d" or unicodedata.category(ch) == "Zs" for ch in out)
    assert "\n" not in out and "\x1b" not in out
