"""The calibration report PDF (and the data it shows), read back."""

from __future__ import annotations

from interviewer.notes.reports.calibration_data import calibration_summary
from interviewer.notes.reports.calibration_report import calibration_pdf
from tests.notes.reports.role_interviews import CRITERIA, CRITERION_NAMES, ROLE, flat, pdf_text


def test_calibration_pdf(store, tmp_path):
    data = calibration_summary(store, ROLE)
    assert data["overall_alpha"] is not None
    assert [c["key"] for c in data["criteria"]] == list(CRITERIA)
    out = calibration_pdf(store, ROLE, tmp_path / "cal.pdf")
    text = flat(" ".join(pdf_text(out)))
    assert "Calibration: ML Engineer" in text
    assert "α" in text
    assert f"{data['overall_alpha']:.2f}" in text
    for name in CRITERION_NAMES:
        assert name in text
    assert "Ada" in text and "Bo" in text
    off = data["evaluators"]["Ada"]["offset"]
    assert f"{off:+.2f}" in text
    assert "Flags" in text
