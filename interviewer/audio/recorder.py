"""The crash-safe recording: 16-bit PCM WAV written as it is captured.

* The RIFF and data sizes are patched after every block, so the header on disk always describes what
  has been written: after `kill -9` the file is a valid WAV that soundfile and PyAV read, at most one
  block short.
* A flusher thread calls fsync every second (outside the write lock), so a power cut loses at most about
  a second.
* `repair_wav` makes the header cover every whole frame actually on disk (used by recovery).
* A full disk (ENOSPC, or EFBIG under a file-size limit) raises `DiskFullError`; what was written stays.
"""

from __future__ import annotations

import errno
import os
import struct
import threading
import wave
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

import numpy as np

from interviewer.audio.decode import SAMPLE_RATE, Float32Array
from interviewer.core.errors import AudioError
from interviewer.core.files import private_dir, private_open

HEADROOM_S = 30 * 60  # refuse to start with less free disk than 30 minutes of audio per track
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


class DiskFullError(AudioError):
    """The disk filled up while recording; everything written before is kept."""


def bytes_per_second(sample_rate: int = SAMPLE_RATE) -> int:
    return sample_rate * 2


def check_headroom(directory: Path, free_bytes: int, *, tracks: int = 1, sample_rate: int = SAMPLE_RATE) -> None:
    need = HEADROOM_S * bytes_per_second(sample_rate) * tracks
    if free_bytes < need:
        raise AudioError(
            f"only {free_bytes / 1e6:.0f} MB free; recording needs at least {need / 1e6:.0f} MB "
            f"(30 minutes of audio) before it starts. Free some space or choose another data directory",
            path=directory)


def to_pcm16(block: Float32Array) -> bytes:
    clipped = np.clip(block, -1.0, 1.0)
    return (clipped * 32767.0).astype("<i2").tobytes()


def _samples(raw: bytes) -> Float32Array:
    """16-bit little-endian PCM bytes (a trailing odd byte ignored) as float32."""
    return np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0


def _no_space() -> None:
    raise OSError(errno.ENOSPC, "no space left on device")


def wav_header(data_bytes: int, sample_rate: int = SAMPLE_RATE) -> bytes:
    """A canonical 44-byte header for 16-bit mono PCM."""
    return struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + data_bytes, b"WAVE", b"fmt ", 16, 1, 1, sample_rate,
                       sample_rate * 2, 2, 16, b"data", data_bytes)


Opener = Callable[[Path, str], Any]  # a binary file: plain, or a vault's SealedFile


def plain_open(path: Path, mode: str) -> Any:
    if mode in ("xb", "wb"):  # a new recording: owner-only from the moment it exists
        return private_open(path, mode)
    return path.open(mode, buffering=0)


class Recorder:
    """One mono track. `write` is called from the capture callback; it never waits on anything slow.

    Each block goes straight to the kernel (unbuffered), then the header is patched to cover it, so the
    header on disk never claims more than the data on disk. `opener` opens the file: plain, or sealed by
    the data dir's vault (`Vault.open`), which writes through the same way.
    """

    def __init__(self, path: Path, *, sample_rate: int = SAMPLE_RATE, fsync_interval: float = 1.0,
                 opener: Opener | None = None) -> None:
        self.path = Path(path)
        self._opener = opener
        self.sample_rate = sample_rate
        self.frames = 0
        self.error: Exception | None = None
        self._lock = threading.Lock()
        self._closed = False
        private_dir(self.path.parent)
        try:
            self._file: Any = (opener or plain_open)(self.path, "xb")
        except FileExistsError:
            raise AudioError("already exists; refusing to overwrite a recording", path=self.path) from None
        if os.name == "posix":
            self.path.chmod(0o600)
        self._file.write(wav_header(0, sample_rate))
        self._stop = threading.Event()
        self._fsync_interval = fsync_interval
        self._flusher = threading.Thread(target=self._flush_loop, name=f"fsync {self.path.name}", daemon=True)
        self._flusher.start()

    def write(self, block: Float32Array) -> None:
        data = to_pcm16(block)
        with self._lock:
            if self._closed:
                return
            offset = 44 + 2 * self.frames
            written = 0
            try:
                self._file.seek(offset)
                while written < len(data):
                    n = self._file.write(data[written:])
                    if not n:
                        _no_space()
                    written += n
            except OSError as exc:
                self.error = exc
                self.frames += written // 2
                with suppress(OSError):
                    self._patch_header()
                if exc.errno in DISK_FULL_ERRNOS:
                    raise DiskFullError(
                        f"the disk is full; recording stopped at {self.seconds:.1f} s and everything up to "
                        "then is saved", path=self.path) from None
                raise AudioError(f"cannot write the recording: {exc.strerror}", path=self.path) from None
            self.frames += len(data) // 2
            self._patch_header()

    def _patch_header(self) -> None:
        self._file.seek(0)
        self._file.write(wav_header(2 * self.frames, self.sample_rate))

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate

    def read(self, start: int, count: int) -> Float32Array:
        """Samples [start, start + count) as float32, read back from disk (for a transcriber catching up)."""
        with self._lock:
            if self._opener is not None and not self._closed:
                # a sealed file is read through the writer's own handle: no half-written chunk is seen
                self._file.seek(44 + 2 * start)
                return _samples(self._file.read(2 * count))
        with (self._opener or plain_open)(self.path, "rb") as f:
            f.seek(44 + 2 * start)
            return _samples(f.read(2 * count))

    def _flush_loop(self) -> None:
        while not self._stop.wait(self._fsync_interval):
            self.sync()

    def sync(self) -> None:
        with self._lock:
            if self._closed:
                return
            fd = self._file.fileno()
        with suppress(OSError):
            os.fsync(fd)

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            if self._closed:
                return
            self._closed = True
            with suppress(OSError, ValueError):
                os.fsync(self._file.fileno())
            with suppress(OSError):
                self._file.close()
        if self._flusher is not threading.current_thread():
            self._flusher.join(timeout=2)


def repair_wav(path: Path, *, vault: Any = None) -> int:
    """Make a WAV's header cover every whole frame on disk; return the number of frames.

    A file cut anywhere (even inside its header) becomes a valid, possibly empty, 16 kHz mono WAV. A sealed
    recording (`vault` given) first loses a chunk torn by a power cut, then gets the same treatment.
    """
    path = Path(path)
    if vault is not None:
        return _repair_sealed(path, vault)
    size = path.stat().st_size
    if size < 44:
        with path.open("r+b") as f, wave.open(f, "wb") as w:
            f.truncate(0)
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SAMPLE_RATE)
            w.writeframes(b"")
        return 0
    with path.open("r+b") as f:
        head = f.read(44)
        if head[:4] != b"RIFF" or head[8:16] != b"WAVEfmt " or head[36:40] != b"data":
            raise AudioError("is not a recording this app wrote (unexpected WAV header)", path=path)
        (align,) = struct.unpack("<H", head[32:34])
        align = max(1, align)
        data = (size - 44) // align * align
        f.seek(4)
        f.write(struct.pack("<I", 36 + data))
        f.seek(40)
        f.write(struct.pack("<I", data))
        f.truncate(44 + data)
        f.flush()
        os.fsync(f.fileno())
    return int(data // align)



def _repair_sealed(path: Path, vault: Any) -> int:
    with vault.open(path, "r+b", repair=True) as f:
        size = f.size
        if size < 44:
            f.seek(0)
            f.write(wav_header(0))
            data = 0
        else:
            f.seek(0)
            head = f.read(44)
            if head[:4] != b"RIFF" or head[8:16] != b"WAVEfmt " or head[36:40] != b"data":
                raise AudioError("is not a recording this app wrote (unexpected WAV header)", path=path)
            (rate,) = struct.unpack("<I", head[24:28])
            data = (size - 44) // 2 * 2
            f.seek(0)
            f.write(wav_header(data, rate))
        f.flush()
        os.fsync(f.fileno())
    return int(data // 2)
