"""`sessions` and the data dir it reads: real SQLite files."""

from __future__ import annotations

import hashlib
import json


def test_sessions_on_empty_data_dir_explains(run_cli):
    res = run_cli("sessions")
    assert res.code == 0
    assert "No sessions yet" in res.out
    assert json.loads(run_cli("sessions", "--format", "json").out) == []


def test_unreadable_database_is_refused_and_untouched(run_cli, data_dir):
    data_dir.db_path.write_bytes(b"this is not a database at all" * 100)
    before = hashlib.sha256(data_dir.db_path.read_bytes()).hexdigest()
    res = run_cli("sessions")
    assert res.code == 2
    assert str(data_dir.db_path) in res.err
    assert "left untouched" in res.err
    assert hashlib.sha256(data_dir.db_path.read_bytes()).hexdigest() == before


def test_data_dir_flag_overrides_environment(run_cli, tmp_path):
    other = tmp_path / "other"
    res = run_cli("sessions", "--data-dir", str(other), "--format", "json")
    assert res.code == 0
    assert (other / "interviewer.sqlite3").exists()
