"""The catch-up: a whole-file transcription's words given back to a live transcript's segments.

On a busy machine the live path puts its polishing (second pass, consolidation) off until the interview
ends (see `interviewer.audio.pace`). Afterwards the recording is transcribed as a whole file, and its words
go back to the segments the evaluator saw, by time: each segment keeps its identity (its id in the store,
the evidence pointing at it) and takes the words whose middle lies in its stretch, as the live passes do
(`match_segments`). Runs of segments are matched 30 s at a time with the live passes' plausibility guard,
so a stretch where the whole-file decode skipped speech keeps the live words.
"""

from __future__ import annotations

import bisect
import itertools

from interviewer.audio.committed import match_segments
from interviewer.core.transcript import Segment, Word

RUN_S = 30.0


def runs(segments: list[Segment], run_s: float = RUN_S) -> list[tuple[int, int]]:
    """Consecutive segments in runs of at most `run_s` seconds (a longer segment is a run of its own)."""
    out: list[tuple[int, int]] = []
    first = 0
    for i in range(1, len(segments) + 1):
        if i == len(segments) or segments[i].end - segments[first].start > run_s:
            out.append((first, i))
            first = i
    return out


def plausible(old: list[Segment], new: list[Segment]) -> bool:
    """The live passes' guard: a word count far from the live one is a dropout or a hallucination."""
    n_old = sum(len(s.words) or len(s.text.split()) for s in old)
    n_new = sum(len(s.words) for s in new)
    return 0.7 * n_old - 2 <= n_new <= 1.3 * n_old + 3


def give_back(live: list[Segment], whole: list[Segment], run_s: float = RUN_S) -> dict[int, Segment]:
    """The segments of `live` (in time order) whose text the words of `whole` change, by index.

    Words between two runs go to the run whose stretch (up to halfway to the other) holds their middle;
    words before the first segment or after the last go to it."""
    words = sorted((w for s in whole for w in s.words), key=lambda w: w.start)
    if not live or not words:
        return {}
    spans = runs(live, run_s)
    bounds = [(live[b - 1].end + live[b].start) / 2 for (_, b), _next in itertools.pairwise(spans)]
    grouped: list[list[Word]] = [[] for _ in spans]
    for w in words:
        grouped[bisect.bisect_right(bounds, (w.start + w.end) / 2)].append(w)
    changed: dict[int, Segment] = {}
    for (a, b), ws in zip(spans, grouped, strict=True):
        old = live[a:b]
        if not ws:
            continue
        new = match_segments(old, [Segment(ws[0].start, ws[-1].end, "", old[0].speaker, tuple(ws))])
        if new is None or not plausible(old, new):
            continue
        for k, seg in enumerate(new):
            if seg.text.strip() != old[k].text.strip():
                changed[a + k] = seg
    return changed
