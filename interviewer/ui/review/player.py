"""Playback of a session's recording in the review window (QtMultimedia), a sealed (encrypted) recording
included: it is decrypted in memory, a chunk at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QIODevice, QObject, QUrl, Signal


class SealedDevice(QIODevice):
    """A sealed (encrypted) recording as a random-access, read-only QIODevice: QtMultimedia plays it while
    the plaintext exists only in memory, a chunk at a time."""

    def __init__(self, sealed: Any, parent: QObject) -> None:
        super().__init__(parent)
        self._sealed = sealed
        self.open(QIODevice.OpenModeFlag.ReadOnly)

    def isSequential(self) -> bool:  # noqa: N802 - Qt override
        return False

    def size(self) -> int:
        return int(self._sealed.size)

    def bytesAvailable(self) -> int:  # noqa: N802 - Qt override
        return max(0, self.size() - self.pos()) + super().bytesAvailable()

    def readData(self, maxlen: int) -> bytes:  # noqa: N802 - Qt override
        self._sealed.seek(self.pos())
        return bytes(self._sealed.read(maxlen))

    def writeData(self, _data: Any, _size: int) -> int:  # noqa: N802 - Qt override
        return -1

    def close(self) -> None:
        super().close()
        self._sealed.close()


class AudioPlayer(QObject):
    """QtMultimedia playback of a session's recording, in seconds."""

    position_changed = Signal(float)
    outputs_changed = Signal()

    def __init__(self, path: Path | None, parent: QObject | None = None, vault: Any = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

        self.player = QMediaPlayer(self)
        self.output = QAudioOutput(self)
        self.player.setAudioOutput(self.output)
        # Follow the system's default output when a headset is plugged in or removed.
        self.devices = QMediaDevices(self)
        self.devices.audioOutputsChanged.connect(self._outputs_changed)
        self.player.positionChanged.connect(lambda ms: self.position_changed.emit(ms / 1000.0))
        self.path = path
        self.device: SealedDevice | None = None
        if path is not None and path.exists():
            from interviewer.core.vault import is_sealed

            if vault is not None and is_sealed(path):
                self.device = SealedDevice(vault.open(path), self)
                self.player.setSourceDevice(self.device, QUrl.fromLocalFile(str(path)))
            else:
                self.player.setSource(QUrl.fromLocalFile(str(path)))

    @property
    def available(self) -> bool:
        return self.path is not None and self.path.exists()

    @property
    def has_output(self) -> bool:
        from PySide6.QtMultimedia import QMediaDevices

        return bool(QMediaDevices.audioOutputs())

    def _outputs_changed(self) -> None:
        from PySide6.QtMultimedia import QMediaDevices

        self.output.setDevice(QMediaDevices.defaultAudioOutput())
        self.outputs_changed.emit()

    def notice(self) -> str:
        """What the player cannot do, for the window to show; empty when all is well."""
        if self.path is None:
            return "No recording for this session: the transcript can be read, not heard."
        if not self.path.exists():
            return f"The recording {self.path} is missing: the transcript can be read, not heard."
        if not self.has_output:
            return "No audio output device: playback moves through the transcript silently."
        return ""

    def seek(self, seconds: float) -> None:
        self.player.setPosition(int(max(0.0, seconds) * 1000))

    def play_from(self, seconds: float) -> None:
        self.seek(seconds)
        self.player.play()

    def toggle(self) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        else:
            self.player.play()

    def skip(self, seconds: float) -> None:
        self.seek(self.position_s + seconds)

    @property
    def position_s(self) -> float:
        return self.player.position() / 1000.0

    def set_rate(self, rate: float) -> None:
        self.player.setPlaybackRate(rate)

    def stop(self) -> None:
        self.player.stop()

