"""Whole-file transcription in bounded memory: a 3-hour recording is never held whole.

faster-whisper's `transcribe(audio, vad_filter=True)` wants the whole file as one array (691 MB for three hours
at 16 kHz, several copies of it at its peak, and the log-mel of all of it). This does what it does, streamed:

1. **Voice activity**, one pass over the file decoded block by block: Silero VAD run as faster-whisper runs it
   on a whole file (512-sample windows with 64 samples of context, the LSTM state carried from one to the
   next), in batches of 1,000 windows rather than 10,000, so the speech probabilities are the same numbers; then
   faster-whisper's rules turn them into padded voiced stretches (`speech_chunks`, its `get_speech_timestamps`).
   Only the probabilities are kept (one float per 32 ms).
2. **Loudness**, a second pass: Whisper's log-mel is floored 8 below its loudest frame over the whole (voiced)
   signal, so that frame is found first (`loudest_frame`).
3. **Decoding**, a third pass: the voiced stretches are concatenated as faster-whisper concatenates them, and
   every time 30 s of that lie past the last window, one window is decoded exactly as whole-file transcription
   decodes it (`Transcriber.transcribe_window`: beam, retries at higher temperatures, prompted with the
   previous windows' tokens, starting where the previous window's last word ended), given the log-mel frames
   the whole signal's log-mel has there, bit for bit (`PiecewiseMel`). Times go back to the file's clock as
   faster-whisper restores them (a word through the voiced stretch holding its middle). At most a window and
   a block of audio are held.

The result is faster-whisper's whole-file transcription: tests/audio/test_longform.py compares segments, times
and words. Decoding the file three times costs little beside Whisper (FLAC decodes at hundreds of times real
time). bench/memory.py measures the peak memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from interviewer.audio.decode import SAMPLE_RATE, DecodeStatus, Float32Array, iter_blocks

if TYPE_CHECKING:
    from interviewer.core.transcript import Segment

VAD_WINDOW = 512            # samples per Silero window at 16 kHz
VAD_CONTEXT = 64            # samples of the window before, given with each
VAD_BATCH = 10_000          # windows per ONNX run when faster-whisper runs Silero over a whole file
RUN_WINDOWS = 1_000         # ours: the LSTM state runs through a batch window after window, so the size of a
                            # batch changes no probability (checked to the bit), only the memory a run takes
                            # (about 100 MB for 10,000 windows, and more as the heap fragments)
WINDOW = 30 * SAMPLE_RATE   # Whisper's window
LOOK_AHEAD = SAMPLE_RATE // 2
PROMPT_TOKENS = 223         # what faster-whisper keeps of the previous windows' tokens
MIN_TAIL = SAMPLE_RATE // 10
BLOCK = SAMPLE_RATE * 10    # decoded audio handed over at a time
SCAN_SHARE = 0.05           # of the progress reported: the voice activity pass


class StreamingVad:
    """Silero speech probabilities for audio given block by block, equal to faster-whisper's whole-file ones."""

    def __init__(self) -> None:
        from faster_whisper.vad import get_vad_model

        self._session = get_vad_model().session
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(VAD_CONTEXT, dtype=np.float32)  # the first window's context is silence
        self._pending: list[Float32Array] = []
        self._have = 0
        self.samples = 0
        self.probs: list[Float32Array] = []

    def feed(self, block: Float32Array) -> None:
        self._pending.append(block)
        self._have += len(block)
        self.samples += len(block)
        batch = RUN_WINDOWS * VAD_WINDOW
        # A batch is run once audio lies past it: the last batch is treated differently (padding, see finish).
        while self._have > batch:
            buf = np.concatenate(self._pending)
            self._run(buf[:batch])
            rest = buf[batch:]
            self._pending, self._have = [rest], len(rest)

    def finish(self) -> Float32Array:
        buf = np.concatenate(self._pending) if self._pending else np.zeros(0, dtype=np.float32)
        # faster-whisper pads the file to a whole number of windows, a whole window of zeros if it already is
        # one, and zeroes the last 64 samples of the last window (its context trick writes through a view).
        buf = np.pad(buf, (0, VAD_WINDOW - len(buf) % VAD_WINDOW))
        buf[-VAD_CONTEXT:] = 0
        self._pending, self._have = [], 0
        for i in range(0, len(buf), RUN_WINDOWS * VAD_WINDOW):
            self._run(buf[i:i + RUN_WINDOWS * VAD_WINDOW])
        return np.concatenate(self.probs) if self.probs else np.zeros(0, dtype=np.float32)

    def _run(self, audio: Float32Array) -> None:
        windows = audio.reshape(-1, VAD_WINDOW)
        context = np.concatenate([self._context[None, :], windows[:-1, -VAD_CONTEXT:]], axis=0)
        self._context = windows[-1, -VAD_CONTEXT:].copy()
        batch = np.ascontiguousarray(np.concatenate([context, windows], axis=1), dtype=np.float32)
        out, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        self.probs.append(np.asarray(out, dtype=np.float32).reshape(-1))


def speech_chunks(probs: Float32Array, n_samples: int, options: Any = None) -> list[dict[str, int]]:
    """faster-whisper's `get_speech_timestamps` from the probabilities (adapted from Silero VAD, MIT), with its
    default options unless `options` (a `faster_whisper.vad.VadOptions`) says otherwise."""
    from faster_whisper.vad import VadOptions

    o = options or VadOptions()
    threshold = o.threshold
    neg_threshold = o.neg_threshold if o.neg_threshold is not None else max(threshold - 0.15, 0.01)
    w = VAD_WINDOW
    min_speech = SAMPLE_RATE * o.min_speech_duration_ms / 1000
    pad = SAMPLE_RATE * o.speech_pad_ms / 1000
    max_speech = SAMPLE_RATE * o.max_speech_duration_s - w - 2 * pad
    min_silence = SAMPLE_RATE * o.min_silence_duration_ms / 1000
    min_silence_at_max = SAMPLE_RATE * 98 / 1000

    triggered = False
    speeches: list[dict[str, int]] = []
    current: dict[str, int] = {}
    temp_end = prev_end = next_start = 0
    for i, p in enumerate(probs.tolist()):
        if p >= threshold and temp_end:
            temp_end = 0
            if next_start < prev_end:
                next_start = w * i
        if p >= threshold and not triggered:
            triggered = True
            current["start"] = w * i
            continue
        if triggered and w * i - current["start"] > max_speech:
            if prev_end:
                current["end"] = prev_end
                speeches.append(current)
                current = {}
                if next_start < prev_end:
                    triggered = False
                else:
                    current["start"] = next_start
                prev_end = next_start = temp_end = 0
            else:
                current["end"] = w * i
                speeches.append(current)
                current = {}
                prev_end = next_start = temp_end = 0
                triggered = False
                continue
        if p < neg_threshold and triggered:
            if not temp_end:
                temp_end = w * i
            if w * i - temp_end > min_silence_at_max:
                prev_end = temp_end
            if w * i - temp_end < min_silence:
                continue
            current["end"] = temp_end
            if current["end"] - current["start"] > min_speech:
                speeches.append(current)
            current = {}
            prev_end = next_start = temp_end = 0
            triggered = False
            continue
    if current and n_samples - current["start"] > min_speech:
        current["end"] = n_samples
        speeches.append(current)

    for i, s in enumerate(speeches):
        if i == 0:
            s["start"] = int(max(0, s["start"] - pad))
        if i != len(speeches) - 1:
            silence = speeches[i + 1]["start"] - s["end"]
            if silence < 2 * pad:
                s["end"] += int(silence // 2)
                speeches[i + 1]["start"] = int(max(0, speeches[i + 1]["start"] - silence // 2))
            else:
                s["end"] = int(min(n_samples, s["end"] + pad))
                speeches[i + 1]["start"] = int(max(0, speeches[i + 1]["start"] - pad))
        else:
            s["end"] = int(min(n_samples, s["end"] + pad))
    return speeches


def voiced_audio(blocks: Iterator[Float32Array], chunks: list[dict[str, int]]) -> Iterator[Float32Array]:
    """The audio inside `chunks` (sorted, apart), concatenated in order, as the blocks of the file go by."""
    pos = 0
    k = 0
    for block in blocks:
        end = pos + len(block)
        while k < len(chunks) and chunks[k]["start"] < end:
            a, b = max(chunks[k]["start"], pos), min(chunks[k]["end"], end)
            if b > a:
                yield block[a - pos:b - pos]
            if chunks[k]["end"] <= end:
                k += 1
            else:
                break
        pos = end
        if k >= len(chunks):
            return


HOP = 160                   # samples per log-mel frame
HALF_FFT = 200              # a frame's window reaches this far either side of its centre
MEL_CONTEXT = 2 * HOP       # audio kept before a run of frames, so its first frame needs no padding
MEL_CHUNK = 30 * SAMPLE_RATE


class PiecewiseMel:
    """Whisper's log-mel (before its loudness floor) of a long signal, computed piece by piece and frame for
    frame as faster-whisper's `FeatureExtractor` computes it for the whole signal at once."""

    def __init__(self, extractor: Any) -> None:
        self.fe = extractor
        self.window = np.hanning(extractor.n_fft + 1)[:-1].astype("float32")

    def frames(self, buf: Float32Array, start: int, *, at_end: bool) -> tuple[int, Any]:
        """`buf` holds the signal from sample `start` (a multiple of HOP; `at_end`: to its end). Returns the
        index of the first frame and the log10 mel of the frames whose window `buf` holds whole, as the whole
        signal's (the first two frames of a signal, and its last, pad as the whole signal's do)."""
        wave = np.pad(buf, (0, HOP)) if at_end else buf  # faster-whisper pads the signal by one hop
        stft = self.fe.stft(wave, self.fe.n_fft, self.fe.hop_length, window=self.window,
                            return_complex=True).astype("complex64")
        if at_end:
            stft = stft[..., :-1]  # ... and drops the last frame
        log = np.log10(np.clip(self.fe.mel_filters @ (np.abs(stft) ** 2), a_min=1e-10, a_max=None))
        k0 = 0 if start == 0 else MEL_CONTEXT // HOP
        k1 = log.shape[1] if at_end else (len(buf) - HALF_FFT) // HOP + 1
        return start // HOP + k0, log[:, k0:k1]


def floor_and_scale(log: Any, loudest: float) -> Any:
    """faster-whisper's last step, with the whole signal's loudest frame."""
    return (np.maximum(log, loudest - 8.0) + 4.0) / 4.0


def loudest_frame(mel: PiecewiseMel, pieces: Iterator[Float32Array]) -> float:
    """The largest log-mel value over the whole signal given in pieces (faster-whisper floors at it - 8)."""
    loudest = -np.inf
    carry: list[Float32Array] = []
    have = 0
    start = 0  # signal sample of carry[0]
    for piece in pieces:
        carry.append(piece)
        have += len(piece)
        if have >= MEL_CHUNK:
            buf = np.concatenate(carry)
            first, log = mel.frames(buf, start, at_end=False)
            if log.size:
                loudest = max(loudest, float(log.max()))
            nxt = (first + log.shape[1]) * HOP - MEL_CONTEXT  # the next frame's context starts here
            rest = buf[nxt - start:]
            carry, have, start = [rest], len(rest), nxt
    buf = np.concatenate(carry) if carry else np.zeros(0, dtype=np.float32)
    _, log = mel.frames(buf, start, at_end=True)
    if log.size:
        loudest = max(loudest, float(log.max()))
    return loudest


@dataclass
class LongformResult:
    segments: list[Segment]
    status: DecodeStatus
    windows: int = 0
    voiced_s: float = 0.0
    chunks: list[dict[str, int]] = field(default_factory=list)


class Window(Protocol):
    """One decoded window, as `Transcriber.transcribe_window` returns it (`DecodedWindow`)."""

    @property
    def segments(self) -> list[Segment]: ...
    @property
    def consumed(self) -> int: ...
    @property
    def tokens(self) -> list[int]: ...
    @property
    def reset_prompt(self) -> bool: ...


class WindowDecoder(Protocol):
    """What this module needs of a transcriber (`interviewer.audio.transcriber.Transcriber`)."""

    @property
    def feature_extractor(self) -> Any: ...

    def transcribe_window(self, audio: Float32Array, *, prompt: list[int] | None = None, speaker: str = "",
                          beam_size: int | None = None, features: Any = None) -> Window: ...


def transcribe_streamed(transcriber: WindowDecoder, path: Path | str, *, beam_size: int | None = None,
                        speaker: str = "", progress: Callable[[float], None] | None = None,
                        vault: Any = None) -> LongformResult:
    """The file at `path` transcribed as whole-file transcription with faster-whisper's VAD filter would, in
    memory that does not grow with its length (see the module's docstring)."""
    from faster_whisper.vad import SpeechTimestampsMap

    from interviewer.core.transcript import Segment, Word

    status = DecodeStatus()
    vad = StreamingVad()
    for block in iter_blocks(path, block=BLOCK, vault=vault, status=status):
        vad.feed(block)
        if progress is not None and status.declared_s:  # the first passes: the first 5 %, and a chance to cancel
            progress(min(SCAN_SHARE, SCAN_SHARE * vad.samples / SAMPLE_RATE / status.declared_s))
    total = vad.samples
    chunks = speech_chunks(vad.finish(), total)
    del vad
    result = LongformResult([], status, chunks=chunks)
    if not chunks:
        return result
    ts_map = SpeechTimestampsMap(chunks, SAMPLE_RATE)
    duration = total / SAMPLE_RATE

    def restore(seg: Segment, base: float) -> Segment:
        if seg.words:
            words = []
            for w in seg.words:
                idx = ts_map.get_chunk_index(base + (w.start + w.end) / 2)
                words.append(Word(ts_map.get_original_time(base + w.start, idx),
                                  ts_map.get_original_time(base + w.end, idx), w.word, w.prob))
            return Segment(words[0].start, words[-1].end, seg.text, seg.speaker, tuple(words))
        return Segment(ts_map.get_original_time(base + seg.start), ts_map.get_original_time(base + seg.end,
                                                                                                is_end=True),
                       seg.text, seg.speaker, seg.words)

    mel = PiecewiseMel(transcriber.feature_extractor)
    loudest = loudest_frame(mel, voiced_audio(iter_blocks(path, block=BLOCK, vault=vault), chunks))

    pending: list[Float32Array] = []
    have = 0          # samples in `pending`
    start = 0         # timeline sample of pending[0]: MEL_CONTEXT before `seek`, or 0
    seek = 0          # timeline sample where the next window starts
    tokens: list[int] = []
    full = WINDOW + LOOK_AHEAD

    def decode(final: bool) -> None:
        nonlocal pending, have, start, seek, tokens
        while (start + have - seek >= full + 2 * HALF_FFT) or (final and start + have - seek >= MIN_TAIL):
            buf = np.concatenate(pending)
            at_end = final and start + have - seek < full + 2 * HALF_FFT
            if at_end:
                first, log = mel.frames(buf, start, at_end=True)
                window = buf[seek - start:]
                feats = log[:, seek // HOP - first:]
            else:
                first, log = mel.frames(buf[:seek - start + full + 2 * HALF_FFT], start, at_end=False)
                window = buf[seek - start:seek - start + full]
                feats = log[:, seek // HOP - first:seek // HOP - first + full // HOP + 1]
            dw = transcriber.transcribe_window(window, prompt=tokens[-PROMPT_TOKENS:] or None, speaker=speaker,
                                               beam_size=beam_size, features=floor_and_scale(feats, loudest))
            base = seek / SAMPLE_RATE
            for seg in dw.segments:
                restored = restore(seg, base)
                result.segments.append(restored)
                if progress is not None and duration:
                    progress(min(1.0, SCAN_SHARE + (1 - SCAN_SHARE) * restored.end / duration))
            result.windows += 1
            tokens = [] if dw.reset_prompt else (tokens + dw.tokens)[-PROMPT_TOKENS:]
            seek += max(HOP, dw.consumed)
            keep = max(0, seek - MEL_CONTEXT)
            rest = buf[keep - start:].copy()
            pending, have, start = ([rest], len(rest), keep) if len(rest) else ([], 0, keep)

    for piece in voiced_audio(iter_blocks(path, block=BLOCK, vault=vault), chunks):
        pending.append(piece)
        have += len(piece)
        result.voiced_s += len(piece) / SAMPLE_RATE
        decode(final=False)
    decode(final=True)
    return result
