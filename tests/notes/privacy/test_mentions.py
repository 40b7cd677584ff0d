"""Whether a text or a file name mentions a candidate: whole words, any case, JSON escapes, file-name spelling."""

from __future__ import annotations

import json

from interviewer.notes.privacy.mentions import Mentions, loose


def test_names_match_as_whole_words_in_any_case_and_as_json_escapes():
    m = Mentions([], ["Zoë Ðặng"])
    assert m(f"notes on {'Zoë Ðặng'.upper()}.")
    assert m(json.dumps({"who": "Zoë Ðặng"}))  # ensure_ascii: \u00eb-style escapes
    assert m("Zoë\n  Ðặng")  # any whitespace between the words
    assert not m("Zoëy Ðặng") and not m("notes on someone else")
    assert not m(None, "")


def test_ids_match_anywhere_and_names_not_inside_other_words():
    m = Mentions(["3f2a-77"], ["Ann"])
    assert m("row 3F2A-77 changed")
    assert m("Ann said") and not m("annotated the diagram")


def test_file_names_match_written_as_file_names():
    m = Mentions([], ["Zoë Dặng"])
    assert loose("zoe_dang-scores.csv") == "zoe dang scores csv"
    assert m.path("zoe_dang-scores.csv")
    assert not m.path("zoey_dang.csv")
