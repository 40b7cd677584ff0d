"""`claims`, `candidate`, `evaluator` and `plan`: real resumes, real SQLite."""

from __future__ import annotations

import json

from tests.conftest import ROOT


def test_claims_json_shape(run_cli):
    res = run_cli("claims", str(ROOT / "resources" / "demo" / "resume.md"), "--format", "json")
    assert res.code == 0, res.err
    claims = json.loads(res.out)
    assert len(claims) >= 8
    for c in claims:
        assert set(c) == {"text", "source", "section", "topics", "probes", "role", "dates", "line"}  # 3 additions
        assert len(c["probes"]) >= 3
        assert len({p["criterion"] for p in c["probes"]}) >= 2
        assert all(set(p) == {"text", "criterion", "topic"} for p in c["probes"])


def test_claims_of_french_and_noun_phrase_resumes(run_cli):
    resumes = ROOT / "tests" / "fixtures" / "resumes"
    for name, expected in (("french.md", 6), ("noun_phrases.pdf", 7), ("french_prose.docx", 5)):
        res = run_cli("claims", str(resumes / name), "--format", "json")
        assert res.code == 0, res.err
        claims = json.loads(res.out)
        assert len(claims) == expected, name
        assert all(c["line"] >= 1 for c in claims)
        assert sum(1 for c in claims if c["role"]) >= expected - 1  # a project has no role


def test_claims_of_a_resume_without_claims_say_why(run_cli, tmp_path):
    cv = tmp_path / "cv.txt"
    cv.write_text("Jane Doe\njane@example.com\nSkills\nPython, SQL and the usual tools of the trade\n"
                  "Education\nMSc Statistics from the University of Bristol, with a thesis\n", encoding="utf-8")
    for fmt in ("text", "json"):
        res = run_cli("claims", str(cv), "--format", fmt)
        assert res.code == 2
        assert res.out == ""
        assert f"{cv}: no claims found: no Experience or Projects section" in res.err
        assert "by hand" in res.err and "Traceback" not in res.err
    added = run_cli("candidate", "add", "Jane Doe", "--role", "ML Engineer", "--resume", str(cv))
    assert added.code == 0, added.err
    assert "(0 claims)" in added.out and "no Experience or Projects section" in added.err


def test_claims_of_a_scanned_pdf_say_why(run_cli, tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    for name, footer in (("scan.pdf", ""), ("scan_with_footer.pdf", "Page 1 of 1")):
        path = tmp_path / name
        c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        c.rect(50, 80, 400, 600, fill=1)  # the scanned page: an image, no text
        if footer:
            c.drawString(50, 40, footer)
        c.save()
        res = run_cli("claims", str(path))
        assert res.code == 2
        assert str(path) in res.err and "scanned image" in res.err and "by hand" in res.err


def test_claims_of_a_bad_resume(run_cli, tmp_path):
    empty = tmp_path / "cv.pdf"
    empty.write_bytes(b"%PDF-1.4 broken")
    res = run_cli("claims", str(empty))
    assert res.code == 2
    assert str(empty) in res.err


def test_panel_commands(run_cli):
    assert run_cli("evaluator", "add", "Ada", "--role", "Staff MLE", "--shipped", "retrieval,latency,evaluation",
                   "--note", "ran the RAG latency work").code == 0
    bad = run_cli("evaluator", "add", "Cy", "--shipped", "retrieval,astrology")
    assert bad.code == 2
    assert "astrology" in bad.err and "known topics" in bad.err.lower()
    res = run_cli("candidate", "add", "Zoë Ðặng", "--role", "Senior ML Engineer", "--resume",
                  str(ROOT / "resources" / "demo" / "resume.md"))
    assert res.code == 0, res.err
    plan = json.loads(run_cli("plan", "--candidate", "Zoë Ðặng", "--format", "json").out)
    assert set(plan) == {"assignments", "unmatched"}
    assert plan["assignments"]
    assert all(a["evaluator"] == "Ada" for a in plan["assignments"])
    assert any("latency" in a["topics"] for a in plan["assignments"])
    assert plan["unmatched"]
    assert all(set(u) >= {"claim", "topics"} for u in plan["unmatched"])
    missing = run_cli("plan", "--candidate", "Nobody")
    assert missing.code == 2
