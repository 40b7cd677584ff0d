"""Whisper transcription through faster-whisper (CTranslate2), int8 on the CPU."""

from __future__ import annotations

import hashlib
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from interviewer.audio.decode import SAMPLE_RATE, Float32Array
from interviewer.audio.longform import transcribe_streamed
from interviewer.audio.models import ResolvedModel, cpu_threads, resolve_model
from interviewer.audio.priority import build_low_priority
from interviewer.core.errors import ModelError
from interviewer.core.transcript import Segment, Word


@dataclass(frozen=True)
class FileTranscript:
    segments: list[Segment]
    duration_s: float
    truncated: bool
    problem: str
    model: str
    beam: int


@dataclass(frozen=True)
class DecodedWindow:
    """One window decoded by `Transcriber.transcribe_window`."""

    segments: list[Segment]
    consumed: int         # samples of the audio given whose words are in `segments`: the next window starts there
    tokens: list[int]     # the window's tokens, timestamps and all: the prompt for the next window
    reset_prompt: bool    # decoded at a high temperature: like whole-file transcription, do not prompt with it


PROMPT_RESET_TEMPERATURE = 0.5  # faster-whisper's default prompt_reset_on_temperature


@dataclass
class TranscriberOptions:
    beam_size: int = 5
    compute_type: str = "int8"
    threads: int = field(default_factory=cpu_threads)  # the encoder's
    # The decoder's: one. Measured with tiny.en on 2 cores, a second thread made each decoded token twice as
    # slow (7.9 ms, not 3.7 ms; beam 5 four times as slow): its matrices are too small to share out.
    decoder_threads: int = 1
    language: str | None = None
    # Siblings (previews, second pass, consolidation: work that can wait) load their decoders and one
    # encoder of their own at low OS priority (see interviewer.audio.priority), so the first pass's
    # decodes take the cores first. False: they share this transcriber's encoder at normal priority.
    optional_low_priority: bool = True


HOP = 160  # samples per log-mel frame: Whisper's seek counts these
ENCODER_CACHE = 4  # encoder outputs kept (tiny.en: 2.3 MB each): a re-decode of the same audio skips the encoder


class Encoder:
    """Whisper's encoder on its own CTranslate2 instance with all the threads (it is one big batch of
    matrix products, which threads do speed up), shared by the decoders of a transcriber and its
    siblings; calls are serialised. The output for the last few distinct 30 s windows is kept: the
    encoder is most of the cost of decoding a short utterance, and the live path decodes some audio twice
    (a speculative decode and the commit, or a first pass and its revision)."""

    def __init__(self, model: ResolvedModel, options: TranscriberOptions) -> None:
        import ctranslate2

        self._model = ctranslate2.models.Whisper(str(model.path), device="cpu", compute_type=options.compute_type,
                                                 intra_threads=options.threads)
        self._lock = threading.Lock()
        self._cache: OrderedDict[bytes, Any] = OrderedDict()

    def __call__(self, features: Any) -> Any:
        from faster_whisper.transcribe import get_ctranslate2_storage

        arr = np.ascontiguousarray(features if features.ndim == 3 else np.expand_dims(features, 0))
        key = hashlib.blake2b(arr.tobytes(), digest_size=16, person=str(arr.shape).encode()[:16]).digest()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
            out = self._model.encode(get_ctranslate2_storage(arr), to_cpu=False)
            self._cache[key] = out
            while len(self._cache) > ENCODER_CACHE:
                self._cache.popitem(last=False)
            return out


class Transcriber:
    """One loaded model. Thread-safe: calls are serialised (CTranslate2 models are not reentrant here).

    The encoder runs on all the cores and the decoder on `decoder_threads` (see `TranscriberOptions`): two
    CTranslate2 instances of the model, the first used only to encode (see `Encoder`)."""

    measures_speed = True  # a live session times a decode of it at start (interviewer.audio.pace.probe_speed)

    def __init__(self, model: ResolvedModel | None = None, options: TranscriberOptions | None = None,
                 encoder: Encoder | None = None) -> None:
        self.model_info = model or resolve_model(None)
        self.options = options or TranscriberOptions()
        from faster_whisper import WhisperModel

        try:
            self._model = WhisperModel(str(self.model_info.path), device="cpu",
                                       compute_type=self.options.compute_type,
                                       cpu_threads=self.options.decoder_threads, local_files_only=True)
            self.encoder = encoder or Encoder(self.model_info, self.options)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"cannot load the model: {exc}", path=self.model_info.path) from None
        self._lock = threading.Lock()
        self._siblings: dict[str, Transcriber] = {}  # see sibling()
        self._optional_encoder: Encoder | None = None  # the siblings' own, at low priority
        self.multilingual = bool(self._model.model.is_multilingual)
        self._model.encode = self.encoder  # faster-whisper calls it under our lock, with the mel input

    @property
    def label(self) -> str:
        return self.model_info.label

    @property
    def feature_extractor(self) -> Any:
        """faster-whisper's log-mel feature extractor for this model."""
        return self._model.feature_extractor

    @property
    def language(self) -> str | None:
        """The language to decode: the configured one, English for an English-only model, else detected."""
        return self.options.language or (None if self.multilingual else "en")

    def sibling(self, role: str) -> Transcriber:
        """Another decoder of the same model for `role`, loaded once: the live path decodes previews and
        second passes on their own, beside the commits, so none holds up another. Siblings do work that can
        wait: with `optional_low_priority` they are loaded at low OS priority and share one encoder of their
        own (also low priority), so neither their decoding nor their encoding holds up the first pass."""
        with self._lock:
            if role not in self._siblings:
                if self.options.optional_low_priority:
                    if self._optional_encoder is None:
                        self._optional_encoder = build_low_priority(lambda: Encoder(self.model_info, self.options))
                    encoder = self._optional_encoder
                    self._siblings[role] = build_low_priority(
                        lambda: Transcriber(self.model_info, self.options, encoder=encoder))
                else:
                    self._siblings[role] = Transcriber(self.model_info, self.options, encoder=self.encoder)
            return self._siblings[role]

    def second_pass(self) -> Transcriber:
        return self.sibling("second pass")

    def transcribe_array(self, audio: Float32Array, *, offset: float = 0.0, prompt: str | None = None,
                         speaker: str = "", beam_size: int | None = None, vad: bool = True,
                         word_timestamps: bool = True, fallback: bool = True,
                         max_new_tokens: int | None = None) -> list[Segment]:
        """Transcribe 16 kHz mono float32 audio; times are shifted by `offset` seconds.

        `fallback=False` decodes once at temperature 0 (no retries at higher temperatures when the text
        looks repetitive) and `max_new_tokens` caps the text: together they bound the cost of a decode."""
        if len(audio) < SAMPLE_RATE // 10:
            return []
        kwargs: dict[str, Any] = {} if fallback else {"temperature": 0.0}
        kwargs |= {
            "beam_size": beam_size or self.options.beam_size,
            "word_timestamps": word_timestamps,
            "vad_filter": vad,
            "initial_prompt": prompt or None,
            "condition_on_previous_text": False,
            "max_new_tokens": max_new_tokens,
            "language": self.language,
        }
        with self._lock:
            raw, _info = self._model.transcribe(np.ascontiguousarray(audio, dtype=np.float32), **kwargs)
            return [s for s in (_segment(r, offset, speaker) for r in raw) if s is not None]

    def transcribe_window(self, audio: Float32Array, *, prompt: list[int] | None = None, speaker: str = "",
                          beam_size: int | None = None, features: Any = None) -> DecodedWindow:
        """Decode the first 30 s window of `audio` exactly as whole-file transcription decodes each of its
        windows (beam, retries at higher temperatures, word timestamps), `prompt` being the tokens of the
        windows before (`DecodedWindow.tokens`: with their timestamps, as whole-file transcription
        conditions on them - a text prompt without timestamps makes Whisper decode a window as one long
        segment, and far worse), and say where whole-file transcription's next window would start. Nothing
        past the first window is decoded, so a caller can go on from there when more audio has come (see
        `Consolidation` in interviewer.audio.consolidate). `features`: the log-mel of `audio` as whole-file
        transcription computes it for the whole file (see interviewer.audio.longform), used instead of the
        window's own."""
        if len(audio) < SAMPLE_RATE // 10:
            return DecodedWindow([], len(audio), [], reset_prompt=False)
        encoder = self.encoder
        windows, next_seek, stopped = 0, None, False

        def encode_first_window_only(features: Any) -> Any:
            nonlocal windows, next_seek, stopped
            caller = sys._getframe(1)  # faster-whisper's window loop: it knows where the next window starts
            if caller.f_code.co_name == "generate_segments":
                windows += 1
                seek = caller.f_locals.get("seek")
                # The next window is one past seek 0 (or, if the loop no longer says, the second encoded).
                if (seek > 0) if isinstance(seek, int) else windows > 1:
                    next_seek, stopped = seek, True
                    raise _NextWindow
            return encoder(features)

        segments: list[Segment] = []
        tokens: list[int] = []
        reset = False
        with self._lock:
            self._model.encode = encode_first_window_only
            extractor = self._model.feature_extractor
            if features is not None:
                self._model.feature_extractor = _GivenFeatures(extractor, features)
            try:
                raw, _info = self._model.transcribe(
                    np.ascontiguousarray(audio, dtype=np.float32), beam_size=beam_size or self.options.beam_size,
                    word_timestamps=True, vad_filter=False, initial_prompt=prompt or None,
                    language=self.language)
                for r in raw:
                    tokens.extend(r.tokens)
                    reset = reset or r.temperature > PROMPT_RESET_TEMPERATURE
                    seg = _segment(r, 0.0, speaker)
                    if seg is not None:
                        segments.append(seg)
            except _NextWindow:
                pass
            finally:
                self._model.encode = encoder
                self._model.feature_extractor = extractor
        if not stopped:
            consumed = len(audio)  # the window took in all there was
        elif isinstance(next_seek, int):
            consumed = min(len(audio), next_seek * HOP)
        else:  # a faster-whisper whose loop no longer says: where its last word ended, as its loop does
            ends = [w.end for s in segments for w in s.words]
            consumed = min(len(audio), int(max(ends) * SAMPLE_RATE) if ends else 30 * SAMPLE_RATE)
        return DecodedWindow(segments, consumed, tokens, reset_prompt=reset)

    def transcribe_file(self, path: Path | str, *, beam_size: int | None = None, speaker: str = "",
                        progress: Callable[[float], None] | None = None, vault: Any = None) -> FileTranscript:
        """The whole file, as faster-whisper transcribes a file with its VAD filter on, streamed: memory does
        not grow with the file's length (see interviewer.audio.longform). `vault`: the data dir's, for a sealed
        (encrypted) recording."""
        beam = beam_size or self.options.beam_size
        result = transcribe_streamed(self, path, beam_size=beam, speaker=speaker, progress=progress, vault=vault)
        status = result.status
        return FileTranscript(result.segments, status.duration_s, status.truncated, status.problem, self.label,
                              beam)


class _GivenFeatures:
    """faster-whisper's feature extractor, returning log-mel features computed beforehand."""

    def __init__(self, inner: Any, features: Any) -> None:
        self._inner = inner
        self._features = features

    def __call__(self, waveform: Any, padding: int = 160, chunk_length: int | None = None) -> Any:
        return self._features

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _NextWindow(Exception):  # noqa: N818 - a signal, not an error
    """Raised into faster-whisper's window loop to stop it before it decodes a second window."""


def _segment(raw: Any, offset: float, speaker: str) -> Segment | None:
    text = str(raw.text).strip()
    if not text:
        return None
    words: Iterable[Any] = raw.words or []
    return Segment(
        start=float(raw.start) + offset,
        end=float(raw.end) + offset,
        text=text,
        speaker=speaker,
        words=tuple(Word(float(w.start) + offset, float(w.end) + offset, str(w.word), float(w.probability))
                    for w in words),
    )
