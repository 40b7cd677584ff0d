"""Numbers on the command line, checked at the edge: finite and in range, or argparse's one-line usage error
(exit status 2). Every numeric option of every command uses one of these."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

MAX_BEAM = 32  # Whisper's beam: 1 (live) or 5 (files); more only costs time
MAX_SPEED = 1000.0  # replay speed of a file source
MAX_RECORD_S = 7 * 24 * 3600.0  # `record --seconds`; also the longest moment a tag may name (MAX_TIME_S)
MAX_SEARCH_LIMIT = 100_000


def number(lo: float, hi: float, *, low_open: bool = False) -> Callable[[str], float]:
    """A finite decimal number in [lo, hi] (or (lo, hi] with `low_open`)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number, not {text!r}")
        if value < lo or value > hi or (low_open and value == lo):
            low = f"more than {lo:g}" if low_open else f"at least {lo:g}"
            raise argparse.ArgumentTypeError(f"must be {low} and at most {hi:g}, not {text}")
        return value
    parse.__name__ = "number"
    return parse


def whole(lo: int, hi: int) -> Callable[[str], int]:
    """A whole number in [lo, hi]."""
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not lo <= value <= hi:
            shown = text.strip() if len(text.strip()) <= 24 else text.strip()[:20] + "…"
            raise argparse.ArgumentTypeError(f"must be from {lo} to {hi}, not {shown}")
        return value
    parse.__name__ = "whole number"
    return parse


beam = whole(1, MAX_BEAM)
speed = number(0.0, MAX_SPEED)  # 0: as fast as the file can be read
search_limit = whole(1, MAX_SEARCH_LIMIT)
seconds_in_recording = number(0.0, MAX_RECORD_S)
