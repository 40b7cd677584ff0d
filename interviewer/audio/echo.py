"""The microphone's copy of the call: without headphones the microphone hears the speakers, so with microphone +
call audio the candidate's words would be transcribed twice. A microphone segment that repeats what the call
track said at the same time is an echo, and is dropped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from interviewer.core.transcript import Segment, normalise_word

# Time slack between the two tracks' clocks and transcripts (seconds), and the share of a microphone segment's
# words that must be the call's, near the same time, for it to be an echo.
SLACK_S = 2.0
ECHO_SHARE = 0.6


def _words(seg: Segment) -> list[str]:
    raw = [w.word for w in seg.words] if seg.words else seg.text.split()
    return [w for w in (normalise_word(x) for x in raw) if w]


def is_echo(mic: Segment, call: Iterable[Segment]) -> bool:
    """Whether `mic` repeats the words `call` segments said around the same time."""
    mine = _words(mic)
    if not mine:
        return False
    heard: Counter[str] = Counter()
    for seg in call:
        if seg.end >= mic.start - SLACK_S and seg.start <= mic.end + SLACK_S:
            heard.update(_words(seg))
    if not heard:
        return False
    shared = sum((Counter(mine) & heard).values())
    return shared / len(mine) >= ECHO_SHARE
