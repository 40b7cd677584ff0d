"""Claim extraction: recall and precision on the fixture resumes in every format, and the rules one by one."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from interviewer.notes.claims.extract import claims_from_file, extract_claims
from interviewer.notes.claims.model import Claim
from interviewer.notes.claims.reader import ResumeError, read_resume
from interviewer.notes.prompts.kits import Kit, default_kit_path, load_kit, parse_kit

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "resumes"
EXPECTED = sorted(FIXTURES.glob("*.expected.json"))
RESUMES = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".txt", ".md", ".pdf", ".docx"))

ALL_TOPICS = [
    "evaluation", "retrieval", "data-drift", "labelling", "deployment", "security", "data-residency",
    "model-swaps", "on-call", "cost", "latency", "hallucination", "rollback", "monitoring", "training",
    "data-quality", "experimentation", "fine-tuning", "privacy", "stakeholders", "scaling", "testing",
]
SMALL_KIT = f"""
[kit]
name = "small"
version = 1
topics = {json.dumps(ALL_TOPICS)}

[[criteria]]
key = "claim-verification"
name = "Claim verification"
definition = "Backs a claim with what they did and how it was measured."
anchors = {{ 1 = "no", 2 = "some", 3 = "most", 4 = "all" }}

[[criteria]]
key = "judgment"
name = "Judgment"
definition = "Weighs trade-offs and commits."
anchors = {{ 1 = "no", 2 = "some", 3 = "most", 4 = "all" }}

[[criteria]]
key = "failure-archaeology"
name = "Failure archaeology"
definition = "Reconstructs a real failure."
anchors = {{ 1 = "no", 2 = "some", 3 = "most", 4 = "all" }}

[[criteria]]
key = "production-constraints"
name = "Production constraints"
definition = "Works inside explicit constraints."
anchors = {{ 1 = "no", 2 = "some", 3 = "most", 4 = "all" }}

[[probes]]
id = "drift-1"
criterion = "claim-verification"
topics = ["data-drift", "monitoring"]
text = "What did your drift monitor compute, and how many alerts were real?"

[[probes]]
id = "cost-1"
criterion = "claim-verification"
topics = ["cost"]
text = "Walk me through the bill before and after."
"""


def small_kit() -> Kit:
    return parse_kit(SMALL_KIT, "small.toml")


def kits() -> list[Kit]:
    """The inline kit always; the bundled default kit too once it exists."""
    out = [small_kit()]
    if default_kit_path().is_file():
        out.append(load_kit())
    return out


# ------------------------------------------------------------------ matching expected statements

def norm(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9%$]+", " ", text.lower()).split())


def same_statement(expected: str, extracted: str) -> bool:
    e, c = norm(expected), norm(extracted)
    if e in c or c in e:
        return True
    et, ct = set(e.split()), set(c.split())
    return len(et & ct) / max(1, min(len(et), len(ct))) >= 0.8


def expected_for(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{path.stem}.expected.json").read_text(encoding="utf-8"))
    return data


def find(claims: list[Claim], start: str) -> Claim:
    matches = [c for c in claims if norm(start) in norm(c.text)]
    assert len(matches) == 1, (start, [c.text for c in claims])
    return matches[0]


def test_norm_and_matching_are_strict_enough() -> None:
    assert same_statement("Built X, cutting cost by 30%.", "built x cutting cost by 30%")
    assert not same_statement("Built X, cutting cost by 30%.", "Speaker at MLOps World 2022.")
    assert not same_statement("Reduced churn by 5%", "Python, PyTorch, SQL")


@pytest.mark.parametrize("path", RESUMES, ids=lambda p: p.name)
def test_recall_and_precision_on_fixture(path: Path) -> None:
    expected: list[str] = expected_for(path)["claims"]
    claims = claims_from_file(path)
    texts = [c.text for c in claims]
    found = [e for e in expected if any(same_statement(e, t) for t in texts)]
    non_claims = [t for t in texts if not any(same_statement(e, t) for e in expected)]
    recall = len(found) / len(expected)
    assert recall >= 0.9, f"missed: {[e for e in expected if e not in found]}"
    assert len(non_claims) <= 0.1 * len(texts), f"not claims: {non_claims}"
    # claims are not glued together: about one extracted claim per expected statement
    assert len(texts) >= 0.9 * len(expected)


@pytest.mark.parametrize("path", RESUMES, ids=lambda p: p.name)
def test_claims_keep_their_source_lines_section_and_order(path: Path) -> None:
    doc = read_resume(path)
    doc_lines = {ln.strip() for ln in doc.lines}
    claims = claims_from_file(path)
    assert [c.position for c in claims] == list(range(len(claims)))
    for c in claims:
        assert c.source
        for line in c.source.split("\n"):
            assert line in doc_lines
        # every word of the claim comes from its source lines
        assert set(norm(c.text).split()) <= set(norm(c.source).split()) | {""}
    for start, section in expected_for(path).get("sections", {}).items():
        assert find(claims, start).section.casefold() == section.casefold()


def test_claims_without_a_kit_have_no_topics() -> None:
    assert all(c.topics == () for c in claims_from_file(FIXTURES / "ml_engineer.md"))


# ------------------------------------------------------------------ the rules, one by one

def texts(resume: str) -> list[str]:
    return [c.text for c in extract_claims(resume)]


def test_headings_contact_dates_education_and_skills_are_not_claims() -> None:
    resume = """Jane Doe
jane@example.com | +1 415 555 0100 | linkedin.com/in/jane
EXPERIENCE
Acme Corp | Senior Data Scientist | 2019 – 2023
2019 – 2023
- Built a churn model for 2M subscribers that cut churn by 3%.
EDUCATION
- MSc Statistics, University of Bristol, 2018
SKILLS
Python, PyTorch, SQL, Spark
- Built pipelines
"""
    assert texts(resume) == ["Built a churn model for 2M subscribers that cut churn by 3%."]


def test_a_bare_skills_line_inside_experience_is_not_a_claim() -> None:
    resume = """Experience
Data Engineer — Globex (2020-2022)
- Migrated 40 cron jobs to Airflow.
- Tech stack: Python, Airflow, Postgres, Terraform
- Python, PyTorch, SQL
"""
    assert texts(resume) == ["Migrated 40 cron jobs to Airflow."]


def test_summary_fluff_is_not_a_claim_but_led_in_a_summary_is() -> None:
    resume = """Summary
Passionate, results-driven ML engineer with 8 years of experience. Led the team that shipped the
first fraud model at Globex. Strong communicator and team player.
Seeking a challenging role where I can grow.
"""
    assert texts(resume) == ["Led the team that shipped the first fraud model at Globex."]


def test_present_tense_self_description_in_a_summary_is_not_a_claim() -> None:
    resume = """About
I build small, senior data teams. I love hard problems. I built the first fraud model at Globex.
I lead 3 squads across two countries.
"""
    assert texts(resume) == ["I built the first fraud model at Globex.", "I lead 3 squads across two countries."]


def test_team_claims_count_only_when_the_candidate_led_the_team() -> None:
    resume = """Experience
Head of Data, Velo (2020 - 2023)
Under my lead the team shipped a forecasting model that cut idle scooters by 12%. The team ships weekly.
My team migrated 300 tables to BigQuery.
"""
    assert texts(resume) == ["Under my lead the team shipped a forecasting model that cut idle scooters by 12%.",
                             "My team migrated 300 tables to BigQuery."]


def test_wrapped_bullets_are_joined_into_one_claim() -> None:
    resume = """Experience
ML Engineer, Initech (2018-2021)
• Built a real-time feature store serving 40k requests per second with p99 under
15 ms, used by 12 teams.
• Reduced labelling cost by 60% by routing easy examples to a model and hard ones to
annotators, keeping label accuracy above 97%.
• Wrote the on-call runbook.
"""
    assert texts(resume) == [
        "Built a real-time feature store serving 40k requests per second with p99 under 15 ms, used by 12 teams.",
        ("Reduced labelling cost by 60% by routing easy examples to a model and hard ones to annotators, "
         "keeping label accuracy above 97%."),
        "Wrote the on-call runbook.",
    ]


def test_wrapped_bullet_keeps_hyphenated_words_whole() -> None:
    resume = """Experience
- Found two data-
  exfiltration paths in the gateway during a red-team exercise.
"""
    assert texts(resume) == ["Found two data-exfiltration paths in the gateway during a red-team exercise."]


def test_paragraph_entries_split_into_one_claim_per_accomplishment() -> None:
    resume = """Experience
Research Engineer, Helix AI (2022 - present)
I joined when the company had six people. I built the evaluation harness for the support bot, with
1,200 graded questions. The team later adopted it for every release. I also cut answer latency from
4 s to 1.5 s by caching retrieval results. This saved $8k a month.
"""
    assert texts(resume) == [
        "I built the evaluation harness for the support bot, with 1,200 graded questions.",
        "I also cut answer latency from 4 s to 1.5 s by caching retrieval results. This saved $8k a month.",
    ]


def test_abbreviations_do_not_split_sentences() -> None:
    resume = """Projects
Built a labelling tool (e.g. for NER and intent) used by 30 annotators at Acme Inc. in London.
"""
    assert texts(resume) == [("Built a labelling tool (e.g. for NER and intent) used by 30 annotators at Acme Inc. "
                              "in London.")]


def test_bullet_with_two_accomplishments_becomes_two_claims() -> None:
    resume = """Experience
- Rewrote the ranking service in Rust. Cut p95 latency from 300 ms to 40 ms.
- Built the fraud model. It is still in use today.
"""
    assert texts(resume) == ["Rewrote the ranking service in Rust.", "Cut p95 latency from 300 ms to 40 ms.",
                             "Built the fraud model. It is still in use today."]


def test_badly_formatted_resume_without_bullets() -> None:
    resume = """JOHN  SMITH   john@example.com
WORK HISTORY
MEGACORP   2019-2023   DATA ENGINEER
built the warehouse used by 40 analysts
  Reduced query cost by 35 % by partitioning tables
migrated 200 dags to dagster
EDUCATION
BSc Computing 2016
"""
    claims = extract_claims(resume)
    assert [c.text for c in claims] == ["built the warehouse used by 40 analysts",
                                        "Reduced query cost by 35 % by partitioning tables",
                                        "migrated 200 dags to dagster"]
    assert {c.section for c in claims} == {"Data Engineer — Megacorp"}


def test_numbered_and_unusual_bullets() -> None:
    resume = """Key achievements
1. Halved GPU spend on training.
2) Shipped the search relaunch to 3M users.
▪ Hired and mentored 5 engineers.
➤ Designed the annotation guidelines.
"""
    assert texts(resume) == ["Halved GPU spend on training.", "Shipped the search relaunch to 3M users.",
                             "Hired and mentored 5 engineers.", "Designed the annotation guidelines."]


def test_label_then_action_and_present_tense() -> None:
    resume = """Experience
Head of Data — Acme (2022 – Present)
- Lead a team of 6 building fraud models for 3M merchants.
- Fraud platform: rebuilt scoring so decisions take 50 ms instead of 2 s.
- Lead ML engineer with a decade of experience.
"""
    assert texts(resume) == ["Lead a team of 6 building fraud models for 3M merchants.",
                             "Fraud platform: rebuilt scoring so decisions take 50 ms instead of 2 s."]


@pytest.mark.parametrize(("header", "section"), [
    ("Senior ML Engineer — Brightcart, London (2021–present)", "Senior ML Engineer — Brightcart"),
    ("Google, Mountain View, CA — Software Engineer (2015–2018)", "Software Engineer — Google"),
    ("Microsoft | Redmond | Program Manager | 2012–2015", "Program Manager — Microsoft"),
    ("Staff Engineer at Stripe, 2020 - 2023", "Staff Engineer — Stripe"),
    ("ACME CORP    2016 - 2019   JUNIOR DEVELOPER", "Junior Developer — Acme Corp"),
])
def test_role_and_employer_become_the_section(header: str, section: str) -> None:
    claims = extract_claims(f"Experience\n{header}\n- Built the billing pipeline for 4 markets.\n")
    assert [c.section for c in claims] == [section]


def test_role_and_employer_on_separate_lines() -> None:
    resume = """Experience
Northwind | Boston, MA | Jan 2020 – Present
Senior Data Scientist
• Built a readmission model.
Shoplane | Remote | 2017 – 2019
Data Scientist
• Forecast demand for 14,000 SKUs.
"""
    assert [(c.section, c.text) for c in extract_claims(resume)] == [
        ("Senior Data Scientist — Northwind", "Built a readmission model."),
        ("Data Scientist — Shoplane", "Forecast demand for 14,000 SKUs."),
    ]


def test_claims_under_a_plain_heading_take_the_heading() -> None:
    claims = extract_claims("Projects\n- Wrote an uplift-modelling package with 400 stars.\n")
    assert claims[0].section == "Projects"


def test_markdown_emphasis_and_links_are_removed() -> None:
    resume = "## Experience\n- **Built** the [search API](https://example.com) in `Go`, serving 5k rps.\n"
    assert texts(resume) == ["Built the search API in Go, serving 5k rps."]


def test_duplicate_claims_are_listed_once() -> None:
    resume = "Summary\n- Built the search API.\nExperience\n- Built the search API.\n"
    assert texts(resume) == ["Built the search API."]


def test_text_doc_and_lines_give_the_same_claims() -> None:
    doc = read_resume(FIXTURES / "data_scientist.txt")
    assert [c.text for c in extract_claims(doc)] == [c.text for c in extract_claims(doc.text)]
    assert [c.text for c in extract_claims(doc)] == [c.text for c in extract_claims(list(doc.lines))]


def test_an_empty_or_claimless_text_gives_no_claims() -> None:
    assert extract_claims("") == []
    assert extract_claims("Jane Doe\njane@example.com\nSKILLS\nPython, SQL\n") == []


def test_claims_from_file_raises_resume_error_for_bad_files(tmp_path: Path) -> None:
    path = tmp_path / "cv.docx"
    path.write_text("not a docx", encoding="utf-8")
    with pytest.raises(ResumeError, match=r"cv\.docx"):
        claims_from_file(path)
