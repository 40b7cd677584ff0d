"""Privacy: retention, erasure (nothing left on disk, byte for byte), subject access, permissions."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from interviewer.core.config import DataDir
from interviewer.core.errors import UserError
from interviewer.core.transcript import Segment, Word
from interviewer.notes import panel
from interviewer.notes.privacy.policy import (
    RetentionPolicy,
    access_candidate,
    apply_retention,
    erase_candidate,
    load_policy,
    policy_path,
    restrict_permissions,
    save_policy,
)
from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.review import editing as review
from interviewer.notes.store.database import Store

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CANARY = "qzcanary7731"  # ends in digits: the FTS porter stemmer keeps it whole
OTHER = "otherkeep5512"
SAID = "qzsaid3391"


def seg(start: float, end: float, text: str, speaker: str = "candidate") -> Segment:
    words = text.split()
    step = (end - start) / len(words)
    return Segment(start, end, text, speaker,
                   tuple(Word(start + i * step, start + (i + 1) * step, " " + w, 0.9) for i, w in enumerate(words)))


def write_wav(path: Path, title: str, seconds: float = 0.25) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(len(title))
    with sf.SoundFile(path, "w", samplerate=16000, channels=1, subtype="PCM_16") as f:
        f.title = title  # metadata in the WAV: the canary is in the audio file's bytes too
        f.write((rng.standard_normal(int(16000 * seconds)) * 0.1).astype("float32"))


def files_with(root: Path, needle: str) -> list[str]:
    """Every file under root whose raw bytes contain needle (any ASCII case; UTF-8 or UTF-16)."""
    forms = [needle.lower().encode("utf-8"), needle.lower().encode("utf-16-le"), needle.lower().encode("utf-16-be")]
    hits = []
    for p in sorted(root.rglob("*")):
        if p.is_file():
            data = p.read_bytes().lower()
            if any(f in data for f in forms):
                hits.append(str(p.relative_to(root)))
    return hits


def populate(store: Store, dd: DataDir, name: str, token: str, *, started: datetime,
             status: str = "complete", export: bool = True, said: str | None = None) -> dict[str, str]:
    """One candidate with a session holding every kind of row (the panel's and the review's included), two
    audio tracks and an export, and a history in the audit log: a corrected then re-transcribed segment, a
    deleted evidence item, a deleted claim, a changed rating. `token` is planted in what is the candidate's
    own (name, email, resume, claims) and, unless `said` is given, in what the session holds (transcript,
    evidence quotes and notes, session notes, ratings, failure story, scenario quote, audio metadata)."""
    said = said or token
    # Long texts replaced by short ones leave their old overflow pages on SQLite's free list, bytes intact.
    cid = store.get_or_create_candidate(name, email=f"{token}@example.org", resume_text=f"Resume {token} " * 2000)
    store.get_or_create_candidate(name, resume_text=f"Resume {token}")
    [claim] = store.add_claims(cid, [{"text": f"Led the {token} migration", "section": "Acme",
                                      "topics": ["latency"]}])
    gone_claim = store.add_claim(cid, f"Owned the {token} budget", actor="Ada")
    store.edit_claim(gone_claim, f"Owned the {token} budget and hiring", actor="Ada")
    store.delete_claim(gone_claim, actor="Ada")
    store.add_claim_probe(claim, text=f"How did the {token} migration end?", criterion="depth", actor="Ada")
    panel.add_evaluator(store, load_kit(), "Ada", shipped={})
    panel.assign(store, claim, "Ada")
    sid = store.create_session(candidate_id=cid, role_id=store.get_or_create_role("Engineer"), kit_id=None,
                               evaluator="Ada", status="recording")
    rel1, rel2 = Path("audio") / f"{sid}.wav", Path("audio") / f"{sid}.2.wav"
    write_wav(dd.root / rel1, f"mic {said}")
    write_wav(dd.root / rel2, f"remote {said}")
    (dd.audio_dir / f"{sid}.lock").write_bytes(b"")  # left behind by a crash, not held
    store.record_consent(candidate_id=cid, session_id=sid, method="verbal", confirmed_by="Ada")
    store.add_segments(sid, [seg(0.0, 2.0, f"I rebuilt the {said} pipeline myself"),
                             seg(2.5, 4.0, "and measured latency every day")])
    # A correction, then a re-transcription: the correction's audit entries now name a segment that is gone.
    review.edit_segment_text(store, store.segment_rows(sid)[0]["id"], f"I rebuilt the {said} pipeline alone",
                             actor="Ada")
    review.replace_segments(store, sid, [seg(0.0, 2.0, f"I rebuilt the {said} pipeline by myself"),
                                         seg(2.5, 4.0, "and measured latency every day")], actor="Ada")
    use = panel.open_scenario(store, sid, {"id": "outage", "title": "Outage drill"}, 0.0)
    eid = store.add_evidence(session_id=sid, start=0.0, end=2.0, criterion="depth", evaluator="Ada",
                             claim_id=claim, note=f"draft {said} " * 2000)
    store.update_evidence(eid, actor="Ada", note=f"asked about {said} twice")
    panel.link_evidence_to_open_scenario(store, sid, eid)
    panel.tick_constraint(store, use, "deadline", evidence_id=eid, actor="Ada")
    dropped = store.add_evidence(session_id=sid, start=2.5, end=4.0, criterion="depth", evaluator="Ada",
                                 note=f"first take on {said}")
    store.update_evidence(dropped, actor="Ada", note=f"second take on {said}")
    store.delete_evidence(dropped, actor="Ada")
    panel.save_failure_story(store, sid, {"what_broke": f"the {said} cache fell over"}, evidence_ids=[eid],
                             evaluator="Ada")
    store.set_claim_status(claim, "verified", actor="Ada", evidence_id=eid)
    store.add_probe_ask(session_id=sid, probe_key="p1", probe_text="Walk me through it", at_s=1.0, claim_id=claim)
    store.rate(session_id=sid, criterion="depth", evaluator="Ada", score=3, evidence_ids=[eid],
               reason=f"solid on {said}")
    store.rate(session_id=sid, criterion="depth", evaluator="Ada", score=4, evidence_ids=[eid],
               reason=f"very solid on {said}")
    store.update_session(sid, status=status, audio_path=rel1.as_posix(), audio_path2=rel2.as_posix(),
                         started_at=started.isoformat(timespec="milliseconds"), notes=f"follow up {said}",
                         duration_s=4.0)
    if export:
        (dd.exports_dir / f"{sid}.json").write_text(json.dumps(store.export_session(sid), ensure_ascii=False),
                                                    encoding="utf-8")
        with (dd.exports_dir / "shortlist.txt").open("a", encoding="utf-8") as f:
            f.write(f"{name}: strong\n")
    return {"candidate": cid, "session": sid, "claim": claim, "evidence": eid, "audio": str(dd.root / rel1),
            "audio2": str(dd.root / rel2), "gone_claim": gone_claim, "dropped": dropped}


def leave_in_free_pages(store: Store, session_id: str, text: str) -> None:
    """The evaluator pasted a long note, then cut it: the old overflow pages go to SQLite's free list with
    their bytes intact (secure_delete off), where only a VACUUM or zeroing reaches them."""
    store.update_session(session_id, notes=f"{text} " * 20000)
    store.update_session(session_id, notes=text)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert store.db.execute("PRAGMA freelist_count").fetchone()[0] > 20


@pytest.fixture
def dd(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "data").ensure()


@pytest.fixture
def store(dd: DataDir):
    s = Store(dd.db_path, clock=lambda: NOW)
    # Some SQLite builds (Debian's) default to secure_delete=ON; SQLite's own default is OFF. Test with OFF so
    # that the privacy code is what keeps deleted bytes out of the file.
    s.db.execute("PRAGMA secure_delete=OFF")
    yield s
    s.close()


def triggers(store: Store) -> list[tuple[str, str]]:
    return [tuple(r) for r in store.db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()]


# ============================================================================================ erasure
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
        assert [r["id"] for r in again.sessions()] == [kept["session"]]


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


# ============================================================================================ retention
def snapshot(store: Store) -> dict[str, list[dict[str, object]]]:
    return {t: list(store.t(t).rows_where(order_by="id")) for t in
            ("sessions", "segments", "evidence", "ratings", "audit_log", "candidates")}


def test_policy_round_trip_and_refusals(dd: DataDir):
    assert load_policy(dd) == RetentionPolicy()
    save_policy(dd, RetentionPolicy(audio_days=30))
    assert load_policy(dd) == RetentionPolicy(audio_days=30, transcript_days=None)
    save_policy(dd, RetentionPolicy(audio_days=0, transcript_days=365))
    assert load_policy(dd) == RetentionPolicy(audio_days=0, transcript_days=365)
    if os.name == "posix":
        assert stat.S_IMODE(policy_path(dd).stat().st_mode) == 0o600
    for text, msg in (("audio_days = -1\n", "0 or more"), ("audio_days = 'x'\n", "whole number"),
                      ("audio_dayz = 3\n", "unknown setting"), ("audio_days = \n", "not valid TOML")):
        policy_path(dd).write_text(text, encoding="utf-8")
        with pytest.raises(UserError, match=msg) as exc:
            load_policy(dd)
        assert str(policy_path(dd)) in str(exc.value)


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
        assert row["audio_path"] is None and row["audio_path2"] is None
        assert not (dd.audio_dir / f"{ids['session']}.lock").exists()
    for ids in (new, live):
        assert Path(ids["audio"]).exists() and Path(ids["audio2"]).exists()
        assert store.session(ids["session"])["audio_path"] is not None
    # Transcript: only the 100-day-old finished session loses it.
    assert store.segment_rows(old["session"]) == []
    [ev] = store.evidence(old["session"])
    assert (ev["quote"], ev["note"], ev["criterion"]) == ("", "", "depth")  # the tag itself stays
    assert store.ratings(old["session"]) == []
    assert store.session(old["session"])["notes"] == ""
    assert len(store.segment_rows(mid["session"])) == 2
    assert store.ratings(mid["session"]) and store.evidence(mid["session"])[0]["note"]
    assert len(store.segment_rows(live["session"])) == 2
    # No copy of the expired text anywhere on disk: audit log redacted, FTS merged, free pages zeroed, WAL
    # truncated. The candidate's own data (name, claims) is not the transcript's and stays.
    assert files_with(dd.root, SAID) == []
    assert files_with(dd.root, CANARY)
    assert review.search(store, SAID) == []
    [(_, claim)] = [(c["id"], c["text"]) for c in store.claims(old["candidate"])]
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


# ============================================================================================ access
def test_access_writes_json_and_audio_and_refuses_a_non_empty_dir(store: Store, dd: DataDir, tmp_path: Path):
    name = f"Zoë {CANARY.capitalize()}"
    ids = populate(store, dd, name, CANARY, started=NOW - timedelta(days=3))
    populate(store, dd, "Bob Keeper", OTHER, started=NOW, export=False)
    out = tmp_path / "sar"

    target = access_candidate(store, dd, name.lower(), out)

    assert target == out / "candidate.json"
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["format"] == "interviewer-subject-access"
    [person] = data["candidates"]
    assert person["candidate"]["name"] == name
    assert person["candidate"]["email"] == f"{CANARY}@example.org"
    assert [c["text"] for c in person["claims"]] == [f"Led the {CANARY} migration"]
    assert len(person["consents"]) == 1
    [session] = person["sessions"]
    assert session["session"]["id"] == ids["session"]
    assert session["segments"][0]["text"] == f"I rebuilt the {CANARY} pipeline by myself"
    assert session["evidence"][0]["note"] == f"asked about {CANARY} twice"
    assert session["ratings"][0]["reason"] == f"very solid on {CANARY}"
    assert sorted(data["other_records"]) == ["claim_assignments", "claim_probes", "constraint_ticks",
                                             "failure_stories", "scenario_uses"]
    assert data["other_records"]["constraint_ticks"][0]["quote"].strip() == f"I rebuilt the {CANARY} pipeline by myself"
    # The audit history, including rows deleted since (a claim, an evidence item, a corrected segment).
    actions = [e["action"] for e in data["audit_log"]]
    assert set(actions) >= {"consent.record", "evidence.add", "evidence.delete", "claim.status", "claim.edit",
                            "claim.delete", "segment.edit", "segments.replace", "rating.add", "rating.change",
                            "failure.save", "scenario.tick", "probe.write"}
    assert [e["old"]["text"] for e in data["audit_log"] if e["action"] == "claim.edit"] == [
        f"Owned the {CANARY} budget"]
    assert data["mentioned_elsewhere"] == []
    assert sorted(a["file"] for a in data["audio"]) == sorted([f"audio/{ids['session']}.wav",
                                                               f"audio/{ids['session']}.2.wav"])
    assert (out / "audio" / f"{ids['session']}.wav").read_bytes() == Path(ids["audio"]).read_bytes()
    assert OTHER not in target.read_text(encoding="utf-8")
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o700
        assert stat.S_IMODE(target.stat().st_mode) == 0o600

    with pytest.raises(UserError, match="not empty"):
        access_candidate(store, dd, name, out)
    with pytest.raises(UserError, match="no candidate named"):
        access_candidate(store, dd, "Nobody", tmp_path / "empty")
    assert not (tmp_path / "empty").exists()
    (tmp_path / "made").mkdir()
    assert access_candidate(store, dd, "bob keeper", tmp_path / "made").exists()


# ============================================================================================ permissions
@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_restrict_permissions(dd: DataDir, tmp_path: Path):
    (dd.exports_dir / "deep").mkdir()
    f1 = dd.exports_dir / "deep" / "a.json"
    f1.write_text("{}", encoding="utf-8")
    f2 = dd.root / "retention.toml"
    f2.write_text("", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("x", encoding="utf-8")
    outside.chmod(0o644)
    (dd.root / "link").symlink_to(outside)
    for p in (f1, f2):
        p.chmod(0o644)
    for d in (dd.root, dd.exports_dir, dd.exports_dir / "deep", dd.audio_dir):
        d.chmod(0o755)

    assert restrict_permissions(dd) == 6

    for d in (dd.root, dd.exports_dir, dd.exports_dir / "deep", dd.audio_dir):
        assert stat.S_IMODE(d.stat().st_mode) == 0o700, d
    for p in (f1, f2):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644  # a symlink's target is not ours to change
    assert restrict_permissions(dd) == 0
