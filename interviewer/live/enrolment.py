"""An evaluator's voice profile (enrolment): record a short passage read aloud (or take a file), compute the
speaker embedding, store it for the evaluator (the embedding only, never the audio). One code path for both
front ends: `interviewer evaluator voice` and the setup dialog's "Record my voice…"."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from interviewer.audio.decode import SAMPLE_RATE
from interviewer.core.errors import AudioError, UserError

if TYPE_CHECKING:
    from interviewer.audio.sources import AudioSource
    from interviewer.audio.voices import Float32Array
    from interviewer.notes.store.database import Store

RECORD_S = 20.0  # what the prompt takes to read aloud at a usual pace
MIN_RECORD_S, MAX_RECORD_S = 4.0, 120.0

# About 20 s read aloud: everyday words, varied sounds, no names to stumble on.
PROMPT = (
    "Every morning I walk along the river to the station, where the trains leave for the city. "
    "On the way I pass a bakery, a small park and a bridge painted green. "
    "Some days the weather is grey and the wind is cold; other days the sun comes out early "
    "and everyone seems to be in a good mood. "
    "I usually listen to the news, think about the work ahead, and count how many boats are on the water."
)


@dataclass(frozen=True)
class Heard:
    """How far a recording has come: `seconds` recorded so far, `level` of the latest block (dBFS)."""

    seconds: float
    level: float


def record_voice(source: AudioSource, seconds: float, *, stop: threading.Event | None = None,
                 on_block: Callable[[Heard], None] | None = None) -> Float32Array:
    """Up to `seconds` of audio from `source` (already opened), as 16 kHz mono float32; `stop` ends it early
    (what was heard is kept). A source that fails before delivering anything is AudioError (its sentence)."""
    from interviewer.live.session import dbfs

    blocks: list[Any] = []
    done = threading.Event()
    failure: list[BaseException] = []
    heard = [0]

    def on_audio(block: Any) -> None:
        if done.is_set():
            return
        blocks.append(block)
        heard[0] += len(block)
        if on_block is not None:
            on_block(Heard(heard[0] / SAMPLE_RATE, dbfs(block)))
        if heard[0] >= seconds * SAMPLE_RATE:
            done.set()

    def on_end(error: BaseException | None) -> None:
        if error is not None:
            failure.append(error)
        done.set()

    source.start(on_audio, on_end)
    try:
        deadline = seconds + 5.0  # a device that delivers nothing (or too slowly) still ends
        waited = 0.0
        while not done.is_set() and waited < deadline and not (stop is not None and stop.is_set()):
            done.wait(0.05)
            waited += 0.05
    finally:
        done.set()
        source.stop()
    if not blocks and failure:
        raise AudioError(str(failure[0]) or type(failure[0]).__name__)
    out: Float32Array = np.concatenate(blocks)[:int(seconds * SAMPLE_RATE)].astype(np.float32) if blocks \
        else np.zeros(0, np.float32)
    return out


def read_voice_file(path: Path | str) -> Float32Array:
    """A recording of the evaluator reading, decoded as 16 kHz mono float32 (UserError naming an unreadable file)."""
    from interviewer.audio.decode import decode_file

    samples: Float32Array = decode_file(path).samples
    return samples


def save_voice_profile(store: Store, name: str, samples: Float32Array, *, where: str) -> float:
    """Compute the evaluator's voice print from `samples` and store it (the embedding, never the audio); returns
    the seconds of speech used. Too little speech is UserError "WHERE: has N s of speech; …" and stores nothing."""
    from interviewer.audio.voices import MODEL_LABEL, voice_print
    from interviewer.notes import panel

    if not name.strip():
        raise UserError("type the evaluator's name first: the voice profile is stored under it")
    try:
        embedding, seconds = voice_print(samples)
    except AudioError as exc:
        raise UserError(f"{where}: {exc}") from None
    panel.set_voice_profile(store, name, embedding.tolist(), seconds=seconds, model=MODEL_LABEL)
    return seconds


def voice_profile_summary(store: Store, name: str) -> dict[str, Any] | None:
    """The evaluator's stored profile without the numbers (model, seconds, recorded_at), or None."""
    from interviewer.notes import panel
    from interviewer.notes.store import panel_rows

    row = panel_rows.evaluator_named(store, name.strip()) if name.strip() else None
    return panel.voice_summary(row.get("voice") or "") if row else None
