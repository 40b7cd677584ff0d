"""Who said what in a stored one-source session: the glue between the voice attribution (`interviewer.audio.speakers`)
and the store (the evaluator's voice profile, the kit's probes, the session's `speaker_rule`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from interviewer.audio.decode import Float32Array, iter_decode
from interviewer.audio.speakers import Attribution, attribute
from interviewer.audio.voices import model_path
from interviewer.core.errors import AudioError
from interviewer.core.transcript import CANDIDATE, INTERVIEWER, Segment
from interviewer.notes.panel import voice_profile
from interviewer.notes.store.database import Store
from interviewer.notes.store.records import SessionRecord

ACTOR = "speaker attribution"


def can_attribute() -> bool:
    """Whether the speaker model is installed (`make venv` installs it)."""
    return model_path() is not None


def attributable(session: SessionRecord, segments: Sequence[Segment]) -> bool:
    """A one-track session whose segments carry no track label (or already carry voice labels)."""
    if session.audio_path2:
        return False
    labels = {s.speaker for s in segments}
    return labels <= {"", INTERVIEWER, CANDIDATE}


def session_probes(store: Store, session: SessionRecord) -> list[str]:
    from interviewer.core.errors import KitError
    from interviewer.notes.prompts.kits import parse_kit

    if not session.kit_id:
        return []
    try:
        kit = parse_kit(store.kit_toml(str(session.kit_id)))
    except (KitError, KeyError, ValueError):
        return []
    return [p.text for p in kit.probes]


def attribute_session_segments(store: Store, session: SessionRecord, audio: Path | Float32Array,
                               segments: Sequence[Segment]) -> Attribution:
    """Attribute `segments` of `session` (not yet stored) and record which rule decided in the session row.
    `audio`: the recording (decoded as it is read: bounded memory), or its samples."""
    samples = iter_decode(audio, vault=store.vault, chunk=1 << 16) if isinstance(audio, Path) else audio
    evaluator = str(session.evaluator or "")
    profile = voice_profile(store, evaluator) if evaluator else None
    result = attribute(samples, segments, profile=None if profile is None else np.asarray(profile, np.float32),
                       profile_name=evaluator, probes=session_probes(store, session))
    summary = result.summary()
    store.update_session(session.id, speaker_rule=json.dumps(summary, ensure_ascii=False))
    store.audit(ACTOR, "segments.attribute", "sessions", session.id, new=summary)
    return result


def speaker_rule(session: SessionRecord) -> dict[str, Any] | None:
    raw = session.speaker_rule or ""
    try:
        value = json.loads(raw) if raw else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def try_attribute(store: Store, session: SessionRecord, audio: Path | Float32Array,
                  segments: Sequence[Segment]) -> tuple[list[Segment], str]:
    """The segments attributed by voice when possible, else unchanged, with a warning sentence ("" if none)."""
    if not segments or not attributable(session, segments):
        return list(segments), ""
    try:
        result = attribute_session_segments(store, session, audio, segments)
    except AudioError as exc:
        return list(segments), f"speakers not told apart: {exc}"
    return result.segments, ""
