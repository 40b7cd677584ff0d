"""Files in the data dir: owner-only on creation, written atomically, temporary files that never outlive a crash,
and the one rule for paths read from a bundle, a kit or the database.

* `private_dir` / `private_open`: every directory the app creates is 0700 and every file 0600 (POSIX), from the
  moment it exists, whatever the umask.
* `write_bytes_atomic`: write a temporary file next to the target, then rename over it. Temporary files are
  named `.NAME.XXXXXXXX.partial` and locked (an OS lock, dropped when the process dies, even by `kill -9`) for as
  long as they are written; `sweep_temp_files` removes the ones no live process holds (run at every start).
* `data_path`: a path read from a bundle, a kit or the database (`audio/ID.wav`, or an absolute path) is
  resolved, symlinks followed, and must lie inside the data dir; anything else is refused (`OutsideDataDirError`).
* `check_output_path` / `check_output_dir`: the one rule for every file written where the user said (exports,
  bundles, kits, PDFs): never the data dir's own files, never anything that is not a regular file, an existing
  file only with --force.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from interviewer.core.errors import UserError

TEMP_SUFFIX = ".partial"
DIR_MODE = 0o700
FILE_MODE = 0o600


# Inside the data dir, the only place a command may write a file the user named (the app's default export folder).
WRITABLE_IN_DATA_DIR = ("exports",)


class OutputRefusedError(UserError):
    """A file the user named is not one we may write: one sentence naming it, nothing touched."""


def _inside(path: Path, root: Path) -> bool:
    """`path` (resolved) is `root` or under it: by name, and by identity for a folder reached under another
    spelling (a case-insensitive file system, a bind mount)."""
    try:
        path.relative_to(root)
    except ValueError:
        pass
    else:
        return True
    try:
        area = root.stat()
    except OSError:
        return False
    for folder in (path, *path.parents):
        try:
            st = folder.stat()
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (area.st_dev, area.st_ino):
            return True
    return False


def _check_not_data_dir(path: Path, resolved: Path, data_root: Path | str | None) -> None:
    if data_root is None:
        return
    root = Path(data_root).expanduser().resolve()
    if not _inside(resolved, root):
        return
    for sub in WRITABLE_IN_DATA_DIR:
        area = root / sub
        if resolved != area and _inside(resolved, area) and not area.is_symlink():
            return
    raise OutputRefusedError(f"{path} is inside the data directory {root}, whose files only Interviewer writes; "
                        f"choose a file elsewhere (or in {root / WRITABLE_IN_DATA_DIR[0]})")


def check_output_path(path: Path | str, data_root: Path | str | None, *, force: bool = False) -> Path:
    """The rule for every file written to a path the user named (exports, bundles, kits, PDFs).

    Refused with `OutputRefusedError` (a UserError: one sentence, exit status 2), nothing touched:
    * a path inside the data dir `data_root` (the database and its -wal/-shm, audio/, backups/, kits/,
      encryption.json, ...) other than under its exports/ folder, also when reached through a symlink or '..';
    * anything that exists and is not a regular file: a directory, a device (/dev/full), a FIFO, a socket, or a
      symbolic link (/dev/stdout; atomic replacement would replace the link, not what it points to);
    * a folder that cannot hold it (a parent that is a file, not writable);
    * an existing regular file unless `force` ("FILE exists; use --force to replace it"). The app's save
      dialogs ask before replacing, so the app passes force=True once the user has confirmed.

    Returns the path to write (user's ~ expanded). Writers then replace the file atomically (temp file + rename),
    so even a forced replacement never leaves it half-written."""
    path = Path(path).expanduser()
    if str(path) in ("", "."):
        raise OutputRefusedError("give a file name to write to")
    resolved = path.resolve()
    _check_not_data_dir(path, resolved, data_root)
    if path.is_symlink():  # renaming over it would replace the link (e.g. /dev/stdout), not what it points to
        raise OutputRefusedError(f"{path} is a symbolic link, not a regular file; name the file itself")
    try:
        st = path.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputRefusedError(f"{path}: cannot be written ({exc.strerror or exc})") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise OutputRefusedError(f"{path} is a directory; give a file name inside it")
        if not stat.S_ISREG(st.st_mode):
            raise OutputRefusedError(f"{path} is not a regular file (a device, pipe or socket); give a file name")
        if not force:
            raise OutputRefusedError(f"{path} exists; use --force to replace it")
    _check_parent(path, resolved.parent)
    return path


def check_output_dir(path: Path | str, data_root: Path | str | None) -> Path:
    """The same rule for a folder the user names to receive several files (`access -o DIR`, `demo --out DIR`):
    not inside the data dir (except exports/), not a file, device or pipe. Whether it must be empty is the
    command's own rule."""
    path = Path(path).expanduser()
    resolved = path.resolve()
    _check_not_data_dir(path, resolved, data_root)
    if path.exists() and not path.is_dir():
        raise OutputRefusedError(f"{path} is not a directory; give a new or empty folder")
    if not path.exists() and path.is_symlink():
        raise OutputRefusedError(f"{path} is a symlink to nothing; give a new or empty folder")
    if path.exists():
        _check_writable(path)
    else:
        _check_parent(path, resolved.parent)
    return path


def _check_parent(path: Path, parent: Path) -> None:
    """The nearest existing ancestor must be a folder we can write in (missing folders are created)."""
    probe = parent
    while not probe.exists():
        if probe.is_symlink():
            raise OutputRefusedError(f"{path}: the folder {probe} is a symlink to nothing")
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise OutputRefusedError(f"{path}: {probe} is a file, not a folder")
    _check_writable(probe, path)


def _check_writable(folder: Path, path: Path | None = None) -> None:
    if not os.access(folder, os.W_OK | os.X_OK):
        what = f"{path}: the folder {folder}" if path is not None else f"the folder {folder}"
        raise OutputRefusedError(f"{what} is not writable (permission denied)")


def write_text_atomic(path: Path | str, text: str, *, private: bool = True) -> Path:
    """Write next to the target, then rename over it; 0600 on POSIX unless `private` is False."""
    return write_bytes_atomic(path, text.encode("utf-8"), private=private)


def refuse_special(path: Path) -> None:
    """Never rename a temp file over something that is not a regular file (a device, pipe, socket, folder):
    the last guard under every atomic writer, whoever called it."""
    try:
        st = path.stat()
    except OSError:
        return
    if not stat.S_ISREG(st.st_mode):
        kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise OutputRefusedError(f"{path} is {kind}; nothing was written")


def write_bytes_atomic(path: Path | str, data: bytes, *, private: bool = True) -> Path:
    """Write next to the target, then rename over it; 0600 on POSIX unless `private` is False."""
    path = Path(path)
    refuse_special(path)
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try_lock(fd)  # held until the rename: the start-up sweep leaves it alone
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if os.name == "posix":
                Path(tmp).chmod(0o600 if private else 0o644)
            Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


class OutsideDataDirError(UserError):
    """A stored or imported path points outside the data dir (or through a symlink out of it)."""


# ---------------------------------------------------------------------------------------------- paths
def inside(path: Path | str, root: Path | str) -> bool:
    """Whether `path`, resolved (symlinks followed), lies inside `root`, resolved."""
    try:
        Path(path).resolve().relative_to(Path(root).resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def data_path(root: Path | str, value: str | os.PathLike[str] | None, *, what: str = "path") -> Path | None:
    """The file a path read from a bundle, a kit or the database names, or None when it is empty.

    Relative paths are taken from the data dir `root`; the result (symlinks followed) must lie inside `root`,
    else OutsideDataDirError names it. This is the only rule: callers never join stored paths themselves."""
    if value is None or str(value) == "":
        return None
    root = Path(root)
    raw = Path(value)
    path = raw if raw.is_absolute() else root / raw
    if "\0" in str(value) or not inside(path, root):
        raise OutsideDataDirError(f"the {what} {str(value)!r} is outside the data directory {root}; refused")
    return path


# ---------------------------------------------------------------------------------------------- permissions
def private_dir(path: Path | str) -> Path:
    """Create `path` and its missing parents 0700 on POSIX (whatever the umask); existing ones are left as
    they are."""
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if os.name == "posix":
        for p in missing:
            with suppress(OSError):
                if not p.is_symlink():
                    p.chmod(DIR_MODE)
    return path


def private_open(path: Path | str, mode: str = "xb") -> IO[Any]:
    """Open a file for writing, created 0600 (never readable by others, even for a moment).

    `mode`: "xb" (must be new), "wb" (truncate), "ab"/"a+b" (append); unbuffered for "xb"/"wb"."""
    path = Path(path)
    flags = {"xb": os.O_CREAT | os.O_EXCL | os.O_RDWR, "wb": os.O_CREAT | os.O_TRUNC | os.O_RDWR,
             "ab": os.O_CREAT | os.O_APPEND | os.O_WRONLY, "a+b": os.O_CREAT | os.O_APPEND | os.O_RDWR}[mode]
    flags |= getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, FILE_MODE)
    if os.name == "posix":
        with suppress(OSError):
            os.fchmod(fd, FILE_MODE)
    return os.fdopen(fd, {"xb": "r+b", "wb": "r+b", "ab": "ab", "a+b": "a+b"}[mode],
                     buffering=0 if mode in ("xb", "wb") else -1)


# ---------------------------------------------------------------------------------------------- locks
def try_lock(fd: int) -> bool:
    """Take an exclusive OS lock on an open file without waiting; False if another process holds one."""
    try:
        if os.name == "nt":  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


# ---------------------------------------------------------------------------------------------- temporary files
@contextmanager
def temp_file(directory: Path | str, name: str) -> Iterator[tuple[Path, int]]:
    """A new, locked, owner-only temporary file `.NAME.XXXXXXXX.partial` in `directory`; yields (path, fd).

    The file is removed if the body raises; otherwise the caller renames it into place (or removes it). The
    lock is held until the body ends, so `sweep_temp_files` never takes a file still being written."""
    directory = Path(directory)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=TEMP_SUFFIX, dir=directory)
    path = Path(tmp)
    try:
        if os.name == "posix":
            os.fchmod(fd, FILE_MODE)
        try_lock(fd)
        yield path, fd
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    finally:
        with suppress(OSError):
            os.close(fd)


def sweep_temp_files(root: Path | str) -> list[Path]:
    """Remove the temporary files a killed process left anywhere in the data dir (`*.partial` files that no
    live process holds locked). Returns what was removed."""
    root = Path(root)
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    for dirpath, _dirnames, filenames in os.walk(root):
        for f in filenames:
            if not (f.startswith(".") and f.endswith(TEMP_SUFFIX)):
                continue
            path = Path(dirpath) / f
            try:
                fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
            except OSError:
                continue
            try:
                if not try_lock(fd):
                    continue  # another process is writing it right now
                path.unlink(missing_ok=True)
                removed.append(path)
            except OSError:
                continue
            finally:
                os.close(fd)
    return removed
