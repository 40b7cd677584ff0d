"""Errors the user can act on: one line naming the file and the problem, exit code 2."""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """A problem with the user's input or environment, reported without a traceback."""

    exit_code = 2

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        super().__init__(f"{path}: {message}" if path is not None else message)


class DatabaseError(UserError):
    """The database cannot be opened safely; the file has been left untouched."""


class AudioError(UserError):
    """An audio file or device cannot be used."""


class ModelError(UserError):
    """The speech model cannot be found or loaded."""


class KitError(UserError):
    """An interview kit is malformed; the message names the file and line."""

    def __init__(self, message: str, *, path: Path | str, line: int | None = None) -> None:
        self.line = line
        where = f"{path}:{line}" if line is not None else str(path)
        Exception.__init__(self, f"{where}: {message}")
        self.path = Path(path)
