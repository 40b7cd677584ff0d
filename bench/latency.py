"""End-of-turn latency and accuracy of the live path: `python bench/latency.py [FILE] [--beam N]`.

The file is replayed at real-time pace through `FileSource` -> `StreamingTranscriber` (the path a
microphone takes, default `StreamConfig` except the beam). The audio clock starts when the source starts;
every committed segment and every tentative update is stamped with the wall-clock time since then.

Measured against the reference turns in FILE.json (`{"turns": [{"speaker","text","start","end"}]}`):

* end-of-turn latency: each committed segment is assigned to the reference turn whose [start, end] it
  overlaps most; a turn's latency is (wall time its last assigned segment was committed) - (turn end on
  the audio clock). It is how long after someone stops talking their words are final on screen.
  Turns that got no segment at all are counted in `turns_missed`.
  Note: synthesized references (shared `synth-interview`, espeak-ng) put a turn's `end` after espeak's
  trailing silence, ~0.35 s after the last audible sound. So the same latencies are also reported from
  the acoustic end of speech (last 10 ms window of the turn above max(-40 dBFS, 5% of its peak RMS)),
  as `speech_end_latency_*`: that is what a listener perceives.
* live WER: the final committed text (after the second pass revised it, see `StreamConfig.revise_beam`)
  against the reference text; `first_pass_wer` is the text as first committed (what latency measures);
  offline WER: faster-whisper on the whole
  file with the same model and beam 5 (`Transcriber.transcribe_file`), run after the replay in the same
  process. Both normalised the same way: lowercase, thousands separators removed ("1,800" -> "1800"),
  "%" -> " percent", punctuation stripped.
* tentative_max_gap_s: the longest gap between consecutive tentative updates whose wall time falls
  inside a reference turn (how long the preview can sit still while someone talks).

The model and the VAD are loaded before the clock starts. Prints one JSON object:
{"file","audio_s","turns","latency_p50_s","latency_p95_s","latency_max_s","live_wer","offline_wer",
 "wer_delta_points","tentative_max_gap_s","beam","model"} (+ "display_max_gap_s": the same gap counting a
commit as an update too, "turns_missed", "live_wall_s",
"offline_wall_s", "first_tentative_max_s", "speech_end_latency_p50_s", "speech_end_latency_p95_s",
"speech_end_latency_max_s", "first_pass_wer", "first_pass_wer_delta_points", "revise_beam", "revisions",
"revisions_run", "revisions_dropped", "consolidated", "consolidations_dropped", "consolidate_decode_max_s",
"revise_lag_p50_s", "revise_lag_max_s", "revise_decode_max_s" (the longest second-pass decode;
"consolidated" counts segments whose text consolidation changed); a revision's lag is the wall
time from a segment's commit to its revision). Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jiwer
import numpy as np
import soundfile as sf

from interviewer.audio.decode import SAMPLE_RATE
from interviewer.audio.sources import FileSource
from interviewer.audio.streaming import StreamConfig, StreamingTranscriber
from interviewer.audio.transcriber import Transcriber
from interviewer.transcript import Segment

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT / "resources" / "demo" / "interview.flac"


def log(msg: str) -> None:
    print(f"[latency] {msg}", file=sys.stderr, flush=True)


def normalise(text: str) -> str:
    t = text.lower()
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", t)  # 1,800 -> 1800 (repeatedly: 1,000,000)
    t = t.replace("%", " percent")
    t = t.replace("'", "").replace("\u2019", "")  # don't -> dont on both sides
    t = re.sub(r"[^\w\s]", " ", t)
    return " ".join(t.split())


def wer(reference: str, hypothesis: str) -> float:
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return float(jiwer.wer(ref, hyp or "<empty>"))


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def assign(seg: Segment, turns: list[dict]) -> int | None:
    best, best_ov = None, 0.0
    for i, t in enumerate(turns):
        ov = overlap(seg.start, seg.end, float(t["start"]), float(t["end"]))
        if ov > best_ov:
            best, best_ov = i, ov
    return best


def speech_ends(path: Path, turns: list[dict]) -> list[float]:
    """The acoustic end of each turn: the end of its last loud 10 ms window (see the docstring)."""
    from interviewer.audio.decode import decode_file

    audio = decode_file(path).samples
    win = SAMPLE_RATE // 100
    out = []
    for t in turns:
        a, b = int(float(t["start"]) * SAMPLE_RATE), int(float(t["end"]) * SAMPLE_RATE)
        chunk = audio[a:b][: (b - a) // win * win].reshape(-1, win)
        if not len(chunk):
            out.append(float(t["end"]))
            continue
        rms = np.sqrt(np.mean(np.square(chunk, dtype=np.float64), axis=1))
        loud = np.nonzero(rms > max(0.01, 0.05 * float(rms.max())))[0]
        out.append((a + (int(loud[-1]) + 1) * win) / SAMPLE_RATE if len(loud) else float(t["end"]))
    return out


def trace(tr: Transcriber, decodes: list[dict], origin: Callable[[], float]) -> None:
    """Record every decode of `tr` (thread, kind, audio span, wall times) in `decodes`."""
    inner = tr.transcribe_array

    def traced(audio: Any, **kw: Any) -> list[Segment]:
        t = time.monotonic() - origin()
        out = inner(audio, **kw)
        kind = "preview" if not kw.get("word_timestamps", True) else \
            "second pass" if (kw.get("beam_size") or 0) > 1 else "commit"
        decodes.append({"thread": threading.current_thread().name, "kind": kind,
                        "audio_start": round(kw.get("offset", 0.0), 2), "audio_s": round(len(audio) / SAMPLE_RATE, 2),
                        "wall_start": round(t, 3), "wall_end": round(time.monotonic() - origin(), 3)})
        return out

    tr.transcribe_array = traced  # type: ignore[method-assign]


def synthesise(script: Path) -> Path:
    """The WAV (and reference JSON) `synth-interview` makes of `script`, made once into out/bench/."""
    out = ROOT / "out" / "bench" / script.stem
    wav = out.with_suffix(".wav")
    if wav.exists() and wav.stat().st_mtime >= script.stat().st_mtime:
        return wav
    tool = Path(os.environ.get("SYNTH_INTERVIEW", ROOT.parent / "shared" / "tools" / "synth-interview"))
    if not tool.exists():
        raise SystemExit(f"{tool}: synth-interview not found (set SYNTH_INTERVIEW to its path)")
    out.parent.mkdir(parents=True, exist_ok=True)
    log(f"synthesising {script} into {wav}")
    subprocess.run([sys.executable, str(tool), str(script), str(out)], check=True, stdout=subprocess.DEVNULL)
    return wav


def pct(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 3) if values else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE,
                    help="audio file with a reference FILE.json next to it (default: the demo interview)")
    ap.add_argument("--reference", type=Path, default=None, help="reference JSON (default: FILE with .json)")
    ap.add_argument("--script", type=Path, default=None,
                    help="an interview script (e.g. bench/interviews/long.txt) to synthesise with synth-interview "
                         "(espeak-ng, sox) into out/bench/ and replay instead of FILE")
    ap.add_argument("--beam", type=int, default=StreamConfig().beam_size,
                    help=f"live beam size (default {StreamConfig().beam_size}, the StreamConfig default)")
    ap.add_argument("--revise-beam", type=int, default=StreamConfig().revise_beam or 0,
                    help="beam of the live second pass (default: the StreamConfig default; 0 turns it off)")
    ap.add_argument("--offline-beam", type=int, default=5, help="beam of the offline comparison (default 5)")
    ap.add_argument("--no-offline", action="store_true", help="skip the offline transcription")
    ap.add_argument("--speakers", action="store_true",
                    help="also label each committed line interviewer/candidate live (LiveAttributor, blind) and "
                         "report its CPU cost and the share of words attributed right (issue 17)")
    ap.add_argument("--dump", type=Path, default=None,
                    help="write every commit, preview, revision and decode (with wall times) to this JSON file")
    args = ap.parse_args()
    if args.script is not None:
        args.file = synthesise(args.script)

    ref_path = args.reference or args.file.with_suffix(".json")
    turns = json.loads(ref_path.read_text(encoding="utf-8"))["turns"]
    audio_s = float(sf.info(str(args.file)).duration)

    log("loading the model")
    tr = Transcriber()
    decodes: list[dict] = []
    t0 = 0.0
    trace(tr, decodes, lambda: t0)
    trace(tr.second_pass(), decodes, lambda: t0)
    trace(tr.sibling("previews"), decodes, lambda: t0)
    commits: list[tuple[float, Segment]] = []
    tentatives: list[tuple[float, str, float, float]] = []

    def on_commit(seg: Segment) -> None:
        t = time.monotonic() - t0
        commits.append((t, seg))
        log(f"{t:7.2f}s commit [{seg.start:6.2f}-{seg.end:6.2f}] {seg.text}")
        if attributor is not None:
            attributor.add(len(commits) - 1, seg)

    def on_tentative(text: str, start: float, end: float) -> None:
        tentatives.append((time.monotonic() - t0, text, start, end))
        log(f"{tentatives[-1][0]:8.2f}s preview [{start:6.2f}-{end:6.2f}] {text[-50:]}")

    revisions: list[tuple[float, int, Segment]] = []
    fed: list[np.ndarray] = []
    labels: dict[int, str] = {}
    attributor: Any = None
    if args.speakers:
        from interviewer.audio.speakers import LiveAttributor
        from interviewer.audio.voices import encoder

        def read(start: int, count: int) -> np.ndarray:
            return np.concatenate(fed)[start:start + count]

        attributor = LiveAttributor(read, lambda key, seg: labels.__setitem__(key, seg.speaker), enc=encoder())

    def on_revise(index: int, seg: Segment) -> None:
        t = time.monotonic() - t0
        revisions.append((t, index, seg))
        log(f"{t:7.2f}s revise #{index} [{seg.start:6.2f}-{seg.end:6.2f}] {seg.text}")

    stream = StreamingTranscriber(tr, speaker="mix", on_commit=on_commit, on_tentative=on_tentative,
                                  on_revise=on_revise,
                                  config=StreamConfig(beam_size=args.beam, revise_beam=args.revise_beam or None))
    source = FileSource(args.file)
    done = threading.Event()
    errors: list[Exception] = []

    def on_end(error: Exception | None) -> None:
        if error:
            errors.append(error)
        done.set()

    log(f"replaying {args.file.name} ({audio_s:.1f} s) in real time, beam {args.beam}")
    def feed(block: np.ndarray) -> None:
        fed.append(block)
        stream.feed(block)

    t0 = time.monotonic()
    source.start(feed, on_end)
    done.wait()
    source.stop()
    stream.finish()
    live_wall = time.monotonic() - t0
    speakers: dict[str, Any] = {}
    if attributor is not None:
        attributor.finish()
        right = total = 0
        for i, (_, seg) in enumerate(commits):
            for w in seg.words:
                j = assign(Segment(w.start, w.end, w.word), turns)
                if j is not None:
                    right += labels.get(i) == turns[j]["speaker"]
                    total += 1
        speakers = {"speakers_cpu_s": round(attributor.cpu_s, 3),
                    "speakers_core_pct": round(100 * attributor.cpu_s / audio_s, 2),
                    "speakers_words_right": round(right / total, 4) if total else None,
                    "speakers_rule": attributor.rule}
    if errors or stream.error:
        raise SystemExit(f"replay failed: {errors[0] if errors else stream.error!r}")

    # ---- end-of-turn latency
    last_commit: dict[int, float] = {}
    for t, seg in commits:
        i = assign(seg, turns)
        if i is not None:
            last_commit[i] = max(last_commit.get(i, t), t)
    latencies = [last_commit[i] - float(turn["end"]) for i, turn in enumerate(turns) if i in last_commit]
    ends = speech_ends(args.file, turns)
    speech_latencies = [last_commit[i] - ends[i] for i in range(len(turns)) if i in last_commit]
    for i, turn in enumerate(turns):
        got = (f"{last_commit[i] - float(turn['end']):.2f} s (from speech end {ends[i]:.2f}: "
               f"{last_commit[i] - ends[i]:.2f} s)") if i in last_commit else "no segment"
        log(f"turn {i:2d} {turn['speaker']:<12} ends {float(turn['end']):7.2f}: latency {got}")

    # ---- tentative update gaps while a turn is in progress
    max_gap = 0.0
    first_tentative = 0.0
    # What the evaluator sees change: a preview, or the utterance's committed text replacing it.
    updates = sorted([t for t, *_ in tentatives] + [t for t, _ in commits])
    display_gap = 0.0
    for turn in turns:
        ts = [t for t in updates if float(turn["start"]) <= t <= float(turn["end"])]
        if len(ts) > 1:
            k = int(np.argmax(np.diff(ts)))
            if ts[k + 1] - ts[k] > display_gap:
                display_gap = ts[k + 1] - ts[k]
                log(f"longest display gap so far: {display_gap:.2f} s, {ts[k]:.2f}-{ts[k + 1]:.2f}")
                for d in decodes:
                    if d["wall_end"] > ts[k] and d["wall_start"] < ts[k + 1]:
                        log(f"  during it: {d}")
    for turn in turns:
        ts = sorted(t for t, *_ in tentatives if float(turn["start"]) <= t <= float(turn["end"]))
        gaps = np.diff(ts) if len(ts) > 1 else []
        if len(gaps):
            max_gap = max(max_gap, float(np.max(gaps)))
        if ts:
            first_tentative = max(first_tentative, ts[0] - float(turn["start"]))

    # ---- accuracy
    reference = " ".join(str(t["text"]) for t in turns)
    first_text = " ".join(s.text for _, s in sorted(commits, key=lambda c: c[1].start))
    first_wer = wer(reference, first_text)
    final = [s for _, s in commits]
    for _, i, seg in revisions:
        final[i] = seg
    live_text = " ".join(s.text for s in sorted(final, key=lambda s: s.start))
    live_wer = wer(reference, live_text)
    lags = [t - commits[i][0] for t, i, _ in revisions]
    offline_wer = None
    offline_wall = None
    if not args.no_offline:
        log(f"offline transcription, beam {args.offline_beam}")
        t1 = time.monotonic()
        result = tr.transcribe_file(args.file, beam_size=args.offline_beam)
        offline_wall = time.monotonic() - t1
        offline_wer = wer(reference, " ".join(s.text for s in result.segments))

    if args.dump:
        args.dump.parent.mkdir(parents=True, exist_ok=True)
        args.dump.write_text(json.dumps({
            "commits": [{"wall": t, **seg.to_dict()} for t, seg in commits],
            "previews": [{"wall": t, "text": x, "start": a, "end": b} for t, x, a, b in tentatives],
            "revisions": [{"wall": t, "index": i, **seg.to_dict()} for t, i, seg in revisions],
            "decodes": decodes,
            "offline": [seg.to_dict() for seg in result.segments] if not args.no_offline else None,
        }, indent=1), encoding="utf-8")
    print(json.dumps({
        "file": str(args.file),
        "audio_s": round(audio_s, 3),
        "turns": len(turns),
        "latency_p50_s": pct(latencies, 50),
        "latency_p95_s": pct(latencies, 95),
        "latency_max_s": round(max(latencies), 3) if latencies else None,
        "live_wer": round(live_wer, 4),
        "offline_wer": round(offline_wer, 4) if offline_wer is not None else None,
        "wer_delta_points": round((live_wer - offline_wer) * 100, 2) if offline_wer is not None else None,
        "tentative_max_gap_s": round(max_gap, 3),
        "display_max_gap_s": round(display_gap, 3),
        "beam": args.beam,
        "model": tr.label,
        "turns_missed": len(turns) - len(latencies),
        "first_tentative_max_s": round(first_tentative, 3),
        "speech_end_latency_p50_s": pct(speech_latencies, 50),
        "speech_end_latency_p95_s": pct(speech_latencies, 95),
        "speech_end_latency_max_s": round(max(speech_latencies), 3) if speech_latencies else None,
        "live_wall_s": round(live_wall, 3),
        "offline_wall_s": round(offline_wall, 3) if offline_wall is not None else None,
        "first_pass_wer": round(first_wer, 4),
        "first_pass_wer_delta_points": round((first_wer - offline_wer) * 100, 2) if offline_wer is not None
        else None,
        "revise_beam": args.revise_beam or None,
        "revisions": len(revisions),
        "revisions_run": stream.revisions_run,
        "revisions_dropped": stream.revisions_dropped,
        "consolidated": stream.consolidated,
        "consolidations_dropped": stream.consolidations_dropped,
        "consolidate_decode_max_s": round(stream.consolidate_decode_max_s, 3),
        "revise_lag_p50_s": pct(lags, 50),
        "revise_lag_max_s": round(max(lags), 3) if lags else None,
        "revise_decode_max_s": round(stream.revise_decode_max_s, 3),
        **speakers,
    }))


if __name__ == "__main__":
    main()
