"""The reads the PDF reports need beyond the store's own methods: one evidence item from any session, and a
candidate's sessions in the order they started."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from interviewer.notes.store.database import Store
from interviewer.notes.store.records import EvidenceRecord
from interviewer.notes.store.report_queries import candidate_session_ids, evidence_record
from tests.builders import seg


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path, clock):
    s = Store(tmp_path / "db.sqlite3", clock=clock)
    yield s
    s.close()


def test_evidence_record_from_any_session_and_none_once_deleted(store):
    cand = store.get_or_create_candidate("Zoë Ðặng")
    sid = store.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="Ada", status="complete")
    store.add_segments(sid, [seg(10.0, 14.0, "the  baseline was 900 ms")])
    claim = store.add_claims(cand, [{"text": "Cut p95 latency"}])[0]
    eid = store.add_evidence(session_id=sid, start=10.0, end=14.0, criterion="claim-verification", evaluator="Ada",
                             polarity="concern", claim_id=claim, note="asked twice")
    record = evidence_record(store, eid)
    assert record == EvidenceRecord(id=eid, session_id=sid, start=10.0, end=14.0, quote="the baseline was 900 ms",
                                    criterion="claim-verification", claim_id=claim, probe_id=None,
                                    polarity="concern", note="asked twice", evaluator="Ada",
                                    created_at=record.created_at, scenario_use_id=None)
    note = store.add_evidence(session_id=sid, start=1.0, end=2.0, criterion=None, evaluator=None)
    bare = evidence_record(store, note)
    assert bare is not None and (bare.criterion, bare.evaluator, bare.claim_id, bare.quote) == (None, None, None, "")
    store.delete_evidence(eid, actor="Ada")
    assert evidence_record(store, eid) is None
    assert evidence_record(store, "no-such-id") is None


def test_candidate_session_ids_first_started_first(store, clock):
    zoe = store.get_or_create_candidate("Zoë Ðặng")
    ravi = store.get_or_create_candidate("Ravi Menon")
    made = []
    for n, cand in enumerate([zoe, ravi, zoe, zoe]):
        clock.now = datetime(2026, 3, 9, 9, 0, tzinfo=UTC) - timedelta(days=n)  # each one a day earlier
        made.append((cand, store.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="Ada")))
    assert candidate_session_ids(store, zoe) == [sid for cand, sid in reversed(made) if cand == zoe]
    assert candidate_session_ids(store, ravi) == [made[1][1]]
    assert candidate_session_ids(store, "nobody") == []
