"""Owner-only file permissions on a data dir."""

from __future__ import annotations

import os
from pathlib import Path

from interviewer.core.config import DataDir
from interviewer.notes.privacy.disk import data_dir_of


def restrict_permissions(data_dir: DataDir | Path) -> int:
    """Owner-only access: directories 0700, files 0600, recursively (POSIX only; symlinks are not followed).
    Returns how many entries were changed."""
    if os.name != "posix":
        return 0
    root = data_dir_of(data_dir).root
    changed = 0

    def fix(path: Path, mode: int) -> None:
        nonlocal changed
        if path.is_symlink():
            return
        try:
            if path.stat().st_mode & 0o777 != mode:
                path.chmod(mode)
                changed += 1
        except OSError:
            pass

    if not root.is_dir():
        return 0
    fix(root, 0o700)
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        for d in dirnames:
            fix(base / d, 0o700)
        for f in filenames:
            fix(base / f, 0o600)
    return changed
