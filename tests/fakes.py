"""Hardware stand-ins for unit tests: an audio source the test pushes blocks through, a slow transcriber, a live
session scripted line by line."""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

from interviewer.audio.decode import SAMPLE_RATE, decode_file
from interviewer.core.transcript import Segment


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


def mark_words(segments, mark: str = "zebra"):
    """Each word of each segment with `-mark` appended and scored unsure (probability 0.01: the live second
    pass takes every plausible revision, however sure the first pass was), the text rebuilt."""
    from dataclasses import replace

    from interviewer.core.transcript import Word

    out = []
    for s in segments:
        words = tuple(Word(w.start, w.end, f"{w.word}-{mark}", 0.01) for w in s.words)
        out.append(replace(s, text="".join(w.word for w in words).strip(), words=words))
    return out


class MarkedSecondPass:
    """Wraps a real transcriber; decodes with a beam of at least `beam` (the live second pass) come back with
    every word marked (`mark_words`), so every revision is recognisable. Each call's beam and
    prompt are kept; `delay` slows the second pass down."""

    def __init__(self, inner: Any, *, beam: int = 5, mark: str = "zebra", delay: float = 0.0) -> None:
        self.inner = inner
        self.beam = beam
        self.mark = mark
        self.delay = delay
        self.label = inner.label
        self.calls: list[tuple[int | None, str | None]] = []

    def transcribe_array(self, audio, **kwargs):
        beam = kwargs.get("beam_size")
        self.calls.append((beam, kwargs.get("prompt")))
        segs = self.inner.transcribe_array(audio, **kwargs)
        if beam is None or beam < self.beam:
            return segs
        time.sleep(self.delay)
        return mark_words(segs, self.mark)


class FakeSoundDevice:
    """A stand-in for the `sounddevice` module, answering as PortAudio does: with no devices, asking for the
    default input raises PortAudioError("Error querying device -1") (which is not an OSError). With devices, a
    stream opens and delivers nothing."""

    class PortAudioError(Exception):
        pass

    def __init__(self, names: tuple[str, ...] = ()) -> None:
        self.devices = [{"name": n, "max_input_channels": 2, "default_samplerate": 48000.0} for n in names]
        self.opened: list[Any] = []

    def query_devices(self, device: Any = None, kind: str | None = None) -> Any:
        if device is None and kind is None:
            return list(self.devices)
        index = 0 if device is None else int(device)
        if not self.devices or index >= len(self.devices):
            raise self.PortAudioError(f"Error querying device {-1 if device is None else device}")
        return self.devices[index]

    def check_input_settings(self, **kw: Any) -> None:
        return None

    def InputStream(self, **kw: Any) -> Any:
        fake = self

        class Stream:
            def start(self) -> None:
                fake.opened.append(kw.get("device"))

            def stop(self) -> None:
                pass

            def close(self) -> None:
                pass

        return Stream()


class ScriptedSession:
    """A stand-in for `LiveSession` that a test scripts line by line: it stores each line in a real store and tells
    its listener, from a worker thread, in the order a LiveSession does (a committed line, a voice label as a
    revision of the same id, a microphone line dropped as the call's echo: deleted, then `removed`)."""

    def __init__(self, store: Any, candidate_id: str, listener: Any, evaluator: str = "Ada") -> None:
        self.store, self.candidate_id, self.listener, self.evaluator = store, candidate_id, listener, evaluator
        self.session_id: str | None = None
        self.elapsed_s = 0.0
        self.needs_catch_up = False

    def _on_worker(self, fn: Any) -> None:
        t = threading.Thread(target=fn, name="scripted session")
        t.start()
        t.join()

    def start(self) -> str:
        self.session_id = self.store.create_session(candidate_id=self.candidate_id, role_id=None, kit_id=None,
                                                    evaluator=self.evaluator, status="recording", origin="live")
        self.listener.started(self.session_id)
        return self.session_id

    def commit(self, seg: Segment) -> str:
        assert self.session_id is not None
        seg_id = self.store.add_segment(self.session_id, seg)
        self.elapsed_s = max(self.elapsed_s, seg.end)
        self._on_worker(lambda: self.listener.segment(seg_id, seg))
        return seg_id

    def drop_echo(self, seg_id: str) -> None:
        """The call's copy of this microphone line committed: the session removes the microphone's."""
        assert self.store.delete_segment(seg_id, actor="echo removal", reason="the microphone's copy of the call")
        self._on_worker(lambda: self.listener.removed(seg_id))

    def pause(self) -> None:
        pass

    def resume(self) -> None:
        pass

    def stop(self, reason: str = "stopped") -> None:
        if self.session_id is not None:
            self.store.update_session(self.session_id, status="complete", duration_s=self.elapsed_s)
        self.listener.stopped(reason)
