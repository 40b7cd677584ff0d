"""The comparison report PDF, read back."""

from __future__ import annotations

from interviewer.core.transcript import mmss
from interviewer.notes.reports.compare_report import compare_pdf
from tests.notes.reports.role_interviews import ASK_AT, CRITERION_NAMES, PEOPLE, ROLE, flat, pdf_text


def test_compare_pdf(store, tmp_path):
    out = compare_pdf(store, ROLE, tmp_path / "compare.pdf")
    pages = pdf_text(out)
    first, text = flat(pages[0]), flat(" ".join(pages))
    for name in PEOPLE:
        assert name in first, name
    for name in CRITERION_NAMES:
        assert name in first
    assert "Ada 4" in first and "Bo 1" in first
    assert "Claim ledger" in text and "contradicted" in text
    assert "Judgment calls side by side" in text
    assert "It depends on many things" in text
    assert "blind side by side on fifty real queries" in text
    assert "agree a decision date" in text
    assert "three concrete failure examples" not in text  # sc-02: one candidate only
    assert mmss(ASK_AT["jd-01"]) in text
