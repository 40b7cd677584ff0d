"""Offline transcription speed: `python bench/transcribe.py FILE [--model M] [--beam N]`.

Prints JSON {"audio_s", "wall_s", "rtf", "model", "beam"} (rtf = wall time / audio time; < 1 is faster
than real time). The model is loaded before the clock starts.
"""

from __future__ import annotations

import argparse
import json
import time

from interviewer.audio.models import resolve_model
from interviewer.audio.transcriber import Transcriber, TranscriberOptions


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--model", default=None)
    ap.add_argument("--beam", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3, help="runs; the median is reported")
    args = ap.parse_args()
    tr = Transcriber(resolve_model(args.model), TranscriberOptions(beam_size=args.beam))
    walls = []
    audio_s = 0.0
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = tr.transcribe_file(args.file, beam_size=args.beam)
        walls.append(time.perf_counter() - t0)
        audio_s = result.duration_s
    wall = sorted(walls)[len(walls) // 2]
    print(json.dumps({"audio_s": round(audio_s, 3), "wall_s": round(wall, 3), "rtf": round(wall / audio_s, 4),
                      "model": tr.label, "beam": args.beam}))


if __name__ == "__main__":
    main()
