"""Retention and erasure reach every copy (issue 22, finding 10): exports (.md, .json, .pdf) and bundles written
anywhere in the data dir, and the words of a spoken consent quoted in the audit log."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from interviewer import app
from interviewer.cli import main as cli
from interviewer.core.config import DataDir
from interviewer.core.files import TEMP_SUFFIX
from interviewer.notes.privacy.user_files import file_text, user_files
from interviewer.notes.store.database import Store
from tests.builders import synthetic_session


def run(dd: DataDir, *argv: str) -> tuple[int, str, str]:
    sv = app.build_services(dd)
    sv.out, sv.err = io.StringIO(), io.StringIO()
    code = cli.execute(cli.parse([*argv, "--data-dir", str(dd.root)]), sv)
    return code, sv.out.getvalue(), sv.err.getvalue()


@pytest.fixture
def two_sessions(tmp_path: Path) -> tuple[DataDir, str, str, str]:
    """Two candidates' sessions; the first with a spoken consent. Returns (dd, expiring sid, kept sid, quote)."""
    dd = DataDir(tmp_path / "data").ensure()
    store = Store(dd.db_path)
    try:
        old = synthetic_session(store, candidate="Ann Old", segments=6, evidence=2, seed=1)
        keep = synthetic_session(store, candidate="Bo Keep", segments=6, evidence=2, seed=99)
        cand = store.session(old).candidate_id
        store.record_consent(candidate_id=cand, session_id=old, method="verbal", confirmed_by="Ada")
        quote = store.mark_spoken_consent(old, 0.0, 3.0, actor="Ada")["spoken_quote"]
        # only the first session's transcript expires: the second one is dated in the future
        store.update_session(keep, started_at="2999-01-01T00:00:00.000+00:00")
    finally:
        store.close()
    assert len(quote) >= 12
    return dd, old, keep, quote


def audit_text(dd: DataDir) -> str:
    store = Store(dd.db_path)
    try:
        return json.dumps(store.audit_entries())
    finally:
        store.close()


def test_finding_10_retention_removes_exports_and_bundles_holding_the_expired_transcript(two_sessions):
    dd, old, keep, quote = two_sessions
    copies = {"exports/t.md": ["--md"], "exports/t.json": ["--json"], "exports/deep/t.pdf": ["--pdf"]}
    for rel, flag in copies.items():
        assert run(dd, "export", old, *flag, str(dd.root / rel))[0] == 0
    assert run(dd, "bundle", "export", old, "-o", str(dd.exports_dir / "b.bundle"))[0] == 0
    # A copy somebody put in the data dir by hand (the CLI writes there only under exports/).
    shutil.copyfile(dd.exports_dir / "b.bundle", dd.root / "mine.zip")
    assert run(dd, "export", keep, "--json", str(dd.exports_dir / "keep.json"))[0] == 0
    assert quote in audit_text(dd)

    code, out, err = run(dd, "retention", "--transcript-days", "0", "--apply", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    [action] = report["sessions"]
    assert action["session_id"] == old
    assert sorted(action["exports"]) == sorted([*copies, "exports/b.bundle", "mine.zip"])
    for rel in [*copies, "exports/b.bundle", "mine.zip"]:
        assert not (dd.root / rel).exists(), rel
    assert not (dd.exports_dir / "deep").exists()
    assert (dd.exports_dir / "keep.json").exists()  # the other session's transcript has not expired
    # the words of the spoken consent: gone from the consent record and from the audit log
    assert quote not in audit_text(dd)
    store = Store(dd.db_path)
    try:
        assert [c["spoken_quote"] for c in store.consents(old)] == [""]
    finally:
        store.close()


def test_retention_dry_run_lists_the_copies_and_removes_nothing(two_sessions):
    dd, old, _keep, _quote = two_sessions
    assert run(dd, "export", old, "--md", str(dd.exports_dir / "t.md"))[0] == 0
    code, out, _ = run(dd, "retention", "--transcript-days", "0", "--apply", "--dry-run")
    assert code == 0
    assert "exports/t.md" in out
    assert (dd.exports_dir / "t.md").exists()


def test_finding_10_erasure_finds_bundles_and_pdfs_however_they_are_named(two_sessions):
    dd, old, keep, _quote = two_sessions
    assert run(dd, "bundle", "export", old, "-o", str(dd.exports_dir / "t.zip"))[0] == 0
    shutil.move(dd.exports_dir / "t.zip", dd.root / "transfer.zip")  # renamed and moved by hand
    assert run(dd, "export", old, "--pdf", str(dd.exports_dir / "report.pdf"))[0] == 0
    assert run(dd, "export", keep, "--pdf", str(dd.exports_dir / "other.pdf"))[0] == 0
    code, out, err = run(dd, "erase", "--candidate", "Ann Old", "--yes", "--format", "json")
    assert code == 0, err
    removed = json.loads(out)["files_removed"]
    assert {"transfer.zip", "exports/report.pdf"} <= set(removed)
    assert not (dd.root / "transfer.zip").exists() and not (dd.exports_dir / "report.pdf").exists()
    assert (dd.exports_dir / "other.pdf").exists()


def test_user_files_are_what_the_app_does_not_keep_for_itself(dd: DataDir):
    app_kept = [dd.db_path, dd.db_path.with_name(dd.db_path.name + "-wal"), dd.audio_dir / "s.wav",
                dd.root / "backups" / "b.sqlite3", dd.root / "kits" / "k.toml", dd.root / "encryption.json",
                dd.root / "retention.toml", dd.exports_dir / f".t.md{TEMP_SUFFIX}"]
    written = [dd.exports_dir / "t.md", dd.exports_dir / "deep" / "b.zip", dd.root / "mine.txt"]
    for p in app_kept + written:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x")
    with zipfile.ZipFile(dd.exports_dir / "deep" / "b.zip", "w") as z:
        z.writestr("session.json", '{"text": "said in the session"}')
        z.writestr("audio/s.wav", "not text to look into")

    assert user_files(dd) == sorted(written)
    text = file_text(dd.exports_dir / "deep" / "b.zip", None)
    assert "said in the session" in text and "not text" not in text
