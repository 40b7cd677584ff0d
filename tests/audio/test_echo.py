"""The microphone's copy of the call (issue 17, item 4): a mic segment repeating what the call said at the same
time is an echo; the interviewer's own words, or the same words said at another time, are not."""

from __future__ import annotations

from interviewer.audio.echo import is_echo
from interviewer.core.transcript import Segment, Word


def seg(start: float, end: float, text: str, words: bool = True) -> Segment:
    tokens = text.split()
    step = (end - start) / len(tokens)
    ws = tuple(Word(start + i * step, start + (i + 1) * step, (" " if i else "") + t, 0.9)
               for i, t in enumerate(tokens)) if words else ()
    return Segment(start, end, text, "", ws)


CALL = [seg(10.0, 14.0, "We capped the retries at five and added an alert on queue age.")]


def test_the_mic_repeating_the_call_at_the_same_time_is_an_echo():
    assert is_echo(seg(10.4, 14.3, "we capped the retries at five and added an alert"), CALL)
    # a rougher copy (the mic hears the speakers through the room): most words still shared
    assert is_echo(seg(10.6, 14.5, "we capped the retry at five and added alert on cue age", words=False), CALL)


def test_the_interviewers_own_words_or_another_time_are_not():
    assert not is_echo(seg(14.5, 16.0, "Why five retries and not three?"), CALL)
    assert not is_echo(seg(40.0, 44.0, "we capped the retries at five and added an alert"), CALL)
    mixed = seg(10.0, 14.0, "right so who decided that number and what did the team think")
    assert not is_echo(mixed, CALL)
    assert not is_echo(seg(10.0, 11.0, "..."), CALL)
    assert not is_echo(seg(10.0, 14.0, "we capped the retries"), [])
