"""An encrypted data dir, end to end: a real recording, tags, exports, backups and bundles leave no plaintext
in any file; every command works with the passphrase and refuses without it, and a wrong one changes
nothing; a killed encrypted recording is recovered."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile as sf

from interviewer.core import vault
from interviewer.notes.store.connection import SQLITE_HEADER
from interviewer.notes.store.database import Store
from tests.conftest import FIXTURES, ROOT

TWO = FIXTURES / "audio" / "two_speakers.flac"
PASS = "a long enough test passphrase"
CANARY = "Qzwcanary Vexmoor"


def raw_files(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def digest(root: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(b).hexdigest() for p, b in raw_files(root).items()}


@pytest.fixture
def env():
    """Set and unset environment variables for the test (run_cli undoes its own monkeypatch each call)."""
    saved = dict(os.environ)

    def set_(name: str, value: str | None) -> None:
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value

    yield set_
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture
def encrypted(data_dir, run_cli, env):
    env(vault.PASSPHRASE_ENV, PASS)
    res = run_cli("init", "--encrypt", "--format", "json")
    assert res.code == 0, res.err
    assert json.loads(res.out) == {"data_dir": str(data_dir.root), "encrypted": True, "keyring": False}
    return data_dir


@pytest.mark.slow
def test_encrypted_data_dir_hides_everything_and_needs_the_passphrase(encrypted, run_cli, env, tmp_path):
    dd = encrypted
    res = run_cli("record", "--source", f"file:{TWO}", "--candidate", CANARY, "--consent", "verbal",
                  "--seconds", "24", "--role", "ML engineer")
    assert res.code == 0, res.err
    lines = [json.loads(x) for x in res.out.splitlines()]
    sid = lines[0]["session"]
    assert any(x.get("final") for x in lines)
    tag = run_cli("tag", sid, "--criterion", "claim-verification", "--start", "3", "--end", "10",
                  "--note", f"{CANARY} was specific about the harness")
    assert tag.code == 0, tag.err
    exports = dd.exports_dir
    for args in (["export", sid, "--pdf", str(exports / "report.pdf")],
                 ["export", sid, "--json", str(exports / "session.json")],
                 ["export", sid, "--txt", str(exports / "transcript.txt")],
                 ["bundle", "export", sid, "-o", str(exports / "bundle.zip")],
                 ["kit", "new", "Panel kit"]):
        out = run_cli(*args)
        assert out.code == 0, (args, out.err)
    with Store(dd.db_path, vault=vault.unlock(dd.root, PASS)) as store:
        store.daily_backup()
        text = " ".join(r["text"] for r in store.segment_rows(sid))
    words = {w.lower() for w in re.findall(r"[A-Za-z]{7,}", text)}
    assert len(words) >= 5, text  # enough distinctive transcript words to look for

    files = raw_files(dd.root)
    names = {p.relative_to(dd.root).as_posix() for p in files}
    assert {"interviewer.sqlite3", "encryption.json", f"audio/{sid}.wav", "exports/report.pdf",
            "exports/bundle.zip"} <= names
    assert any(n.startswith("backups/") for n in names)
    for path, data in files.items():
        low = data.lower()
        assert b"qzwcanary" not in low, path
        assert SQLITE_HEADER not in data, path
        for w in words:
            assert w.encode() not in low, (path, w)
    assert sum(len(d) for d in files.values()) > 24 * 16000 * 2  # the audio is in there, sealed

    # With the passphrase everything reads back.
    sessions = run_cli("sessions", "--format", "json")
    assert sessions.code == 0, sessions.err
    assert [s["candidate"] for s in json.loads(sessions.out)] == [CANARY]
    word = sorted(words)[0]
    found = run_cli("search", word, "--format", "json")
    assert found.code == 0 and json.loads(found.out), found.err
    outside = tmp_path / "plain.txt"
    assert run_cli("export", sid, "--txt", str(outside)).code == 0
    assert word in outside.read_text().lower()  # the user asked for a file outside: plain
    assert vault.read_file(vault.unlock(dd.root, PASS), exports / "transcript.txt").decode() == outside.read_text()
    access = run_cli("access", "--candidate", CANARY, "-o", str(tmp_path / "sar"))
    assert access.code == 0, access.err
    [audio] = (tmp_path / "sar" / "audio").glob("*.wav")
    assert sf.info(str(audio)).frames >= 23 * 16000

    # Without it, or with a wrong one, nothing opens and nothing changes.
    before = digest(dd.root)
    env(vault.PASSPHRASE_ENV, None)
    for args in (["sessions"], ["search", word], ["export", sid, "--txt", str(tmp_path / "x.txt")],
                 ["retention"], ["erase", "--candidate", CANARY, "--yes"]):
        res = run_cli(*args)
        assert res.code == 2, args
        assert "encrypted" in res.err and vault.PASSPHRASE_ENV in res.err, res.err
    env(vault.PASSPHRASE_ENV, "not the passphrase at all")
    for args in (["sessions"], ["erase", "--candidate", CANARY, "--yes"], ["bundle", "import", str(exports / "bundle.zip")]):
        res = run_cli(*args)
        assert res.code == 2, args
        assert "does not open" in res.err, res.err
    assert digest(dd.root) == before
    assert not (tmp_path / "x.txt").exists()

    env(vault.PASSPHRASE_ENV, PASS)
    erase = run_cli("erase", "--candidate", CANARY, "--yes")
    assert erase.code == 0, erase.err
    assert json.loads(run_cli("sessions", "--format", "json").out) == []


def test_init_refuses_a_data_dir_with_plain_data_and_short_passphrases(data_dir, run_cli, env):
    env(vault.PASSPHRASE_ENV, "short")
    res = run_cli("init", "--encrypt")
    assert res.code == 2 and "at least 8" in res.err
    env(vault.PASSPHRASE_ENV, PASS)
    assert run_cli("sessions").code == 0  # creates the plain database
    res = run_cli("init", "--encrypt")
    assert res.code == 2 and "already holds unencrypted data" in res.err
    assert not vault.is_encrypted(data_dir.root)
    with data_dir.db_path.open("rb") as f:
        assert f.read(16) == SQLITE_HEADER


def test_change_passphrase(encrypted, run_cli, env):
    env("INTERVIEWER_NEW_PASSPHRASE", "the second passphrase")
    assert run_cli("init", "--change-passphrase").code == 0
    assert run_cli("sessions").code == 2
    env(vault.PASSPHRASE_ENV, "the second passphrase")
    assert run_cli("sessions").code == 0


def test_a_sealed_file_is_refused_by_plain_tools(encrypted, tmp_path):
    from interviewer.audio.decode import decode_file
    from interviewer.core.errors import AudioError

    v = vault.unlock(encrypted.root, PASS)
    path = v.write_bytes(encrypted.audio_dir / "x.wav", b"RIFF....")
    with pytest.raises(AudioError, match="is encrypted"):
        decode_file(path)


@pytest.mark.slow
def test_kill_9_during_an_encrypted_recording_then_recover(encrypted, run_cli):
    env = {**os.environ, "PYTHONUNBUFFERED": "1", vault.PASSPHRASE_ENV: PASS}
    proc = subprocess.Popen(
        [sys.executable, "-m", "interviewer", "record", "--source", f"file:{TWO}", "--candidate", "Kay",
         "--consent", "verbal", "--data-dir", str(encrypted.root), "--beam", "1"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = json.loads(proc.stdout.readline())
        assert first["event"] == "start", proc.stderr.read()
        t_start = time.monotonic()
        sid = first["session"]
        committed = []
        while len(committed) < 2:
            line = json.loads(proc.stdout.readline())
            if line.get("final"):
                committed.append(line)
        wav = encrypted.audio_dir / f"{sid}.wav"
        deadline = time.monotonic() + 30
        while wav.stat().st_size < 2 * 16000 * 14 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        killed_at = time.monotonic() - t_start
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert vault.is_sealed(wav)
    res = run_cli("recover")
    assert res.code == 0, res.err
    assert f"recovered session {sid[:8]}" in res.out
    v = vault.unlock(encrypted.root, PASS)
    with Store(encrypted.db_path, vault=v) as s:
        row = s.session(sid)
        assert row.status == "recovered"
        assert {c["id"] for c in committed} <= {r["id"] for r in s.segment_rows(sid)}
        assert s.integrity_check() == "ok"
    with v.reader(wav) as f:
        info = sf.info(f)
    assert info.frames / 16000 >= killed_at - 1.5
    assert row.duration_s == pytest.approx(info.frames / 16000, abs=0.5)
