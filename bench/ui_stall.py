"""UI-thread stalls during a live interview: `python bench/ui_stall.py [--seconds 60] [--speed 1]`.

Opens the real live window (offscreen unless QT_QPA_PLATFORM is set) on the demo candidate, replays the
sample interview through the live pipeline (real transcriber, recorder and store), and runs a 10 ms
heartbeat timer on the UI thread. Lag = how late each heartbeat fires. Prints JSON
{"p50_ms","p99_ms","max_ms","beats","segments","audio_s","speed"}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from interviewer import app as root
from interviewer.core.config import DataDir


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60.0, help="audio to replay")
    ap.add_argument("--speed", type=float, default=1.0)
    args = ap.parse_args()
    qapp = QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp(prefix="ui-stall-"))
    services = root.build_services(DataDir(tmp / "data").ensure())
    store = services.open_store()
    transcriber = services.make_transcriber()
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    window = root.open_demo_window(services, store, transcriber, speed=args.speed, settings=settings)
    window.show()
    segments = []
    window.bridge.segment.connect(lambda _id, seg: segments.append(seg))
    lags: list[float] = []
    interval = 10
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        lags.append(max(0.0, (now - last[0]) * 1000 - interval))
        last[0] = now
        if window.session is not None and window.session.elapsed_s >= args.seconds:
            heartbeat.stop()
            window.close()

    heartbeat = QTimer()
    heartbeat.setInterval(interval)
    heartbeat.timeout.connect(beat)
    window.bridge.stopped.connect(lambda _r: qapp.quit())
    window.record()
    last[0] = time.perf_counter()
    heartbeat.start()
    qapp.exec()
    audio_s = window.session.elapsed_s if window.session else 0.0
    store.close()
    lags.sort()

    def pct(p: float) -> float:
        return round(lags[min(len(lags) - 1, int(p * len(lags)))], 2) if lags else 0.0

    print(json.dumps({"p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": round(max(lags, default=0.0), 2),
                      "beats": len(lags), "segments": len(segments), "audio_s": round(audio_s, 1),
                      "speed": args.speed}))


if __name__ == "__main__":
    main()
