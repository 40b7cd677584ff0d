"""The privacy commands: retention, erase, access — text and JSON output, refusals with exit status 2."""

from __future__ import annotations

import argparse
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interviewer.app import build_services
from interviewer.cli.privacy import COMMANDS, register
from interviewer.cli.services import Services
from interviewer.core.config import DataDir
from interviewer.core.errors import UserError
from interviewer.notes.privacy.retention_policy import RetentionPolicy, load_policy, save_policy
from tests.notes.privacy.planting import CANARY, OTHER, files_with, populate


@dataclass
class Result:
    code: int
    out: str
    err: str


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="interviewer")
    sub = p.add_subparsers(dest="command")
    register(sub)
    return p


@pytest.fixture
def sv(tmp_path: Path) -> Services:
    return build_services(DataDir(tmp_path / "data").ensure())


def run(sv: Services, *argv: str) -> Result:
    sv.out, sv.err = io.StringIO(), io.StringIO()
    args = parser().parse_args(list(argv))
    code = COMMANDS[args.command](args, sv)
    return Result(code, sv.out.getvalue(), sv.err.getvalue())


@pytest.fixture
def two(sv: Services) -> dict[str, dict[str, str]]:
    """An old session (100 days) for a canary candidate, a recent one (3 days) for another."""
    now = datetime.now(UTC)
    store = sv.open_store()
    try:
        old = populate(store, sv.data_dir, f"Zoë {CANARY.capitalize()}", CANARY, started=now - timedelta(days=100))
        new = populate(store, sv.data_dir, "Bob Keeper", OTHER, started=now - timedelta(days=3), export=False)
    finally:
        store.close()
    return {"old": old, "new": new}


def test_commands_are_registered():
    assert set(COMMANDS) == {"init", "retention", "erase", "access"}
    args = parser().parse_args(["retention", "--apply", "--dry-run", "--audio-days", "30",
                                "--transcript-days", "forever", "--format", "json", "--data-dir", "/x"])
    assert (args.apply, args.dry_run, args.audio_days, args.format, args.data_dir) == (True, True, 30, "json", "/x")
    with pytest.raises(SystemExit) as exc:
        parser().parse_args(["retention", "--audio-days", "-3"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        parser().parse_args(["access", "--candidate", "x"])  # -o is required


def test_retention_without_a_policy_keeps_everything(sv: Services, two):
    r = run(sv, "retention")
    assert r.code == 0
    assert "No retention policy" in r.out
    r = run(sv, "retention", "--apply", "--format", "json")
    data = json.loads(r.out)
    assert data["sessions"] == [] and data["policy"] == {"audio_days": None, "transcript_days": None}
    assert Path(two["old"]["audio"]).exists()


def test_retention_sets_shows_dry_runs_and_applies(sv: Services, two):
    r = run(sv, "retention", "--audio-days", "30")
    assert r.code == 0
    assert load_policy(sv.data_dir) == RetentionPolicy(audio_days=30)
    assert "Saved the retention policy to" in r.out and "audio deleted 30 day(s)" in r.out and "transcripts kept forever" in r.out
    assert "Would remove (dry run; run with --apply to remove it):" in r.out
    assert two["old"]["session"][:8] in r.out and two["new"]["session"][:8] not in r.out
    assert Path(two["old"]["audio"]).exists()

    r = run(sv, "retention", "--apply", "--dry-run", "--format", "json")
    data = json.loads(r.out)
    assert data["dry_run"] is True and data["saved"] is False
    assert [(s["session_id"], s["what"]) for s in data["sessions"]] == [(two["old"]["session"], ["audio"])]
    assert Path(two["old"]["audio"]).exists()

    r = run(sv, "retention", "--apply")
    assert r.code == 0, r.err
    assert "Removed:" in r.out and two["old"]["session"][:8] in r.out
    assert not Path(two["old"]["audio"]).exists() and not Path(two["old"]["audio2"]).exists()
    assert Path(two["new"]["audio"]).exists()

    r = run(sv, "retention", "--apply", "--transcript-days", "90", "--format", "json")
    data = json.loads(r.out)
    assert data["policy"] == {"audio_days": 30, "transcript_days": 90} and data["saved"] is True
    assert [(s["session_id"], s["what"], s["segments"]) for s in data["sessions"]] == [
        (two["old"]["session"], ["transcript"], 2)]
    store = sv.open_store()
    try:
        assert store.segment_rows(two["old"]["session"]) == []
        assert len(store.segment_rows(two["new"]["session"])) == 2
    finally:
        store.close()

    run(sv, "retention", "--audio-days", "forever")
    assert load_policy(sv.data_dir) == RetentionPolicy(audio_days=None, transcript_days=90)


def test_retention_reports_a_bad_policy_file(sv: Services):
    (sv.data_dir.root / "retention.toml").write_text("audio_days = 'soon'\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"retention\.toml: audio_days must be a whole number") as exc:
        run(sv, "retention")
    assert exc.value.exit_code == 2


def test_erase_refuses_without_yes(sv: Services, two):
    with pytest.raises(UserError, match="add --yes to confirm") as exc:
        run(sv, "erase", "--candidate", f"zoë {CANARY}")
    assert exc.value.exit_code == 2
    assert "permanently deletes" in str(exc.value) and "\n" not in str(exc.value)
    assert Path(two["old"]["audio"]).exists()
    assert files_with(sv.data_dir.root, CANARY)


def test_erase_removes_every_trace(sv: Services, two):
    r = run(sv, "erase", "--candidate", f"ZOË {CANARY}", "--yes")
    assert r.code == 0, r.err
    assert r.out.startswith("Erased 1 candidate: 1 session, 2 segments, 1 evidence, 1 rating, 1 claim, 1 consent")
    assert "Erasure id" in r.out
    assert CANARY not in r.out.lower()
    assert files_with(sv.data_dir.root, CANARY) == []
    assert files_with(sv.data_dir.root, two["old"]["session"]) == []
    assert Path(two["new"]["audio"]).exists()
    assert files_with(sv.data_dir.root, OTHER)

    with pytest.raises(UserError, match="no candidate named"):
        run(sv, "erase", "--candidate", f"Zoë {CANARY}", "--yes")


def test_erase_json(sv: Services, two):
    r = run(sv, "erase", "--candidate", "bob keeper", "--yes", "--format", "json")
    data = json.loads(r.out)
    assert data["candidates"] == 1 and data["rows"]["sessions"] == 1 and data["scrubbed"] is True
    assert f"audio/{two['new']['session']}.wav" in data["files_removed"]
    assert files_with(sv.data_dir.root, OTHER) == []
    assert files_with(sv.data_dir.root, CANARY)


def test_access_writes_a_folder_and_refuses_a_non_empty_one(sv: Services, two, tmp_path: Path):
    out = tmp_path / "sar"
    r = run(sv, "access", "--candidate", f"zoë {CANARY}", "-o", str(out))
    assert r.code == 0
    assert r.out.startswith(f"Wrote {out / 'candidate.json'}: 1 session, 2 audio files")
    data = json.loads((out / "candidate.json").read_text(encoding="utf-8"))
    assert data["candidates"][0]["candidate"]["name"] == f"Zoë {CANARY.capitalize()}"
    assert sorted(p.name for p in (out / "audio").iterdir()) == sorted(
        [f"{two['old']['session']}.wav", f"{two['old']['session']}.2.wav"])

    with pytest.raises(UserError, match="not empty") as exc:
        run(sv, "access", "--candidate", f"zoë {CANARY}", "-o", str(out))
    assert exc.value.exit_code == 2

    r = run(sv, "access", "--candidate", "Bob Keeper", "--out", str(tmp_path / "bob"), "--format", "json")
    data = json.loads(r.out)
    assert data["sessions"] == 1 and len(data["audio_files"]) == 2 and data["audit_entries"] >= 3


def test_retention_policy_saved_directly_is_what_the_command_shows(sv: Services):
    save_policy(sv.data_dir, RetentionPolicy(transcript_days=7))
    r = run(sv, "retention", "--format", "json")
    assert json.loads(r.out)["policy"] == {"audio_days": None, "transcript_days": 7}
