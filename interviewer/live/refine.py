"""Re-transcribe a stored session's recording (a larger beam or model) and swap in the new transcript.

Every evidence item keeps its id and time range and re-reads its quote from the new words (see
`interviewer.notes.review.editing.replace_segments`). Nothing is written until the whole recording has been
transcribed, so a cancelled or failed refine leaves the session exactly as it was.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from interviewer.audio.transcriber import FileTranscript
from interviewer.core.errors import UserError
from interviewer.core.transcript import Segment
from interviewer.notes.review.editing import RefineReport, replace_segments
from interviewer.notes.store.database import Store
from interviewer.notes.store.records import SessionRecord

__all__ = ["Cancelled", "RefineReport", "refine_session", "session_tracks"]


class Cancelled(Exception):  # noqa: N818 - the name says what happened
    """The refine was cancelled; the session is unchanged."""


class FileTranscriber(Protocol):
    @property
    def label(self) -> str: ...

    def transcribe_file(self, path: Path | str, *, beam_size: int | None = None, speaker: str = "",
                        progress: Callable[[float], None] | None = None, vault: Any = None) -> FileTranscript: ...


def session_tracks(store: Store, session: SessionRecord) -> list[tuple[Path, str]]:
    """The session's recordings, each with the speaker label of its segments.

    Labels come from `sessions.speakers` (comma-separated, in track order); a single-track session
    without one keeps the label its segments already have, if they all share one."""
    speakers = [s.strip() for s in (session.speakers or "").split(",")]
    paths: list[Path] = []
    first = store.audio_file(session)
    if first is not None:
        paths.append(first)
    second = store.audio_file(session, "audio_path2")
    if second is not None:
        paths.append(second)
    if not paths:
        raise UserError(f"session {session.id[:8]} has no recording to transcribe again")
    if len(paths) == 1 and not any(speakers):
        labels = {s.speaker for s in store.segments(session.id)}
        speakers = [labels.pop()] if len(labels) == 1 else [""]
    tracks = [(p, speakers[i] if i < len(speakers) else "") for i, p in enumerate(paths)]
    for p, _ in tracks:
        if not p.is_file():
            raise UserError("the session's recording is missing", path=p)
    return tracks


def _attributed(store: Store, session: SessionRecord, path: Path, segments: list[Segment],
                notes: list[str]) -> list[Segment]:
    """A one-track session's new segments labelled interviewer/candidate by voice (when it has no track label)."""
    from interviewer.live.attribution import attributable, try_attribute

    if not attributable(session, segments):
        return segments
    out, problem = try_attribute(store, session, path, segments)
    if problem:
        notes.append(problem)
    return out


def transcribe_tracks(store: Store, tracks: list[tuple[Path, str]], transcriber: FileTranscriber, *, beam: int,
                      progress: Callable[[float], None] | None, check: Callable[[], None],
                      ) -> Iterator[tuple[Path, str, FileTranscript]]:
    """Each track transcribed whole, in turn: `progress(fraction)` over all the tracks, `check()` (which
    raises to stop) before each track and at every step of it."""
    for i, (path, speaker) in enumerate(tracks):
        check()

        def on_progress(fraction: float, i: int = i) -> None:
            check()
            if progress is not None:
                progress(min(1.0, (i + max(0.0, min(1.0, fraction))) / len(tracks)))

        yield path, speaker, transcriber.transcribe_file(path, beam_size=beam, speaker=speaker,
                                                         progress=on_progress, vault=store.vault)


def refine_session(store: Store, session_id: str, transcriber: FileTranscriber, *, beam: int = 5,
                   progress: Callable[[float], None] | None = None, cancel: threading.Event | None = None,
                   actor: str = "refine") -> RefineReport:
    """Transcribe the session's recording(s) again with `transcriber` and `beam`, then replace its
    segments in one transaction. `progress(fraction)` reports 0..1 over all tracks; setting `cancel`
    stops at the next segment and raises `Cancelled` with nothing changed."""
    session = store.session(session_id)
    tracks = session_tracks(store, session)
    segments: list[Segment] = []
    notes: list[str] = []

    def check() -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled(f"refining session {session_id[:8]} was cancelled; nothing was changed")

    for path, _speaker, result in transcribe_tracks(store, tracks, transcriber, beam=beam, progress=progress,
                                                    check=check):
        if result.truncated:
            notes.append(f"{path}: truncated ({result.problem}); transcribed the {result.duration_s:.1f} s that "
                         "could be decoded")
        segments.extend(result.segments)
    check()
    if len(tracks) == 1 and segments:
        segments = _attributed(store, session, tracks[0][0], segments, notes)
    check()
    if not segments and store.segments(session_id):
        raise UserError("the new transcription found no speech; the session's transcript was kept",
                        path=tracks[0][0])
    report = replace_segments(store, session_id, segments, actor=actor, model=transcriber.label)
    report.notes.extend(notes)
    if progress is not None:
        progress(1.0)
    return report
