"""The typed rows the store hands out: built from a row, read by attribute, and `to_dict()` exactly the row
(same keys, same order, same values: the CLI's JSON and the exports are made from it), a column a later
migration adds kept rather than dropped."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError

import pytest

from interviewer.notes.store.database import Store
from interviewer.notes.store.records import (
    CallRatingRecord,
    CallRecord,
    CandidateRecord,
    ClaimRecord,
    EvidenceRecord,
    SessionListing,
    SessionRecord,
)
from tests.builders import synthetic_session


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "db.sqlite3")
    yield s
    s.close()


def raw(store: Store, sql: str, args: list[str]) -> list[dict]:
    with store.reading() as db:
        return list(db.query(sql, args))


def test_each_record_is_its_row_in_order(store):
    sid = synthetic_session(store, candidate="Zoë Ðặng", segments=6, evidence=3)
    session = store.session(sid)
    assert isinstance(session, SessionRecord) and session.candidate == "Zoë Ðặng" and session.role == "MLE"
    [row] = raw(store, "SELECT s.*, c.name AS candidate, r.name AS role FROM sessions s JOIN candidates c "
                       "ON c.id = s.candidate_id LEFT JOIN roles r ON r.id = s.role_id WHERE s.id = ?", [sid])
    assert list(session.to_dict().items()) == list(row.items())

    cand = store.candidate(session.candidate_id)
    assert isinstance(cand, CandidateRecord)
    assert list(cand.to_dict().items()) == list(raw(store, "SELECT * FROM candidates WHERE id = ?",
                                                    [cand.id])[0].items())
    assert store.find_candidate("zoë ðặng") == cand == store.resolve_candidate(cand.id[:6])

    evidence = store.evidence(sid)
    rows = raw(store, "SELECT * FROM evidence WHERE session_id = ? ORDER BY start", [sid])
    assert [list(e.to_dict().items()) for e in evidence] == [list(r.items()) for r in rows]
    assert all(isinstance(e, EvidenceRecord) for e in evidence)
    assert store.evidence_item(evidence[0].id) == evidence[0]

    before = len(store.claims(cand.id))
    store.add_claims(cand.id, [{"text": "Cut p95 latency", "topics": ["latency"]}, {"text": "Led a team"}])
    claims = store.claims(cand.id)[before:]
    assert [c.text for c in claims] == ["Cut p95 latency", "Led a team"]
    assert claims[0].topics == ["latency"] and isinstance(claims[0], ClaimRecord)
    [first] = raw(store, "SELECT * FROM claims WHERE id = ?", [claims[0].id])
    assert list(claims[0].to_dict().items()) == list({**first, "topics": ["latency"]}.items())
    assert store.claim(claims[1].id) == claims[1]


def test_the_session_list_keeps_its_public_json_shape(store):
    sid = synthetic_session(store, segments=4, evidence=2)
    [listed] = store.sessions()
    assert isinstance(listed, SessionListing) and (listed.id, listed.segments, listed.evidence) == (sid, 4, 2)
    assert list(listed.to_dict()) == ["id", "candidate", "role", "status", "started_at", "duration_s", "audio_path",
                                      "segments", "evidence", "evaluator"]


def test_a_column_a_later_migration_adds_is_kept_not_dropped(store):
    sid = synthetic_session(store, segments=2, evidence=1)
    with store.atomic() as db:
        db.execute("ALTER TABLE sessions ADD COLUMN venue TEXT NOT NULL DEFAULT 'room 4'")
        db.execute("ALTER TABLE evidence ADD COLUMN weight REAL")
    session = store.session(sid)
    assert session.get("venue") == "room 4" and session.get("nothing", "x") == "x"
    keys = list(session.to_dict())
    assert keys[-3:] == ["venue", "candidate", "role"]  # in the query's column order
    [ev] = store.evidence(sid)
    assert ev.to_dict()["weight"] is None and list(ev.to_dict())[-1] == "weight"
    exported = store.export_session(sid)
    assert exported["session"]["venue"] == "room 4" and "weight" in exported["evidence"][0]
    json.dumps(exported)  # still plain JSON


def test_records_are_read_only(store):
    session = store.session(synthetic_session(store, segments=1, evidence=0))
    with pytest.raises(FrozenInstanceError):
        session.status = "complete"  # type: ignore[misc]


def test_judgment_calls_and_their_scores(store):
    sid = synthetic_session(store, segments=4, evidence=0)
    cid = store.add_call(session_id=sid, kind="probe", key="jd-01", text="Why?", criterion="judgment", start=2.0)
    call = store.call(cid)
    assert isinstance(call, CallRecord) and (call.key, call.end, call.depth) == ("jd-01", None, 0)
    assert list(call.to_dict().items()) == list(raw(store, "SELECT * FROM judgment_calls WHERE id = ?",
                                                    [cid])[0].items())
    assert store.calls(sid) == [call]
    store.rate_call(cid, evaluator="Ada", score=3, reason="clear trade-off")
    [score] = store.call_ratings(cid)
    assert isinstance(score, CallRatingRecord) and (score.score, score.evidence_ids) == (3, [])
    assert store.visible_call_ratings(cid, "Bo") == [] and store.visible_call_ratings(cid, "Ada") == [score]
    [rating] = raw(store, "SELECT * FROM call_ratings WHERE id = ?", [score.id])
    assert list(score.to_dict().items()) == list({**rating, "evidence_ids": []}.items())
