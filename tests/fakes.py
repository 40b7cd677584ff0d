"""Hardware stand-ins for unit tests: an audio source the test pushes blocks through, a slow transcriber."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

from interviewer.audio.decode import SAMPLE_RATE, decode_file


class PushSource:
    """An AudioSource whose blocks the test delivers by hand, on the test's thread."""

    def __init__(self, name: str = "fake") -> None:
        self.name = name
        self.on_audio: Any = None
        self.on_end: Any = None
        self.stopped = threading.Event()

    def start(self, on_audio, on_end) -> None:
        self.on_audio, self.on_end = on_audio, on_end

    def push(self, samples: np.ndarray, block: int = 800) -> None:
        for i in range(0, len(samples), block):
            self.on_audio(samples[i:i + block].astype(np.float32))

    def end(self) -> None:
        self.on_end(None)

    def stop(self) -> None:
        self.stopped.set()


class SlowTranscriber:
    """Wraps a real transcriber and makes every call take at least `delay` seconds (slower than real time)."""

    def __init__(self, inner: Any, delay: float) -> None:
        self.inner = inner
        self.delay = delay
        self.label = "slow " + inner.label
        self.calls = 0

    def transcribe_array(self, audio, **kwargs):
        self.calls += 1
        time.sleep(self.delay)
        return self.inner.transcribe_array(audio, **kwargs)


def load(path) -> np.ndarray:
    return decode_file(path).samples


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)
