"""Lower the operating-system priority of optional work (previews, second pass, consolidation).

The first pass - the committed words the evaluator waits for - runs at normal priority; everything that can
wait runs on threads the OS schedules only when the first pass leaves a core free. CTranslate2 runs a
model's work on worker threads it creates when the model is loaded, and a new thread inherits its
creator's priority on Linux, so a model built by `build_low_priority` decodes at low priority throughout.

Each platform's call sits behind one small guarded helper; where none applies, nothing changes (the
scheduling in `interviewer.audio.pace` still puts the first pass first).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

NICE_OPTIONAL = 15  # of 19: a busy loop at nice 0 gets ~97 % of a core it shares with one at 15 (CFS weights)


def lower_current_thread() -> bool:
    """Lower the calling thread's priority; whether the platform allowed it."""
    try:
        if sys.platform.startswith("linux"):
            # On Linux a thread is a task with its own nice value (PRIO_PROCESS with the thread id).
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid), NICE_OPTIONAL))
            return True
        if sys.platform == "win32":  # pragma: no cover - Windows
            import ctypes

            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            below_normal = -1  # THREAD_PRIORITY_BELOW_NORMAL
            return bool(kernel32.SetThreadPriority(kernel32.GetCurrentThread(), below_normal))
        if sys.platform == "darwin":  # pragma: no cover - macOS
            import ctypes

            libc = ctypes.CDLL("/usr/lib/libSystem.dylib")
            qos_class_utility = 0x11
            return libc.pthread_set_qos_class_self_np(qos_class_utility, 0) == 0
    except (OSError, AttributeError, ValueError):
        return False
    return False


def current_thread_nice() -> int | None:
    """The calling thread's nice value where the platform has one per thread (Linux), else None."""
    if not sys.platform.startswith("linux"):
        return None
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def build_low_priority(build: Callable[[], T]) -> T:
    """Call `build` on a fresh thread whose priority is lowered first, and return what it built: threads
    it starts (a CTranslate2 model's workers) inherit the low priority where the platform passes it on."""
    result: list[T] = []
    error: list[BaseException] = []

    def run() -> None:
        lower_current_thread()
        try:
            result.append(build())
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            error.append(exc)

    t = threading.Thread(target=run, name="load optional decoder", daemon=True)
    t.start()
    t.join()
    if error:
        raise error[0]
    return result[0]
