"""THE re-reading of evidence quotes (`Revisions.refresh_quotes`), used by live revisions, corrections,
speaker changes and refine."""

from __future__ import annotations

import json

import pytest

from interviewer.notes.store.database import Store
from interviewer.notes.store.revisions import QuoteChange
from tests.builders import fixed_clock, seg


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "db.sqlite3", clock=fixed_clock)
    yield s
    s.close()


@pytest.fixture
def session(store):
    cand = store.get_or_create_candidate("Kay")
    sid = store.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="Ada")
    first = store.add_segment(sid, seg(0.0, 2.0, "we cut latency a lot"))
    second = store.add_segment(sid, seg(10.0, 12.0, "the harness was green"))
    near = store.add_evidence(session_id=sid, start=0.0, end=2.0, criterion="judgment", evaluator="Ada")
    far = store.add_evidence(session_id=sid, start=10.0, end=12.0, criterion="judgment", evaluator="Ada")
    return sid, first, second, near, far


def test_only_quotes_overlapping_the_range_are_reread_and_the_old_quote_is_audited(store, session):
    sid, first, second, near, far = session
    with store.atomic():  # both segments change; only the first one's range is refreshed
        store.set_segment_text(first, "we cut the latency", json.dumps([]))
        store.set_segment_text(second, "the harness was red", json.dumps([]))
    changes = store.refresh_quotes(sid, 0.0, 2.0, actor="Ada")
    assert changes == [QuoteChange(near, 0.0, 2.0, "we cut latency a lot", "we cut the latency")]
    quotes = {e.id: e.quote for e in store.evidence(sid)}
    assert quotes == {near: "we cut the latency", far: "the harness was green"}
    [update] = [e for e in store.audit_entries(near) if e["action"] == "evidence.update"]
    assert json.loads(update["old"]) == {"quote": "we cut latency a lot"}
    assert update["actor"] == "Ada"
    # Without a range: the whole session; a second pass changes nothing more.
    [whole] = store.refresh_quotes(sid, actor="Ada")
    assert (whole.evidence_id, whole.new) == (far, "the harness was red")
    assert store.refresh_quotes(sid, actor="Ada") == []


def test_a_session_without_evidence_has_nothing_to_reread(store):
    cand = store.get_or_create_candidate("Kay")
    sid = store.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="Ada")
    store.add_segment(sid, seg(0.0, 2.0, "we cut latency a lot"))
    assert store.refresh_quotes(sid, 0.0, 100.0, actor="Ada") == []
