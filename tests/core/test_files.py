"""`interviewer.core.files`: the one rule for files written where the user said, atomic writing, the one rule for
stored paths, and owner-only files and folders from the moment they exist (issue 22, finding 10: backups/ and
kits/ were 0755; imported audio, kit files and the recording lock 0644)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from interviewer.core.config import DataDir
from interviewer.core.files import (
    OutputRefusedError,
    OutsideDataDirError,
    check_output_dir,
    check_output_path,
    data_path,
    private_open,
    write_bytes_atomic,
)
from interviewer.core.vault import write_file
from interviewer.live.session import SessionLock
from interviewer.notes.prompts.kits import copy_kit, load_kit
from interviewer.notes.store.bundle import export_bundle, import_bundle
from interviewer.notes.store.database import Store
from tests.builders import synthetic_session


@pytest.fixture
def dd(tmp_path: Path) -> DataDir:
    d = DataDir(tmp_path / "data").ensure()
    d.db_path.write_bytes(b"SQLite format 3\x00")
    return d


def test_a_new_file_outside_the_data_dir_is_fine(dd, tmp_path):
    assert check_output_path(tmp_path / "x" / "report.pdf", dd.root) == tmp_path / "x" / "report.pdf"
    assert check_output_path(dd.exports_dir / "report.pdf", dd.root) == dd.exports_dir / "report.pdf"


def test_home_is_expanded(dd, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert check_output_path("~/r.pdf", dd.root) == tmp_path / "r.pdf"


@pytest.mark.parametrize("rel", ["interviewer.sqlite3", "interviewer.sqlite3-wal", "audio/a.wav", "backups/b",
                                 "kits/k.toml", "encryption.json", "new.txt", "", "exports",
                                 "exports/../interviewer.sqlite3"])
def test_the_data_dirs_own_files_are_refused_even_with_force(dd, rel):
    with pytest.raises(OutputRefusedError, match="inside the data directory"):
        check_output_path(dd.root / rel if rel else dd.root, dd.root, force=True)


def test_a_symlink_is_refused_wherever_it_points(dd, tmp_path):
    (tmp_path / "real").write_text("x")
    for target in (dd.db_path, tmp_path / "real", tmp_path / "missing"):
        link = tmp_path / f"link-{target.name}"
        link.symlink_to(target)
        with pytest.raises(OutputRefusedError):
            check_output_path(link, dd.root, force=True)


def test_the_app_replaces_an_existing_file_with_force_after_its_dialog(dd, tmp_path):
    f = tmp_path / "old.pdf"
    f.write_text("old")
    with pytest.raises(OutputRefusedError) as exc:
        check_output_path(f, dd.root)
    assert str(exc.value) == f"{f} exists; use --force to replace it"
    assert exc.value.exit_code == 2
    assert check_output_path(f, dd.root, force=True) == f


def test_devices_folders_and_files_as_folders_are_refused(dd, tmp_path):
    (tmp_path / "file").write_text("x")
    cases = [tmp_path, tmp_path / "file" / "under.txt"]
    cases += [Path(p) for p in ("/dev/null", "/dev/full") if Path(p).exists()]
    for path in cases:
        with pytest.raises(OutputRefusedError):
            check_output_path(path, dd.root, force=True)


def test_without_a_data_dir_only_the_file_rules_apply(tmp_path):
    assert check_output_path(tmp_path / "n.txt", None) == tmp_path / "n.txt"
    with pytest.raises(OutputRefusedError):
        check_output_path(tmp_path, None)


def test_folders_for_several_files(dd, tmp_path):
    assert check_output_dir(tmp_path / "new", dd.root) == tmp_path / "new"
    assert check_output_dir(dd.exports_dir / "sar", dd.root) == dd.exports_dir / "sar"
    (tmp_path / "f").write_text("x")
    for bad in (dd.root, dd.audio_dir / "x", tmp_path / "f"):
        with pytest.raises(OutputRefusedError):
            check_output_dir(bad, dd.root)


def test_atomic_writers_never_rename_over_a_device_or_folder(tmp_path):
    with pytest.raises(OutputRefusedError):
        write_bytes_atomic(tmp_path, b"x")
    if Path("/dev/full").exists():
        with pytest.raises(OutputRefusedError):
            write_bytes_atomic("/dev/full", b"x")
        assert Path("/dev/full").is_char_device()
    f = write_bytes_atomic(tmp_path / "ok.bin", b"data")
    assert f.read_bytes() == b"data"
    if os.name == "posix":
        assert f.stat().st_mode & 0o777 == 0o600


def test_an_exports_folder_that_is_a_link_to_the_data_dir_opens_nothing(dd, tmp_path):
    dd.exports_dir.rmdir()
    dd.exports_dir.symlink_to(dd.root)
    with pytest.raises(OutputRefusedError, match="inside the data directory"):
        check_output_path(dd.exports_dir / "interviewer.sqlite3", dd.root, force=True)
    alias = tmp_path / "alias"
    alias.symlink_to(dd.root)
    with pytest.raises(OutputRefusedError, match="inside the data directory"):
        check_output_path(alias / "audio" / "x.wav", dd.root, force=True)


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
