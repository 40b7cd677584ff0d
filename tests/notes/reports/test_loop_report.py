"""The loop report PDF: every session of one candidate, several evaluators, one PDF, read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from interviewer.core.errors import UserError
from interviewer.notes.reports.loop_report import loop_pdf
from interviewer.notes.store.database import Store
from tests.notes.reports.loop_interviews import CLAIMS, NAME, QUOTE, STORY, flat


@pytest.fixture
def store(loop_store: Store) -> Store:
    return loop_store


def test_loop_pdf_contents(store: Store, tmp_path: Path) -> None:
    out = loop_pdf(store, NAME, tmp_path / "out" / "loop.pdf")
    assert out.exists() and not list(out.parent.glob("*.part"))
    text = flat(out)
    assert NAME in text
    for who in ("Ada", "Bo"):
        assert who in text
    for status in ("verified", "vague", "unprobed"):
        assert status in text
    for part in STORY.values():
        assert part in text
    assert "no concrete failure story" in text
    card = store.built["card"]  # type: ignore[attr-defined]
    assert card["title"] in text
    assert QUOTE in text
    assert "not engaged" in text
    assert "Claims nobody on the panel could verify" in text
    assert CLAIMS[3] in text
    meta = PdfReader(out).metadata
    assert meta is not None and f"interviewer-candidate:{store.built['candidate']}" in str(meta.get("/Keywords"))  # type: ignore[attr-defined]
    with pytest.raises(UserError):
        loop_pdf(store, "Nobody Here", tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


def test_loop_pdf_anonymised(store: Store, tmp_path: Path) -> None:
    text = flat(loop_pdf(store, NAME, tmp_path / "anon.pdf", anonymise=True))
    assert "Ðặng" not in text and "Zoë" not in text
    assert f"Candidate {store.built['candidate'][:6]}" in text  # type: ignore[attr-defined]
