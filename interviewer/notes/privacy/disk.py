"""Files the privacy duties remove or write: shredding, a recording's lock, paths as a report names them."""

from __future__ import annotations

import os
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path

from interviewer.core.config import DataDir
from interviewer.core.files import write_text_atomic


def data_dir_of(data_dir: DataDir | Path) -> DataDir:
    return data_dir if isinstance(data_dir, DataDir) else DataDir(Path(data_dir))


def rel(path: Path, root: Path) -> str:
    """`path` relative to `root`, as a report names it (the full path when it is not under `root`)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def resolve(root: Path, p: str | None) -> Path | None:
    """A stored path as it names a file, NOT checked: only for deciding what to remove (never read or copied
    unless `interviewer.core.files.inside` says so) and for naming it in a report."""
    if not p:
        return None
    path = Path(p)
    return path if path.is_absolute() else root / path


def is_locked(path: Path) -> bool:
    """Whether a live recording holds this session's lock file (same protocol as `session.SessionLock`)."""
    if not path.exists():
        return False
    try:
        f = path.open("a+b")
    except OSError:
        return False
    try:
        if os.name == "nt":  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
    except OSError:
        return True
    finally:
        f.close()
    return False


def shred(path: Path) -> None:
    """Overwrite a file with zeros, then remove it. Best effort against recovery from the disk: it does not
    reach copies made by a copy-on-write filesystem, an SSD's wear levelling, snapshots or backups."""
    if path.is_symlink():
        path.unlink()
        return
    size = path.stat().st_size
    with path.open("r+b") as f:
        block = b"\0" * (1 << 20)
        left = size
        while left > 0:
            n = min(left, len(block))
            f.write(block[:n])
            left -= n
        f.flush()
        with suppress(OSError):
            os.fsync(f.fileno())
    path.unlink()


def shred_backups(dd: DataDir) -> None:
    """Database backups still hold what was just deleted: they go (a fresh one is made at the next start)."""
    if (dd.root / "backups").is_dir():
        for p in sorted((dd.root / "backups").iterdir()):
            with suppress(OSError):
                shred(p)


def write_private(path: Path, text: str) -> None:
    """Write next to the target and rename, readable by the owner only."""
    write_text_atomic(path, text, private=True)


def remove_empty_parents(removed: Iterable[Path], top: Path) -> None:
    """Folders under `top` left empty by removing these files go too (`top` stays)."""
    top = top.resolve()
    for f in removed:
        d = f.resolve().parent
        while d != top and top in d.parents:
            try:
                d.rmdir()  # only succeeds when empty
            except OSError:
                break
            d = d.parent
