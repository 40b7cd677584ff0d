"""Document structure before sentences: sections in English and French, roles, bullets of any glyph, tables."""

from __future__ import annotations

import pytest

from interviewer.notes.claims.extract import claims_from_file, extract_claims
from interviewer.notes.claims.reader import read_resume
from interviewer.notes.claims.structure import read_units, section_kinds
from tests.notes.claims.scoring import FIXTURES


@pytest.mark.parametrize(("heading", "kind"), [
    ("Expérience", "experience"), ("EXPÉRIENCE PROFESSIONNELLE", "experience"), ("Projets", "projects"),
    ("Compétences", "skip"), ("Formation", "skip"), ("Langues", "skip"), ("Profil", "summary"),
    ("Appointments", "experience"), ("Publications", "skip"), ("Invited Talks", "skip"), ("Service", "skip"),
    ("Réalisations", "achievements"), ("Work", "experience"),
])
def test_section_headings_in_english_and_french(heading: str, kind: str) -> None:
    assert section_kinds([heading]) == {kind}


@pytest.mark.parametrize("glyph", ["❖", "◆", "✦", "»", "➔", "○", "►", "▪", "•", "-", "–", "*", "→"])
def test_bullets_of_any_glyph(glyph: str) -> None:
    units = read_units(["Experience", "Engineer, Acme (2020 – 2022)", f"{glyph} Built the billing pipeline.",
                        f"{glyph} Cut the bill by 30%."])
    assert [u.bullet for u in units] == [True, True]
    assert [u.lines[0].text for u in units] == ["Built the billing pipeline.", "Cut the bill by 30%."]


def test_french_roles_dates_and_sections() -> None:
    claims = extract_claims("""Expérience
Scientifique des données — Assurances Boréal, Québec (janvier 2018 – aujourd'hui)
- Déployé un modèle de détection de fraude sur Kubernetes, 35 % de faux positifs en moins
Compétences
- Python, SQL, Kubernetes
""")
    assert [(c.role, c.section, c.heading, c.dates) for c in claims] == [
        ("Scientifique des données", "Scientifique des données — Assurances Boréal", "Expérience",
         "janvier 2018 – aujourd'hui")]


def test_a_word_containing_present_is_not_a_date() -> None:
    claims = extract_claims("""Experience
Data Analyst, VinaShop (2017 – 2020)
My first project was a customer segmentation; I presented it to the
marketing director and it shaped the 2019 campaign budget.
""")
    assert [c.text for c in claims] == [("My first project was a customer segmentation; I presented it to the "
                                        "marketing director and it shaped the 2019 campaign budget.")]


def test_result_statements_count_only_under_jobs_and_projects() -> None:
    resume = """Summary
Machine learning engineer, 7 years in payments risk.
Experience
Senior ML Engineer — Paysetu (2021 – present)
- Real-time fraud scoring service: 12k TPS @ p99 < 40 ms
- Tech stack: Python, Flink, Kafka
- Python, PyTorch, SQL
Teaching
- Lecturer, Natural Language Processing (120 students), 2022
Service
- Member of the equality, diversity and inclusion committee
"""
    assert [c.text for c in extract_claims(resume)] == ["Real-time fraud scoring service: 12k TPS @ p99 < 40 ms"]


def test_docx_tables_and_list_styles_keep_roles_with_their_bullets() -> None:
    doc = read_resume(FIXTURES / "table_layout.docx")
    lines = [ln for ln in doc.lines if ln.strip()]
    role = lines.index("Machine Learning Engineer")
    assert lines[role + 1:role + 3] == ["Kuda Health", "2022 – present"]
    assert lines[role + 3].startswith("• Shipped a triage classifier")
    claims = claims_from_file(FIXTURES / "table_layout.docx")
    assert claims[0].section == "Machine Learning Engineer — Kuda Health"
    assert claims[-1].role == "Data Scientist"


def test_two_column_docx_reads_the_sidebar_then_the_main_column() -> None:
    lines = [ln.strip() for ln in read_resume(FIXTURES / "two_column.docx").lines if ln.strip()]
    assert lines.index("AGH University, 2016") < lines.index("Profile")
    claims = claims_from_file(FIXTURES / "two_column.docx")
    assert len(claims) == 7 and all("Polish" not in c.text for c in claims)


def test_achievements_label_inside_a_job_keeps_the_job() -> None:
    claims = extract_claims("""WORK EXPERIENCE
Senior Data Engineer
Monzo Bank, London | Jan 2021 - Present
Key achievements:
- 40% reduction in pipeline costs via spot instances
Data Engineer
Ocado | 2017 - 2020
* Owned ingestion for 300+ sources
* Team size: 4
* Budget: $2M annually
* Location: Remote (UTC+1)
* Reporting to: VP Engineering, 3 directs
Technical Proficiencies
- Python (8 years), SQL (10 years)
""")
    assert [(c.text, c.section, c.dates) for c in claims] == [
        ("40% reduction in pipeline costs via spot instances", "Senior Data Engineer — Monzo Bank",
         "Jan 2021 - Present"),
        ("Owned ingestion for 300+ sources", "Data Engineer — Ocado", "2017 - 2020"),
    ]


def test_french_infinitive_and_noun_bullets() -> None:
    claims = extract_claims("""Expériences professionnelles
Cheffe d'équipe données — Hydro Nord (mars 2019 – actuellement)
• Piloter la refonte de la plateforme de données (12 pipelines, 3 équipes)
• Concevoir un modèle de prévision de la demande électrique, erreur réduite de 18 %
• Encadrement de 5 analystes
• Outils : Python, Airflow, Snowflake
""")
    assert [c.text for c in claims] == [
        "Piloter la refonte de la plateforme de données (12 pipelines, 3 équipes)",
        "Concevoir un modèle de prévision de la demande électrique, erreur réduite de 18 %",
        "Encadrement de 5 analystes",
    ]
    assert {c.dates for c in claims} == {"mars 2019 – actuellement"}
