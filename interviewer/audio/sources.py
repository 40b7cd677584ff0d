"""Audio sources behind one interface: a PortAudio input device, or a file replayed in real time.

Both deliver mono float32 blocks at 16 kHz to the same callback, so the demo, the tests and the
benchmarks go through the very path a microphone does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from interviewer.audio.decode import SAMPLE_RATE, Float32Array, iter_decode
from interviewer.core.errors import AudioError

OnAudio = Callable[[Float32Array], None]
OnEnd = Callable[[Exception | None], None]
BLOCK_S = 0.05


class AudioSource(Protocol):
    name: str

    def start(self, on_audio: OnAudio, on_end: OnEnd) -> None:
        """Begin delivering blocks; `on_end` is called once when the source ends or fails."""

    def stop(self) -> None:
        """Stop delivering blocks; returns once no more callbacks will come."""


class StreamResampler:
    """Stateful resampling of a block stream to 16 kHz mono (FFmpeg's resampler through PyAV)."""

    def __init__(self, in_rate: int, out_rate: int = SAMPLE_RATE) -> None:
        import av

        self.in_rate = in_rate
        self._av = av
        self._resampler = av.AudioResampler(format="flt", layout="mono", rate=out_rate)
        self._pts = 0

    def __call__(self, block: Float32Array) -> Float32Array:
        frame = self._av.AudioFrame.from_ndarray(np.ascontiguousarray(block.reshape(1, -1), dtype=np.float32),
                                                 format="flt", layout="mono")
        frame.sample_rate = self.in_rate
        frame.pts = self._pts
        self._pts += len(block)
        out = [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        return np.concatenate(out).astype(np.float32) if out else np.zeros(0, dtype=np.float32)


class FileSource:
    """Replays any audio file at real-time pace (speed 1.0) or faster; `speed=0` means as fast as possible."""

    def __init__(self, path: Path | str, *, name: str = "", speed: float = 1.0, block_s: float = BLOCK_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.path = Path(path)
        self.name = name or self.path.stem
        self.speed = speed
        self.block = int(SAMPLE_RATE * block_s)
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Fail now on a missing or undecodable file, before anything starts.
        next(iter(iter_decode(self.path, chunk=self.block)), None)

    def start(self, on_audio: OnAudio, on_end: OnEnd) -> None:
        self._thread = threading.Thread(target=self._run, args=(on_audio, on_end), name=f"replay {self.name}",
                                        daemon=True)
        self._thread.start()

    def _run(self, on_audio: OnAudio, on_end: OnEnd) -> None:
        error: Exception | None = None
        try:
            t0 = self._clock()
            sent = 0
            for block in iter_decode(self.path, chunk=self.block):
                if self.speed > 0:
                    # A block is delivered when its last sample would have been spoken, as a device would.
                    due = t0 + (sent + len(block)) / SAMPLE_RATE / self.speed
                    delay = due - self._clock()
                    if delay > 0 and self._stop.wait(delay):
                        break
                if self._stop.is_set():
                    break
                on_audio(block)
                sent += len(block)
        except Exception as exc:  # noqa: BLE001 - reported to the owner through on_end
            error = exc
        on_end(error)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)


@dataclass(frozen=True)
class InputDevice:
    index: int
    name: str
    channels: int
    default_rate: int


def _sounddevice(sd: Any = None) -> Any:
    """The sounddevice module (or a stand-in from a test); PortAudio missing is an AudioError."""
    if sd is not None:
        return sd
    try:
        import sounddevice
    except OSError as exc:  # the PortAudio library itself is missing
        raise AudioError(f"audio input is unavailable (PortAudio: {exc})") from None
    return sounddevice


def input_devices(sd: Any = None) -> list[InputDevice]:
    sd = _sounddevice(sd)
    try:
        devices = sd.query_devices()
    except Exception as exc:  # noqa: BLE001 - PortAudioError is not an OSError
        raise AudioError(f"audio input is unavailable (PortAudio: {exc})") from None
    return [InputDevice(i, str(d["name"]), int(d["max_input_channels"]), int(d["default_samplerate"]))
            for i, d in enumerate(devices) if int(d["max_input_channels"]) > 0]


def find_device(spec: str | int | None, sd: Any = None) -> InputDevice | None:
    """`None`/"default": the system default input. An index, or a (case-insensitive) part of a name."""
    if spec is None or spec == "default":
        return None
    devices = input_devices(sd)
    names = "; ".join(f"[{d.index}] {d.name}" for d in devices) or "none"
    if isinstance(spec, int) or str(spec).isdigit():
        idx = int(spec)
        for d in devices:
            if d.index == idx:
                return d
        raise AudioError(f"no input device with index {idx}; input devices: {names}")
    exact = [d for d in devices if d.name.lower() == str(spec).lower()]
    matches = exact or [d for d in devices if str(spec).lower() in d.name.lower()]
    if not matches:
        raise AudioError(f"no input device matches {spec!r}; input devices: {names}")
    return matches[0]


class DeviceSource:
    """A PortAudio input device through sounddevice, converted to 16 kHz mono in the callback."""

    def __init__(self, device: str | int | None = None, *, name: str = "", block_s: float = BLOCK_S,
                 sd: Any = None) -> None:
        sd = _sounddevice(sd)
        self._sd = sd
        self.device = find_device(device, sd)
        index = self.device.index if self.device else None
        try:
            info = sd.query_devices(index, "input")
        except Exception as exc:  # noqa: BLE001 - PortAudioError ("Error querying device -1") is not an OSError
            what = f"input device {self.device.name!r}" if self.device else "the system default input"
            raise AudioError(f"no microphone found: {what} cannot be opened (PortAudio: {exc})") from None
        self.name = name or str(info["name"])
        self.channels = max(1, min(2, int(info["max_input_channels"])))
        try:
            sd.check_input_settings(device=index, channels=self.channels, samplerate=SAMPLE_RATE,
                                    dtype="float32")
            self.rate = SAMPLE_RATE
        except Exception:  # noqa: BLE001 - PortAudio reports unsupported rates in several ways
            self.rate = int(info["default_samplerate"])
        self._resample = StreamResampler(self.rate) if self.rate != SAMPLE_RATE else None
        self._index = index
        self._block = int(self.rate * block_s)
        self._stream: Any = None
        self.overflows = 0
        self._on_end: OnEnd | None = None

    def start(self, on_audio: OnAudio, on_end: OnEnd) -> None:
        self._on_end = on_end

        def callback(indata: Any, frames: int, time_info: Any, status: Any) -> None:
            if status.input_overflow:
                self.overflows += 1
            mono = indata.mean(axis=1) if indata.shape[1] > 1 else indata[:, 0]
            block = np.array(mono, dtype=np.float32)
            if self._resample is not None:
                block = self._resample(block)
            if len(block):
                on_audio(block)

        try:
            self._stream = self._sd.InputStream(device=self._index, channels=self.channels, samplerate=self.rate,
                                                dtype="float32", blocksize=self._block, callback=callback,
                                                finished_callback=self._finished)
            self._stream.start()
        except Exception as exc:  # noqa: BLE001 - PortAudio raises PortAudioError and others
            raise AudioError(f"cannot open input device {self.name!r}: {exc}") from None

    def _finished(self) -> None:
        if self._on_end is not None:
            cb, self._on_end = self._on_end, None
            cb(None)

    def stop(self) -> None:
        if self._stream is not None:
            self._stream.stop()
            self._stream.close()
            self._stream = None
