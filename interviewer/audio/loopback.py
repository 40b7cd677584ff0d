"""This computer's sound (the call): what the speakers play, recorded as a source of its own.

* Linux: the monitor of the default output, found through `pactl` (PulseAudio, or PipeWire's pulse server) and
  read with `parec` as 16 kHz mono float32.
* Windows: WASAPI loopback of the default output through PyAudioWPatch, when it is installed.
* macOS: no loopback of its own; a virtual device (BlackHole, Loopback, Soundflower) that the call is routed
  through is used as an input device, and `routing_help()` says how to set one up.

Each platform is a small guarded helper; `open_system_source()` picks the one for this computer and raises
AudioError (one sentence, saying what to install or do) when there is none.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

from interviewer.audio.decode import SAMPLE_RATE
from interviewer.audio.sources import BLOCK_S, DeviceSource, InputDevice, OnAudio, OnEnd, input_devices
from interviewer.core.errors import AudioError

LABEL = "This computer's sound (the call)"
SPEC = "system"
VIRTUAL_DEVICES = ("blackhole", "loopback", "soundflower", "vb-cable", "cable output")


@dataclass(frozen=True)
class SystemAudio:
    """Where this computer's sound can be recorded from: `kind` is pulse, wasapi or virtual."""

    kind: str
    device: str  # the PulseAudio source name, the WASAPI or virtual device's name

    def describe(self) -> str:
        return f"{LABEL}: {self.device}"


# ---------------------------------------------------------------- Linux: PulseAudio / PipeWire


def _pactl(*args: str, env: dict[str, str] | None = None) -> str | None:
    if not shutil.which("pactl"):
        return None
    try:
        out = subprocess.run(["pactl", *args], capture_output=True, text=True, timeout=5, env=env, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def default_monitor(env: dict[str, str] | None = None) -> str | None:
    """The monitor source of the default output (PulseAudio or PipeWire), or None."""
    sink = (_pactl("get-default-sink", env=env) or "").strip()
    if not sink:  # pactl before 15 has no get-default-sink
        for line in (_pactl("info", env=env) or "").splitlines():
            if line.startswith("Default Sink:"):
                sink = line.split(":", 1)[1].strip()
    if not sink:
        return None
    sources = _pactl("list", "short", "sources", env=env) or ""
    monitor = f"{sink}.monitor"
    names = {line.split("\t")[1] for line in sources.splitlines() if line.count("\t") >= 1}
    return monitor if monitor in names else None


class PulseMonitorSource:
    """A PulseAudio/PipeWire source (the output's monitor) read through `parec` as 16 kHz mono float32."""

    def __init__(self, device: str, *, name: str = "", block_s: float = BLOCK_S) -> None:
        if not shutil.which("parec"):
            raise AudioError("recording this computer's sound needs `parec` (Debian: apt-get install "
                             "pulseaudio-utils)")
        self.device = device
        self.name = name or "call"
        self._block_bytes = int(SAMPLE_RATE * block_s) * 4
        self._proc: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self, on_audio: OnAudio, on_end: OnEnd) -> None:
        try:
            self._proc = subprocess.Popen(
                ["parec", f"--device={self.device}", "--format=float32le", f"--rate={SAMPLE_RATE}",
                 "--channels=1", "--raw", "--latency-msec=50"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        except OSError as exc:
            raise AudioError(f"cannot record this computer's sound ({self.device}): {exc.strerror or exc}") \
                from None
        self._thread = threading.Thread(target=self._run, args=(on_audio, on_end), name="parec", daemon=True)
        self._thread.start()

    def _run(self, on_audio: OnAudio, on_end: OnEnd) -> None:
        proc = self._proc
        assert proc is not None
        assert proc.stdout is not None
        error: Exception | None = None
        pending = b""
        try:
            while not self._stopping.is_set():
                chunk = proc.stdout.read1(self._block_bytes)  # type: ignore[attr-defined]
                if not chunk:
                    break
                pending += chunk
                usable = len(pending) - len(pending) % 4
                if usable:
                    on_audio(np.frombuffer(pending[:usable], "<f4").astype(np.float32))
                    pending = pending[usable:]
        except Exception as exc:  # noqa: BLE001 - reported to the session, which says it in one sentence
            error = exc
        if not self._stopping.is_set() and error is None:
            proc.wait()
            err = (proc.stderr.read() if proc.stderr else b"").decode(errors="replace").strip()
            error = AudioError(f"recording this computer's sound ({self.device}) stopped: {err or 'parec ended'}")
        on_end(error)

    def stop(self) -> None:
        self._stopping.set()
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
            self._proc = None
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)


# ---------------------------------------------------------------- Windows: WASAPI loopback


def wasapi_loopback() -> str | None:  # pragma: no cover - Windows only
    """The loopback device of the default output (PyAudioWPatch), or None."""
    try:
        import pyaudiowpatch as pyaudio
    except ImportError:
        return None
    pa = pyaudio.PyAudio()
    try:
        info = pa.get_default_wasapi_loopback()
        return str(info["name"]) if info else None
    except (OSError, LookupError):
        return None
    finally:
        pa.terminate()


class WasapiLoopbackSource:  # pragma: no cover - Windows only
    """The default output's WASAPI loopback through PyAudioWPatch, converted to 16 kHz mono."""

    def __init__(self, *, name: str = "", block_s: float = BLOCK_S) -> None:
        import pyaudiowpatch as pyaudio

        from interviewer.audio.sources import StreamResampler

        self._pa = pyaudio.PyAudio()
        self._info: dict[str, Any] = self._pa.get_default_wasapi_loopback()
        self.name = name or "call"
        self.rate = int(self._info["defaultSampleRate"])
        self.channels = max(1, int(self._info["maxInputChannels"]))
        self._resample = StreamResampler(self.rate) if self.rate != SAMPLE_RATE else None
        self._block = int(self.rate * block_s)
        self._stream: Any = None

    def start(self, on_audio: OnAudio, on_end: OnEnd) -> None:
        import pyaudiowpatch as pyaudio

        def callback(data: bytes, frames: int, time_info: Any, status: Any) -> tuple[None, int]:
            block = np.frombuffer(data, np.float32).reshape(-1, self.channels).mean(axis=1).astype(np.float32)
            if self._resample is not None:
                block = self._resample(block)
            if len(block):
                on_audio(block)
            return None, pyaudio.paContinue

        self._stream = self._pa.open(format=pyaudio.paFloat32, channels=self.channels, rate=self.rate,
                                     input=True, input_device_index=self._info["index"],
                                     frames_per_buffer=self._block, stream_callback=callback)

    def stop(self) -> None:
        if self._stream is not None:
            self._stream.stop_stream()
            self._stream.close()
            self._stream = None
        self._pa.terminate()


# ---------------------------------------------------------------- macOS: a virtual device


def virtual_device(inputs: list[InputDevice] | None = None) -> str | None:
    """An input device that carries a computer's sound (BlackHole, Loopback, Soundflower, VB-Cable), or None.
    `inputs`: the input devices (asked of PortAudio when None)."""
    try:
        devices = input_devices() if inputs is None else inputs
    except AudioError:
        return None
    for d in devices:
        if any(v in d.name.lower() for v in VIRTUAL_DEVICES):
            return d.name
    return None


def routing_help() -> str:
    """How to send a call's sound to a virtual device on macOS (shown in the setup dialog and errors)."""
    return ("install BlackHole (free) or Loopback, then in Audio MIDI Setup create a Multi-Output Device with "
            "your speakers or headphones and BlackHole, and choose it as the call app's speaker: you hear the "
            "call, and Interviewer records it from BlackHole")


# ---------------------------------------------------------------- this computer's


def find_system_audio(platform: str = sys.platform, inputs: list[InputDevice] | None = None) -> SystemAudio | None:
    """Where this computer's sound can be recorded from here, or None. `platform` (sys.platform) and `inputs`
    (the input devices, asked of PortAudio when None) are injectable, so any platform's answer can be tested."""
    if platform.startswith("linux"):
        monitor = default_monitor()
        if monitor:
            return SystemAudio("pulse", monitor)
    elif platform == "win32":  # pragma: no cover - Windows only
        name = wasapi_loopback()
        if name:
            return SystemAudio("wasapi", name)
    virtual = virtual_device(inputs)
    return SystemAudio("virtual", virtual) if virtual else None


def setup_help(platform: str = sys.platform) -> str:
    """What the setup dialog says when no source of the call's audio was found on `platform` (steps on macOS)."""
    if platform == "darwin":
        return ("To record the call's audio on a Mac, route it through a virtual device: 1. install BlackHole "
                "(free, 2ch) or Loopback; 2. open Audio MIDI Setup, click +, choose Create Multi-Output Device and "
                "tick your speakers (or headphones) and BlackHole; 3. choose that Multi-Output Device as the call "
                "app's speaker (you still hear the call); 4. reopen this dialog and choose “This "
                "computer's sound (the call)” (BlackHole) as the second source.")
    if platform == "win32":
        return ("No source for the call's audio was found: install PyAudioWPatch (pip install PyAudioWPatch) for "
                "WASAPI loopback, or a virtual cable (VB-Cable), then reopen this dialog.")
    return ("No source for the call's audio was found: recording this computer's sound needs PulseAudio or "
            "PipeWire (`pactl info` should work); without it only the microphone is recorded.")


def open_system_source(*, name: str = "") -> Any:
    """A source recording this computer's sound (the call); AudioError saying what to do when there is none."""
    found = find_system_audio()
    if found is None:
        if sys.platform == "darwin":
            how = routing_help()
        elif sys.platform == "win32":
            how = "install PyAudioWPatch (pip install PyAudioWPatch) for WASAPI loopback"
        else:
            how = "no PulseAudio or PipeWire output monitor was found (is `pactl info` working?)"
        raise AudioError(f"this computer's sound cannot be recorded: {how}")
    if found.kind == "pulse":
        return PulseMonitorSource(found.device, name=name or "call")
    if found.kind == "wasapi":  # pragma: no cover - Windows only
        return WasapiLoopbackSource(name=name or "call")
    return DeviceSource(found.device, name=name or "call")
