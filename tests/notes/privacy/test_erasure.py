"""Erasure: nothing left on disk, byte for byte; the other candidate kept; the audit log append-only again."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from interviewer.core.config import DataDir
from interviewer.core.errors import UserError
from interviewer.notes.privacy.erasure import erase_candidate
from interviewer.notes.privacy.retention import apply_retention
from interviewer.notes.review import editing as review
from interviewer.notes.store.database import Store
from tests.notes.privacy.planting import CANARY, NOW, OTHER, files_with, leave_in_free_pages, populate


def triggers(store: Store) -> list[tuple[str, str]]:
    return [tuple(r) for r in store.db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()]


def test_erase_leaves_no_trace_on_disk_and_keeps_the_other_candidate(store: Store, dd: DataDir):
    name = f"Zoë {CANARY.capitalize()}"
    gone = populate(store, dd, name, CANARY, started=NOW - timedelta(days=3))
    kept = populate(store, dd, "Bob Keeper", OTHER, started=NOW - timedelta(days=2), export=False)
    (dd.exports_dir / "sub").mkdir()
    (dd.exports_dir / "sub" / "notes.md").write_text(f"debrief with {name.upper()}\n", encoding="utf-8")
    (dd.exports_dir / "unrelated.txt").write_text("Bob Keeper looked fine\n", encoding="utf-8")
    (dd.exports_dir / f"zoe_{CANARY}-scores.csv").write_text("depth,3\n", encoding="utf-8")  # named only
    (dd.exports_dir / "empty-but-mine").mkdir()
    kept_export = store.export_session(kept["session"])
    kept_audit = [e for e in store.audit_entries() if OTHER in json.dumps(e) or e["row_id"] in kept.values()]
    kept_audio = Path(kept["audio"]).read_bytes()
    triggers_before = triggers(store)
    leave_in_free_pages(store, gone["session"], f"{CANARY} follow up")
    assert files_with(dd.root, CANARY)  # planted: the db or its WAL, the audio, the exports

    report = erase_candidate(store, dd, f"  {name.upper()} ")  # any case, stray spaces

    assert report.candidates == 1
    assert report.rows == {"candidates": 1, "sessions": 1, "claims": 1, "segments": 2, "evidence": 1,
                           "ratings": 1, "consents": 1, "probe_asks": 1, "claim_probes": 1, "claim_assignments": 1,
                           "failure_stories": 1, "scenario_uses": 1, "constraint_ticks": 1,
                           "judgment_calls": 2}  # the probe asked and the scenario card shown
    assert report.audit_entries >= 15  # consent, evidence, claims (also the deleted one), segments, ratings...
    assert report.mentions_left == []
    assert report.scrubbed
    assert set(report.files) >= {f"audio/{gone['session']}.wav", f"audio/{gone['session']}.2.wav",
                                 f"audio/{gone['session']}.lock", f"exports/{gone['session']}.json",
                                 "exports/shortlist.txt", "exports/sub/notes.md",
                                 f"exports/zoe_{CANARY}-scores.csv"}
    assert not (dd.exports_dir / "sub").exists()  # left empty by the erasure
    assert (dd.exports_dir / "empty-but-mine").is_dir()
    # With the store still open (db, -wal and -shm all present) and after closing it: no byte anywhere.
    for needle in (CANARY, gone["candidate"], gone["session"], gone["claim"], gone["evidence"],
                   gone["gone_claim"], gone["dropped"]):
        assert files_with(dd.root, needle) == [], needle
    assert review.search(store, CANARY) == []
    assert store.find_candidate(name) is None
    # The other candidate is untouched, and still found by full-text search.
    assert store.export_session(kept["session"]) == kept_export
    assert Path(kept["audio"]).read_bytes() == kept_audio
    assert [r["session"] for r in review.search(store, OTHER)] == [kept["session"]]
    assert (dd.exports_dir / "unrelated.txt").exists()
    assert [e for e in store.audit_entries() if OTHER in json.dumps(e) or e["row_id"] in kept.values()] == kept_audit
    # The audit log is append-only again, with the triggers exactly as before, plus one impersonal entry.
    assert triggers(store) == triggers_before
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.db.execute("DELETE FROM audit_log")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.db.execute("UPDATE audit_log SET actor = 'x'")
    [entry] = [e for e in store.audit_entries() if e["action"] == "candidate.erase"]
    assert entry["row_id"] is None
    assert json.loads(entry["new"])["erasure_id"] == report.erasure_id
    assert json.loads(entry["new"])["rows"]["sessions"] == 1
    assert store.integrity_check() == "ok"
    store.db.execute("INSERT INTO segments_fts(segments_fts) VALUES ('integrity-check')")
    store.close()
    for needle in (CANARY, gone["candidate"], gone["session"]):
        assert files_with(dd.root, needle) == [], needle
    with Store(dd.db_path) as again:
        assert [r.id for r in again.sessions()] == [kept["session"]]


def test_erase_under_another_reader_says_so_and_retention_finishes_the_scrub(store: Store, dd: DataDir):
    populate(store, dd, "Zoë Reader", CANARY, started=NOW)
    populate(store, dd, "Bob Keeper", OTHER, started=NOW, export=False)
    other = sqlite3.connect(dd.db_path, isolation_level=None)  # e.g. a second Interviewer window
    try:
        other.execute("BEGIN")
        other.execute("SELECT count(*) FROM candidates").fetchone()
        report = erase_candidate(store, dd, "zoë reader")
        assert not report.scrubbed  # the WAL could not be truncated under a reader
        assert store.find_candidate("Zoë Reader") is None
    finally:
        other.close()
    assert apply_retention(store, dd, now=NOW, dry_run=False).scrubbed  # no policy: only compacts
    assert files_with(dd.root, CANARY) == []
    assert files_with(dd.root, OTHER)


def test_erase_unlinks_other_rows_and_reports_mentions_it_does_not_own(store: Store, dd: DataDir):
    gone = populate(store, dd, "Zoë Linked", CANARY, started=NOW)
    kept = populate(store, dd, "Bob Keeper", OTHER, started=NOW, export=False)
    cross = store.add_evidence(session_id=kept["session"], start=2.5, end=4.0, criterion="depth", evaluator="Ada",
                               claim_id=gone["claim"], note="Bob's answer compared with Zoë Linked's")
    store.update_evidence(cross, actor="Ada", polarity="concern")

    report = erase_candidate(store, dd, "Zoë Linked")

    # The entry that recorded the link to her claim goes; Bob's evidence keeps the rest of its history.
    assert [e["action"] for e in store.audit_entries(cross)] == ["evidence.update"]

    row = store.t("evidence").get(cross)  # Bob's evidence stays, without the link to her claim
    assert row["claim_id"] is None and row["note"] == "Bob's answer compared with Zoë Linked's"
    assert report.mentions_left == [f"evidence {cross} note"]  # for a person to judge, not deleted
    assert store.integrity_check() == "ok"
    assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("name", ["Zoë Ðặng", "李雷", "O'Brien-Smith"])
def test_erase_finds_exports_however_the_name_is_written(store: Store, dd: DataDir, name: str):
    populate(store, dd, name, CANARY, started=NOW, export=False)
    (dd.exports_dir / "ascii.json").write_text(json.dumps({"who": name}), encoding="utf-8")  # ensure_ascii: \u00eb-style escapes
    (dd.exports_dir / "upper.txt").write_text(f"notes on {name.upper()}.", encoding="utf-8")
    (dd.exports_dir / "keep.txt").write_text("notes on someone else", encoding="utf-8")
    report = erase_candidate(store, dd, name.lower())
    assert sorted(f for f in report.files if f.startswith("exports/")) == ["exports/ascii.json", "exports/upper.txt"]
    assert files_with(dd.root, CANARY) == []


def test_erase_unknown_candidate_is_a_user_error(store: Store, dd: DataDir):
    populate(store, dd, "Bob Keeper", OTHER, started=NOW)
    with pytest.raises(UserError, match="no candidate named 'Bob'") as exc:
        erase_candidate(store, dd, "Bob")
    assert exc.value.exit_code == 2
    assert files_with(dd.root, OTHER)


@pytest.mark.skipif(os.name != "posix", reason="flock")
def test_erase_refuses_while_the_candidate_is_recording(store: Store, dd: DataDir):
    import fcntl

    ids = populate(store, dd, "Live Person", CANARY, started=NOW, status="recording")
    with (dd.audio_dir / f"{ids['session']}.lock").open("a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(UserError, match="recording right now"):
            erase_candidate(store, dd, "live person")
    assert Path(ids["audio"]).exists()
    assert store.find_candidate("Live Person") is not None


def test_erase_matches_a_name_not_a_substring_in_other_audit_entries(store: Store, dd: DataDir):
    """Erasing "Ann" must not take the audit entries whose notes merely contain "annotated"."""
    populate(store, dd, "Ann", CANARY, started=NOW)
    kept = populate(store, dd, "Bob Keeper", OTHER, started=NOW, export=False)
    store.add_evidence(session_id=kept["session"], start=2.5, end=4.0, criterion="depth", evaluator="Ada",
                       note="annotated the diagram")
    before = [e["id"] for e in store.audit_entries() if "annotated" in (e["new"] or "")]
    erase_candidate(store, dd, "ann")
    assert [e["id"] for e in store.audit_entries() if "annotated" in (e["new"] or "")] == before
    assert files_with(dd.root, CANARY) == []
