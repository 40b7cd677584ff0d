"""Retention: a dry run changes nothing; applying removes expired audio and transcripts, every copy of them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from interviewer.core.config import DataDir
from interviewer.notes.privacy.retention import apply_retention
from interviewer.notes.privacy.retention_policy import RetentionPolicy, policy_path, save_policy
from interviewer.notes.review import editing as review
from interviewer.notes.store.database import Store
from tests.notes.privacy.planting import CANARY, NOW, OTHER, SAID, files_with, leave_in_free_pages, populate


def snapshot(store: Store) -> dict[str, list[dict[str, object]]]:
    return {t: list(store.t(t).rows_where(order_by="id")) for t in
            ("sessions", "segments", "evidence", "ratings", "audit_log", "candidates")}


def test_retention_dry_run_removes_nothing_and_reports_the_right_sessions(store: Store, dd: DataDir):
    old = populate(store, dd, "Old Timer", CANARY, started=NOW - timedelta(days=100))
    mid = populate(store, dd, "Mid Way", "midtoken4411", started=NOW - timedelta(days=40), export=False)
    new = populate(store, dd, "New Comer", OTHER, started=NOW - timedelta(days=5), export=False)
    live = populate(store, dd, "Still Recording", "livetoken8820", started=NOW - timedelta(days=100),
                    status="recording", export=False)
    save_policy(dd, RetentionPolicy(audio_days=30, transcript_days=90))
    before = snapshot(store)
    files_before = sorted(p for p in dd.root.rglob("*") if p.is_file() and "sqlite3" not in p.name)

    report = apply_retention(store, dd, now=NOW, dry_run=True)

    assert report.dry_run
    assert {a.session_id: a.what for a in report.actions} == {old["session"]: ["audio", "transcript"],
                                                              mid["session"]: ["audio"]}
    assert new["session"] not in {a.session_id for a in report.actions}
    assert report.skipped == [{"session_id": live["session"], "candidate": "Still Recording",
                               "reason": "recording in progress"}]
    [o] = [a for a in report.actions if a.session_id == old["session"]]
    assert (o.segments, o.evidence, o.ratings) == (2, 1, 1)
    assert sorted(o.audio_files) == sorted([f"audio/{old['session']}.wav", f"audio/{old['session']}.2.wav"])
    assert report.to_dict()["totals"]["audio_files"] == 4
    assert snapshot(store) == before
    assert sorted(p for p in dd.root.rglob("*") if p.is_file() and "sqlite3" not in p.name) == files_before


def test_retention_apply_removes_old_audio_and_transcript_and_keeps_recent(store: Store, dd: DataDir):
    old = populate(store, dd, "Old Timer", CANARY, started=NOW - timedelta(days=100), export=False, said=SAID)
    mid = populate(store, dd, "Mid Way", "midtoken4411", started=NOW - timedelta(days=40), export=False)
    new = populate(store, dd, "New Comer", OTHER, started=NOW - timedelta(days=5), export=False)
    live = populate(store, dd, "Still Recording", "livetoken8820", started=NOW - timedelta(days=100),
                    status="recording", export=False)
    save_policy(dd, RetentionPolicy(audio_days=30, transcript_days=90))
    leave_in_free_pages(store, old["session"], f"{SAID} follow up")
    assert files_with(dd.root, SAID)

    report = apply_retention(store, dd, now=NOW, dry_run=False)

    assert not report.errors
    assert report.scrubbed
    assert {a.session_id for a in report.actions} == {old["session"], mid["session"]}
    # Audio: gone for sessions older than 30 days, kept for the recent one and the one still recording.
    for ids in (old, mid):
        assert not Path(ids["audio"]).exists() and not Path(ids["audio2"]).exists()
        row = store.session(ids["session"])
        assert row.audio_path is None and row.audio_path2 is None
        assert not (dd.audio_dir / f"{ids['session']}.lock").exists()
    for ids in (new, live):
        assert Path(ids["audio"]).exists() and Path(ids["audio2"]).exists()
        assert store.session(ids["session"]).audio_path is not None
    # Transcript: only the 100-day-old finished session loses it.
    assert store.segment_rows(old["session"]) == []
    [ev] = store.evidence(old["session"])
    assert (ev.quote, ev.note, ev.criterion) == ("", "", "depth")  # the tag itself stays
    assert store.ratings(old["session"]) == []
    assert store.session(old["session"]).notes == ""
    assert len(store.segment_rows(mid["session"])) == 2
    assert store.ratings(mid["session"]) and store.evidence(mid["session"])[0].note
    assert len(store.segment_rows(live["session"])) == 2
    # No copy of the expired text anywhere on disk: audit log redacted, FTS merged, free pages zeroed, WAL
    # truncated. The candidate's own data (name, claims) is not the transcript's and stays.
    assert files_with(dd.root, SAID) == []
    assert files_with(dd.root, CANARY)
    assert review.search(store, SAID) == []
    [(_, claim)] = [(c.id, c.text) for c in store.claims(old["candidate"])]
    assert CANARY in claim
    assert [r["session"] for r in review.search(store, OTHER)] == [new["session"]]
    # Every action is in the audit log, by "retention", with no text.
    acts = [(e["actor"], e["action"], e["row_id"]) for e in store.audit_entries()
            if e["action"].startswith("retention.")]
    assert sorted(acts) == sorted([("retention", "retention.audio", old["session"]),
                                   ("retention", "retention.audio", mid["session"]),
                                   ("retention", "retention.transcript", old["session"])])
    # Applying again finds nothing left to do.
    assert apply_retention(store, dd, now=NOW, dry_run=False).actions == []
    # Without a policy nothing is ever removed.
    policy_path(dd).unlink()
    assert apply_retention(store, dd, now=NOW + timedelta(days=9999), dry_run=False).actions == []


def test_retention_keeps_everything_without_a_policy(store: Store, dd: DataDir):
    ids = populate(store, dd, "Old Timer", CANARY, started=NOW - timedelta(days=5000), export=False)
    report = apply_retention(store, dd, now=NOW, dry_run=False)
    assert report.actions == [] and Path(ids["audio"]).exists()
    assert len(store.segment_rows(ids["session"])) == 2
