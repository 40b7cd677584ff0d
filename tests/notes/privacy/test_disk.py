"""Files the privacy duties remove: shredding, a recording's lock, empty folders, paths in reports."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from interviewer.core.config import DataDir
from interviewer.notes.privacy.disk import is_locked, rel, remove_empty_parents, resolve, shred, shred_backups


def test_shred_removes_the_file_and_never_a_symlinks_target(tmp_path: Path):
    f = tmp_path / "a.bin"
    f.write_bytes(b"secret" * 1000)
    shred(f)
    assert not f.exists()
    target = tmp_path / "target.txt"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(target)
    shred(link)
    assert not link.is_symlink() and target.read_text(encoding="utf-8") == "keep"


def test_shred_backups(dd: DataDir):
    (dd.root / "backups").mkdir()
    (dd.root / "backups" / "old.sqlite3").write_bytes(b"x")
    shred_backups(dd)
    assert list((dd.root / "backups").iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="flock")
def test_is_locked_only_while_a_recording_holds_the_lock(tmp_path: Path):
    import fcntl

    lock = tmp_path / "s.lock"
    assert not is_locked(lock)  # absent
    lock.write_bytes(b"")
    assert not is_locked(lock)  # left behind by a crash
    with lock.open("a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert is_locked(lock)


def test_remove_empty_parents_stops_at_top_and_at_folders_still_in_use(tmp_path: Path):
    top = tmp_path / "exports"
    (top / "a" / "b").mkdir(parents=True)
    (top / "kept").mkdir()
    (top / "kept" / "other.txt").write_text("x", encoding="utf-8")
    gone = [top / "a" / "b" / "f.txt", top / "kept" / "f.txt"]
    remove_empty_parents(gone, top)
    assert top.is_dir() and not (top / "a").exists() and (top / "kept").is_dir()


def test_paths_as_reports_name_them(tmp_path: Path):
    assert rel(tmp_path / "audio" / "x.wav", tmp_path) == "audio/x.wav"
    assert rel(Path("/elsewhere/x.wav"), tmp_path) == str(Path("/elsewhere/x.wav"))
    assert resolve(tmp_path, "audio/x.wav") == tmp_path / "audio" / "x.wav"
    assert resolve(tmp_path, str(tmp_path / "y.wav")) == tmp_path / "y.wav"
    assert resolve(tmp_path, None) is None and resolve(tmp_path, "") is None
