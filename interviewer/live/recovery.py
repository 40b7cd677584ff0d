"""Recovery of sessions left in `recording` (process killed, power lost): run on every start.

For each such session whose recording is not held by a live process: repair each track's WAV header,
transcribe the audio after the last committed segment, store it, and mark the session `recovered`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interviewer.audio.decode import SAMPLE_RATE, decode_tail, iter_blocks
from interviewer.audio.recorder import repair_wav
from interviewer.core.config import DataDir
from interviewer.core.errors import UserError
from interviewer.core.files import data_path
from interviewer.live.session import is_locked
from interviewer.notes.store.database import Store
from interviewer.notes.store.records import SessionRecord


@dataclass(frozen=True)
class Recovered:
    session_id: str
    candidate: str
    audio_s: float
    new_segments: int
    problem: str = ""

    def message(self) -> str:
        if self.problem:
            return f"session {self.session_id[:8]} ({self.candidate}): could not recover: {self.problem}"
        return (f"recovered session {self.session_id[:8]} ({self.candidate}): {self.audio_s:.1f} s of audio kept, "
                f"{self.new_segments} untranscribed segment(s) added")


def pending(store: Store, data_dir: DataDir) -> list[SessionRecord]:
    rows = [store.session(r.id) for r in store.sessions() if r.status in ("recording", "paused")]
    return [r for r in rows if not is_locked(data_dir.audio_dir / f"{r.id}.lock")]


def recover_all(store: Store, data_dir: DataDir, make_transcriber: Callable[[], Any], *,
                progress: Callable[[float], None] | None = None,
                cancel: threading.Event | None = None) -> list[Recovered]:
    """`progress(fraction)` before each session; `cancel` stops before the next one (it is recovered at the
    next start)."""
    todo = pending(store, data_dir)
    if not todo:
        return []
    transcriber = make_transcriber()
    results = []
    for i, row in enumerate(todo):
        if cancel is not None and cancel.is_set():
            break
        if progress is not None:
            progress(i / len(todo))
        results.append(recover_one(store, row, transcriber))
        with suppress(OSError):  # the dead process's lock file: nobody holds it (see `pending`)
            (data_dir.audio_dir / f"{row.id}.lock").unlink(missing_ok=True)
    return results


def recover_one(store: Store, row: SessionRecord, transcriber: Any) -> Recovered:
    """Finish one session. A recording the app wrote (WAV) has its header repaired first; an imported file
    (`import-audio` killed after the copy) is used as it is. A session with no audio at all is marked `failed`
    with the reason in the audit log, never `recovered` with 0 s."""
    sid = row.id
    imported = row.origin == "import"
    tracks: list[tuple[Path, str]] = []
    speakers = [s for s in (row.speakers or "").split(",") if s] or [""]
    duration = 0.0
    added = 0
    problem = ""
    for i, key in enumerate(("audio_path", "audio_path2")):
        try:
            path = data_path(store.root, row.get(key), what="recording")
        except UserError as exc:
            problem = str(exc)
            continue
        if path is not None:
            tracks.append((path, speakers[i] if i < len(speakers) else ""))
    if not tracks and not problem:
        problem = "no recording was linked to it (the program stopped before any audio was saved)"
    last_end = store.last_segment_end(sid)
    for path, speaker in tracks:
        if not path.exists():
            problem = (f"{path}: the import was stopped before its audio was copied; import the file again"
                       if imported else f"{path}: the recording is missing")
            continue
        try:
            if imported:  # counted as it streams by: a long file is never held whole
                frames = sum(len(block) for block in iter_blocks(path, vault=store.vault))
            else:
                frames = repair_wav(path, vault=store.vault)
        except UserError as exc:
            problem = str(exc)
            continue
        duration = max(duration, frames / SAMPLE_RATE)
        track_last = max((s.end for s in store.segments(sid) if s.speaker == speaker), default=0.0) \
            if len(tracks) > 1 else last_end
        tail = decode_tail(path, int(track_last * SAMPLE_RATE), vault=store.vault)
        segs = transcriber.transcribe_array(tail, offset=track_last, speaker=speaker, vad=True,
                                            word_timestamps=True) if len(tail) > SAMPLE_RATE // 4 else []
        segs = [s for s in segs if s.end > track_last + 0.05]
        store.add_segments(sid, segs)
        added += len(segs)
    if duration <= 0 and not problem:
        problem = "its recording holds no audio"
    failed = bool(problem) and duration <= 0
    with store.atomic():
        store.update_session(sid, status="failed" if failed else "recovered",
                             duration_s=max(duration, store.last_segment_end(sid)), ended_at=store.now())
        if failed:
            store.audit("recovery", "session.failed", "sessions", sid, new={"reason": problem})
    return Recovered(sid, row.candidate, duration, added, problem)
