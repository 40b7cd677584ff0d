"""Keep the laptop awake while recording, where the platform allows it.

Linux: `systemd-inhibit` (sleep and idle); macOS: `caffeinate`; Windows: SetThreadExecutionState. Where
none is available this does nothing and says so through `available`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from contextlib import suppress
from typing import Any

REASON = "Interviewer is recording an interview"


class SleepInhibitor:
    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._windows = False

    @property
    def available(self) -> bool:
        if sys.platform == "win32":
            return True
        return bool(shutil.which("systemd-inhibit") or shutil.which("caffeinate"))

    @property
    def active(self) -> bool:
        return self._windows or (self._proc is not None and self._proc.poll() is None)

    def acquire(self) -> bool:
        if self.active:
            return True
        if sys.platform == "win32":  # pragma: no cover - Windows only
            import ctypes

            es_continuous, es_system_required = 0x80000000, 0x00000001
            kernel32: Any = ctypes.windll.kernel32  # type: ignore[attr-defined]
            self._windows = bool(kernel32.SetThreadExecutionState(es_continuous | es_system_required))
            return self._windows
        if shutil.which("caffeinate"):  # macOS: until this process exits
            cmd = ["caffeinate", "-i", "-s", "-w", str(os.getpid())]
        elif shutil.which("systemd-inhibit"):
            cmd = ["systemd-inhibit", "--what=sleep:idle", "--who=Interviewer", f"--why={REASON}",
                   "--mode=block", "sleep", "infinity"]
        else:
            return False
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL)
        except OSError:
            self._proc = None
            return False
        return True

    def release(self) -> None:
        if self._windows:  # pragma: no cover - Windows only
            import ctypes

            ctypes.windll.kernel32.SetThreadExecutionState(0x80000000)  # type: ignore[attr-defined]
            self._windows = False
        if self._proc is not None:
            with suppress(OSError):
                self._proc.terminate()
            with suppress(subprocess.TimeoutExpired, OSError):
                self._proc.wait(timeout=2)
            self._proc = None
