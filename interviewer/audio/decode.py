"""Decode any audio file PyAV (FFmpeg) can read into 16 kHz mono float32, noticing truncation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt

from interviewer.errors import AudioError
from interviewer.vault import is_sealed

SAMPLE_RATE = 16_000
# A file whose decodable audio is shorter than its header promises by more than this is truncated.
TRUNCATION_TOLERANCE_S = 0.25

Float32Array = npt.NDArray[np.float32]


@dataclass(frozen=True)
class DecodedAudio:
    samples: Float32Array
    sample_rate: int
    declared_s: float | None
    truncated: bool
    problem: str = ""

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.sample_rate


def _open(path: Path, vault: Any = None) -> av.container.InputContainer:
    """`vault`: the data dir's, to read a sealed (encrypted) recording; the plaintext never touches disk."""
    if not path.exists():
        raise AudioError("no such file", path=path)
    if path.is_dir():
        raise AudioError("is a directory, not an audio file", path=path)
    sealed = is_sealed(path)
    if sealed and vault is None:
        raise AudioError("is encrypted: it can be played and transcribed only through its data dir, with the "
                         "passphrase", path=path)
    try:
        container = av.open(vault.reader(path) if sealed else str(path), mode="r")
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError, ZeroDivisionError) as exc:
        raise AudioError(f"not an audio file that can be decoded ({exc})", path=path) from None
    except OSError as exc:
        raise AudioError(f"cannot be read: {exc.strerror or exc}", path=path) from None
    if not container.streams.audio:
        container.close()
        raise AudioError("contains no audio stream", path=path)
    stream = container.streams.audio[0]
    if not stream.rate:
        container.close()
        raise AudioError("not an audio file that can be decoded (no sample rate)", path=path)
    return container


def iter_decode(path: Path | str, *, sample_rate: int = SAMPLE_RATE,
                chunk: int = 4096, vault: Any = None) -> Iterator[Float32Array]:
    """Yield mono float32 blocks at `sample_rate` as the file is decoded (for real-time replay).

    Stops quietly at the first undecodable packet: what was decodable has been yielded.
    """
    path = Path(path)
    container = _open(path, vault)
    try:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        pending: list[Float32Array] = []
        have = 0
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    arr = out.to_ndarray().reshape(-1).astype(np.float32, copy=False)
                    pending.append(arr)
                    have += len(arr)
                    while have >= chunk:
                        buf = np.concatenate(pending)
                        yield buf[:chunk]
                        rest = buf[chunk:]
                        pending, have = ([rest], len(rest)) if len(rest) else ([], 0)
            for out in resampler.resample(None):
                pending.append(out.to_ndarray().reshape(-1).astype(np.float32, copy=False))
        except (av.error.FFmpegError, ValueError):
            pass
        if pending:
            buf = np.concatenate(pending)
            if len(buf):
                yield buf
    finally:
        container.close()


def decode_file(path: Path | str, *, sample_rate: int = SAMPLE_RATE, vault: Any = None) -> DecodedAudio:
    """The whole file as mono float32 at `sample_rate`; a truncated file yields its valid part."""
    path = Path(path)
    container = _open(path, vault)
    declared: float | None = None
    try:
        stream = container.streams.audio[0]
        if stream.duration is not None and stream.time_base is not None:
            declared = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            declared = container.duration / 1_000_000
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        blocks: list[Float32Array] = []
        problem = ""
        try:
            for frame in container.decode(stream):
                blocks.extend(o.to_ndarray().reshape(-1).astype(np.float32, copy=False)
                              for o in resampler.resample(frame))
            blocks.extend(o.to_ndarray().reshape(-1).astype(np.float32, copy=False)
                          for o in resampler.resample(None))
        except (av.error.FFmpegError, ValueError) as exc:
            problem = f"decoding stopped early: {exc}"
    finally:
        container.close()
    samples = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
    if not len(samples) and problem:
        raise AudioError(f"no decodable audio ({problem})", path=path)
    got = len(samples) / sample_rate
    truncated = bool(problem) or (declared is not None and got < declared - TRUNCATION_TOLERANCE_S)
    if truncated and not problem:
        problem = f"the file is cut short: {got:.1f} s of the {declared:.1f} s its header declares"
    return DecodedAudio(samples, sample_rate, declared, truncated, problem)


def wav_shortfall(path: Path | str) -> str:
    """For a RIFF/WAVE file whose data chunk declares more bytes than the file holds (a truncated or header-only
    WAV, which FFmpeg silently measures by its size): what is missing, as a sentence; "" otherwise (other formats
    and unreadable files included: decoding reports those)."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return ""
            size = path.stat().st_size
            rate = align = 0
            while True:
                chunk = f.read(8)
                if len(chunk) < 8:
                    return "its header ends before the audio starts" if not rate else ""
                cid, length = chunk[:4], int.from_bytes(chunk[4:], "little")
                if cid == b"fmt ":
                    fmt = f.read(length)
                    if len(fmt) >= 14:
                        rate = int.from_bytes(fmt[4:8], "little")
                        align = int.from_bytes(fmt[12:14], "little")
                    f.seek(length % 2, 1)
                    continue
                if cid == b"data":
                    if length in (0, 0xFFFFFFFF):  # no size given (a stream): nothing to compare
                        return ""
                    have = size - f.tell()
                    if have >= length:
                        return ""
                    if rate and align:
                        return (f"{have / (rate * align):.1f} s of the {length / (rate * align):.1f} s its header "
                                "declares are in the file")
                    return f"{have} of the {length} bytes of audio its header declares are in the file"
                f.seek(length + length % 2, 1)
    except OSError:
        return ""
