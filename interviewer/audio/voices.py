"""Who is speaking: a speaker embedding (a "voice print") computed on the CPU with numpy, no torch.

The model is resemblyzer's pretrained GE2E voice encoder (Apache-2.0; 40-band mel spectrogram -> 3-layer LSTM of
256 units -> 256-d embedding, L2-normed). Its weights (`pretrained.pt`, 17 MB) ship inside the `resemblyzer` wheel
from PyPI, which the project installs without its dependencies (torch, librosa, webrtcvad: see the Makefile), and
this module reads them without torch: the file is a legacy (non-zip) torch pickle, whose few globals are mapped to
numpy by a restricted unpickler (anything else in the file is refused). The mel front-end (librosa's
`melspectrogram` with Slaney filters) and the LSTM forward pass are reimplemented here.

An embedding of 1.6 s of speech costs about 20 ms on one laptop core; two embeddings of the same voice have a
cosine similarity around 0.8-0.9, two different voices around 0.5-0.7.
"""

from __future__ import annotations

import importlib.util
import pickle
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from interviewer.core.errors import AudioError

SAMPLE_RATE = 16_000
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40
PARTIAL_FRAMES = 160  # 1.6 s per partial utterance
EMBEDDING_SIZE = 256
MODEL_PACKAGE = "resemblyzer"
MODEL_VERSION = "0.1.4"
MODEL_LABEL = f"resemblyzer-{MODEL_VERSION}"
INSTALL_HINT = f"pip install --no-deps {MODEL_PACKAGE}=={MODEL_VERSION}"
_AUDIO_NORM_DBFS = -30.0

Float32Array = npt.NDArray[np.float32]

_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "LongStorage": np.int64,
           "IntStorage": np.int32, "HalfStorage": np.float16, "ByteStorage": np.uint8}


# ---------------------------------------------------------------- weights, read without torch


class _Storage:
    def __init__(self, dtype: type, numel: int) -> None:
        self.dtype = np.dtype(dtype)
        self.numel = numel
        self.data: npt.NDArray[Any] | None = None


@dataclass
class _TensorRef:
    storage: _Storage
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]

    def array(self) -> npt.NDArray[Any]:
        assert self.storage.data is not None
        item = self.storage.dtype.itemsize
        flat = self.storage.data[self.offset:]
        return np.lib.stride_tricks.as_strided(flat, self.size, tuple(s * item for s in self.stride)).copy()


def _rebuild_tensor_v2(storage: _Storage, offset: int, size: tuple[int, ...], stride: tuple[int, ...],
                       *_rest: Any) -> _TensorRef:
    return _TensorRef(storage, offset, tuple(size), tuple(stride))


class _StateDict(dict[str, Any]):
    """collections.OrderedDict as torch pickles it (with a `_metadata` attribute set after construction)."""


class _StorageType:
    def __init__(self, name: str) -> None:
        self.dtype = _DTYPES[name]


class _Unpickler(pickle.Unpickler):
    """Only the globals a torch state dict needs; everything else is refused (no arbitrary code runs)."""

    def __init__(self, f: IO[bytes], storages: dict[str, _Storage]) -> None:
        super().__init__(f)
        self.storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor_v2
        if (module, name) == ("collections", "OrderedDict"):
            return _StateDict
        if module == "torch" and name in _DTYPES:
            return _StorageType(name)
        raise pickle.UnpicklingError(f"unexpected global {module}.{name}")

    def persistent_load(self, pid: Any) -> Any:
        if pid[0] != "storage":
            raise pickle.UnpicklingError(f"unexpected persistent id {pid[0]!r}")
        storage_type, key, _location, numel = pid[1], str(pid[2]), pid[3], int(pid[4])
        if key not in self.storages:
            self.storages[key] = _Storage(storage_type.dtype, numel)
        return self.storages[key]


def read_torch_state(path: Path) -> dict[str, npt.NDArray[Any]]:
    """The tensors of a legacy-format torch checkpoint's "model_state" (or of a bare state dict) as numpy arrays."""
    storages: dict[str, _Storage] = {}
    with path.open("rb") as f:
        for _ in range(3):  # magic number, protocol version, system info
            pickle.load(f)  # noqa: S301 - plain data (numbers, a dict of sizes)
        result = _Unpickler(f, storages).load()
        keys = pickle.load(f)  # noqa: S301 - a list of strings
        for key in keys:
            st = storages[str(key)]
            numel = int(np.frombuffer(f.read(8), "<i8")[0])
            st.data = np.frombuffer(f.read(numel * st.dtype.itemsize), st.dtype)
    state = result.get("model_state", result) if isinstance(result, dict) else result
    return {k: v.array() for k, v in state.items() if isinstance(v, _TensorRef)}


def model_path() -> Path | None:
    """`pretrained.pt` inside the installed resemblyzer package, found without importing it (that needs torch)."""
    try:
        spec = importlib.util.find_spec(MODEL_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "pretrained.pt"
        if candidate.is_file():
            return candidate
    return None


# ---------------------------------------------------------------- mel front-end (librosa's, in numpy)


def _hz_to_mel(f: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    log_t = f >= min_log_hz
    mels[log_t] = min_log_mel + np.log(f[log_t] / min_log_hz) / logstep
    return mels


def _mel_to_hz(m: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    f_sp = 200.0 / 3
    freqs = f_sp * m
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    log_t = m >= min_log_mel
    freqs[log_t] = min_log_hz * np.exp(logstep * (m[log_t] - min_log_mel))
    return freqs


@lru_cache(maxsize=1)
def mel_filters() -> npt.NDArray[np.float32]:
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=40): Slaney mel scale, Slaney area normalisation."""
    fftfreqs = np.linspace(0, SAMPLE_RATE / 2, 1 + N_FFT // 2)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(np.array([0.0]))[0], _hz_to_mel(np.array([SAMPLE_RATE / 2]))[0],
                                   N_MELS + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fftfreqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_f[2:N_MELS + 2] - mel_f[:N_MELS])
    return (weights * enorm[:, None]).astype(np.float32)


@lru_cache(maxsize=1)
def _window() -> npt.NDArray[np.float64]:
    n = np.arange(N_FFT)
    return 0.5 - 0.5 * np.cos(2 * np.pi * n / N_FFT)  # periodic Hann, as scipy.signal.get_window("hann")


def mel_spectrogram(wav: npt.NDArray[np.floating[Any]]) -> Float32Array:
    """Power mel spectrogram, frames x 40 (centred frames, 25 ms window, 10 ms hop), as the encoder was trained on."""
    y = np.pad(np.asarray(wav, np.float64), N_FFT // 2, mode="constant")
    n_frames = 1 + (len(y) - N_FFT) // HOP
    if n_frames <= 0:
        return np.zeros((0, N_MELS), np.float32)
    frames = np.lib.stride_tricks.as_strided(y, (n_frames, N_FFT), (y.strides[0] * HOP, y.strides[0]))
    power = np.abs(np.fft.rfft(frames * _window(), axis=1)) ** 2
    return (power @ mel_filters().T.astype(np.float64)).astype(np.float32)


def normalize_volume(wav: Float32Array) -> Float32Array:
    """Raise quiet audio to -30 dBFS (never lowers), as the encoder's own preprocessing does."""
    rms = float(np.sqrt(np.mean(np.square(wav, dtype=np.float64)))) if len(wav) else 0.0
    if rms <= 1e-9:
        return wav
    change = _AUDIO_NORM_DBFS - 20 * np.log10(rms)
    return wav if change < 0 else (wav * (10 ** (change / 20))).astype(np.float32)


# ---------------------------------------------------------------- the encoder


def _sigmoid(x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    out: npt.NDArray[np.float32] = 0.5 * (np.tanh(0.5 * x) + 1.0)
    return out


class VoiceEncoder:
    """Embeds 16 kHz mono speech into a 256-d unit vector; `similarity` of two is their cosine."""

    def __init__(self, weights: dict[str, npt.NDArray[Any]]) -> None:
        self.layers: list[tuple[Float32Array, Float32Array, Float32Array]] = []
        for i in range(3):
            w_ih = weights[f"lstm.weight_ih_l{i}"].astype(np.float32)
            w_hh = weights[f"lstm.weight_hh_l{i}"].astype(np.float32)
            bias = (weights[f"lstm.bias_ih_l{i}"] + weights[f"lstm.bias_hh_l{i}"]).astype(np.float32)
            self.layers.append((np.ascontiguousarray(w_ih.T), np.ascontiguousarray(w_hh.T), bias))
        self.linear_w = np.ascontiguousarray(weights["linear.weight"].astype(np.float32).T)
        self.linear_b = weights["linear.bias"].astype(np.float32)

    @classmethod
    def load(cls, path: Path | None = None) -> VoiceEncoder:
        """The pretrained encoder; AudioError (one sentence) when the model package is not installed or unreadable."""
        path = path or model_path()
        if path is None:
            raise AudioError(f"the speaker model is not installed (the '{MODEL_PACKAGE}' package): run "
                             f"`{INSTALL_HINT}` or `make venv`")
        try:
            return cls(read_torch_state(path))
        except (OSError, pickle.UnpicklingError, KeyError, EOFError, ValueError, IndexError, TypeError) as exc:
            raise AudioError(f"is not a readable speaker model ({exc})", path=path) from None

    def forward(self, mels: Float32Array) -> Float32Array:
        """Batch (B, T, 40) -> (B, 256): final hidden state of the last LSTM layer -> linear -> ReLU -> L2 norm.

        BLAS is held to one thread: the products are small, and threads only contend (4-30x slower on a busy
        2-core laptop)."""
        with threadpool_limits(limits=1, user_api="blas"):
            return self._forward(mels)

    def _forward(self, mels: Float32Array) -> Float32Array:
        x = mels.astype(np.float32)
        batch, steps, _ = x.shape
        for w_ih, w_hh, bias in self.layers:
            hidden = w_hh.shape[0]
            gates_x = x @ w_ih + bias  # (B, T, 4H), PyTorch gate order i, f, g, o
            h = np.zeros((batch, hidden), np.float32)
            c = np.zeros((batch, hidden), np.float32)
            outs = np.empty((batch, steps, hidden), np.float32)
            for t in range(steps):
                g = gates_x[:, t] + h @ w_hh
                i_g = _sigmoid(g[:, :hidden])
                f_g = _sigmoid(g[:, hidden:2 * hidden])
                c_g = np.tanh(g[:, 2 * hidden:3 * hidden])
                o_g = _sigmoid(g[:, 3 * hidden:])
                c = f_g * c + i_g * c_g
                h = o_g * np.tanh(c)
                outs[:, t] = h
            x = outs
        raw = np.maximum(h @ self.linear_w + self.linear_b, 0)
        norms = np.linalg.norm(raw, axis=1, keepdims=True)
        out: Float32Array = (raw / np.maximum(norms, 1e-9)).astype(np.float32)
        return out

    def embed_windows(self, wav: Float32Array, window_s: float = 1.6, step_s: float = 0.8) -> tuple[
            Float32Array, list[tuple[float, float]]]:
        """Embeddings of overlapping windows of `wav` (seconds relative to its start); a clip shorter than one
        window gives one embedding of the whole clip, zero-padded."""
        wav = normalize_volume(np.asarray(wav, np.float32))
        win = int(window_s * SAMPLE_RATE)
        step = int(step_s * SAMPLE_RATE)
        starts = list(range(0, max(1, len(wav) - win + 1), step))
        if len(wav) > win and starts[-1] + win < len(wav) - step // 2:
            starts.append(len(wav) - win)
        chunks = [np.pad(wav[s:s + win], (0, max(0, win - len(wav[s:s + win])))) for s in starts]
        mels = np.stack([mel_spectrogram(c)[:PARTIAL_FRAMES] for c in chunks])
        spans = [(s / SAMPLE_RATE, min(len(wav), s + win) / SAMPLE_RATE) for s in starts]
        return self.forward(mels), spans

    def embed(self, wav: Float32Array) -> Float32Array:
        """One embedding of an utterance: the normalised mean of its partial (1.6 s, 50 % overlap) embeddings."""
        partials, _ = self.embed_windows(wav)
        return unit(partials.mean(axis=0))


MIN_PROFILE_S = 4.0  # of speech: less gives an unsteady voice print


def voice_print(samples: Float32Array, enc: VoiceEncoder | None = None) -> tuple[Float32Array, float]:
    """An evaluator's voice profile from a recording of them reading: the normalised mean embedding of its
    1.6 s windows that carry speech (quieter than a tenth of the loudest window's level: silence, skipped);
    returns (embedding, seconds of speech used). AudioError when there is too little speech."""
    enc = enc or encoder()
    samples = np.asarray(samples, np.float32)
    win = int(1.6 * SAMPLE_RATE)
    step = int(0.8 * SAMPLE_RATE)
    starts = list(range(0, max(1, len(samples) - win + 1), step))
    levels = np.array([float(np.sqrt(np.mean(np.square(samples[s:s + win], dtype=np.float64))))
                       for s in starts]) if len(samples) else np.zeros(0)
    keep = [s for s, lvl in zip(starts, levels, strict=True) if lvl > 0.1 * float(levels.max()) and lvl > 1e-4]
    seconds = (len(keep) - 1) * step / SAMPLE_RATE + 1.6 if keep else 0.0
    if seconds < MIN_PROFILE_S or len(samples) < win:
        raise AudioError(f"has {seconds:.1f} s of speech; a voice profile needs at least {MIN_PROFILE_S:.0f} s "
                         "(about 20 s is best: read the prompt aloud)")
    mels = np.stack([mel_spectrogram(normalize_volume(samples[s:s + win]))[:PARTIAL_FRAMES] for s in keep])
    embs = np.concatenate([enc.forward(mels[i:i + 64]) for i in range(0, len(mels), 64)])
    return unit(embs.mean(axis=0)), seconds


def unit(v: npt.NDArray[Any]) -> Float32Array:
    n = float(np.linalg.norm(v))
    out: Float32Array = (np.asarray(v, np.float32) / n) if n > 0 else np.asarray(v, np.float32)
    return out


def similarity(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> float:
    return float(np.dot(unit(a), unit(b)))


@lru_cache(maxsize=1)
def encoder() -> VoiceEncoder:
    """The pretrained encoder, loaded once per process (about 0.1 s)."""
    return VoiceEncoder.load()
