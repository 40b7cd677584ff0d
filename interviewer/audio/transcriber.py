"""Whisper transcription through faster-whisper (CTranslate2), int8 on the CPU."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from interviewer.audio.decode import SAMPLE_RATE, Float32Array, decode_file
from interviewer.audio.models import ResolvedModel, cpu_threads, resolve_model
from interviewer.errors import ModelError
from interviewer.transcript import Segment, Word


@dataclass(frozen=True)
class FileTranscript:
    segments: list[Segment]
    duration_s: float
    truncated: bool
    problem: str
    model: str
    beam: int


@dataclass
class TranscriberOptions:
    beam_size: int = 5
    compute_type: str = "int8"
    threads: int = field(default_factory=cpu_threads)
    language: str | None = None


class Transcriber:
    """One loaded model. Thread-safe: calls are serialised (CTranslate2 models are not reentrant here)."""

    def __init__(self, model: ResolvedModel | None = None, options: TranscriberOptions | None = None) -> None:
        self.model_info = model or resolve_model(None)
        self.options = options or TranscriberOptions()
        from faster_whisper import WhisperModel

        try:
            self._model = WhisperModel(str(self.model_info.path), device="cpu",
                                       compute_type=self.options.compute_type,
                                       cpu_threads=self.options.threads, local_files_only=True)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"cannot load the model: {exc}", path=self.model_info.path) from None
        self._lock = threading.Lock()
        self.multilingual = bool(self._model.model.is_multilingual)

    @property
    def label(self) -> str:
        return self.model_info.label

    def transcribe_array(self, audio: Float32Array, *, offset: float = 0.0, prompt: str | None = None,
                         speaker: str = "", beam_size: int | None = None, vad: bool = True,
                         word_timestamps: bool = True) -> list[Segment]:
        """Transcribe 16 kHz mono float32 audio; times are shifted by `offset` seconds."""
        if len(audio) < SAMPLE_RATE // 10:
            return []
        kwargs: dict[str, Any] = {
            "beam_size": beam_size or self.options.beam_size,
            "word_timestamps": word_timestamps,
            "vad_filter": vad,
            "initial_prompt": prompt or None,
            "condition_on_previous_text": False,
            "language": self.options.language or (None if self.multilingual else "en"),
        }
        with self._lock:
            raw, _info = self._model.transcribe(np.ascontiguousarray(audio, dtype=np.float32), **kwargs)
            return [s for s in (_segment(r, offset, speaker) for r in raw) if s is not None]

    def transcribe_file(self, path: Path | str, *, beam_size: int | None = None, speaker: str = "",
                        progress: Callable[[float], None] | None = None, vault: Any = None) -> FileTranscript:
        """`vault`: the data dir's, for a sealed (encrypted) recording."""
        audio = decode_file(path, vault=vault)
        segments: list[Segment] = []
        beam = beam_size or self.options.beam_size
        with self._lock:
            raw, info = self._model.transcribe(
                audio.samples, beam_size=beam, word_timestamps=True, vad_filter=True,
                language=self.options.language or (None if self.multilingual else "en"))
            for r in raw:
                seg = _segment(r, 0.0, speaker)
                if seg is not None:
                    segments.append(seg)
                if progress and info.duration:
                    progress(min(1.0, r.end / info.duration))
        return FileTranscript(segments, audio.duration_s, audio.truncated, audio.problem, self.label, beam)


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
