"""interviewer.files: the one rule for stored paths, owner-only files and folders from the moment they exist
(issue 22, finding 10: backups/ and kits/ were 0755; imported audio, kit files and the recording lock 0644)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from interviewer.config import DataDir
from interviewer.files import OutsideDataDirError, data_path, private_open, write_bytes_atomic
from interviewer.notes.bundle import export_bundle, import_bundle
from interviewer.notes.kits import copy_kit, load_kit
from interviewer.notes.store import Store
from interviewer.session import SessionLock
from interviewer.vault import write_file
from tests.builders import synthetic_session

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def test_data_path_keeps_stored_paths_inside_the_data_dir(tmp_path):
    root = tmp_path / "data"
    (root / "audio").mkdir(parents=True)
    assert data_path(root, "audio/a.wav") == root / "audio" / "a.wav"
    assert data_path(root, str(root / "audio" / "a.wav")) == root / "audio" / "a.wav"
    assert data_path(root, None) is None and data_path(root, "") is None
    (tmp_path / "outside").write_text("x")
    (root / "audio" / "link.wav").symlink_to(tmp_path / "outside")
    for bad in ("/etc/passwd", "../outside", "audio/../../outside", str(tmp_path / "outside"), "audio/link.wav",
                "audio/a\x00.wav"):
        with pytest.raises(OutsideDataDirError, match="outside the data directory"):
            data_path(root, bad, what="recording")


@posix_only
def test_finding_10_everything_the_app_creates_is_owner_only(tmp_path, monkeypatch):
    os.umask(0o022)  # a usual umask: files would be 0644 and folders 0755 unless created private
    try:
        dd = DataDir(tmp_path / "data").ensure()
        store = Store(dd.db_path)
        sid = synthetic_session(store, segments=3, evidence=1, audio_dir=dd.audio_dir, seconds_per_segment=1.0)
        (dd.audio_dir / f"{sid}.wav").chmod(0o600)  # written by the test's builder (soundfile), not the app
        assert store.daily_backup() is not None  # backups/
        copy_kit(load_kit(), dd.root, "My kit")  # kits/my-kit.toml
        lock = SessionLock(dd.audio_dir / "x.lock")
        assert lock.acquire()
        write_file(None, dd.exports_dir / "sub" / "s.json", b"{}")
        bundle = tmp_path / "s.bundle"
        export_bundle(store, [sid], bundle)
        other = DataDir(tmp_path / "other").ensure()
        other_store = Store(other.db_path)
        import_bundle(other_store, bundle)  # imported audio
        other_store.close()
        modes = {}
        for root in (dd.root, other.root):
            for p in [root, *root.rglob("*")]:
                modes[p] = stat.S_IMODE(p.stat().st_mode)
        lock.release()
        store.close()
    finally:
        os.umask(0o022)
    wrong = {str(p): oct(m) for p, m in modes.items() if m != (0o700 if p.is_dir() else 0o600)}
    assert not wrong
    assert {"backups", "kits", "audio", "exports"} <= {p.name for p in modes if p.is_dir()}


@posix_only
def test_private_open_and_atomic_writes_are_0600_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        with private_open(tmp_path / "a", "xb") as f:
            f.write(b"x")
        write_bytes_atomic(tmp_path / "new" / "b", b"y")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new" / "b").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
    assert not list(Path(tmp_path).rglob(".*"))  # no temporary file left
