"""Writing files so that an existing one is never left half-written, readable by the owner only; and the one
rule for every file written where the user said (`check_output_path`, `check_output_dir`)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from interviewer.errors import UserError

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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
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
