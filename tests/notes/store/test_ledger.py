"""The claim ledger: add, edit, split, merge, delete, reorder; status history with the settling evidence."""

from __future__ import annotations

import pytest

from interviewer.core.errors import UserError
from interviewer.notes.store.database import Store


@pytest.fixture
def ledger(tmp_path):
    s = Store(tmp_path / "db.sqlite3")
    cand = s.get_or_create_candidate("Ann")
    ids = s.add_claims(cand, [{"text": t, "topics": ["latency"]} for t in ("A did x", "B did y", "C did z")])
    sid = s.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="e")
    yield s, cand, ids, sid
    s.close()


def texts(s, cand):
    return [c.text for c in s.claims(cand)]


def test_add_edit_move_delete(ledger):
    s, cand, ids, _ = ledger
    new = s.add_claim(cand, "D did w", actor="e", index=1)
    assert texts(s, cand) == ["A did x", "D did w", "B did y", "C did z"]
    s.edit_claim(new, "D did w twice", actor="e")
    s.move_claim(new, 3, actor="e")
    assert texts(s, cand) == ["A did x", "B did y", "C did z", "D did w twice"]
    row = s.delete_claim(ids[1], actor="e")
    assert texts(s, cand) == ["A did x", "C did z", "D did w twice"]
    s.restore_claim(row, actor="e")
    assert texts(s, cand) == ["A did x", "B did y", "C did z", "D did w twice"]
    assert [c.position for c in s.claims(cand)] == [0, 1, 2, 3]
    with pytest.raises(UserError):
        s.edit_claim(ids[0], "  ", actor="e")


def test_split_keeps_evidence_on_first_part(ledger):
    s, cand, ids, sid = ledger
    ev = s.add_evidence(session_id=sid, start=0, end=1, criterion="judgment", evaluator="e", claim_id=ids[1])
    s.set_claim_status(ids[1], "probing", actor="e")
    new = s.split_claim(ids[1], ["B did y1", "B did y2"], actor="e")
    assert texts(s, cand) == ["A did x", "B did y1", "B did y2", "C did z"]
    assert s.evidence(sid)[0].claim_id == new[0]
    assert s.claim(new[0]).status == "probing"
    assert s.claim(new[1]).topics == ["latency"]
    assert ev == s.evidence(sid)[0].id
    with pytest.raises(UserError, match="two"):
        s.split_claim(new[0], ["only one"], actor="e")


def test_merge_moves_evidence(ledger):
    s, cand, ids, sid = ledger
    s.add_evidence(session_id=sid, start=0, end=1, criterion="judgment", evaluator="e", claim_id=ids[2])
    keep = s.merge_claims([ids[2], ids[1]], actor="e")
    assert keep == ids[1]
    assert texts(s, cand) == ["A did x", "B did y. C did z."]
    assert s.evidence(sid)[0].claim_id == ids[1]
    with pytest.raises(UserError):
        s.merge_claims([ids[0]], actor="e")


def test_delete_unlinks_evidence(ledger):
    s, _, ids, sid = ledger
    s.add_evidence(session_id=sid, start=0, end=1, criterion="judgment", evaluator="e", claim_id=ids[0])
    s.delete_claim(ids[0], actor="e")
    assert s.evidence(sid)[0].claim_id is None


def test_status_history_records_time_and_evidence(ledger):
    s, _, ids, sid = ledger
    ev = s.add_evidence(session_id=sid, start=0, end=1, criterion="claim-verification", evaluator="e",
                        claim_id=ids[0])
    s.set_claim_status(ids[0], "probing", actor="Ada")
    s.set_claim_status(ids[0], "verified", actor="Ada", evidence_id=ev)
    history = s.claim_status_history(ids[0])
    assert [(h["from"], h["to"]) for h in history] == [("unprobed", "probing"), ("probing", "verified")]
    assert history[1]["evidence_id"] == ev
    assert history[1]["actor"] == "Ada"
    assert history[1]["at"].startswith("20")


def test_pinned_and_own_probes(ledger):
    s, _, ids, _ = ledger
    pid = s.add_claim_probe(ids[0], text="What was p95 before?", criterion="claim-verification",
                            source_key="cv-01", actor="e")
    own = s.add_claim_probe(ids[0], text="Who reviewed it?", criterion="judgment", actor="e")
    assert [p["id"] for p in s.claim_probes(ids[0])] == [pid, own]
    s.remove_claim_probe(pid, actor="e")
    assert [p["text"] for p in s.claim_probes(ids[0])] == ["Who reviewed it?"]
