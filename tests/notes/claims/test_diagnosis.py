"""A resume with no claims says why (scanned PDF, language, no Experience section) and how to add them by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.notes.claims.diagnosis import HOW_TO_ADD, detect_language, no_claims_error, why_no_claims
from interviewer.notes.claims.reader import ResumeDoc
from tests.notes.claims.scoring import FIXTURES


@pytest.mark.parametrize(("name", "lang"), [
    ("french.md", "fr"), ("french_prose.txt", "fr"), ("noun_phrases.md", "en"), ("terse.txt", "en"),
    ("prose_first_person.txt", "en"), ("academic_cv.md", "en"),
])
def test_language_of_the_fixtures(name: str, lang: str) -> None:
    assert detect_language((FIXTURES / name).read_text(encoding="utf-8")) == lang


GERMAN = """Berufserfahrung
Datenwissenschaftlerin bei Beispiel GmbH, Berlin (2019 – 2023)
- Entwicklung eines Modells zur Betrugserkennung mit einer Genauigkeit von 94 Prozent
- Aufbau einer Datenpipeline für täglich zwei Millionen Ereignisse
Ausbildung
Master Informatik, Technische Universität München
"""


def test_unknown_language() -> None:
    assert detect_language(GERMAN) == "unknown"
    reason = why_no_claims(ResumeDoc.from_text(GERMAN))
    assert "English or French" in reason and HOW_TO_ADD in reason


def test_no_experience_section() -> None:
    text = ("Jane Doe\njane@example.com\nSkills\nPython, SQL, and the rest of the usual tools for the job\n"
            "Education\nMSc Statistics from the University of Bristol, with a thesis on the bootstrap\n")
    reason = why_no_claims(ResumeDoc.from_text(text))
    assert "no Experience or Projects section" in reason and HOW_TO_ADD in reason


def test_experience_section_without_statements() -> None:
    text = ("Experience\nData Engineer at Globex and the team of the data platform, 2019 - 2022\n"
            "Skills\nPython, SQL, Airflow and the usual tools of the trade\n")
    assert "state nothing done or achieved" in why_no_claims(ResumeDoc.from_text(text))


def test_scanned_pdf() -> None:
    doc = ResumeDoc.from_text("Page 1", path=Path("cv.pdf"), fmt="pdf")
    error = no_claims_error(doc)
    assert str(error).startswith("cv.pdf: no claims found: the PDF has almost no text")
    assert "OCR" in str(error) and HOW_TO_ADD in str(error)
