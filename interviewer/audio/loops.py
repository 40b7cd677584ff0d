"""Decoding loops: Whisper, decoding greedily, sometimes repeats a phrase until its token cap instead of going
on. A decode's length is capped (`token_cap`), and a loop is cut after the phrase's first copy (`cut_loop`)."""

from __future__ import annotations

from interviewer.audio.decode import SAMPLE_RATE
from interviewer.core.transcript import Segment, normalise_word


def token_cap(samples: int) -> int:
    """Enough tokens for very fast speech (about 8 a second), not for a runaway repetition."""
    return min(300, 16 + int(8 * samples / SAMPLE_RATE))


def loop_at(keys: list[str]) -> int:
    """Where a decoding loop starts to repeat: the first phrase of 1-8 words said three times running (a
    single word four times) is kept once and everything from its second copy on is cut. len(keys) if none.
    (Whisper, decoding greedily, sometimes repeats a phrase until its token cap instead of going on.)"""
    n = len(keys)
    for i in range(n):
        if not keys[i]:
            continue  # punctuation alone ("-", "...") is no word to repeat
        for p in range(1, 9):
            reps = 4 if p == 1 else 3
            if i + reps * p > n:
                break
            if all(keys[i + r * p:i + (r + 1) * p] == keys[i:i + p] for r in range(1, reps)):
                return i + p
    return n


def cut_loop(segs: list[Segment]) -> tuple[list[Segment], bool]:
    """`segs` without a decoding loop (see `loop_at`), and whether there was one."""
    words = [w for s in segs for w in s.words]
    keep = loop_at([normalise_word(w.word) for w in words])
    if keep == len(words):
        return segs, False
    out, left = [], keep
    for s in segs:
        if left <= 0:
            break
        if len(s.words) <= left:
            out.append(s)
        else:
            ws = s.words[:left]
            out.append(Segment(s.start, max(s.start, ws[-1].end), "".join(w.word for w in ws).strip(), s.speaker, ws))
        left -= len(s.words)
    return out, True
