"""Decode any audio file PyAV (FFmpeg) can read into 16 kHz mono float32, noticing truncation."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt

from interviewer.core.errors import AudioError
from interviewer.core.vault import is_sealed

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


@dataclass
class DecodeStatus:
    """What `iter_blocks` found out about a file as it went: filled in while its blocks are read."""

    declared_s: float | None = None
    samples: int = 0
    problem: str = ""
    sample_rate: int = SAMPLE_RATE

    @property
    def duration_s(self) -> float:
        return self.samples / self.sample_rate

    @property
    def truncated(self) -> bool:
        return bool(self.problem)


def _declared(container: av.container.InputContainer) -> float | None:
    stream = container.streams.audio[0]
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return float(container.duration / 1_000_000)
    return None


def _finite(arr: Float32Array) -> Float32Array:
    """A float file can hold NaN or infinity: silence instead, so no later stage sees them."""
    return arr if np.isfinite(arr).all() else np.nan_to_num(arr, nan=0.0, posinf=0.0, neginf=0.0)


def iter_blocks(path: Path | str, *, sample_rate: int = SAMPLE_RATE, block: int = SAMPLE_RATE * 10,
                vault: Any = None, status: DecodeStatus | None = None) -> Generator[Float32Array, None, None]:
    """The file as mono float32 blocks of `block` samples (the last shorter), decoded as they are asked for:
    memory does not grow with the file's length. `status` gets the declared length and, once the blocks are
    used up, the samples decoded and the problem if the file was cut short or damaged (its valid part has been
    yielded). A file with no decodable audio at all raises AudioError."""
    path = Path(path)
    st = status if status is not None else DecodeStatus()
    st.sample_rate = sample_rate
    container = _open(path, vault)
    try:
        st.declared_s = _declared(container)
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
        pending: list[Float32Array] = []
        have = 0
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    arr = _finite(out.to_ndarray().reshape(-1).astype(np.float32, copy=True))
                    pending.append(arr)
                    have += len(arr)
                    if have >= block:
                        buf = np.concatenate(pending)
                        for i in range(0, len(buf) - block + 1, block):
                            st.samples += block
                            yield buf[i:i + block]
                        rest = buf[len(buf) - len(buf) % block:]
                        pending, have = ([rest], len(rest)) if len(rest) else ([], 0)
            for out in resampler.resample(None):
                pending.append(_finite(out.to_ndarray().reshape(-1).astype(np.float32, copy=True)))
        except (av.error.FFmpegError, ValueError) as exc:
            st.problem = f"decoding stopped early: {exc}"
        if pending:
            buf = np.concatenate(pending)
            if len(buf):
                st.samples += len(buf)
                yield buf
    finally:
        container.close()
    if not st.samples and st.problem:
        raise AudioError(f"no decodable audio ({st.problem})", path=path)
    got = st.samples / sample_rate
    if not st.problem and st.declared_s is not None and got < st.declared_s - TRUNCATION_TOLERANCE_S:
        st.problem = f"the file is cut short: {got:.1f} s of the {st.declared_s:.1f} s its header declares"


def probe(path: Path | str, *, vault: Any = None) -> None:
    """Raise AudioError, naming the file, unless it opens and its first second of audio decodes (a quick
    check before a model is loaded; the whole file is not read)."""
    blocks = iter_blocks(path, block=SAMPLE_RATE, vault=vault)
    try:
        next(blocks, None)
    finally:
        blocks.close()


def decode_tail(path: Path | str, start: int, *, vault: Any = None) -> Float32Array:
    """The file's samples from sample `start` on, at SAMPLE_RATE; only those are held (a crashed recording's
    untranscribed tail, not the hours before it)."""
    kept: list[Float32Array] = []
    pos = 0
    for block in iter_blocks(path, vault=vault):
        if pos + len(block) > start:
            kept.append(block[max(0, start - pos):])
        pos += len(block)
    return np.concatenate(kept) if kept else np.zeros(0, dtype=np.float32)


def decode_file(path: Path | str, *, sample_rate: int = SAMPLE_RATE, vault: Any = None) -> DecodedAudio:
    """The whole file as mono float32 at `sample_rate`; a truncated file yields its valid part. Holds all of
    it: for a file of any length use `iter_blocks`."""
    status = DecodeStatus()
    blocks = list(iter_blocks(path, sample_rate=sample_rate, block=sample_rate * 60, vault=vault, status=status))
    samples = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
    return DecodedAudio(samples, sample_rate, status.declared_s, status.truncated, status.problem)


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
