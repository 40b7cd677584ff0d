"""`demo`: the bundled sample interview, stored or replayed headless, offline."""

from __future__ import annotations

import json

import pytest


@pytest.mark.slow
def test_demo_stores_the_sample_interview_and_prints_it(run_cli, no_network):
    res = run_cli("demo", "--import")
    assert res.code == 0, res.err
    assert "Zoë Ðặng" in res.out
    assert "milliseconds" in res.out.lower()
    assert no_network == []
    rows = json.loads(run_cli("sessions", "--format", "json").out)
    assert rows[0]["candidate"] == "Zoë Ðặng"
    assert rows[0]["segments"] >= 10


@pytest.mark.slow
def test_whole_headless_demo_offline(run_cli, tmp_path, no_network):
    """The whole flow on the embedded defaults with sockets blocked: zero connection attempts."""
    from pypdf import PdfReader

    out = tmp_path / "demo-out"
    res = run_cli("demo", "--headless", "--speed", "0", "--out", str(out))
    assert res.code == 0, res.err
    assert no_network == []
    summary = json.loads(res.out.strip().splitlines()[-1])
    assert summary["evidence"] >= 4
    assert summary["ratings"] == 8
    data = json.loads((out / "session.json").read_text())
    assert {r["evaluator"] for r in data["ratings"]} == {"Demo Evaluator", "Rosa Ortiz"}
    assert data["failure_stories"][0]["concrete"]
    assert data["scenarios"][0]["ticks"]
    assert summary["calls"] == len(data["judgment_calls"]) >= 2
    scenario = next(c for c in data["judgment_calls"] if c["kind"] == "scenario")
    assert {r["evaluator"] for r in scenario["ratings"]} == {"Demo Evaluator", "Rosa Ortiz"}
    assert {a["evaluator"] for a in data["plan"]["assignments"]} == {"Demo Evaluator", "Rosa Ortiz"}
    assert data["consent"][0]["method"] == "verbal"
    text = "".join(p.extract_text() for p in PdfReader(out / "session.pdf").pages)
    assert "Zoë" in text
    assert "Failure archaeology" in text
    anon = "".join(p.extract_text() for p in PdfReader(out / "session-anonymised.pdf").pages)
    assert "Zoë" not in anon
    for name in ("compare.pdf", "calibration.pdf"):
        assert PdfReader(out / name).pages
