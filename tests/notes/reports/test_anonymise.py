"""Scrubbing a candidate's name and email from a report's text."""

from __future__ import annotations

import unicodedata

from interviewer.notes.reports.anonymise import anonymiser


def test_anonymiser_matches_parts_accents_and_case():
    scrub = anonymiser("Zoë Ðặng", "zoe.dang@example.com", "Candidate ab12cd")
    assert scrub("ZOË ĐẶNG said") == "Candidate ab12cd said"
    assert scrub("zoe dang, Zoe and Dang; mail zoe.dang@example.com") == (
        "Candidate ab12cd, Candidate ab12cd and Candidate ab12cd; mail Candidate ab12cd")
    decomposed = unicodedata.normalize("NFD", "Zoë")
    assert scrub(f"{decomposed} spoke") == "Candidate ab12cd spoke"
    assert scrub("Zoetrope and Dangerous") == "Zoetrope and Dangerous"  # whole words only
