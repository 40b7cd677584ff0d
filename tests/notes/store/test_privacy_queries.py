"""The reads and writes of retention, erasure and access: what a session holds of what was said, and the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.notes.store.database import Store
from interviewer.notes.store.privacy_queries import (
    RetentionSession,
    TranscriptCounts,
    audio_paths,
    candidate_consents,
    candidate_sessions,
    clear_audio,
    delete_transcript,
    retention_sessions,
    segment_texts,
    session_consents,
    session_texts,
    transcript_held,
)
from tests.builders import fixed_clock, seg


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "interviewer.sqlite3", clock=fixed_clock)
    yield s
    s.close()


def interview(store: Store, name: str, started: str) -> tuple[str, str]:
    cid = store.get_or_create_candidate(name)
    sid = store.create_session(candidate_id=cid, role_id=None, kit_id=None, evaluator="Ada", status="complete")
    store.add_segments(sid, [seg(0.0, 2.0, f"  {name} rebuilt the pipeline  "), seg(2.0, 3.0, "okay")])
    eid = store.add_evidence(session_id=sid, start=0.0, end=2.0, criterion="depth", evaluator="Ada", note="asked")
    store.rate(session_id=sid, criterion="depth", evaluator="Ada", score=3, evidence_ids=[eid], reason="solid")
    store.record_consent(candidate_id=cid, session_id=sid, method="verbal", confirmed_by="Ada")
    store.update_session(sid, started_at=started, notes="follow up", audio_path=f"audio/{sid}.wav")
    return cid, sid


def test_transcript_held_counts_and_delete_transcript_removes_the_same(store: Store):
    _, sid = interview(store, "Ann", "2026-01-01T00:00:00.000+00:00")
    _, other = interview(store, "Bob", "2026-02-01T00:00:00.000+00:00")
    held = transcript_held(store, sid)
    assert held == TranscriptCounts(segments=2, evidence=1, ratings=1, notes=1)
    assert held.held
    with pytest.raises(RuntimeError, match="inside a transaction"):
        delete_transcript(store, sid)

    with store.atomic():
        assert delete_transcript(store, sid) == held

    assert transcript_held(store, sid) == TranscriptCounts(0, 0, 0, 0)
    assert not transcript_held(store, sid).held
    [ev] = store.evidence(sid)
    assert (ev.note, ev.criterion) == ("", "depth")  # blanked, the tag stays
    assert transcript_held(store, other) == held  # the other session untouched


def test_retention_sessions_oldest_first_with_the_candidates_name(store: Store):
    _, late = interview(store, "Bob", "2026-02-01T00:00:00.000+00:00")
    _, early = interview(store, "Ann", "2026-01-01T00:00:00.000+00:00")
    assert retention_sessions(store) == [
        RetentionSession(early, "Ann", "complete", "2026-01-01T00:00:00.000+00:00", f"audio/{early}.wav", None),
        RetentionSession(late, "Bob", "complete", "2026-02-01T00:00:00.000+00:00", f"audio/{late}.wav", None)]
    assert retention_sessions(store)[0].audio() == {"audio_path": f"audio/{early}.wav", "audio_path2": None}
    assert audio_paths(store, [early]) == [f"audio/{early}.wav", None]


def test_texts_consents_and_sessions_of_a_candidate(store: Store):
    cid, sid = interview(store, "Ann", "2026-01-01T00:00:00.000+00:00")
    interview(store, "Bob", "2026-02-01T00:00:00.000+00:00")
    # the segments' texts as stored, and the evidence quote (the words in its range)
    assert sorted(session_texts(store, sid)) == ["  Ann rebuilt the pipeline  ", "Ann rebuilt the pipeline", "okay"]
    assert segment_texts(store, [sid]) == {"Ann rebuilt the pipeline", "okay"}  # stripped
    [consent] = candidate_consents(store, cid)
    assert session_consents(store, sid) == {consent["id"]}
    assert candidate_sessions(store, cid) == [sid]


def test_clear_audio_forgets_the_paths_and_says_so(store: Store):
    _, sid = interview(store, "Ann", "2026-01-01T00:00:00.000+00:00")
    clear_audio(store, sid, {"audio_path": f"audio/{sid}.wav"}, actor="retention", action="retention.audio")
    assert store.session(sid).audio_path is None
    [entry] = [e for e in store.audit_entries(sid) if e["action"] == "retention.audio"]
    assert entry["actor"] == "retention"
    assert json.loads(entry["old"]) == {"audio_path": f"audio/{sid}.wav"}
    assert json.loads(entry["new"]) == {"audio_path": None}
