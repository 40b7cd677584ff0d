"""Careless and hostile input on the command line (issue 22, findings 1, 7, 8, 9): every refusal is one
sentence and exit status 2, never a traceback, and nothing saved is touched."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from interviewer.config import DataDir
from interviewer.notes.store import Store
from tests.builders import synthetic_session


def _digest(root: Path) -> dict[str, str]:
    """Every file of the data dir (backups included) and its content hash."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture
def session(data_dir: DataDir) -> str:
    store = Store(data_dir.db_path)
    try:
        sid = synthetic_session(store, candidate="Ann", segments=6, evidence=2, audio_dir=data_dir.audio_dir)
        store.daily_backup()
    finally:
        store.close()
    return sid


def _one_sentence(err: str) -> None:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("interviewer: error: ")


# ------------------------------------------------------------------------------ finding 1: outputs never clobber
def test_finding1_export_pdf_over_the_database_leaves_it_whole(run_cli, data_dir, session):
    """The reproduction of finding 1: exits 2 with one sentence; every session is still there."""
    before = _digest(data_dir.root)
    res = run_cli("export", session, "--pdf", str(data_dir.db_path))
    assert res.code == 2
    _one_sentence(res.err)
    assert _digest(data_dir.root) == before
    res = run_cli("sessions", "--format", "json")
    assert res.code == 0, res.err
    assert [s["id"] for s in json.loads(res.out)] == [session]


def test_finding1_txt_over_an_existing_file_keeps_it(run_cli, session, tmp_path):
    out = tmp_path / "notes.txt"
    out.write_text("my notes")
    res = run_cli("export", session, "--txt", str(out))
    assert res.code == 2
    assert out.read_text() == "my notes"


@pytest.mark.parametrize("target", ["interviewer.sqlite3", "interviewer.sqlite3-wal", "audio/{sid}.wav",
                                    "backups/new.pdf", "retention.toml", "", "exports"])
@pytest.mark.parametrize("fmt", ["--pdf", "--txt", "--md", "--json"])
def test_export_refuses_the_data_dirs_own_files(run_cli, data_dir, session, target, fmt):
    (data_dir.root / "interviewer.sqlite3-wal").touch()
    before = _digest(data_dir.root)
    out = data_dir.root / target.format(sid=session)
    res = run_cli("export", session, fmt, str(out), "--force")
    assert res.code == 2, res.out
    _one_sentence(res.err)
    assert _digest(data_dir.root) == before
    res = run_cli("sessions", "--format", "json")
    assert res.code == 0 and [s["id"] for s in json.loads(res.out)] == [session]


def test_export_refuses_through_a_symlink_or_dotdot(run_cli, data_dir, session, tmp_path):
    before = _digest(data_dir.root)
    link = tmp_path / "innocent.pdf"
    link.symlink_to(data_dir.db_path)
    dotdot = tmp_path / "elsewhere" / ".." / "data" / "interviewer.sqlite3"
    for out in (link, dotdot):
        res = run_cli("export", session, "--pdf", str(out), "--force")
        assert res.code == 2
        _one_sentence(res.err)
    assert _digest(data_dir.root) == before
    assert link.is_symlink()


@pytest.mark.parametrize("device", ["/dev/full", "/dev/null"])
def test_export_never_replaces_a_device(run_cli, session, device):
    if not Path(device).exists():
        pytest.skip(f"no {device} on this platform")
    st = os.stat(device)
    res = run_cli("export", session, "--md", device, "--force")
    assert res.code == 2
    _one_sentence(res.err)
    assert os.stat(device).st_rdev == st.st_rdev and Path(device).is_char_device()


def test_export_refuses_a_symlink_such_as_dev_stdout(run_cli, session, tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("mine")
    link = tmp_path / "stdout"
    link.symlink_to(target)
    res = run_cli("export", session, "--txt", str(link), "--force")
    assert res.code == 2
    _one_sentence(res.err)
    assert link.is_symlink() and target.read_text() == "mine"


def test_export_refuses_a_fifo(run_cli, session, tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    res = run_cli("export", session, "--txt", str(fifo), "--force")
    assert res.code == 2
    _one_sentence(res.err)
    assert fifo.is_fifo()


@pytest.mark.parametrize("argv", [["export", "{sid}", "--txt", "{out}"], ["export", "{sid}", "--json", "{out}"],
                                  ["export", "{sid}", "--pdf", "{out}"], ["bundle", "export", "{sid}", "-o", "{out}"],
                                  ["kit", "export", "default", "-o", "{out}"]])
def test_an_existing_file_is_replaced_only_with_force(run_cli, session, tmp_path, argv):
    out = tmp_path / "existing.out"
    out.write_text("keep me")
    res = run_cli(*[a.format(sid=session, out=out) for a in argv])
    assert res.code == 2
    assert res.err.strip() == f"interviewer: error: {out} exists; use --force to replace it"
    assert out.read_text() == "keep me"
    res = run_cli(*[a.format(sid=session, out=out) for a in argv], "--force")
    assert res.code == 0, res.err
    assert out.read_bytes() != b"keep me"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_bundle_and_kit_export_refuse_the_database(run_cli, data_dir, session):
    before = _digest(data_dir.root)
    for argv in (["bundle", "export", session, "-o", str(data_dir.db_path), "--force"],
                 ["kit", "export", "default", "-o", str(data_dir.db_path), "--force"],
                 ["kit", "export", "default", "-o", str(data_dir.root / "kits" / "x.toml")]):
        res = run_cli(*argv)
        assert res.code == 2, argv
        _one_sentence(res.err)
    assert _digest(data_dir.root) == before


def test_access_refuses_a_folder_in_the_data_dir(run_cli, data_dir, session):
    before = _digest(data_dir.root)
    res = run_cli("access", "--candidate", "Ann", "-o", str(data_dir.root / "backups" / "x"))
    assert res.code == 2
    _one_sentence(res.err)
    assert _digest(data_dir.root) == before


def test_export_to_a_directory_or_under_a_file_is_one_sentence(run_cli, session, tmp_path):
    plain = tmp_path / "plain"
    plain.write_text("x")
    for out in (tmp_path, plain / "under.txt"):
        for fmt in ("--txt", "--pdf", "--json"):
            res = run_cli("export", session, fmt, str(out))
            assert res.code == 2
            _one_sentence(res.err)
    assert plain.read_text() == "x"


def test_exports_folder_of_the_data_dir_is_allowed(run_cli, data_dir, session):
    out = data_dir.exports_dir / "s.pdf"
    res = run_cli("export", session, "--pdf", str(out))
    assert res.code == 0, res.err
    assert out.read_bytes().startswith(b"%PDF")
