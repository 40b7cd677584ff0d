"""Who said what, measured on the project's fixtures: `python bench/speakers.py`.

For each fixture: the share of words (synthesised interviews, by the reference turns) or of speech time (two real
voices, JFK and an LJ Speech reader, assembled into a conversation) attributed to the right speaker, blind and
with a voice profile, offline (`attribute`, as import-audio and refine run it) and live (`LiveAttributor` fed the
reference turns as commits; `live_*_joined`: the same with a question and its reply committed as one line, which
the attributor splits where the voice changes); and the CPU time each took per second of audio (one core).
Segments are the reference turns with their words spread evenly, so the transcriber is not measured. Prints one
JSON object.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from interviewer.audio import speakers, voices  # noqa: E402
from interviewer.audio.decode import decode_file  # noqa: E402
from interviewer.core.transcript import Segment, Word  # noqa: E402

AUDIO = ROOT / "tests" / "fixtures" / "audio"
SR = 16000


def with_words(start: float, end: float, text: str, strip: bool = False) -> Segment:
    text = text.replace("?", ".") if strip else text
    tokens = text.split()
    step = (end - start) / len(tokens)
    return Segment(start, end, text, "", tuple(Word(start + i * step, start + (i + 1) * step,
                                                    (" " if i else "") + t, 0.9) for i, t in enumerate(tokens)))


def words_right(labelled: list[Segment], truth: list[tuple[str, Segment]]) -> float:
    right = total = 0
    for spk, seg in truth:
        for w in seg.words:
            mid = (w.start + w.end) / 2
            got = [s.speaker for s in labelled if s.start <= mid <= s.end]
            right += got[:1] == [spk]
            total += 1
    return right / total


def time_right(labelled: list[Segment], truth: list[tuple[str, Segment]]) -> float:
    ok = sum(max(0.0, min(s.end, t.end) - max(s.start, t.start)) for spk, t in truth for s in labelled
             if s.speaker == spk)
    return ok / sum(t.end - t.start for _, t in truth)


def live(samples: np.ndarray, truth: list[tuple[str, Segment]], profile: np.ndarray | None,
         joined: int | None = None) -> tuple[list[Segment], float]:
    """The turns committed one by one (with `joined`: that turn and the next as one line, as the first pass
    commits a reply that follows with a very short pause; the attributor splits it where the voice changes)."""
    commits = [seg for _, seg in truth]
    if joined is not None:
        a, b = commits[joined], commits[joined + 1]
        commits[joined:joined + 2] = [Segment(a.start, b.end, f"{a.text} {b.text}", "", a.words + b.words)]
    labels: dict[object, Segment] = {}
    extra: list[object] = []

    def on_split(key: object, parts: list[Segment]) -> list[object]:
        labels[key] = parts[0]
        keys = [f"{key}.{k}" for k in range(1, len(parts))]
        labels.update(zip(keys, parts[1:], strict=True))
        extra.extend(keys)
        return keys

    att = speakers.LiveAttributor(lambda a, n: samples[a:a + n], labels.__setitem__, profile=profile,
                                  enc=voices.encoder(), on_split=on_split)
    for i, seg in enumerate(commits):
        att.add(i, seg)
    att.finish()
    return [labels.get(i, seg) for i, seg in enumerate(commits)] + [labels[k] for k in extra], att.cpu_s


def measure(name: str, samples: np.ndarray, truth: list[tuple[str, Segment]], profile: np.ndarray,
            score: str) -> dict:
    fn = words_right if score == "words" else time_right
    out: dict = {"audio_s": round(len(samples) / SR, 1), "measure": f"{score} right"}
    for mode, prof in (("blind", None), ("profile", profile)):
        segs = [s for _, s in truth]
        if mode == "profile":  # no question marks: only the profile can name the interviewer
            segs = [with_words(s.start, s.end, s.text, strip=True) for s in segs]
        t0 = time.process_time()
        result = speakers.attribute(samples, segs, profile=prof)
        cpu = time.process_time() - t0
        out[f"offline_{mode}"] = round(fn(result.segments, truth), 4)
        out[f"offline_{mode}_rule"] = result.rule
        out[f"offline_{mode}_cpu_pct_of_audio"] = round(100 * cpu / (len(samples) / SR), 2)
        labelled, live_cpu = live(samples, truth, prof)
        out[f"live_{mode}"] = round(fn(labelled, truth), 4)
        out[f"live_{mode}_core_pct"] = round(100 * live_cpu / (len(samples) / SR), 2)
        if len(truth) >= 6:  # a question and its reply committed as one line: split live where the voice changes
            labelled, _ = live(samples, truth, prof, joined=4)
            out[f"live_{mode}_joined"] = round(fn(labelled, truth), 4)
    return out


def main() -> None:
    voices.encoder()
    report: dict = {}
    profile, _ = voices.voice_print(decode_file(AUDIO / "evaluator_voice.flac").samples)
    for name in ("two_voices", "two_speakers"):
        samples = decode_file(AUDIO / f"{name}.flac").samples
        turns = json.loads((AUDIO / f"{name}.json").read_text())["turns"]
        truth = [(t["speaker"], with_words(t["start"], t["end"], t["text"])) for t in turns]
        report[name] = measure(name, samples, truth, profile, "words")
    jfk, lj = decode_file(AUDIO / "jfk.flac").samples, decode_file(AUDIO / "lj050-0131.flac").samples
    gap = np.zeros(int(0.6 * SR), np.float32)
    pieces = [("interviewer", jfk[int(0.3 * SR):int(3.6 * SR)]), ("candidate", lj[:int(3.8 * SR)]),
              ("interviewer", jfk[int(3.6 * SR):int(7.4 * SR)]), ("candidate", lj[int(3.8 * SR):])]
    parts, truth, t = [], [], 0.0
    for spk, wav in pieces:
        truth.append((spk, with_words(t, t + len(wav) / SR, "words of this turn said aloud")))
        parts += [wav, gap]
        t += (len(wav) + len(gap)) / SR
    jfk_profile = voices.encoder().embed(jfk[int(7.4 * SR):int(10.6 * SR)])
    report["real_voices"] = measure("real_voices", np.concatenate(parts), truth, jfk_profile, "time")
    # The same two recordings cut at their pauses into eight short turns (1.2-2.5 s), taking turns: all the real
    # speech there is (public domain, in the repository), with more changes of speaker and less voice per turn.
    cuts = [("interviewer", jfk, 0.3, 2.2), ("candidate", lj, 0.0, 1.87), ("interviewer", jfk, 3.2, 4.4),
            ("candidate", lj, 2.2, 4.11), ("interviewer", jfk, 5.3, 7.6), ("candidate", lj, 4.37, 5.95),
            ("interviewer", jfk, 8.1, 10.6), ("candidate", lj, 6.49, 7.66)]
    parts, truth, t = [], [], 0.0
    for spk, wav, a, b in cuts:
        piece = wav[int(a * SR):int(b * SR)]
        truth.append((spk, with_words(t, t + len(piece) / SR, "words of this turn said aloud")))
        parts += [piece, gap]
        t += (len(piece) + len(gap)) / SR
    report["real_voices_short_turns"] = measure("real_voices_short_turns", np.concatenate(parts), truth,
                                                jfk_profile, "time")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
