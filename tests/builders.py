"""Build stored sessions quickly for tests and benchmarks (no model needed)."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import soundfile as sf

from interviewer.core.transcript import Segment, Word
from interviewer.notes.prompts.kits import default_kit_path, load_kit
from interviewer.notes.store.database import Store

WORDS = ["we", "shipped", "the", "retrieval", "service", "and", "measured", "latency", "at", "p95", "before", "the", "rollback", "because", "drift", "in", "the", "labels", "hurt", "the", "evaluation", "harness", "so", "I", "rewrote", "the", "ranking", "model", "and", "the", "cost", "went", "down"]


def fixed_clock() -> datetime:
    return datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def seg(start: float, end: float, text: str, speaker: str = "candidate") -> Segment:
    """A segment whose words share its time evenly."""
    words = text.split()
    step = (end - start) / len(words)
    return Segment(start, end, text, speaker,
                   tuple(Word(start + i * step, start + (i + 1) * step, " " + w, 0.9) for i, w in enumerate(words)))


def synthetic_session(store: Store, *, candidate: str = "Ann", role: str = "MLE", segments: int = 50,
                      evidence: int = 5, seconds_per_segment: float = 3.6, audio_dir: Path | None = None,
                      seed: int = 1) -> str:
    rng = random.Random(seed)
    kit_path = default_kit_path()
    kit = load_kit(kit_path)
    kit_id = store.save_kit(kit, kit_path.read_text(encoding="utf-8"))
    cand = store.get_or_create_candidate(candidate)
    store.add_claims(cand, [{"text": "Cut p95 latency from 900 ms to 200 ms", "topics": ["latency"]}])
    sid = store.create_session(candidate_id=cand, role_id=store.get_or_create_role(role), kit_id=kit_id,
                               evaluator="Ada", status="complete")
    segs = []
    for i in range(segments):
        start = i * seconds_per_segment
        n = rng.randint(6, 14)
        step = (seconds_per_segment - 0.4) / n
        words = tuple(Word(start + k * step, start + (k + 1) * step, " " + rng.choice(WORDS), 0.9) for k in range(n))
        segs.append(Segment(start, start + seconds_per_segment - 0.4, " ".join(w.word.strip() for w in words),
                            "candidate" if i % 2 else "interviewer", words))
    store.add_segments(sid, segs)
    duration = segments * seconds_per_segment
    keys = [c.key for c in kit.criteria]
    for j in range(evidence):
        a = rng.uniform(0, max(0.0, duration - 20))
        store.add_evidence(session_id=sid, start=a, end=a + rng.uniform(5, 20), criterion=keys[j % len(keys)],
                           evaluator="Ada", polarity="concern" if j % 3 == 0 else "supports")
    updates: dict[str, object] = {"duration_s": duration}
    if audio_dir is not None:
        path = audio_dir / f"{sid}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        t = np.arange(int(duration * 16000)) / 16000
        tone = (0.05 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
        if store.vault is not None:  # an encrypted data dir: the recording is sealed
            buf = io.BytesIO()
            sf.write(buf, tone, 16000, subtype="PCM_16", format="WAV")
            store.vault.write_bytes(path, buf.getvalue())
        else:
            sf.write(str(path), tone, 16000, subtype="PCM_16")
        updates["audio_path"] = f"audio/{sid}.wav"
    store.update_session(sid, **updates)
    return sid
