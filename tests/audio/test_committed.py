"""The committed transcript: later passes' words given back to the first pass's segments."""

from __future__ import annotations

import threading

import pytest

from interviewer.audio.committed import Committed, match_segments
from interviewer.core.transcript import Segment, Word


def words(text: str, start: float, step: float = 0.3) -> tuple[Word, ...]:
    return tuple(Word(start + i * step, start + (i + 1) * step, " " + w, 0.9) for i, w in enumerate(text.split()))


def test_match_segments_gives_each_word_to_its_segment():
    old = [Segment(0.0, 1.5, "a b c", "s", words("a b c", 0.0)), Segment(2.0, 3.5, "d e f", "s", words("d e f", 2.0))]
    # One new segment spanning both (a window decoded as one piece): its words go back by time.
    merged = Segment(0.0, 3.5, "a b C d e F", "s", words("a b C", 0.0) + words("d e F", 2.0))
    out = match_segments(old, [merged])
    assert out is not None
    assert [s.text for s in out] == ["a b C", "d e F"]
    assert out[1].start == pytest.approx(2.0) and out[1].words[-1].word == " F"
    # A word just past the first segment's end still belongs to it (halfway to the next is the boundary).
    late = Segment(0.0, 1.8, "a b c x", "s", words("a b c x", 0.0, 0.4))
    out = match_segments(old, [late])
    assert out is not None and out[0].text == "a b c x"
    assert out[1] is old[1]  # nothing heard there the second time: the first pass stands
    assert match_segments(old, []) is None


def committed_log() -> tuple[Committed, list[tuple[str, object]]]:
    log: list[tuple[str, object]] = []
    c = Committed(on_commit=lambda s: log.append(("commit", s.text)),
                  on_revise=lambda i, s: log.append(("revise", (i, s.text))), emit_lock=threading.Lock())
    return c, log


def test_plausible_words_revise_the_segments_whose_text_changes_and_the_prompt_follows():
    c, log = committed_log()
    a, b = Segment(0.0, 1.5, "a b c", "s", words("a b c", 0.0)), Segment(2.0, 3.5, "d e f", "s", words("d e f", 2.0))
    c.commit(a)
    c.commit(b)
    assert c.prompt(5) == "d e f" and c.text_before(1, 100) == "a b c" and c.words_in(0, 2) == 6
    new = match_segments(c.segments, [Segment(0.0, 3.5, "", "s", words("a b c", 0.0) + words("d e F", 2.0))])
    assert c.give_back(0, new, looped=False) == 1
    assert c.segments[0] is a and c.segments[1].text == "d e F"
    assert log == [("commit", "a b c"), ("commit", "d e f"), ("revise", (1, "d e F"))]
    assert c.prompt(5) == "d e F"


def test_implausible_or_looping_words_change_nothing():
    c, log = committed_log()
    c.commit(Segment(0.0, 3.0, "a b c d e f g h i j", "s", words("a b c d e f g h i j", 0.0)))
    few = [Segment(0.0, 0.6, "x y", "s", words("x y", 0.0))]   # a dropout: 2 words for 10
    assert c.give_back(0, few, looped=False) is None
    same_count = [Segment(0.0, 3.0, "k l m n o p q r s t", "s", words("k l m n o p q r s t", 0.0))]
    assert c.give_back(0, same_count, looped=True) is None
    assert c.give_back(0, None, looped=False) is None
    assert c.segments[0].text == "a b c d e f g h i j" and [kind for kind, _ in log] == ["commit"]
