"""kill -9 during a recording, then recovery: audio kept, committed segments kept, the tail transcribed."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import soundfile as sf

from interviewer.live.recovery import pending
from interviewer.live.session import SessionLock
from interviewer.notes.store.database import Store
from tests.conftest import FIXTURES, ROOT

TWO = FIXTURES / "audio" / "two_speakers.flac"


def start_record(data_dir, *extra):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "interviewer", "record", "--source", f"file:{TWO}", "--candidate", "Kay",
         "--consent", "verbal", "--data-dir", str(data_dir.root), "--beam", "1", *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


@pytest.mark.slow
def test_kill_9_then_recover(data_dir, run_cli):
    proc = start_record(data_dir)
    try:
        first = json.loads(proc.stdout.readline())
        t_start = time.monotonic()
        assert first["event"] == "start"
        sid = first["session"]
        printed = []
        while len(printed) < 3:
            line = json.loads(proc.stdout.readline())
            if "id" in line:  # a committed segment (not a `load` event line)
                printed.append(line)
        # Let the recording run into the next answer (16 s of audio), so there is speech no segment covers.
        wav = data_dir.audio_dir / f"{sid}.wav"
        deadline = time.monotonic() + 30
        while wav.stat().st_size < 44 + 2 * 16000 * 16 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        t_kill = time.monotonic()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    killed_at = t_kill - t_start
    with Store(data_dir.db_path) as s:
        assert s.session(sid).status == "recording"
    res = run_cli("recover", "--data-dir", str(data_dir.root))
    assert res.code == 0, res.err
    assert f"recovered session {sid[:8]}" in res.out
    with Store(data_dir.db_path) as s:
        row = s.session(sid)
        assert row.status == "recovered"
        ids = {r["id"] for r in s.segment_rows(sid)}
        assert {p["id"] for p in printed} <= ids  # no committed segment lost
        texts = [r["text"] for r in s.segment_rows(sid)]
        assert len(texts) > len(printed)  # the untranscribed tail was transcribed
        assert s.integrity_check() == "ok"
    frames = sf.info(str(data_dir.root / row.audio_path)).frames
    assert frames / 16000 >= killed_at - 1.0
    assert row.duration_s == pytest.approx(frames / 16000, abs=0.5)
    conn = sqlite3.connect(data_dir.db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    # Nothing left to do the second time.
    assert "Nothing to recover" in run_cli("recover", "--data-dir", str(data_dir.root)).out


def test_recovery_leaves_a_live_recording_alone(data_dir):
    with Store(data_dir.db_path) as s:
        cand = s.get_or_create_candidate("Live")
        sid = s.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="e")
        lock = SessionLock(data_dir.audio_dir / f"{sid}.lock")
        assert lock.acquire()
        try:
            assert pending(s, data_dir) == []
        finally:
            lock.release()
        assert [r.id for r in pending(s, data_dir)] == [sid]


@pytest.mark.slow
def test_sigterm_stops_cleanly(data_dir):
    proc = start_record(data_dir)
    try:
        first = json.loads(proc.stdout.readline())
        json.loads(proc.stdout.readline())  # one committed segment
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    last = json.loads(out.strip().splitlines()[-1])
    assert last["event"] == "stop"
    assert last["reason"] == f"signal {int(signal.SIGTERM)}"
    with Store(data_dir.db_path) as s:
        row = s.session(first["session"])
        assert row.status == "complete"
    assert sf.info(str(data_dir.root / row.audio_path)).frames / 16000 == pytest.approx(last["duration_s"],
                                                                                          abs=0.01)


def test_record_refuses_without_consent(run_cli, data_dir):
    res = run_cli("record", "--source", f"file:{TWO}", "--candidate", "Kay")
    assert res.code == 2
    assert "consent" in res.err
    assert list(data_dir.audio_dir.iterdir()) == []


def test_record_names_a_missing_device(run_cli):
    res = run_cli("record", "--source", "no such microphone 1234", "--candidate", "Kay", "--consent", "verbal")
    assert res.code == 2
    assert "no such microphone 1234" in res.err


@pytest.mark.slow
def test_record_on_full_disk_stops_and_keeps_audio(data_dir):
    """A file-size limit makes the recording hit 'disk full' after about 6 s of audio."""
    import resource

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    # The database exists (and is migrated) before the limit applies: the audio is what fills the "disk".
    subprocess.run([sys.executable, "-m", "interviewer", "sessions", "--data-dir", str(data_dir.root)],
                   cwd=ROOT, capture_output=True, check=True)
    proc = subprocess.run(
        [sys.executable, "-m", "interviewer", "record", "--source", f"file:{TWO}", "--candidate", "Kay",
         "--consent", "verbal", "--data-dir", str(data_dir.root), "--beam", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, preexec_fn=limit, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "disk is full" in proc.stderr
    last = json.loads(proc.stdout.strip().splitlines()[-1])
    assert last["event"] == "stop"
    with Store(data_dir.db_path) as s:
        [row] = s.sessions()
        assert row.status == "complete"
    frames = sf.info(row.audio_path).frames
    assert 5.0 < frames / 16000 < 6.5
