"""Where utterances begin and end in the live audio: the Silero VAD (shipped with faster-whisper) over 32 ms
windows, and a small state machine over its speech probabilities.

* speech starts when a window's speech probability passes `speech_threshold`;
* a pause of `min_silence_s` ends the utterance (`on_end`); once the pause has lasted `speculate_after_s`,
  `on_pause` is told, so the first pass can decode the utterance speculatively;
* an utterance never exceeds `max_utterance_s`: it is split at the quietest stretch of its last seconds, and
  the next one starts right away.

`Utterances` also holds the audio the passes still need (`audio`, `padded`), trimmed as they let go of it.
Positions are samples on the audio clock: samples taken in since the start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from interviewer.audio.decode import SAMPLE_RATE, Float32Array
from interviewer.audio.pace import Pace
from interviewer.audio.stream_config import StreamConfig

WINDOW = 512  # Silero VAD window, 32 ms at 16 kHz
ONSET_MARGIN_S = 0.15


class StreamingVad:
    """Speech probability for each 512-sample window, carrying context across calls."""

    def __init__(self, model: Any = None) -> None:
        if model is None:
            from faster_whisper.vad import get_vad_model

            model = get_vad_model()
        self._model = model
        self._pending = np.zeros(0, dtype=np.float32)
        self._last = np.zeros(WINDOW, dtype=np.float32)

    def __call__(self, samples: Float32Array) -> Float32Array:
        buf = np.concatenate([self._pending, samples]) if len(self._pending) else samples
        n = len(buf) // WINDOW * WINDOW
        self._pending = buf[n:].copy()
        if n == 0:
            return np.zeros(0, dtype=np.float32)
        # Prepend the previous window so the first new one gets its real context; drop its output.
        batch = np.concatenate([self._last, buf[:n]]).astype(np.float32, copy=False)
        self._last = buf[n - WINDOW:n].copy()
        out = np.asarray(self._model(batch, num_samples=WINDOW), dtype=np.float32).reshape(-1)
        return out[1:]


@dataclass(frozen=True)
class Utterance:
    """An utterance that has ended: [start, end) with its pre-pad, `onset` where the VAD heard it begin."""

    start: int
    end: int
    onset: int
    last_voice: int  # the end of its last voiced window

    @property
    def voiced_s(self) -> float:
        return (self.last_voice - self.start) / SAMPLE_RATE


class Utterances:
    """The VAD's judgement of the audio taken in, and the utterance in progress (`start` is None between
    utterances). Tells its owner when an utterance begins (`on_begin(at)`), pauses long enough to decode
    speculatively (`on_pause(start, end)`) and ends (`on_end(utterance)`)."""

    def __init__(self, config: StreamConfig, pace: Pace, vad: Callable[[Float32Array], Float32Array], *,
                 on_begin: Callable[[int], None], on_pause: Callable[[int, int], None],
                 on_end: Callable[[Utterance], None]) -> None:
        self.config = config
        self.pace = pace
        self._vad = vad
        self._on_begin = on_begin
        self._on_pause = on_pause
        self._on_end = on_end
        self._buf = np.zeros(0, dtype=np.float32)
        self.buf_start = 0     # audio-clock sample of _buf[0]
        self.seen = 0          # samples taken in
        self.vad_pos = 0       # samples the VAD has judged
        self._probs: list[float] = []  # per window since buf_start (aligned to WINDOW from _probs_start)
        self._probs_start = 0
        self.start: int | None = None  # where the utterance in progress starts (with its pre-pad)
        self.last_end = 0      # where the last utterance ended: the next never reaches back past it
        self.onset = 0         # where the VAD heard the utterance begin
        self.last_voice = 0

    @property
    def speaking(self) -> bool:
        """The last two windows are speech."""
        return len(self._probs) >= 2 and min(self._probs[-2:]) >= self.config.speech_threshold

    def audio(self, start: int, end: int) -> Float32Array:
        a = max(0, start - self.buf_start)
        b = max(a, end - self.buf_start)
        return self._buf[a:b]

    def padded(self, start: int, end: int) -> Float32Array:
        """The audio of [start, end) with the tail silence appended (the same array for the same span, so
        the transcriber's encoder cache serves a second decode of it)."""
        return np.concatenate([self.audio(start, end),
                               np.zeros(int(self.config.tail_silence_s * SAMPLE_RATE), np.float32)])

    def take(self, block: Float32Array) -> None:
        self._buf = np.concatenate([self._buf, block]) if len(self._buf) else block.astype(np.float32)
        self.seen += len(block)
        probs = self._vad(block)
        cfg = self.config
        for p in probs:
            win_end = self.vad_pos + WINDOW
            self.vad_pos = win_end
            self._probs.append(float(p))
            if self.start is None:
                if p >= cfg.speech_threshold:
                    self.start = max(self.buf_start, self.last_end,
                                      win_end - WINDOW - int(cfg.pre_pad_s * SAMPLE_RATE))
                    # Whisper stretches the first word back over the pre-pad; the VAD knows better.
                    self.onset = max(self.start, win_end - WINDOW - int(ONSET_MARGIN_S * SAMPLE_RATE))
                    self.last_voice = win_end
                    self._on_begin(win_end)
                continue
            if p >= cfg.silence_threshold:
                self.last_voice = win_end
            silence = (win_end - self.last_voice) / SAMPLE_RATE
            length = (win_end - self.start) / SAMPLE_RATE
            end = self.last_voice + int(cfg.pad_s * SAMPLE_RATE)
            split_after = cfg.soft_split_after_s if cfg.soft_split_after_s is not None else self.pace.split_after_s
            soft = split_after is not None and length >= split_after \
                and silence >= cfg.soft_split_silence_s and end <= self.seen
            if silence >= cfg.min_silence_s or soft:
                self._end(end)
            elif length >= cfg.max_utterance_s:
                self._end(self._best_split(win_end))
            elif silence >= cfg.speculate_after_s and end <= self.seen:
                self._on_pause(self.start, end)

    def drain(self) -> None:
        """End of stream: end any utterance in progress with the audio taken in."""
        if self.start is not None:
            self.last_voice = max(self.last_voice, self.seen)
            self._end(self.seen)

    def _end(self, end: int) -> None:
        assert self.start is not None
        utt = Utterance(self.start, min(end, self.seen), self.onset, self.last_voice)
        self.start = None
        self.last_end = max(self.last_end, utt.end)
        self._on_end(utt)
        # A split inside speech starts the next utterance right away.
        if self.last_voice > utt.end:
            self.start = utt.end
            self._on_begin(self.vad_pos)

    def _best_split(self, now: int) -> int:
        """The middle of the quietest run of windows in the utterance's last `split_search_s`."""
        assert self.start is not None
        lo = max(self.start + SAMPLE_RATE, now - int(self.config.split_search_s * SAMPLE_RATE))
        first = (lo - self._probs_start) // WINDOW
        last = (now - self._probs_start) // WINDOW
        probs = self._probs[max(0, first):max(0, last)]
        if len(probs) < 3:
            return now
        smooth = np.convolve(np.asarray(probs), np.ones(3) / 3, mode="same")
        k = int(np.argmin(smooth))
        return self._probs_start + (max(0, first) + k) * WINDOW + WINDOW // 2

    def trim(self, keep_from: int | None) -> None:
        """Forget audio and VAD history nobody will need again (the audio from `keep_from` on is kept)."""
        keep = self.start if self.start is not None else self.vad_pos - SAMPLE_RATE
        keep -= int(self.config.pre_pad_s * SAMPLE_RATE) + WINDOW
        if keep_from is not None:
            keep = min(keep, keep_from)
        keep = max(self.buf_start, keep)
        drop = keep - self.buf_start
        if drop > SAMPLE_RATE * 5:
            self._buf = self._buf[drop:].copy()
            self.buf_start = keep
            wdrop = (keep - self._probs_start) // WINDOW
            if wdrop > 0:
                self._probs = self._probs[wdrop:]
                self._probs_start += wdrop * WINDOW
