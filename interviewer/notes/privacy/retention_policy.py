"""The retention policy (`retention.toml` in the data dir): how many days audio and transcripts are kept."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from interviewer.core.config import DataDir
from interviewer.core.errors import UserError
from interviewer.notes.privacy.disk import data_dir_of, write_private

POLICY_FILE = "retention.toml"
MAX_RETENTION_DAYS = 36_500  # a hundred years: longer is 'forever'


@dataclass(frozen=True)
class RetentionPolicy:
    """How long a data dir keeps what it records; None means forever."""

    audio_days: int | None = None
    transcript_days: int | None = None

    def to_dict(self) -> dict[str, int | None]:
        return {"audio_days": self.audio_days, "transcript_days": self.transcript_days}

    def describe(self) -> str:
        def one(what: str, days: int | None) -> str:
            return f"{what} kept forever" if days is None else f"{what} deleted {days} day(s) after the session"
        return f"{one('audio', self.audio_days)}; {one('transcripts', self.transcript_days)}"


def policy_path(data_dir: DataDir | Path) -> Path:
    return data_dir_of(data_dir).root / POLICY_FILE


def load_policy(data_dir: DataDir | Path) -> RetentionPolicy:
    """The data dir's policy; an absent file keeps everything forever. A malformed one is a UserError."""
    path = policy_path(data_dir)
    if not path.exists():
        return RetentionPolicy()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot be read: {exc}", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"is not valid TOML: {exc}", path=path) from None
    unknown = sorted(set(data) - {"audio_days", "transcript_days"})
    if unknown:
        raise UserError(f"unknown setting(s) {', '.join(unknown)} (known: audio_days, transcript_days)",
                        path=path)
    values: dict[str, int | None] = {}
    for key in ("audio_days", "transcript_days"):
        v = data.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            raise UserError(f"{key} must be a whole number of days (0 or more), not {v!r}", path=path)
        # Repaired, not refused: an older version saved any number, and more days than a century keep
        # everything exactly as 'forever' does (nothing of it can expire).
        values[key] = None if v is not None and v > MAX_RETENTION_DAYS else v
    return RetentionPolicy(audio_days=values["audio_days"], transcript_days=values["transcript_days"])


def save_policy(data_dir: DataDir | Path, policy: RetentionPolicy) -> Path:
    for key, v in policy.to_dict().items():
        if v is not None and (isinstance(v, bool) or not 0 <= v <= MAX_RETENTION_DAYS):
            raise UserError(f"{key} must be a whole number of days from 0 to {MAX_RETENTION_DAYS}, not {v!r}")
    lines = ["# Interviewer retention policy. Apply it with `interviewer retention --apply`.",
             "# A missing setting keeps that data forever."]
    for key, what in (("audio_days", "audio files"), ("transcript_days", "transcripts, notes and ratings")):
        v = policy.to_dict()[key]
        lines.append(f"# {key}: {what} are deleted this many days after the session started")
        lines.append(f"{key} = {v}" if v is not None else f"# {key} = 30")
    path = policy_path(data_dir)
    write_private(path, "\n".join(lines) + "\n")
    return path
