"""The values the store accepts and makes: times in a recording, names, ids, timestamps, JSON columns.

`name_key` is THE rule for "the same name" (a candidate, a role): two names are the same when they are equal
after Unicode NFC, trimming, collapsing inner whitespace and full case-folding ("ZOË  ĐẶNG" is "Zoë Đặng").
Finding a candidate by name (`Store.find_candidate`, the loop report, erasure) goes through it.
"""

from __future__ import annotations

import json
import math
import unicodedata
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from interviewer.core.errors import UserError
from interviewer.notes.store.schema import MAX_TIME_S

Clock = Callable[[], datetime]


def check_time(value: object, what: str = "a time") -> float:
    """A moment in a recording, in seconds: finite, from 0 to MAX_TIME_S (a week), else a UserError."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise UserError(f"{what} must be a finite number of seconds, not {value!r}")
    if not 0 <= value <= MAX_TIME_S:
        raise UserError(f"{what} must be between 0 and {MAX_TIME_S:.0f} seconds, not {value:g}")
    return float(value)


def check_range(start: object, end: object) -> tuple[float, float]:
    """A time range of a recording: both ends valid (see `check_time`) and `end` not before `start`. A range
    reaching back before the recording began (the last 20 s, 5 s in) starts at 0."""
    if isinstance(start, int | float) and not isinstance(start, bool) and -MAX_TIME_S <= start < 0:
        start = 0.0
    s, e = check_time(start, "the start"), check_time(end, "the end")
    if e < s:
        raise UserError(f"evidence ends ({e:g}) before it starts ({s:g})")
    return s, e


def normal_name(name: str) -> str:
    """A person's or role's name as stored: NFC (one spelling for "Zoë" composed or not), trimmed."""
    return unicodedata.normalize("NFC", name).strip()


def name_key(name: str) -> str:
    """The form two names are compared in: NFC, trimmed, inner whitespace collapsed, case-folded (SQLite's
    NOCASE folds ASCII only: "ZOË" and "zoë" differ to it)."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def dumps(v: Any) -> str:
    """A JSON column's text: UTF-8 kept, keys sorted (the same value is always the same text)."""
    return json.dumps(v, ensure_ascii=False, sort_keys=True)
