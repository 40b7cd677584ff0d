"""Live WER against whole-file WER over several interviews: `python bench/wer_set.py [--script S ...]`.

One interview is too few words to compare transcription policies: with tiny.en a 3 ms shift of a window
moves a 300-word file's WER by a point or two. This replays the demo interview and every
`bench/interviews/set*.txt` script (synthesised once into out/bench/ with `synth-interview`, see
bench/latency.py) through the live path - `StreamingTranscriber` with its default `StreamConfig`, the
same worker, first pass, loop cuts and second pass as a recording - but faster than real time: each block
is fed once the worker has taken in the one before and no second pass is in flight (`settled`), so every
window's second pass lands before the next commit, as it does live. Previews are off (they change no
committed text). Then each file is transcribed whole, offline, with the same model and beam 5.

WER is normalised as in bench/latency.py. Pooled figures weight each file by its reference words.
Prints one JSON object: {"model", "files": [{"file", "words", "first_pass_wer", "live_wer", "offline_wer",
"wer_delta_points", "revisions", "revisions_dropped", "consolidated", "consolidations_dropped", "replay_s"}],
"words", "first_pass_wer", "live_wer", "offline_wer", "wer_delta_points"}. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from latency import DEFAULT_FILE, ROOT, normalise, synthesise, wer

from interviewer.audio.decode import decode_file
from interviewer.audio.streaming import StreamingTranscriber
from interviewer.audio.transcriber import Transcriber
from interviewer.core.transcript import Segment

BLOCK = 1600  # 0.1 s, as a capture callback delivers


def log(msg: str) -> None:
    print(f"[wer_set] {msg}", file=sys.stderr, flush=True)


def replay(tr: Transcriber, path: Path) -> tuple[list[Segment], list[Segment], StreamingTranscriber, float]:
    """(segments as first committed, segments after the second pass, the stream, wall seconds)."""
    commits: list[Segment] = []
    stream = StreamingTranscriber(tr, speaker="mix", on_commit=commits.append)
    audio = decode_file(path).samples
    t0 = time.monotonic()
    for i in range(0, len(audio), BLOCK):
        stream.feed(audio[i:i + BLOCK])
        while not stream.settled:
            time.sleep(0.002)
    stream.finish()
    return commits, list(stream.committed), stream, time.monotonic() - t0


def text(segments: list[Segment]) -> str:
    return " ".join(s.text for s in sorted(segments, key=lambda s: s.start))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--script", type=Path, action="append", default=None,
                    help="an interview script to synthesise and replay (repeatable; default: bench/interviews/set*.txt)")
    ap.add_argument("--no-demo", action="store_true", help="leave out the demo interview")
    ap.add_argument("--offline-beam", type=int, default=5)
    args = ap.parse_args()
    scripts = args.script or sorted((ROOT / "bench" / "interviews").glob("set*.txt"))
    files = ([] if args.no_demo else [DEFAULT_FILE]) + [synthesise(s) for s in scripts]

    log("loading the model")
    tr = Transcriber()
    rows = []
    for path in files:
        turns = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["turns"]
        reference = " ".join(str(t["text"]) for t in turns)
        log(f"replaying {path.name}")
        first, final, stream, took = replay(tr, path)
        offline = tr.transcribe_file(path, beam_size=args.offline_beam).segments
        row = {"file": str(path), "words": len(normalise(reference).split()),
               "first_pass_wer": round(wer(reference, text(first)), 4),
               "live_wer": round(wer(reference, text(final)), 4),
               "offline_wer": round(wer(reference, text(offline)), 4),
               "revisions": stream.revisions, "revisions_dropped": stream.revisions_dropped,
               "consolidated": stream.consolidated, "consolidations_dropped": stream.consolidations_dropped,
               "replay_s": round(took, 1)}
        row["wer_delta_points"] = round((row["live_wer"] - row["offline_wer"]) * 100, 2)
        log(json.dumps(row))
        rows.append(row)

    words = sum(r["words"] for r in rows)

    def pooled(key: str) -> float:
        return round(sum(r[key] * r["words"] for r in rows) / words, 4)

    print(json.dumps({
        "model": tr.label, "files": rows, "words": words,
        "first_pass_wer": pooled("first_pass_wer"), "live_wer": pooled("live_wer"),
        "offline_wer": pooled("offline_wer"),
        "wer_delta_points": round((pooled("live_wer") - pooled("offline_wer")) * 100, 2),
    }))


if __name__ == "__main__":
    main()
