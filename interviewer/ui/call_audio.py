"""The call's audio in the setup dialog: "This computer's sound (the call)" offered as the second source when this
computer has one (a PulseAudio/PipeWire monitor, WASAPI loopback, a virtual device such as BlackHole), else a short
text saying how to get one (on macOS: the steps to route a call through BlackHole). Looked for off the UI thread."""

from __future__ import annotations

import sys
import threading
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from interviewer.audio import loopback
from interviewer.core.errors import AudioError
from interviewer.ui.bridge import BackgroundOp

if TYPE_CHECKING:
    from interviewer.audio.devices import DeviceLayer


def find_call_audio(layer: DeviceLayer, platform: str) -> loopback.SystemAudio | None:
    """Where the call's audio can be recorded from (asks the hardware and `pactl`: run it off the UI thread)."""
    inputs = []
    with suppress(AudioError):
        inputs = layer.inputs()
    return loopback.find_system_audio(platform, inputs)


class CallAudioNote(QLabel):
    """Below the second source: empty while looking and when the call's audio was found (then listed in
    `combo`), else `loopback.setup_help(platform)`. `platform` defaults to sys.platform (injectable for tests)."""

    def __init__(self, layer: DeviceLayer, combo: QComboBox, *, platform: str = sys.platform,
                 parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.combo, self.platform = combo, platform
        self.found: loopback.SystemAudio | None = None
        self.setWordWrap(True)
        self.setStyleSheet("color: #525252;")
        self.setVisible(False)

        def work(_progress: Any, _cancel: threading.Event) -> loopback.SystemAudio | None:
            return find_call_audio(layer, platform)

        self.looking = BackgroundOp(work, self, name="find the call's audio", verb="open", on_done=self._found,
                                    on_failed=lambda _sentence: self._found(None))

    def start(self) -> None:
        """Look (once): after the microphones are listed, so PortAudio is not asked from two threads at once."""
        if self.looking.worker is None:
            self.looking.start()

    def _found(self, found: loopback.SystemAudio | None) -> None:
        self.found = found
        if found is not None:
            if self.combo.findData(loopback.SPEC) < 0:
                self.combo.addItem(found.describe(), loopback.SPEC)
            self.setText("")
            self.setVisible(False)
            return
        self.setText(loopback.setup_help(self.platform))
        self.setVisible(True)
