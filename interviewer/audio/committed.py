"""A track's committed transcript: the best text so far. The first pass appends to it; later passes (the
second pass, consolidation, the catch-up) give their words back to its segments by time (`match_segments`)
and revise them in place when the new words are plausible (`Committed.give_back`)."""

from __future__ import annotations

import bisect
import itertools
import threading
from collections.abc import Callable

from interviewer.core.transcript import Segment, Word

OnCommit = Callable[[Segment], None]
OnRevise = Callable[[int, Segment], None]
TEXT_KEPT = 2000  # characters of committed text kept for the prompts


def match_segments(old: list[Segment], new: list[Segment]) -> list[Segment] | None:
    """The second pass's words given back to the first pass's segments: each word goes to the segment
    whose stretch (up to halfway to its neighbours) holds the word's middle. A segment that gets no word
    keeps its first-pass text. None if the second pass has no words at all."""
    words = [w for s in new for w in s.words]
    if not old or not words:
        return None
    bounds = [(a.end + b.start) / 2 for a, b in itertools.pairwise(old)]
    groups: list[list[Word]] = [[] for _ in old]
    for w in words:
        groups[bisect.bisect_right(bounds, (w.start + w.end) / 2)].append(w)
    return [o if not g else Segment(g[0].start, max(g[0].start, g[-1].end), "".join(w.word for w in g).strip(),
                                    o.speaker, tuple(g)) for o, g in zip(old, groups, strict=True)]


class Committed:
    """The committed segments (`segments`, revised in place) and the tail of their text, which prompts the
    decodes that follow. Owned by the streaming worker; every callback runs under `emit_lock`."""

    def __init__(self, *, on_commit: OnCommit, on_revise: OnRevise | None, emit_lock: threading.Lock) -> None:
        self.segments: list[Segment] = []
        self._text = ""
        self._on_commit = on_commit
        self._on_revise = on_revise
        self._emit_lock = emit_lock

    def prompt(self, chars: int) -> str:
        """The last `chars` characters of the committed text."""
        return self._text[-chars:]

    def text_before(self, first: int, chars: int) -> str:
        """The last `chars` characters of the text of the (up to 20) segments before `segments[first]`."""
        before = " ".join(s.text for s in self.segments[max(0, first - 20):first]).strip()
        return before[-chars:]

    def words_in(self, first: int, count: int) -> int:
        return sum(len(s.words) for s in self.segments[first:first + count])

    def commit(self, seg: Segment) -> None:
        self.segments.append(seg)
        self._text = (self._text + " " + seg.text).strip()[-TEXT_KEPT:]
        with self._emit_lock:
            self._on_commit(seg)

    def give_back(self, first: int, new: list[Segment] | None, *, looped: bool) -> int | None:
        """Revise `segments[first:]` with `new` (a later pass's words matched to them): the number of
        segments whose text changed, or None if the new words are not plausible (a loop, or a word count
        far from the first pass's: a hallucination or a dropout) and nothing changed."""
        if new is None or looped:
            return None
        old = self.segments[first:first + len(new)]
        n_old = sum(len(s.words) for s in old)
        n_new = sum(len(s.words) for s in new)
        if not 0.7 * n_old - 2 <= n_new <= 1.3 * n_old + 3:
            return None
        changed = 0
        for k, seg in enumerate(new):
            if seg.text.strip() == old[k].text.strip():
                continue
            self.segments[first + k] = seg
            changed += 1
            if self._on_revise is not None:
                with self._emit_lock:
                    self._on_revise(first + k, seg)
        if changed:
            self._text = " ".join(s.text for s in self.segments[-20:]).strip()[-TEXT_KEPT:]
        return changed
