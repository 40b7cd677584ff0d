"""Consolidation: the live transcript brought to whole-file quality about half a minute behind the speaker.

The live path decodes one utterance at a time, prompted with a sentence of context, and its second pass a
window of up to 20 s. Whisper does markedly better with what whole-file transcription gives it: 30 s of
speech at a time, cut where the previous window's last word ended, prompted with the previous windows' own
tokens (timestamps and all). Measured on seven interviews (bench/wer_set.py), the live text stayed about
two points of WER above whole-file transcription without this, and the gap was context, not the beam.

So the live path also keeps the audio the way `faster-whisper` keeps a file's when its VAD filter is on
(`SpeechTimeline`: the voiced stretches padded by 0.4 s, those less than 2 s apart merged with the audio
between them, all concatenated), and, whenever 30 s of it lie past the last window, decodes one more window
exactly as whole-file transcription would (`Transcriber.transcribe_window`). Its words go back to the
committed segments they fall in (`match_segments`, with the second pass's plausibility guards) once no
later window can claim them. Only the window boundaries can differ from a whole-file transcription of the
recording: Silero's look-ahead and the log-mel range are a window's own, not the file's.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from interviewer.audio.decode import SAMPLE_RATE, Float32Array
from interviewer.core.transcript import Word

PAD = int(0.4 * SAMPLE_RATE)           # faster-whisper's VadOptions.speech_pad_ms
MERGE_GAP = int(2.0 * SAMPLE_RATE)     # ... and min_silence_duration_ms: shorter silences stay in
WINDOW = 30 * SAMPLE_RATE              # Whisper's window
LOOK_AHEAD = SAMPLE_RATE // 2          # audio given past a window, so its last log-mel frames see what follows
PROMPT_TOKENS = 223                    # what faster-whisper keeps of the previous windows' tokens


class SpeechTimeline:
    """The voiced audio so far, as whole-file transcription with a VAD filter concatenates it. Positions on
    it are "timeline" samples; `to_clock` maps them back to the audio clock."""

    def __init__(self) -> None:
        self._audio: Float32Array = np.zeros(0, dtype=np.float32)
        self._base = 0                                 # timeline sample of _audio[0]
        self._pieces: list[tuple[int, int, int]] = []  # (timeline start, clock start, length)
        self.voiced_end: int | None = None             # clock sample where the last voiced stretch ended
        self.clock_end = 0                             # clock sample where the timeline's audio ends

    @property
    def length(self) -> int:
        return self._base + len(self._audio)

    def add(self, start: int, end: int, audio_of: Callable[[int, int], Float32Array], available: int) -> None:
        """A voiced stretch [start, end) on the audio clock, after those added before; `audio_of(a, b)` gives
        the audio of [a, b) and `available` is how far there is audio."""
        merged = self.voiced_end is not None and start - self.voiced_end < MERGE_GAP
        lo = self.clock_end if merged else max(start - PAD, self.clock_end)
        hi = min(max(end + PAD, lo), available)
        self.voiced_end = max(end, self.voiced_end or 0)
        if hi <= lo:
            return
        chunk = audio_of(lo, hi)
        lo = hi - len(chunk)  # audio no longer held at the start is left out, not shifted
        if not len(chunk):
            return
        if self._pieces and sum(self._pieces[-1][1:]) == lo:
            t0, c0, n = self._pieces[-1]
            self._pieces[-1] = (t0, c0, n + len(chunk))
        else:
            self._pieces.append((self.length, lo, len(chunk)))
        self._audio = np.concatenate([self._audio, chunk.astype(np.float32, copy=False)])
        self.clock_end = lo + len(chunk)

    def needs_from(self, now: int) -> int | None:
        """The clock sample from which audio must be kept for the next `add` (None: no merge is possible once
        the next voiced stretch starts at `now` or later)."""
        if self.voiced_end is None or now - self.voiced_end >= MERGE_GAP:
            return None
        return self.clock_end

    def slice(self, start: int, count: int) -> Float32Array:
        a = max(0, start - self._base)
        return self._audio[a:a + max(0, count)].copy()

    def to_clock(self, t: float) -> float:
        """Timeline seconds to audio-clock seconds (a time in no piece maps to the nearest piece's edge)."""
        return self.span_to_clock(t, t)[0]

    def span_to_clock(self, start: float, end: float) -> tuple[float, float]:
        """A span of timeline seconds (a word) to audio-clock seconds, both ends through the piece that holds
        its middle, as faster-whisper restores a word's times: a word across the seam of two pieces stays
        one word long instead of spanning the silence left out between them."""
        if not self._pieces:
            return start, end
        mid = round((start + end) / 2 * SAMPLE_RATE)
        k = max(0, bisect.bisect_right([p[0] for p in self._pieces], mid) - 1)
        t0, c0, n = self._pieces[k]

        def one(t: float) -> float:
            return (c0 + min(max(0, round(t * SAMPLE_RATE) - t0), n)) / SAMPLE_RATE

        return one(start), one(end)

    def forget_before(self, t: int) -> None:
        """Drop the audio before timeline sample `t` (the mapping of later times stays)."""
        drop = t - self._base
        if drop > 0:
            self._audio = self._audio[drop:].copy()
            self._base = t
        while len(self._pieces) > 1 and self._pieces[1][0] <= t:
            self._pieces.pop(0)


@dataclass(frozen=True)
class ConsolidationJob:
    seek: int            # timeline sample where the window starts
    audio: Float32Array  # the window and a little beyond it
    prompt: list[int]
    final: bool          # the end of the stream: the window takes in what is left


class Consolidation:
    """The state of the consolidating pass: where its next window starts, the tokens that prompt it, and the
    words decoded but not yet given back to committed segments. Owned by the streaming worker."""

    def __init__(self) -> None:
        self.timeline = SpeechTimeline()
        self.seek = 0
        self.tokens: list[int] = []
        self.words: list[Word] = []   # decoded, on the audio clock, not yet given back
        self.holes: list[tuple[float, float]] = []  # audio-clock spans of windows whose words were not used
        self.done: set[int] = set()   # committed segments given words by consolidation
        self.next_segment = 0         # committed segments before this one are consolidated (or passed over)
        self.in_flight = False
        self.windows = 0              # windows decoded
        self.skipped_s = 0.0          # audio passed over because the pass fell too far behind

    def left(self) -> int:
        return self.timeline.length - self.seek

    def due(self, *, final: bool = False) -> bool:
        if self.in_flight:
            return False
        return self.left() >= WINDOW + LOOK_AHEAD or (final and self.left() >= SAMPLE_RATE // 10)

    def job(self, *, final: bool = False) -> ConsolidationJob:
        self.in_flight = True
        audio = self.timeline.slice(self.seek, WINDOW + LOOK_AHEAD)
        return ConsolidationJob(self.seek, audio, self.tokens[-PROMPT_TOKENS:], final)

    def skip_to_recent(self, keep: int) -> float:
        """Fallen behind: go on from `keep` samples before the end of the timeline. The audio-clock second
        from which consolidation goes on (committed segments before it keep the text they have)."""
        new_seek = max(self.seek, self.timeline.length - keep)
        self.skipped_s += (new_seek - self.seek) / SAMPLE_RATE
        clock = self.timeline.to_clock(new_seek / SAMPLE_RATE)
        if new_seek > self.seek:
            self.holes.append((self.timeline.to_clock(self.seek / SAMPLE_RATE), clock))
        self.seek = new_seek
        self.tokens = []
        self.words = []
        self.timeline.forget_before(self.seek)
        return clock

    def take(self, job: ConsolidationJob, words: list[Word], consumed: int, tokens: list[int],
             reset_prompt: bool) -> float:
        """A decoded window's words (times from the window's start); returns the audio-clock second before
        which no later window will bring words (infinite once the stream's last window is in)."""
        self.in_flight = False
        self.windows += 1
        base = job.seek / SAMPLE_RATE
        span = self.timeline.span_to_clock
        self.words.extend(Word(*span(base + w.start, base + w.end), w.word, w.prob) for w in words)
        self.tokens = [] if reset_prompt else (self.tokens + tokens)[-PROMPT_TOKENS:]
        seek = job.seek + max(1, consumed)
        frontier = self.timeline.to_clock(seek / SAMPLE_RATE)
        self.seek = seek
        self.timeline.forget_before(self.seek)
        if job.final and self.left() < SAMPLE_RATE // 10:
            return float("inf")
        return frontier

    def pass_over(self, job: ConsolidationJob, consumed: int) -> float:
        """The window `job`, `consumed` samples of it, gave no usable words (its decode failed or looped): it
        is passed over, and segments reaching into it keep the text they have rather than get only the words
        of a neighbour. Returns the frontier, as `take`."""
        to_clock = self.timeline.to_clock  # before `take` forgets the window's audio and its mapping
        self.holes.append((to_clock(job.seek / SAMPLE_RATE), to_clock((job.seek + consumed) / SAMPLE_RATE)))
        return self.take(job, [], consumed, [], reset_prompt=True)

    def words_before(self, t: float, *, since: float = float("-inf")) -> list[Word]:
        """Take the pending words whose middle is before audio-clock second `t`; those before `since`
        (segments passed over, e.g. skipped when the pass fell behind) are dropped."""
        k = 0
        while k < len(self.words) and (self.words[k].start + self.words[k].end) / 2 < t:
            k += 1
        out, self.words = self.words[:k], self.words[k:]
        return [w for w in out if (w.start + w.end) / 2 >= since]

    def in_hole(self, start: float, end: float) -> bool:
        """Whether [start, end] reaches into a window whose words were not used."""
        return any(a < end and start < b for a, b in self.holes)

    def forget_holes_before(self, t: float) -> None:
        self.holes = [h for h in self.holes if h[1] > t]
