"""Crash safety of live recording under `kill -9`: `python bench/kill.py [--trials 20]`.

Each trial, in a fresh data dir D:

1. start `python -m interviewer record --source file:AUDIO --candidate K --consent verbal --data-dir D`
   (the demo interview replayed in real time), wait for its `{"event":"start"}` line and note the wall time;
2. read the committed-segment lines it prints (each has the segment's database "id");
3. SIGKILL it at a random moment 3-60 s (`--min-s`, `--max-s`) after the start line;
4. run `python -m interviewer recover --data-dir D`;
5. check: the session's WAV in D/audio/ (soundfile.info) holds >= (kill time - start time - 1 s) of
   audio; every segment line printed before the kill has its id in the `segments` table;
   `PRAGMA integrity_check` is "ok"; the session's status is "recovered".

`audio_lost_s` of a trial is (kill time - start time) - recovered seconds, floored at 0 (the start line
comes just after the audio clock starts, so a trial can keep slightly more than the wall time says).
Each trial also notes whether the WAV was readable before recovery touched it (`wav_ok_before_recover`).

Prints one JSON object: {"trials","audio_lost_s_max","audio_lost_s_mean","segments_lost","integrity_ok",
"all_recovered","failures":[...]} (+ "segments_printed", "wav_ok_before_recover", "seed", "wall_s").
A trial takes its kill delay plus two model loads (~36 s on average with the defaults on a 2-core
machine), so the default 20 trials take ~12 minutes; `--trials 3` is a quick check (~2 minutes). Per-trial details go to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "resources" / "demo" / "interview.flac"
SAMPLE_RATE = 16000


def log(msg: str) -> None:
    print(f"[kill] {msg}", file=sys.stderr, flush=True)


class LineReader(threading.Thread):
    """Reads the record process's stdout, stamping each JSON line with the time it arrived."""

    def __init__(self, stream: Any) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.lines: list[tuple[float, dict[str, Any]]] = []
        self.other: list[str] = []
        self.started = threading.Event()
        self.start_wall: float | None = None
        self.session: str | None = None

    def run(self) -> None:
        for raw in self.stream:
            now = time.monotonic()
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError:
                self.other.append(raw.rstrip())
                continue
            self.lines.append((now, obj))
            if obj.get("event") == "start" and self.start_wall is None:
                self.start_wall = now
                self.session = obj.get("session")
                self.started.set()


def wav_seconds(path: Path) -> float | None:
    try:
        return sf.info(str(path)).frames / SAMPLE_RATE
    except Exception:
        return None


def trial(i: int, args: argparse.Namespace, root: Path, rng: random.Random) -> dict[str, Any]:
    data = root / f"trial-{i:02d}"
    data.mkdir()
    result: dict[str, Any] = {"trial": i, "problems": []}
    problems: list[str] = result["problems"]
    cmd = [sys.executable, "-m", "interviewer", "record", "--source", f"file:{args.audio}",
           "--candidate", "K", "--consent", "verbal", "--data-dir", str(data)]
    env = {k: v for k, v in os.environ.items() if k != "INTERVIEWER_DATA_DIR"}
    with (data.parent / f"trial-{i:02d}.record.stderr").open("w") as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=err, text=True, env=env)
        reader = LineReader(proc.stdout)
        reader.start()
        try:
            if not reader.started.wait(args.start_timeout):
                problems.append(f"no start line within {args.start_timeout:g} s (exit {proc.poll()})")
                return result
            assert reader.start_wall is not None
            delay = rng.uniform(args.min_s, args.max_s)
            result["kill_after_s"] = round(delay, 3)
            while time.monotonic() < reader.start_wall + delay and proc.poll() is None:
                time.sleep(min(0.01, max(0.0, reader.start_wall + delay - time.monotonic())))
            if proc.poll() is not None:
                problems.append(f"record exited by itself with status {proc.returncode} before the kill")
                return result
            kill_wall = time.monotonic()
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            if proc.poll() is None and reader.start_wall is None:
                proc.kill()
            proc.wait()
            reader.join(10)
    elapsed = kill_wall - reader.start_wall
    # Everything in the pipe was written before the process died: all of it counts as printed.
    printed = [obj["id"] for _, obj in reader.lines if "id" in obj]
    result["elapsed_s"] = round(elapsed, 3)
    result["segments_printed"] = len(printed)
    sid = reader.session
    if not sid:
        problems.append("the start line had no session id")
        return result
    wav = data / "audio" / f"{sid}.wav"
    result["wav_ok_before_recover"] = wav_seconds(wav) is not None

    rec = subprocess.run([sys.executable, "-m", "interviewer", "recover", "--data-dir", str(data)], cwd=ROOT,
                         capture_output=True, text=True, env=env, timeout=args.recover_timeout, check=False)
    result["recover_output"] = (rec.stdout.strip() + " " + rec.stderr.strip()).strip()[-300:]
    if rec.returncode != 0:
        problems.append(f"recover exited with status {rec.returncode}: {rec.stderr.strip()[-200:]}")

    got = wav_seconds(wav)
    if got is None:
        problems.append(f"{wav.name} is missing or unreadable after recovery")
        got = 0.0
    result["recovered_s"] = round(got, 3)
    result["audio_lost_s"] = round(elapsed - got, 3)
    if got < elapsed - 1.0:
        problems.append(f"only {got:.2f} s of audio recovered after {elapsed:.2f} s of recording")

    db = sqlite3.connect(f"file:{data / 'interviewer.sqlite3'}?mode=ro", uri=True)
    try:
        result["integrity"] = str(db.execute("PRAGMA integrity_check").fetchone()[0])
        row = db.execute("SELECT status FROM sessions WHERE id = ?", [sid]).fetchone()
        result["status"] = row[0] if row else None
        ids = {r[0] for r in db.execute("SELECT id FROM segments WHERE session_id = ?", [sid])}
    finally:
        db.close()
    missing = [x for x in printed if x not in ids]
    result["segments_lost"] = len(missing)
    result["segments_in_db"] = len(ids)
    if result["integrity"] != "ok":
        problems.append(f"integrity_check: {result['integrity']}")
    if result["status"] != "recovered":
        problems.append(f"session status is {result['status']!r}, not 'recovered'")
    if missing:
        problems.append(f"{len(missing)} printed segment(s) missing from the database: {missing[:3]}")
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--audio", type=Path, default=DEMO, help="file replayed by `record` (default: demo)")
    ap.add_argument("--min-s", type=float, default=3.0, help="earliest kill, s after the start line")
    ap.add_argument("--max-s", type=float, default=60.0, help="latest kill, s after the start line")
    ap.add_argument("--seed", type=int, default=None, help="random seed (default: random, reported)")
    ap.add_argument("--start-timeout", type=float, default=120.0)
    ap.add_argument("--recover-timeout", type=float, default=300.0)
    ap.add_argument("--keep", action="store_true", help="keep the data dirs (path on stderr)")
    args = ap.parse_args()
    args.audio = args.audio.resolve()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)
    rng = random.Random(seed)

    root = Path(tempfile.mkdtemp(prefix="interviewer-kill-"))
    t0 = time.monotonic()
    results = []
    try:
        for i in range(args.trials):
            try:
                r = trial(i, args, root, rng)
            except Exception as exc:
                r = {"trial": i, "problems": [f"bench error: {exc!r}"]}
            results.append(r)
            log(json.dumps(r, ensure_ascii=False))
    finally:
        if args.keep:
            log(f"data dirs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)

    lost = [max(0.0, r["audio_lost_s"]) for r in results if "audio_lost_s" in r]
    failures = [f"trial {r['trial']}" + (f" (killed at {r['kill_after_s']:.1f} s)" if "kill_after_s" in r else "")
                + ": " + p for r in results for p in r["problems"]]
    print(json.dumps({
        "trials": len(results),
        "audio_lost_s_max": round(max(lost), 3) if lost else None,
        "audio_lost_s_mean": round(sum(lost) / len(lost), 3) if lost else None,
        "segments_lost": sum(r.get("segments_lost", 0) for r in results),
        "integrity_ok": all(r.get("integrity") == "ok" for r in results),
        "all_recovered": all(r.get("status") == "recovered" for r in results),
        "failures": failures,
        "segments_printed": sum(r.get("segments_printed", 0) for r in results),
        "wav_ok_before_recover": all(r.get("wav_ok_before_recover", False) for r in results),
        "seed": seed,
        "wall_s": round(time.monotonic() - t0, 1),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
