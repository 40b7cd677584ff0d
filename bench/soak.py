"""Long-run soak of a full LiveSession: `python bench/soak.py [--minutes 60] [--speed S]`.

Builds (in a temp dir) a long 16 kHz mono 16-bit WAV by repeating the demo interview with silence gaps
up to `--minutes`, then runs the real thing on it: a `LiveSession` with a real `Store` in a temp data
dir, the real `Transcriber` (bundled model) and a `FileSource` replaying the WAV `--speed` times faster
than real time. Every `--sample-every` seconds of audio (recorder clock) it samples the process RSS
(/proc/self/status VmRSS; elsewhere the peak RSS from `resource.getrusage`) and `session.backlog_s`
(audio fed to the transcriber but not yet judged by its VAD); once the source has ended, while the
transcriber drains, it keeps sampling once a wall second (these count in `rss_mb_max`/`backlog_max_s`).

What should hold: memory flat after warm-up (`rss_growth_after_5min_mb` near 0), the recorder keeps
every sample (`file_complete`: the session's WAV has exactly as many frames as the input), and the
backlog stays bounded. At a speed the machine cannot sustain the transcriber falls behind; the backlog
then grows with the length of the run, which `backlog_end_s` (backlog when the source ended) and
`drain_s` (wall time from the source's end until the session stopped) show. The default speed, 3x, is
what a 2-core machine sustains with tiny.en and beam 1: there a 40-minute run at 3x kept the backlog
under 40 s, while at 8x the transcriber managed only ~3.1-3.5x and the backlog grew all run long
(~730 s after 20 minutes). Rough wall time: minutes * 60 / speed, plus the drain; `--minutes 10` takes
about 3.5 minutes, the default 60 minutes about 20.

Prints one JSON object: {"audio_minutes","speed","wall_s","rss_mb_start","rss_mb_at_5min","rss_mb_end",
"rss_growth_after_5min_mb","backlog_max_s","backlog_end_s","samples_expected","samples_in_file",
"file_complete","segments"} (+ "rss_mb_max","rss_source","drain_s","status","beam","model","errors").
`wall_s` runs from the session's start until it stopped (drain included). Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from interviewer.audio.decode import SAMPLE_RATE, decode_file
from interviewer.audio.sources import FileSource
from interviewer.audio.stream_config import StreamConfig
from interviewer.audio.transcriber import Transcriber
from interviewer.core.config import DataDir
from interviewer.live.session import Listener, LiveSession, SessionSpec, Track
from interviewer.notes.store.database import Store

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "resources" / "demo" / "interview.flac"
DEFAULT_SPEED = 3.0


def log(msg: str) -> None:
    print(f"[soak] {msg}", file=sys.stderr, flush=True)


def rss_mb() -> tuple[float, str]:
    """Current resident set size in MB, or the peak where /proc is missing."""
    try:
        with Path("/proc/self/status").open(encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024, "VmRSS"
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024), "ru_maxrss"


def build_recording(out: Path, minutes: float, gap_s: float, source: Path) -> int:
    """Repeat `source` with `gap_s` of silence between copies up to `minutes`; return the frame count."""
    clip = decode_file(source).samples
    gap = np.zeros(int(gap_s * SAMPLE_RATE), dtype=np.float32)
    total = int(minutes * 60 * SAMPLE_RATE)
    written = 0
    with sf.SoundFile(str(out), "w", samplerate=SAMPLE_RATE, channels=1, subtype="PCM_16") as f:
        while written < total:
            for part in (clip, gap):
                take = part[: total - written]
                f.write(take)
                written += len(take)
                if written >= total:
                    break
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0, help="length of the recording (default 60)")
    ap.add_argument("--speed", type=float, default=DEFAULT_SPEED,
                    help=f"replay speed, x real time (default {DEFAULT_SPEED:g}: what a 2-core machine "
                         "sustains with the default beam)")
    ap.add_argument("--beam", type=int, default=StreamConfig().beam_size,
                    help=f"live beam size (default {StreamConfig().beam_size}, the StreamConfig default)")
    ap.add_argument("--gap", type=float, default=5.0, help="silence between copies of the interview, s")
    ap.add_argument("--sample-every", type=float, default=5.0, help="sample every this many audio seconds")
    ap.add_argument("--source", type=Path, default=DEMO, help="the clip to repeat (default: demo interview)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir (its path goes to stderr)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="interviewer-soak-"))
    try:
        run(args, tmp)
    finally:
        if args.keep:
            log(f"temp dir kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, tmp: Path) -> None:
    wav = tmp / "long.wav"
    expected = build_recording(wav, args.minutes, args.gap, args.source)
    log(f"built {wav.name}: {expected / SAMPLE_RATE / 60:.1f} min")

    data_dir = DataDir(tmp / "data").ensure()
    store = Store(data_dir.db_path)
    tr = Transcriber()
    track = Track(FileSource(wav, speed=args.speed), speaker="mix")
    stopped = threading.Event()
    errors: list[str] = []
    count = [0]

    def on_segment(seg_id: str, seg: object) -> None:
        count[0] += 1

    listener = Listener(segment=on_segment, stopped=lambda reason: stopped.set(), error=errors.append)
    session = LiveSession(store=store, data_dir=data_dir, transcriber=tr, tracks=[track],
                          spec=SessionSpec(candidate="Soak", consent="verbal", evaluator="bench"),
                          listener=listener, config=StreamConfig(beam_size=args.beam),
                          free_bytes=lambda p: 10**12)

    rss_start, rss_source = rss_mb()
    samples: list[tuple[float, float, float, float]] = []  # audio_s, wall_s, rss_mb, backlog_s
    t0 = time.monotonic()
    sid = session.start()
    log(f"session {sid[:8]} started; speed {args.speed:g}x, beam {args.beam}, RSS {rss_start:.0f} MB")
    next_sample = 0.0
    next_report = 60.0
    backlog_end = None
    source_end_wall = None
    next_drain_sample = 0.0
    while not stopped.wait(0.05):
        audio_s = session.elapsed_s
        if track.ended.is_set() and backlog_end is None:
            source_end_wall = time.monotonic() - t0
            backlog_end = session.backlog_s
            next_drain_sample = source_end_wall + 1.0
            log(f"source ended at {source_end_wall:.1f} s wall; backlog {backlog_end:.1f} s; draining")
        if backlog_end is None and audio_s >= next_sample:
            samples.append((audio_s, time.monotonic() - t0, rss_mb()[0], session.backlog_s))
            next_sample += args.sample_every
        elif backlog_end is not None and time.monotonic() - t0 >= next_drain_sample:
            # draining: the audio clock has stopped, so sample once a wall second
            samples.append((audio_s, time.monotonic() - t0, rss_mb()[0], session.backlog_s))
            next_drain_sample += 1.0
            if len(samples) % 30 == 0:
                log(f"draining: wall {samples[-1][1]:6.1f} s  RSS {samples[-1][2]:6.1f} MB  "
                    f"backlog {samples[-1][3]:6.1f} s  segments {count[0]}")
        if backlog_end is None and audio_s >= next_report:
            a, w, r, b = samples[-1]
            log(f"audio {a / 60:5.1f} min  wall {w:6.1f} s  RSS {r:6.1f} MB  backlog {b:6.1f} s  "
                f"segments {count[0]}")
            next_report += 60.0
    wall = time.monotonic() - t0
    if backlog_end is None:  # stopped before the poll saw the end (cannot normally happen)
        backlog_end = session.backlog_s
        source_end_wall = wall
    rss_end = rss_mb()[0]
    stream_error = track.stream.error if track.stream else None
    if stream_error is not None:
        errors.append(f"transcriber: {stream_error!r}")
    if track.error is not None:
        errors.append(f"track: {track.error!r}")
    row = store.session(sid)
    segments = len(store.segment_rows(sid))
    rec = data_dir.root / row["audio_path"]
    in_file = sf.info(str(rec)).frames
    store.close()

    end_wall = source_end_wall if source_end_wall is not None else wall
    at5 = next((s[2] for s in samples if s[0] >= 300.0 and s[1] <= end_wall), None)
    print(json.dumps({
        "audio_minutes": round(expected / SAMPLE_RATE / 60, 3),
        "speed": args.speed,
        "wall_s": round(wall, 1),
        "rss_mb_start": round(rss_start, 1),
        "rss_mb_at_5min": round(at5, 1) if at5 is not None else None,
        "rss_mb_end": round(rss_end, 1),
        "rss_growth_after_5min_mb": round(rss_end - at5, 1) if at5 is not None else None,
        "backlog_max_s": round(max([s[3] for s in samples] + [backlog_end]), 2),
        "backlog_end_s": round(backlog_end, 2),
        "samples_expected": expected,
        "samples_in_file": in_file,
        "file_complete": in_file == expected,
        "segments": segments,
        "rss_mb_max": round(max([s[2] for s in samples] + [rss_end]), 1),
        "rss_source": rss_source,
        "drain_s": round(wall - (source_end_wall or wall), 1),
        "status": row["status"],
        "beam": args.beam,
        "model": tr.label,
        "errors": errors,
    }))


if __name__ == "__main__":
    main()
