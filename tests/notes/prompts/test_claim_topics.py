"""Claims seen through a kit: their topics, and the JSON report of `interviewer claims RESUME`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.notes.prompts.claim_topics import claims_report, tagged_claims_from_file
from interviewer.notes.prompts.kits import Kit, default_kit_path, load_kit
from tests.notes.claims.test_extract import EXPECTED, FIXTURES, RESUMES, expected_for, find, kits


@pytest.mark.parametrize("kit", kits(), ids=lambda k: k.name)
@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.name.split(".")[0])
def test_topics_of_hand_picked_claims(path: Path, kit: Kit) -> None:
    stem = path.name.split(".")[0]
    source = next(p for p in RESUMES if p.stem == stem and p.suffix in (".txt", ".md"))
    claims = tagged_claims_from_file(source, kit)
    for start, topics in expected_for(source).get("topics", {}).items():
        claim = find(claims, start)
        for topic in topics:
            assert topic in claim.topics, (claim.text, claim.topics)
        assert set(claim.topics) <= set(kit.topics)


# ------------------------------------------------------------------ the JSON report

@pytest.mark.parametrize("kit", kits(), ids=lambda k: k.name)
def test_claims_report_has_exactly_the_public_shape(kit: Kit) -> None:
    report = claims_report(FIXTURES / "ml_platform_engineer.pdf", kit)
    assert len(report) == 10
    assert json.loads(json.dumps(report)) == report
    criteria = {c.key for c in kit.criteria}
    for item in report:
        # the documented shape, plus two additions: the job title and the first source line
        assert set(item) == {"text", "source", "section", "topics", "probes", "role", "dates", "line"}
        assert isinstance(item["role"], str) and isinstance(item["line"], int) and item["line"] >= 1
        assert isinstance(item["dates"], str)
        assert isinstance(item["text"], str) and item["text"]
        assert isinstance(item["topics"], list)
        assert set(item["topics"]) <= set(kit.topics)
        assert len(item["probes"]) >= 3
        for probe in item["probes"]:
            assert set(probe) == {"text", "criterion", "topic"}
            assert probe["criterion"] in criteria
            assert probe["topic"] == "" or probe["topic"] in kit.topics
    swap = next(i for i in report if i["text"].startswith("Led the swap from GPT-4"))
    assert swap["section"] == "Staff ML Platform Engineer — Quanta Labs"
    assert "model-swaps" in swap["topics"]


def test_claims_report_uses_the_default_kit_when_none_is_given() -> None:
    if not default_kit_path().is_file():
        with pytest.raises(Exception, match="kit"):
            claims_report(FIXTURES / "ml_engineer.md")
        return
    report = claims_report(FIXTURES / "ml_engineer.md")
    default_topics = set(load_kit().topics)
    assert report and all(set(i["topics"]) <= default_topics for i in report)
