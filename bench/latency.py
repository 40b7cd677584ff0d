"""End-of-turn latency and accuracy of the live path, where the user meets it, on an idle and a busy machine.

`python bench/latency.py [FILE | --script S] [--cores N] [--load N] [--beam N] [--speakers off|on|both] [--repeat N] [--dump OUT.json]`

The file is replayed at real-time pace by the real program, `interviewer transcribe FILE --realtime
--format jsonl`, in a subprocess (the path a microphone takes: `FileSource` -> the live path, with its
start-up speed probe and its scheduling of optional work). Every line is stamped when it arrives on the
subprocess's stdout, from the `{"event": "start"}` line (the audio clock starts right after it): latency is
measured at the consumer, not at an internal callback.

One run measures the unloaded machine and then each condition asked for, side by side:
`--cores N` pins the program to N cores (taskset), `--load N` keeps N extra processes busy (a busy loop
each, like a video call) beside it on all the cores; each is its own run. `rtf_whole_file` is `bench/transcribe.py`'s
figure for this machine now (whole-file beam 5 on FILE, in this process): figures from different
machines compare through it.

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

The model is loaded before the clock starts. Prints one JSON object:
{"file","audio_s","turns","model","beam","rtf_whole_file","offline_wer","runs": [RUN, ...]} where each RUN is
{"condition","cores","load","latency_p50_s","latency_p95_s","latency_max_s","speech_end_latency_p50_s",
 "speech_end_latency_p95_s","speech_end_latency_max_s","turns_missed","tentative_max_gap_s",
 "display_max_gap_s" (the same gap counting a commit as an update too),"first_pass_wer","live_wer"
 (the text as first committed; the final text after revisions and the catch-up),"wer_delta_points" (live
 against offline),"load_states" (the `load` events' states in order),"catch_up_s" (wall time from the end
 of the audio to the last catch-up line, 0 without one),"live_wall_s"}; the unloaded run's fields are also
at the top level, as before. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import jiwer
import numpy as np
import soundfile as sf

from interviewer.audio.decode import SAMPLE_RATE
from interviewer.audio.stream_config import StreamConfig
from interviewer.audio.transcriber import Transcriber
from interviewer.core.transcript import Segment

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


def pinned(cmd: list[str], cores: list[int] | None) -> list[str]:
    """`cmd` run on `cores` only (taskset, util-linux), or as it is."""
    return ["taskset", "-c", ",".join(map(str, cores)), *cmd] if cores else cmd


def busy_loops(n: int, cores: list[int] | None) -> list[subprocess.Popen[bytes]]:
    """`n` processes each keeping a core busy (on `cores` if given), like a video call."""
    return [subprocess.Popen(pinned([sys.executable, "-c", "while True: pass"], cores)) for _ in range(n)]


def replay(file: Path, *, beam: int, cores: list[int] | None, load: int, speakers: bool = False) -> dict[str, Any]:
    """Run `interviewer transcribe FILE --realtime --format jsonl` (with `--speakers`: who said what, as a
    one-source live session); every stdout line with its arrival time (seconds since the start line), and the
    CPU time the program took (user + system, all its threads)."""
    import resource

    env = dict(os.environ, INTERVIEWER_DATA_DIR=tempfile.mkdtemp(prefix="latency-"))
    cmd = [sys.executable, "-m", "interviewer", "transcribe", str(file), "--realtime", "--format", "jsonl",
           "--beam", str(beam), *(["--speakers"] if speakers else [])]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    loops = busy_loops(load, cores)
    try:
        proc = subprocess.Popen(pinned(cmd, cores), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                text=True, bufsize=1)
        assert proc.stdout is not None
        lines: list[tuple[float, dict[str, Any]]] = []
        t0: float | None = None
        for raw in proc.stdout:
            now = time.monotonic()
            obj = json.loads(raw)
            if t0 is None and obj.get("event") == "start":
                t0 = now
            lines.append((now - (t0 or now), obj))
        proc.wait()  # reaped before the busy loops: their time is not counted
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        for p in loops:
            p.kill()
            p.wait()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"lines": lines, "cpu_s": cpu}


def measure(lines: list[tuple[float, dict[str, Any]]], turns: list[dict], ends: list[float], reference: str,
            audio_s: float) -> dict[str, Any]:
    commits: list[tuple[float, Segment]] = []
    tentatives: list[float] = []
    final: list[Segment] = []
    states: list[str] = []
    catch_up_end = 0.0
    labelled_at: dict[int, float] = {}  # line index -> seconds from its commit to its voice label
    for t, obj in lines:
        if obj.get("event") == "load":
            states.append(obj["state"])
        elif obj.get("event") == "catch-up":
            catch_up_end = t
        elif "text" in obj:
            seg = Segment(obj["start"], obj["end"], obj["text"], obj.get("speaker", ""))
            if not obj.get("final"):
                tentatives.append(t)
            elif obj.get("revised"):
                final[obj["index"]] = seg
                if "confidence" in obj and obj["index"] not in labelled_at:  # its voice label, first given
                    labelled_at[obj["index"]] = t - commits[obj["index"]][0]
            else:
                commits.append((t, seg))
                final.append(seg)
    last_commit: dict[int, float] = {}
    for t, seg in commits:
        i = assign(seg, turns)
        if i is not None:
            last_commit[i] = max(last_commit.get(i, t), t)
    latencies = [last_commit[i] - float(turn["end"]) for i, turn in enumerate(turns) if i in last_commit]
    speech_latencies = [last_commit[i] - ends[i] for i in range(len(turns)) if i in last_commit]
    for i, turn in enumerate(turns):
        got = f"{last_commit[i] - float(turn['end']):.2f} s" if i in last_commit else "no segment"
        log(f"turn {i:2d} {turn['speaker']:<12} ends {float(turn['end']):7.2f}: latency {got}")
    updates = sorted(tentatives + [t for t, _ in commits])
    display_gap = max_gap = 0.0
    for turn in turns:
        ts = [t for t in updates if float(turn["start"]) <= t <= float(turn["end"])]
        if len(ts) > 1:
            display_gap = max(display_gap, float(np.max(np.diff(ts))))
        ts = [t for t in tentatives if float(turn["start"]) <= t <= float(turn["end"])]
        if len(ts) > 1:
            max_gap = max(max_gap, float(np.max(np.diff(ts))))
    first_text = " ".join(s.text for _, s in sorted(commits, key=lambda c: c[1].start))
    live_text = " ".join(s.text for s in sorted(final, key=lambda s: s.start))
    return {
        "latency_p50_s": pct(latencies, 50), "latency_p95_s": pct(latencies, 95),
        "latency_max_s": round(max(latencies), 3) if latencies else None,
        "speech_end_latency_p50_s": pct(speech_latencies, 50), "speech_end_latency_p95_s": pct(speech_latencies, 95),
        "speech_end_latency_max_s": round(max(speech_latencies), 3) if speech_latencies else None,
        "turns_missed": len(turns) - len(latencies),
        "tentative_max_gap_s": round(max_gap, 3), "display_max_gap_s": round(display_gap, 3),
        "first_pass_wer": round(wer(reference, first_text), 4), "live_wer": round(wer(reference, live_text), 4),
        "load_states": states,
        "catch_up_s": round(max(0.0, catch_up_end - audio_s), 3) if catch_up_end else 0.0,
        "live_wall_s": round(lines[-1][0], 3) if lines else None,
        **({"label_delay_p50_s": round(float(np.percentile(list(labelled_at.values()), 50)), 3),
            "label_delay_max_s": round(max(labelled_at.values()), 3), "lines_labelled": len(labelled_at)}
           if labelled_at else {}),
    }


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
    ap.add_argument("--cores", type=int, default=None, help="also run pinned to this many cores")
    ap.add_argument("--load", type=int, default=None, help="also run with this many busy processes beside it")
    ap.add_argument("--no-unloaded", action="store_true", help="skip the unloaded run")
    ap.add_argument("--offline-beam", type=int, default=5, help="beam of the offline comparison (default 5)")
    ap.add_argument("--speakers", choices=["off", "on", "both"], default="off",
                    help="who said what during the replay (transcribe --speakers): off, on, or both, alternating "
                         "off/on within each condition")
    ap.add_argument("--repeat", type=int, default=1, help="run each condition (and --speakers setting) N times")
    ap.add_argument("--dump", type=Path, default=None, help="write every run's stdout lines (with times) here")
    args = ap.parse_args()
    if args.script is not None:
        args.file = synthesise(args.script)
    ref_path = args.reference or args.file.with_suffix(".json")
    turns = json.loads(ref_path.read_text(encoding="utf-8"))["turns"]
    reference = " ".join(str(t["text"]) for t in turns)
    audio_s = float(sf.info(str(args.file)).duration)
    ends = speech_ends(args.file, turns)

    log("whole-file transcription (the machine's RTF, and the offline WER)")
    tr = Transcriber()
    tr.transcribe_file(args.file, beam_size=args.offline_beam)  # warm-up
    t1 = time.monotonic()
    offline = tr.transcribe_file(args.file, beam_size=args.offline_beam)
    rtf = (time.monotonic() - t1) / audio_s
    offline_wer = wer(reference, " ".join(s.text for s in offline.segments))
    del tr

    allowed = sorted(os.sched_getaffinity(0))
    conditions: list[tuple[str, list[int] | None, int]] = []
    if not args.no_unloaded:
        conditions.append(("unloaded", None, 0))
    if args.cores:
        conditions.append((f"cores={args.cores}", allowed[:args.cores], 0))
    if args.load:  # on all the cores: N of them kept busy by others, like a video call
        conditions.append((f"load={args.load}", None, args.load))
    runs: list[dict[str, Any]] = []
    dumps: dict[str, Any] = {}
    modes = {"off": [False], "on": [True], "both": [False, True]}[args.speakers]
    plan = [(name, cores, load, spk) for name, cores, load in conditions for _ in range(args.repeat) for spk in modes]
    for i, (name, cores, load, spk) in enumerate(plan):
        label = f"{name}, speakers {'on' if spk else 'off'}" if args.speakers != "off" else name
        log(f"replaying {args.file.name} ({audio_s:.1f} s) in real time: {label} (load average {os.getloadavg()[0]:.2f})")
        loadavg = os.getloadavg()[0]
        result = replay(args.file, beam=args.beam, cores=cores, load=load, speakers=spk)
        lines = result["lines"]
        dumps[f"{label} #{i}"] = [{"t": round(t, 3), **obj} for t, obj in lines]
        spk_event = next((obj for _, obj in lines if obj.get("event") == "speakers"), None)
        run = {"condition": name, "cores": len(cores) if cores else len(allowed), "load": load,
               **measure(lines, turns, ends, reference, audio_s)}
        run.update({"speakers": spk, "load_average_1m": round(loadavg, 2), "cpu_s": round(result["cpu_s"], 2),
                    "cpu_core_pct": round(100 * result["cpu_s"] / audio_s, 1)})
        if spk_event is not None:
            run.update({"attribution_cpu_s": spk_event["cpu_s"],
                        "attribution_core_pct": round(100 * spk_event["cpu_s"] / audio_s, 2),
                        "attribution_rule": spk_event["rule"]})
        run["wer_delta_points"] = round((run["live_wer"] - offline_wer) * 100, 2)
        runs.append(run)
        log(json.dumps(run))
    if args.dump:
        args.dump.parent.mkdir(parents=True, exist_ok=True)
        args.dump.write_text(json.dumps(dumps, indent=1), encoding="utf-8")
    top = {k: v for k, v in runs[0].items() if k not in ("condition", "cores", "load")} if runs else {}
    print(json.dumps({"file": str(args.file), "audio_s": round(audio_s, 3), "turns": len(turns), "model": offline.model,
                      "beam": args.beam, "rtf_whole_file": round(rtf, 4), "offline_wer": round(offline_wer, 4),
                      **top, "runs": runs}))


if __name__ == "__main__":
    main()
