"""Peak memory of the whole-file commands on a long recording: `python bench/memory.py [--hours 3]`.

Writes a long FLAC into a temporary directory (silence, with the JFK clip spoken every `--every` seconds), then
runs the real program on it in a subprocess per command - `transcribe`, `import-audio`, then `refine` of the
session just imported - and prints one JSON object per command: {"audio_s", "peak_rss_mb", "command"}
(the subprocess's ru_maxrss). Nothing is written outside the temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
SPEECH = ROOT / "tests" / "fixtures" / "audio" / "jfk.flac"
RATE = 16_000


def write_long_audio(path: Path, seconds: float, *, every: float = 300.0, speech: Path = SPEECH) -> float:
    """A FLAC of `seconds` of digital silence with `speech` starting every `every` seconds; its length in s."""
    from interviewer.audio.decode import decode_file

    clip = decode_file(speech, sample_rate=RATE).samples
    total = int(seconds * RATE)
    step = int(every * RATE)
    block = np.zeros(step, dtype=np.float32)
    block[:len(clip)] = clip[:step]
    with sf.SoundFile(str(path), "w", RATE, 1, format="FLAC", subtype="PCM_16") as out:
        written = 0
        while written < total:
            n = min(step, total - written)
            out.write(block[:n])
            written += n
    return total / RATE


def peak_rss_mb(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Run the program; its peak resident memory in MB (the child's ru_maxrss, from wait4) and its stdout."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen([sys.executable, "-m", "interviewer", *argv], env=env, cwd=ROOT, stdout=out,
                                stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"interviewer {argv[0]} failed ({proc.returncode}): {err.read().strip()}")
        return usage.ru_maxrss / 1024, out.read()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, default=3.0)
    ap.add_argument("--every", type=float, default=300.0, help="seconds between two copies of the speech")
    ap.add_argument("--commands", default="transcribe,import-audio,refine")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="interviewer-memory-") as tmp:
        audio = Path(tmp) / "long.flac"
        audio_s = write_long_audio(audio, args.hours * 3600, every=args.every)
        env = {**os.environ, "INTERVIEWER_DATA_DIR": str(Path(tmp) / "data")}
        session = ""
        for command in args.commands.split(","):
            if command == "transcribe":
                argv = ["transcribe", str(audio), "--format", "jsonl"]
            elif command == "import-audio":
                argv = ["import-audio", str(audio), "--candidate", "Long Recording", "--consent", "written"]
            elif command == "refine":
                if not session:
                    _, out = peak_rss_mb(["import-audio", str(audio), "--candidate", "Long Recording", "--consent",
                                  "written"], env)
                    session = out.strip().splitlines()[-1]
                argv = ["refine", session]
            else:
                raise SystemExit(f"unknown command {command!r}")
            peak, out = peak_rss_mb(argv, env)
            if command == "import-audio":
                session = out.strip().splitlines()[-1]
            print(json.dumps({"audio_s": round(audio_s, 1), "peak_rss_mb": round(peak, 1), "command": command}),
                  flush=True)


if __name__ == "__main__":
    main()
