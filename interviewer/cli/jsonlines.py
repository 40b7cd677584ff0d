"""JSON lines on stdout for the live commands (`record`, `transcribe --realtime`): one per segment, flushed at once."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TextIO

from interviewer.core.transcript import Segment


class JsonLines:
    """Thread-safe JSON lines on stdout, flushed at once (scripts read them live)."""

    def __init__(self, out: TextIO) -> None:
        import threading

        self.out = out
        self._lock = threading.Lock()

    def __call__(self, obj: dict[str, Any]) -> None:
        with self._lock:
            self.out.write(json.dumps(obj, ensure_ascii=False) + "\n")
            self.out.flush()


def segment_line(seg: Segment, final: bool = True) -> dict[str, Any]:
    return {"start": round(seg.start, 3), "end": round(seg.end, 3), "text": seg.text, "speaker": seg.speaker,
            "final": final}


class CatchUpProgress:
    """`{"event": "catch-up", "progress": F}` lines while what was put off is done after the end (every 5 %)."""

    def __init__(self, emit: Callable[[dict[str, Any]], None] | None) -> None:
        self.emit = emit
        self.last = -1.0

    def __call__(self, fraction: float) -> None:
        if self.emit is not None and (fraction >= 1.0 or fraction - self.last >= 0.05):
            self.last = fraction
            self.emit({"event": "catch-up", "progress": round(min(1.0, fraction), 3)})
