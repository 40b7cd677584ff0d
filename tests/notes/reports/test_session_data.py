"""The data of a session report: scores, quotes, the claim ledger, concerns, notes and headlines."""

from __future__ import annotations

import json

from interviewer.core.transcript import mmss
from interviewer.notes.reports.session_data import session_summary
from interviewer.notes.reports.session_report import session_pdf
from tests.notes.reports.role_interviews import CRITERIA, ROLE, flat, pdf_text


def test_session_summary_data(store):
    zoe = store.built["Zoë Ðặng"]
    s = session_summary(store, zoe["session"])
    assert s["candidate"]["name"] == "Zoë Ðặng"
    assert s["role"] == ROLE
    assert s["evaluators"] == ["Ada", "Bo"]
    assert s["consent"][0]["method"] == "verbal"
    assert [c["key"] for c in s["criteria"]] == list(CRITERIA)
    cv = s["criteria"][0]
    assert cv["scores"] == {"Ada": 4, "Bo": 3}
    assert cv["ratings"][0]["anchor"].startswith("As 3, and volunteers caveats")
    # evidence linked to a rating comes first; every quote carries time and speaker
    assert cv["quotes"][0]["linked"] is True
    assert all(q["speaker"] == "candidate" and q["time"] == mmss(q["start"]) for q in cv["quotes"])
    # Bo's item repeats the first half of Ada's: one quote, both taggers, both ratings behind it
    assert len(cv["quotes"]) == 1
    assert cv["quotes"][0]["taggers"] == ["Ada", "Bo"]
    assert cv["quotes"][0]["linked_by"] == ["Ada", "Bo"]
    assert cv["evidence_count"] == 2
    ledger = {c["text"]: c for c in s["claims"]}
    verified = ledger["Cut p95 retrieval latency from 900 ms to 200 ms"]
    assert verified["status"] == "verified"
    assert verified["evidence"]["id"] == zoe["evidence"]["cv-02"]
    vague = ledger["Built the evaluation harness described in Ðặng et al. (2024)"]
    assert vague["status"] == "vague"
    assert vague["evidence"]["id"] == zoe["evidence"]["jd-01-bo"]  # no evidence in the history: linked evidence
    assert ledger["Led the migration of ranking to GPU serving"]["evidence"] is None
    assert {c["criterion"] for c in s["concerns"]} == {"production-constraints"}
    assert [n["note"] for n in s["notes"]] == ["Zoë joined five minutes late"]
    assert s["claim_counts"]["verified"] == 1
    assert any("Production constraints" in h for h in s["headlines"])
    json.dumps(s)  # JSON-able


def test_a_note_is_not_counted_as_evidence(store, tmp_path):
    """issue 21 #9: a note (no criterion) was counted as a "supporting evidence item" in the PDF."""
    zoe = store.built["Zoë Ðặng"]
    sid = zoe["session"]
    before = session_summary(store, sid)
    store.add_evidence(session_id=sid, start=1.0, end=2.0, criterion=None, evaluator="Ada",
                       note="asked about the rollback")
    after = session_summary(store, sid)
    n_notes = sum(1 for e in store.evidence(sid) if not e.criterion) - 1
    n_evidence = sum(1 for e in store.evidence(sid) if e.criterion)
    counted = next(h for h in before["headlines"] if "evidence items tagged" in h)
    assert counted.startswith(f"{n_evidence} evidence items tagged")
    evidence_part = counted.split(";")[0].rstrip(".")
    [now] = [h for h in after["headlines"] if "evidence items tagged" in h]
    assert now == f"{evidence_part}; {n_notes + 1} note{'s' if n_notes else ''} (not evidence)."
    text = flat(" ".join(pdf_text(session_pdf(store, sid, tmp_path / "s.pdf"))))
    assert now in text
