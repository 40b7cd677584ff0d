"""The second pass. The commit uses the fast `beam_size`. Committed utterances are gathered into a window of
consecutive audio (closed once it spans `revise_window_s`, before it would pass Whisper's 30 s, or once nobody
has spoken for `revise_idle_close_s`); a window is decoded again as one piece with `revise_beam` on its own
thread and decoder (or, without one, whenever the worker is idle: no audio waiting, and neither a commit nor
the next preview held up), prompted with the text before it - the context whole-file transcription has - and
its words go back to the committed segment whose stretch they fall in. Every segment whose text changes is
revised in place and the prompt for what follows uses the revised text; a window whose word count is
implausible (a hallucination or a dropout) or whose decode loops is dropped whole.

(Until 2026-11 a segment was revised only where the model scored the new words as more probable and none was
skipped: on seven benchmark interviews, 2,700 words, that kept 3.3 points of WER above whole-file
transcription, taking every plausible revision 2.2 - the first pass's short, greedy decodes are often the
worse and the most sure of themselves. See bench/wer_set.py.)

At most `revise_pending_max` windows wait and none older than `revise_max_lag_s`: beyond that they are
dropped (the first pass stands), so there is never a backlog.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from interviewer.audio.committed import Committed, match_segments
from interviewer.audio.decode import SAMPLE_RATE, Float32Array
from interviewer.audio.first_pass import clip
from interviewer.audio.loops import cut_loop
from interviewer.audio.pace import Pace
from interviewer.audio.stream_config import StreamConfig
from interviewer.audio.utterances import Utterances
from interviewer.core.transcript import Segment

MAX_WINDOW_S = 29.0  # a second-pass window plus its tail silence stays inside one Whisper window


@dataclass
class Revision:
    """A window of consecutive committed utterances, decoded again as one piece."""

    first: int      # index in `committed` of the window's first segment
    count: int
    start: int
    end: int
    onset: int
    audio: Float32Array | None = None  # filled when the window closes
    prompt: str = ""
    n_old: int = 0   # words the first pass gave the window


class SecondPass:
    """The windows of the second pass: gathered, closed, decoded (here when the worker is idle, or by the
    second-pass thread through `send`) and their words given back to the committed segments.

    `send(window)` hands a closed window to the second-pass thread, False if too many are in flight; None:
    there is no such thread. `consolidated()`: the committed segments consolidation has given words (their
    text is better than a late second pass's). `last_preview()`: the sample at which the last preview was
    asked for."""

    def __init__(self, transcriber: Any, *, speaker: str, config: StreamConfig, pace: Pace, utterances: Utterances,
                 committed: Committed, send: Callable[[Revision], bool] | None,
                 consolidated: Callable[[], set[int]], last_preview: Callable[[], int]) -> None:
        self.transcriber = transcriber
        self.speaker = speaker
        self.config = config
        self.pace = pace
        self._utts = utterances
        self._committed = committed
        self._send = send
        self._consolidated = consolidated
        self._last_preview = last_preview
        self._window: Revision | None = None
        self._waiting: deque[Revision] = deque()  # closed windows the worker decodes when idle (no thread)
        self._rate = 0.04  # seconds of second-pass decoding per second of audio (running estimate)
        self.revisions = 0          # segments whose text a second pass changed
        self.runs = 0               # windows decoded a second time
        self.dropped = 0            # windows whose second pass was dropped (too far behind, or implausible)
        self.decode_max_s = 0.0
        self.shed = 0               # windows not decoded live because the machine is busy

    @property
    def waiting(self) -> int:
        """Closed windows waiting for the worker to be idle."""
        return len(self._waiting)

    @property
    def window_start(self) -> int | None:
        """Where the open window starts (its audio is still needed), None if none is open."""
        return self._window.start if self._window is not None else None

    @property
    def is_open(self) -> bool:
        return self._window is not None

    def add(self, first: int, count: int, start: int, end: int, onset: int) -> None:
        """Committed segments `first`..`first + count` (the utterance [start, end)) join the open window."""
        w = self._window
        if w is not None and (end - w.start) / SAMPLE_RATE > MAX_WINDOW_S:
            self.close()
            w = None
        if w is None:
            self._window = w = Revision(first, count, start, end, onset)
        else:
            w.count += count
            w.end = end
        if (w.end - w.start) / SAMPLE_RATE >= self.config.revise_window_s:
            self.close()

    def maybe_close(self) -> None:
        """Close the open window once nobody has spoken for `revise_idle_close_s`."""
        w = self._window
        if w is not None and self._utts.start is None and \
                (self._utts.vad_pos - w.end) / SAMPLE_RATE >= self.config.revise_idle_close_s:
            self.close()

    def close(self) -> None:
        w, self._window = self._window, None
        if w is None:
            return
        if w.start < self._utts.buf_start:  # no longer held (cannot happen while the window is open)
            self.dropped += 1
            return
        w.audio = self._utts.padded(w.start, w.end)
        w.prompt = self._committed.text_before(w.first, self.config.revise_prompt_chars)
        w.n_old = self._committed.words_in(w.first, w.count)
        if not self.pace.second_pass_live:
            self.shed += 1  # the machine is busy: this window is polished after the interview
            return
        if self._send is not None:
            if not self._send(w):
                self.dropped += 1  # the second pass is far behind: this window keeps its first pass
            return
        if len(self._waiting) >= self.config.revise_pending_max:
            self._waiting.popleft()
            self.dropped += 1
        self._waiting.append(w)

    def due(self) -> bool:
        """With no audio waiting: whether the worker is idle enough to decode the next waiting window now,
        neither a commit nor a preview held up."""
        cfg = self.config
        job = self._waiting[0]
        assert job.audio is not None
        cost = self._rate * len(job.audio) / SAMPLE_RATE
        if self._utts.start is None:
            # Nobody speaking: the next commit is at least an utterance away, but whoever speaks next
            # should see a preview soon, so one revision may hold the worker only so long.
            return cost <= cfg.revise_idle_max_s
        if not self._utts.speaking:
            return False  # a pause may be starting: keep the thread free for the commit
        since = (self._utts.vad_pos - self._last_preview()) / SAMPLE_RATE
        return since + cost <= cfg.revise_preview_gap_s

    def revise_next(self) -> None:
        """Decode the next waiting window on the worker, and apply it."""
        job = self._waiting.popleft()
        if self.too_late(job):
            self.dropped += 1
            return
        self.apply(job, self.decode(job, self.transcriber))

    def too_late(self, job: Revision) -> bool:
        return (self._utts.vad_pos - job.end) / SAMPLE_RATE > self.config.revise_max_lag_s

    def decode(self, job: Revision, transcriber: Any) -> list[Segment]:
        assert job.audio is not None
        t0 = time.monotonic()
        # One decode at temperature 0 with a cap on its length: a second pass never stalls on retries or a
        # runaway repetition (the first pass stands instead).
        segs: list[Segment] = transcriber.transcribe_array(
            job.audio, offset=job.start / SAMPLE_RATE, prompt=job.prompt, speaker=self.speaker,
            beam_size=self.config.revise_beam, vad=False, word_timestamps=True, fallback=False,
            max_new_tokens=min(220, 2 * job.n_old + 20))
        took = time.monotonic() - t0
        self.decode_max_s = max(self.decode_max_s, took)
        seconds = max(0.1, len(job.audio) / SAMPLE_RATE)
        self._rate = 0.7 * self._rate + 0.3 * took / seconds
        self.runs += 1
        return segs

    def apply(self, job: Revision, segs: list[Segment]) -> None:
        done = self._consolidated()
        if any(job.first + j in done for j in range(job.count)):  # consolidated meanwhile: that text is better
            self.dropped += 1
            return
        new = match_segments(self._committed.segments[job.first:job.first + job.count],
                             clip(segs, job.start, job.end, job.onset))
        changed = self._committed.give_back(job.first, new, looped=cut_loop(segs)[1])
        if changed is None:
            self.dropped += 1  # heard something else entirely: a loop, a hallucination or a dropout
        else:
            self.revisions += changed

    def not_decoded(self, windows: int = 1) -> None:
        """Windows sent to the second-pass thread that were not decoded (failed, too late, never started
        because the first pass kept the cores busy, or still decoding at the end): the first pass stands."""
        self.dropped += windows
        self.shed += windows

    def drop_waiting(self) -> None:
        self.dropped += len(self._waiting)
        self._waiting.clear()
