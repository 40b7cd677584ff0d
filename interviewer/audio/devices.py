"""The audio device layer the app goes through: list the inputs with readable names, say in one sentence why
recording cannot work, open a source. Injected (`PortAudioDevices(sd=...)`, or any object with the same
methods) so tests can simulate a machine without a microphone."""

from __future__ import annotations

from typing import Any, Protocol

from interviewer.audio.loopback import open_system_source
from interviewer.audio.sources import AudioSource, DeviceSource, FileSource, InputDevice, input_devices
from interviewer.core.errors import AudioError

# PortAudio's ALSA host API lists plugin names; say what they are.
_ALSA_NAMES = {
    "pulse": "PulseAudio sound server",
    "pipewire": "PipeWire sound server",
    "default": "ALSA default device",
    "sysdefault": "ALSA system default device",
    "jack": "JACK sound server",
}


def readable_name(device: InputDevice) -> str:
    """'pulse' -> 'PulseAudio sound server'; 'HDA Intel PCH: ALC257 Analog (hw:0,0)' -> 'HDA Intel PCH: ALC257
    Analog'; plus the channel count when it is not mono."""
    name = _ALSA_NAMES.get(device.name.strip().lower(), device.name.strip())
    if name.endswith(")") and "(hw:" in name:
        name = name[:name.rindex("(hw:")].strip()
    return name + (f" ({device.channels} channels)" if device.channels > 2 else "")


def describe(spec: str) -> str:
    """The source in words, for sentences."""
    if spec in ("", "default"):
        return "the system default input"
    if spec.startswith("file:"):
        return f"the audio file {spec[5:]}"
    return f"the input device {spec!r}"


def open_source(spec: str, *, name: str = "", speed: float = 1.0, sd: Any = None) -> AudioSource:
    """SPEC: `default`, a device name or index, `system` (this computer's sound: the call), or `file:PATH`
    (replayed in real time)."""
    if spec.startswith("file:"):
        return FileSource(spec[5:], name=name, speed=speed)
    if spec == "system":
        source: AudioSource = open_system_source(name=name)
        return source
    return DeviceSource(None if spec == "default" else spec, name=name, sd=sd)


class DeviceLayer(Protocol):
    def inputs(self) -> list[InputDevice]:
        """The input devices; AudioError (one sentence) when the audio system cannot be asked."""

    def open(self, spec: str, *, name: str = "") -> AudioSource:
        """A source for SPEC (`default`, a device name or index, `file:PATH`); AudioError names SPEC."""


class PortAudioDevices:
    """The real devices, through sounddevice (PortAudio). `sd` replaces the sounddevice module in tests."""

    def __init__(self, sd: Any = None) -> None:
        self.sd = sd

    def inputs(self) -> list[InputDevice]:
        return input_devices(self.sd)

    def open(self, spec: str, *, name: str = "") -> AudioSource:
        try:
            return open_source(spec, name=name, sd=self.sd)
        except AudioError as exc:
            raise AudioError(f"Cannot record from {describe(spec)}: {exc}") from None


def microphone_problem(layer: DeviceLayer) -> str:
    """"" when there is at least one input device, else the sentence to show ("No microphone found: …")."""
    try:
        devices = layer.inputs()
    except AudioError as exc:
        return f"No microphone found: {exc}."
    if not devices:
        return "No microphone found: the system reports no audio input device (plug one in, or choose an audio file)."
    return ""
