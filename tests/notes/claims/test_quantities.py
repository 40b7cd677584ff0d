"""Quantities as resumes write them: before/after with decimals and units, percentages, scale, time frames."""

from __future__ import annotations

import pytest

from interviewer.notes.claims.quantities import find_quantities, has_measure, primary, time_frame


def kinds(text: str) -> list[tuple[str, str]]:
    return [(q.kind, q.text) for q in find_quantities(text)]


def change(text: str) -> tuple[str, str]:
    q = primary(find_quantities(text))
    assert q is not None and q.kind == "change", kinds(text)
    return q.before, q.after


@pytest.mark.parametrize(("text", "before", "after"), [
    ("inter-annotator kappa from 0.58 to 0.74", "0.58", "0.74"),
    ("raising BLEU from 18.2 to 27.9", "18.2", "27.9"),
    ("cut p95 latency from 900 ms to 200 ms", "900 ms", "200 ms"),
    ("a nightly run from 3.5 h to 40 min", "3.5 h", "40 min"),
    ("Chargeback losses: ₹4.2 Cr → ₹1.9 Cr per quarter", "₹4.2 Cr", "₹1.9 Cr"),
    ("inter-rater κ 0.62 → 0.81", "0.62", "0.81"),
    ("GPU cost from $14k to $5.2k a month", "$14k", "$5.2k"),
    ("retention up from 61.5% to 66%", "61.5%", "66%"),
    ("de 850 ms à 120 ms grâce au cache", "850 ms", "120 ms"),
    ("deployment time from two days to 25 minutes", "two days", "25 minutes"),
    ("broken dashboards from 15 a month to 2", "15", "2"),
    ("SEV-1 count 11 → 3 per year", "11", "3"),
])
def test_before_and_after(text: str, before: str, after: str) -> None:
    assert change(text) == (before, after)


def test_a_model_name_is_not_a_quantity() -> None:
    assert kinds("Fine-tuned Llama 3 8B on support tickets") == []
    assert kinds("Migrated to GPT-4 and Python 3.11 on S3") == []
    assert kinds("NDCG@10 with p95 tracked per SEV-1, v2 API") == []
    assert change("Fine-tuned Llama 3 8B on 120k tickets, raising acceptance from 0.62 to 0.79") == ("0.62", "0.79")


def test_years_and_periods_are_not_measures() -> None:
    assert not has_measure("Worked at Acme from 2019 to 2021")
    assert not has_measure("Python, PyTorch, SQL")
    assert has_measure("Typo-tolerant autocomplete for 9 locales")


@pytest.mark.parametrize(("text", "kind"), [
    ("+6.5 pp", "percent"), ("by 27%", "percent"), ("35 % de faux positifs", "percent"), ("€180k a year", "money"),
    ("a 3.1× ROI", "multiplier"), ("12k TPS", "scale"), ("18k QPS", "scale"), ("2M documents", "scale"),
    ("40 ms", "duration"), ("40 000 réclamations", "count"), ("1,2 M de clients", "scale"),
])
def test_kinds(text: str, kind: str) -> None:
    assert kind in [k for k, _ in kinds(text)], kinds(text)


def test_time_frame() -> None:
    assert time_frame("Delivered a 3.1× ROI within 9 months") == "within 9 months"
    assert time_frame("losses per quarter") == "per quarter"
    assert time_frame("Built the platform") is None
