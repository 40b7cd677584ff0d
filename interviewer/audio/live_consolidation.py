"""Consolidation on the live path (see interviewer.audio.consolidate), on the second pass's thread and
decoder: the voiced audio is kept as whole-file transcription keeps a file's, and every 30 s of it is decoded
as whole-file transcription decodes its windows (beam 5, prompted with the previous windows' tokens); its
words go back to the committed segments with the second pass's guards once no later window can claim them,
so the live transcript reaches whole-file accuracy about half a minute behind the speaker. Segments it has
revised are not revised again by a late second pass. Beyond `consolidate_max_lag_s` behind it skips ahead,
and while the pace puts it off it keeps only what the next window would need."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from interviewer.audio.committed import Committed, match_segments
from interviewer.audio.consolidate import LOOK_AHEAD, WINDOW, Consolidation, ConsolidationJob
from interviewer.audio.decode import SAMPLE_RATE, Float32Array
from interviewer.audio.loops import cut_loop
from interviewer.audio.pace import Pace
from interviewer.audio.stream_config import StreamConfig
from interviewer.core.transcript import Segment


class LiveConsolidation:
    """When the next window is due, its decode, and its words given back to the committed segments. `state`
    is the consolidation itself; owned by the streaming worker (`decode` runs on the second-pass thread)."""

    def __init__(self, *, speaker: str, config: StreamConfig, pace: Pace, committed: Committed) -> None:
        self.speaker = speaker
        self.config = config
        self.pace = pace
        self.state = Consolidation()
        self._committed = committed
        self.consolidated = 0          # segments whose text consolidation changed
        self.dropped = 0               # windows whose words were not used (implausible, or failed)
        self.decode_max_s = 0.0        # the longest consolidation window decode, wall seconds
        self.shed = 0                  # times it skipped ahead because the machine was busy

    def add_speech(self, start: int, end: int, audio_of: Callable[[int, int], Float32Array], available: int) -> None:
        """A voiced stretch [start, end) of the audio clock, for the timeline (see `SpeechTimeline.add`)."""
        self.state.timeline.add(start, end, audio_of, available)

    def needs_from(self, now: int) -> int | None:
        """The clock sample from which the audio must be kept (see `SpeechTimeline.needs_from`)."""
        return self.state.timeline.needs_from(now)

    def next_job(self, *, final: bool = False) -> ConsolidationJob | None:
        """The next window to decode if one is due, else None."""
        cons = self.state
        if not self.pace.consolidation_live:
            # Put off until the interview ends (see interviewer.live.catchup); the timeline keeps only what the
            # next window would need, so memory stays bounded meanwhile.
            if cons.left() > 2 * (WINDOW + LOOK_AHEAD):
                self._skip()
            return None
        if not cons.due(final=final):
            return None
        if cons.left() > self.config.consolidate_max_lag_s * SAMPLE_RATE:
            # Far behind (a slow machine or a big model): go on from the recent audio, never a backlog.
            self._skip()
        return cons.job(final=final)

    def _skip(self) -> None:
        """Go on from the recent audio: what is passed over keeps its text (and is caught up later)."""
        cons = self.state
        committed = self._committed.segments
        clock = cons.skip_to_recent(WINDOW + LOOK_AHEAD)
        while cons.next_segment < len(committed) and committed[cons.next_segment].start < clock:
            cons.next_segment += 1
        self.dropped += 1
        self.shed += 1

    def decode(self, job: ConsolidationJob, decoder: Any) -> Any:
        """Decode a window (on the second-pass thread): `decoder.transcribe_window`'s result."""
        began = time.monotonic()
        result = decoder.transcribe_window(job.audio, prompt=job.prompt or None, speaker=self.speaker,
                                           beam_size=self.config.revise_beam)
        took = time.monotonic() - began
        self.decode_max_s = max(self.decode_max_s, took)
        return result

    def apply(self, job: ConsolidationJob, window: Any) -> None:
        """A window decoded (None: the decode failed or never ran)."""
        cons = self.state
        if window is None or cut_loop(window.segments)[1]:
            # The decode failed or loops: pass over the window; the text there stands, also of a segment
            # reaching into the next window (it is not given only the words of its other part).
            consumed = WINDOW if window is None else window.consumed
            self.dropped += 1
            frontier = cons.pass_over(job, consumed)
        else:
            words = [w for s in window.segments for w in s.words]
            frontier = cons.take(job, words, window.consumed, window.tokens, window.reset_prompt)
        self.give_back_upto(frontier)

    def give_back_upto(self, frontier: float) -> None:
        """Give the decoded words back to the committed segments that end before `frontier` (audio-clock
        seconds): no later window brings words for them."""
        cons = self.state
        committed = self._committed.segments
        first = k = cons.next_segment
        while k < len(committed) and committed[k].end <= frontier:
            k += 1
        if k == first:
            return
        cut = frontier if k == len(committed) else (committed[k - 1].end + committed[k].start) / 2
        # Words before the first segment's stretch belong to segments passed over (skipped when the pass
        # fell behind): they are dropped, not given to the first segment.
        since = (committed[first - 1].end + committed[first].start) / 2 if first else float("-inf")
        words = cons.words_before(cut, since=since)
        cons.next_segment = k
        cons.forget_holes_before(since)
        if not words:
            return
        old = committed[first:k]
        new = match_segments(old, [Segment(words[0].start, words[-1].end, "", self.speaker, tuple(words))])
        if new is None:
            return
        new = [o if cons.in_hole(o.start, o.end) else n for o, n in zip(old, new, strict=True)]
        changed = self._committed.give_back(first, new, looped=False)
        if changed is None:
            self.dropped += 1
        else:
            self.consolidated += changed
            cons.done.update(first + j for j, (o, n) in enumerate(zip(old, new, strict=True)) if n is not o)
