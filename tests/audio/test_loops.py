"""Decoding loops cut after the phrase's first copy."""

from __future__ import annotations

import pytest

from interviewer.audio.loops import cut_loop, loop_at
from interviewer.core.transcript import Segment, Word


def words(text: str, start: float, step: float = 0.3) -> tuple[Word, ...]:
    return tuple(Word(start + i * step, start + (i + 1) * step, " " + w, 0.9) for i, w in enumerate(text.split()))


def keys(text: str) -> list[str]:
    return text.split()


def test_a_decoding_loop_is_cut_after_its_first_copy():
    assert loop_at(keys("it is just a little bit of a little bit of a little bit of")) == 7
    assert loop_at(keys("no no no no")) == 1
    text = keys("we said no no no then it went on and on and on")  # 3 times a word, twice a phrase: speech
    assert loop_at(text) == len(text)
    assert loop_at([]) == 0
    assert loop_at(["well", "", "", "", "", "so"]) == 6  # dashes or dots, not words
    # Across segments: the loop starts in the first and runs into the second; the second is cut, the rest gone.
    first = Segment(0.0, 1.5, "so a b", "s", words("so a b", 0.0))
    second = Segment(1.5, 3.0, "a b a b", "s", words("a b a b", 1.5))
    third = Segment(3.0, 4.0, "a b", "s", words("a b", 3.0))
    cut, looped = cut_loop([first, second, third])
    assert looped and [s.text for s in cut] == ["so a b"]
    plain = [Segment(0.0, 1.0, "a b c", "s", words("a b c", 0.0))]
    assert cut_loop(plain) == (plain, False)
    partial, looped = cut_loop([Segment(0.0, 3.0, "x y z z z z", "s", words("x y z z z z", 0.0))])
    assert looped and partial[0].text == "x y z" and partial[0].end == pytest.approx(0.9)
