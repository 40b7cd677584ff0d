"""The first pass: an utterance that has ended is decoded with word timestamps, prompted with the tail of the
committed text, and committed. The decode starts speculatively once the pause has lasted `speculate_after_s`,
and is thrown away if the speaker goes on, so the commit lands about one decode after the pause begins
rather than a pause plus a decode. First-pass decodes run once at temperature 0 with a length cap (Whisper's
retries at higher temperatures are what held commits seconds late), and a decode that loops is cut after the
phrase's first copy."""

from __future__ import annotations

import time
from typing import Any

from interviewer.audio.committed import Committed
from interviewer.audio.decode import SAMPLE_RATE
from interviewer.audio.loops import cut_loop, token_cap
from interviewer.audio.pace import Pace
from interviewer.audio.stream_config import StreamConfig
from interviewer.audio.utterances import Utterance, Utterances
from interviewer.core.transcript import Segment, Word

MIN_SEGMENT_S = 0.3


def clip(segs: list[Segment], start: int, end: int, onset: int) -> list[Segment]:
    """The segments decoded from the audio of [start, end), kept within it: not before the VAD's `onset`
    (the pre-pad is context, not speech), nor in the silence appended; blips dropped."""
    out = []
    for seg in segs:
        if seg.end - seg.start < MIN_SEGMENT_S and len(seg.text.split()) <= 2:
            continue  # a blip Whisper turned into "Thank you." - nobody said it
        # Not before the VAD's onset (the pre-pad is context, not speech), nor into the appended silence.
        lo, hi = max(start, onset) / SAMPLE_RATE, end / SAMPLE_RATE
        words = tuple(Word(max(lo, min(w.start, hi)), max(lo, min(w.end, hi)), w.word, w.prob)
                      for w in seg.words)
        # Word times are sharper than segment times, which start at the padded chunk's start.
        s0 = max(seg.start, lo, words[0].start if words else lo)
        s1 = min(seg.end, hi) if not words else max(s0, min(hi, max(seg.end, words[-1].end)))
        out.append(Segment(s0, s1, seg.text, seg.speaker, words))
    return out


class FirstPass:
    """Decodes and commits each utterance; holds the speculative decode of the one pausing."""

    def __init__(self, transcriber: Any, *, speaker: str, config: StreamConfig, pace: Pace, utterances: Utterances,
                 committed: Committed) -> None:
        self.transcriber = transcriber
        self.speaker = speaker
        self.config = config
        self.pace = pace
        self._utts = utterances
        self._committed = committed
        self._speculation: tuple[int, int, list[Segment]] | None = None  # (start, end, segments)

    def prompt(self) -> str:
        return self._committed.prompt(self.config.prompt_chars)

    def decode(self, start: int, end: int) -> list[Segment]:
        """A first-pass decode (a commit, or the speculative decode of one): optional work waits meanwhile."""
        audio = self._utts.padded(start, end)
        began = time.monotonic()
        with self.pace.first_pass():
            segs: list[Segment] = self.transcriber.transcribe_array(
                audio, offset=start / SAMPLE_RATE, prompt=self.prompt(), speaker=self.speaker,
                beam_size=self.config.beam_size, vad=False, word_timestamps=True,
                fallback=self.config.first_pass_fallback, max_new_tokens=token_cap(end - start))
        self.pace.commit_decoded(time.monotonic() - began)
        return cut_loop(segs)[0]

    def speculate(self, start: int, end: int) -> str | None:
        """At a pause in the utterance [start, end): decode it now, unless the pace says not to or it is
        decoded already. What the decode heard (the freshest preview there is), or None if none was run."""
        if not self.pace.speculate or (self._speculation is not None and self._speculation[:2] == (start, end)):
            return None
        self._speculation = (start, end, self.decode(start, end))
        return " ".join(seg.text for seg in self._speculation[2]).strip()

    def commit(self, utt: Utterance) -> tuple[int, int]:
        """Commit an utterance that has ended (its speculative decode when that covered the same audio):
        (index of its first committed segment, how many)."""
        spec, self._speculation = self._speculation, None
        first = len(self._committed.segments)
        if utt.end > utt.start and utt.voiced_s >= self.config.min_speech_s:
            segs = spec[2] if spec is not None and spec[:2] == (utt.start, utt.end) else self.decode(utt.start, utt.end)
            for clipped in clip(segs, utt.start, utt.end, utt.onset):
                self._committed.commit(clipped)
        return first, len(self._committed.segments) - first
