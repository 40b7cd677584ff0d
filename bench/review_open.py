"""Opening a long session for review: `python bench/review_open.py [--segments 1500] [--evidence 200]`.

Builds a 90-minute session (1,500 segments with word timings, 200 evidence items, a 90-minute WAV) in a
temporary store and times ReviewWindow construction + first show (offscreen). Prints JSON
{"segments","evidence","audio_min","open_ms_median","open_ms_max","runs"}; target: under 1 s.
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
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from interviewer.core.config import DataDir
from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.store.database import Store
from interviewer.ui.review.window import ReviewWindow
from tests.builders import synthetic_session


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--segments", type=int, default=1500)
    ap.add_argument("--evidence", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    app = QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp(prefix="review-open-"))
    data = DataDir(tmp / "data").ensure()
    store = Store(data.db_path)
    sid = synthetic_session(store, segments=args.segments, evidence=args.evidence, audio_dir=data.audio_dir)
    kit = load_kit()
    settings = QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat)
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        win = ReviewWindow(store=store, session_id=sid, kit=kit, evaluator="bench", settings=settings)
        win.show()
        app.processEvents()
        times.append((time.perf_counter() - t0) * 1000)
        win.close()
        win.deleteLater()
        app.processEvents()
    store.close()
    times.sort()
    print(json.dumps({"segments": args.segments, "evidence": args.evidence,
                      "audio_min": round(args.segments * 3.6 / 60, 1),
                      "open_ms_median": round(times[len(times) // 2], 1), "open_ms_max": round(times[-1], 1),
                      "runs": args.runs}))


if __name__ == "__main__":
    main()
