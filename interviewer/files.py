"""Writing files so that an existing one is never left half-written, readable by the owner only."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomic(path: Path | str, text: str, *, private: bool = True) -> Path:
    """Write next to the target, then rename over it; 0600 on POSIX unless `private` is False."""
    return write_bytes_atomic(path, text.encode("utf-8"), private=private)


def write_bytes_atomic(path: Path | str, data: bytes, *, private: bool = True) -> Path:
    """Write next to the target, then rename over it; 0600 on POSIX unless `private` is False."""
    path = Path(path)
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
