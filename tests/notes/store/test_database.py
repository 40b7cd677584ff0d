"""The SQLite store: round trips, migrations, refusal of bad files, the audit log, full-text search."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid

import pytest

from interviewer.core.errors import DatabaseError, UserError
from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.review import editing as review
from interviewer.notes.store import schema
from interviewer.notes.store.database import Store
from tests.builders import fixed_clock, seg


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "db.sqlite3", clock=fixed_clock)
    yield s
    s.close()


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_round_trip_survives_reopen(tmp_path):
    path = tmp_path / "db.sqlite3"
    with Store(path, clock=fixed_clock) as s:
        cand = s.get_or_create_candidate("Zoë Ðặng", email="zoe@example.org")
        role = s.get_or_create_role("Senior ML Engineer")
        kit = load_kit()
        kit_id = s.save_kit(kit, "x = 1")
        [claim] = s.add_claims(cand, [{"text": "Cut p95 latency from 900 ms to 200 ms", "section": "Acme",
                                       "topics": ["latency"]}])
        sid = s.create_session(candidate_id=cand, role_id=role, kit_id=kit_id, evaluator="Ada")
        s.add_segments(sid, [seg(0.0, 2.0, "we cut latency a lot"), seg(2.5, 4.0, "I measured p95 daily")])
        eid = s.add_evidence(session_id=sid, start=2.4, end=4.1, criterion="claim-verification",
                             evaluator="Ada", claim_id=claim, polarity="concern", note="check baseline")
        s.record_consent(candidate_id=cand, session_id=sid, method="verbal", confirmed_by="Ada")
        s.update_session(sid, status="complete")
    with Store(path) as s:
        [row] = s.sessions()
        assert row.candidate == "Zoë Ðặng"
        assert row.status == "complete"
        assert row.segments == 2
        assert row.evidence == 1
        assert row.duration_s == 4.0
        segs = s.segments(sid)
        assert [x.text for x in segs] == ["we cut latency a lot", "I measured p95 daily"]
        assert segs[1].words[0].word == " I"
        assert segs[1].words[0].start == pytest.approx(2.5)
        [ev] = s.evidence(sid)
        assert ev.id == eid
        assert ev.quote == "I measured p95 daily"
        assert ev.polarity == "concern"
        assert ev.claim_id == claim
        assert s.claims(cand)[0].topics == ["latency"]
        assert s.consents(sid)[0]["method"] == "verbal"
        assert s.session(sid).role == "Senior ML Engineer"
        for table in ("candidates", "sessions", "segments", "evidence", "claims", "consents"):
            for r in s.t(table).rows:
                uuid.UUID(r["id"])


def test_wal_and_synchronous_are_explicit(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.user_version == schema.SCHEMA_VERSION


def test_failed_multi_table_write_leaves_nothing(store):
    with pytest.raises(RuntimeError), store.atomic():
        store.get_or_create_candidate("Half")
        store.get_or_create_role("Written")
        raise RuntimeError
    assert store.t("candidates").count == 0
    assert store.t("roles").count == 0


def test_migration_from_version_1_keeps_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = Store(path, migrate_to=1)
    assert old.user_version == 1
    cand = old.get_or_create_candidate("Old Timer")
    sid = old.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="Bo")
    old.db.execute("INSERT INTO segments (id, session_id, start, \"end\", text, speaker, words, created_at) "
                   "VALUES ('s1', ?, 0, 1, 'the rollback took an hour', '', '[]', 'x')", [sid])
    old.db.conn.commit()
    assert "segments_fts" not in old.db.table_names()
    old.close()
    with Store(path) as s:
        assert s.user_version == schema.SCHEMA_VERSION
        assert s.sessions()[0].candidate == "Old Timer"
        assert s.session(sid).notes == ""
        hits = review.search(s, "rollback")
        assert [h["text"] for h in hits] == ["the rollback took an hour"]
        assert "probe_asks" in s.db.table_names()


def test_corrupt_database_refused_and_unchanged(tmp_path):
    path = tmp_path / "db.sqlite3"
    with Store(path) as s:
        cand = s.get_or_create_candidate("A")
        sid = s.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="e")
        s.add_segments(sid, [seg(i, i + 1, f"segment number {i} about drift") for i in range(200)])
        root = s.db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'segments'").fetchone()[0]
        page = s.db.execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    start = (root - 1) * page
    for off in range(start + 8, start + 200):  # scribble over the segments table's root page
        data[off] ^= 0xFF
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(DatabaseError) as err:
        Store(path)
    assert str(path) in str(err.value)
    assert "left untouched" in str(err.value)
    assert digest(path) == before


def test_truncated_database_refused(tmp_path):
    path = tmp_path / "db.sqlite3"
    with Store(path) as s:
        s.get_or_create_candidate("A")
    path.write_bytes(path.read_bytes()[:60])
    before = digest(path)
    with pytest.raises(DatabaseError, match="not an SQLite file"):
        Store(path)
    assert digest(path) == before


def test_non_sqlite_file_refused(tmp_path):
    path = tmp_path / "db.sqlite3"
    path.write_text("name,score\nann,4\n" * 50)
    before = digest(path)
    with pytest.raises(DatabaseError, match="not an SQLite file"):
        Store(path)
    assert digest(path) == before


def test_newer_database_refused(tmp_path):
    path = tmp_path / "db.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(DatabaseError, match="newer version"):
        Store(path)
    assert digest(path) == before


def test_audit_log_is_append_only(store):
    cand = store.get_or_create_candidate("A")
    sid = store.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="e")
    eid = store.add_evidence(session_id=sid, start=0, end=1, criterion="judgment", evaluator="e")
    store.delete_evidence(eid, actor="e")
    actions = [e["action"] for e in store.audit_entries(eid)]
    assert actions == ["evidence.add", "evidence.delete"]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("UPDATE audit_log SET actor = 'mallory'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("DELETE FROM audit_log")
    assert store.t("audit_log").count >= 2


def test_fts_follows_updates_and_deletes(store):
    cand = store.get_or_create_candidate("A")
    sid = store.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="e")
    store.add_segments(sid, [seg(0, 1, "the embeddings drifted overnight")])
    assert len(review.search(store, "drifted")) == 1
    with store.atomic():
        store.db.execute("UPDATE segments SET text = 'the labels were noisy' WHERE session_id = ?", [sid])
    assert review.search(store, "drifted") == []
    assert len(review.search(store, "noisy")) == 1
    with store.atomic():
        store.db.execute("DELETE FROM segments WHERE session_id = ?", [sid])
    assert review.search(store, "noisy") == []


def test_search_tolerates_fts_syntax_in_queries(store):
    cand = store.get_or_create_candidate("A")
    sid = store.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="e")
    store.add_segments(sid, [seg(0, 1, "p95 latency AND cost")])
    assert len(review.search(store, 'latency "AND')) == 1
    assert review.search(store, "   ") == []


def test_bad_values_are_user_errors(store):
    cand = store.get_or_create_candidate("A")
    sid = store.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="e")
    with pytest.raises(UserError, match="polarity"):
        store.add_evidence(session_id=sid, start=0, end=1, criterion="x", evaluator="e", polarity="meh")
    with pytest.raises(UserError, match="before it starts"):
        store.add_evidence(session_id=sid, start=5, end=1, criterion="x", evaluator="e")
    with pytest.raises(UserError, match="consent method"):
        store.record_consent(candidate_id=cand, session_id=sid, method="nod", confirmed_by="e")
    with pytest.raises(UserError):
        store.get_or_create_candidate("  ")


def test_kit_snapshot_has_stable_id(store):
    kit = load_kit()
    a = store.save_kit(kit, "same text")
    b = store.save_kit(kit, "same text")
    assert a == b
    assert store.t("criteria").count == len(kit.criteria)
    assert store.t("probes").count == len(kit.probes)


def test_resolve_session_by_prefix(store):
    cand = store.get_or_create_candidate("A")
    sid = store.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="e")
    assert store.resolve_session(sid[:8]) == sid
    with pytest.raises(UserError, match="no session"):
        store.resolve_session("zzzz")


def test_revise_segment_in_place_keeps_id_reindexes_and_rereads_quotes(store):
    cand = store.get_or_create_candidate("Kay")
    sid = store.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="Ada")
    first = store.add_segment(sid, seg(0.0, 2.0, "we cut latency a lot"))
    second = store.add_segment(sid, seg(2.5, 4.0, "the harness was green"))
    eid = store.add_evidence(session_id=sid, start=2.4, end=4.1, criterion="judgment", evaluator="Ada")
    assert store.evidence(sid)[0].quote == "the harness was green"
    assert review.search(store, "green")

    assert store.revise_segment(second, seg(2.5, 4.2, "the hardest agrees with them"),
                                expected_text="the harness was green")
    rows = store.segment_rows(sid)
    assert [r["id"] for r in rows] == [first, second]  # same rows, nothing added
    assert rows[1]["text"] == "the hardest agrees with them"
    assert [w["word"].strip() for w in rows[1]["words"]] == ["the", "hardest", "agrees", "with", "them"]
    assert rows[1]["end"] == pytest.approx(4.2)
    assert review.search(store, "green") == []  # the FTS index followed the update
    [hit] = review.search(store, "agrees")
    assert hit["text"] == "the hardest agrees with them"
    [ev] = store.evidence(sid)
    assert ev.id == eid and ev.quote == "the hardest agrees with them"
    assert any(a["action"] == "evidence.update" for a in store.audit_entries(eid))


def test_revise_segment_never_overwrites_a_correction(store):
    cand = store.get_or_create_candidate("Kay")
    sid = store.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="Ada")
    seg_id = store.add_segment(sid, seg(0.0, 2.0, "we cut latency a lot"))
    review.edit_segment_text(store, seg_id, "we cut latency by a lot", actor="Ada")
    assert not store.revise_segment(seg_id, seg(0.0, 2.0, "we cut the latency a lot"),
                                    expected_text="we cut latency a lot")
    assert store.segments(sid)[0].text == "we cut latency by a lot"
    assert not store.revise_segment("no such id", seg(0.0, 2.0, "x"))
