"""After the interview: what the live path put off on a busy machine, done on the recording.

A live session whose second pass or consolidation was not (all) done live is stored with `catch_up = 1`.
`catch_up_session` transcribes its recording(s) as whole files (beam 5, the quality the live path reaches
when the machine keeps up) and gives the words back to the stored segments in place (same ids; evidence
quotes re-read; a correction somebody made meanwhile is never overwritten; see
`interviewer.audio.catchup.give_back`), then clears the flag. Nothing is written for a track until it has
been transcribed whole, so a cancelled or interrupted catch-up leaves the flag set and runs again on the
next start (`pending`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from interviewer.audio.catchup import give_back
from interviewer.core.transcript import Segment
from interviewer.live.refine import Cancelled, FileTranscriber, session_tracks, transcribe_tracks
from interviewer.notes.store.database import Store

CATCH_UP_BEAM = 5


@dataclass(frozen=True)
class CaughtUp:
    session_id: str
    revised: int  # segments whose text changed


def pending(store: Store) -> list[str]:
    """Sessions whose catch-up has not finished (interrupted, or the app closed during it)."""
    return store.sessions_to_catch_up()


def catch_up_session(store: Store, session_id: str, transcriber: FileTranscriber, *, beam: int = CATCH_UP_BEAM,
                     progress: Callable[[float], None] | None = None, cancel: threading.Event | None = None,
                     on_revised: Callable[[str, Segment], None] | None = None) -> CaughtUp:
    """Transcribe the session's recording(s) whole and revise its segments in place; `progress(fraction)`
    over all tracks; `cancel` stops before the next track is written (the flag stays set)."""
    session = store.session(session_id)
    tracks = session_tracks(store, session)
    rows = store.segment_rows(session_id)
    stored = store.segments(session_id)  # the same segments as `rows`, in the same order
    revised = 0

    def check() -> None:
        if cancel is not None and cancel.is_set():
            raise Cancelled(f"catching up session {session_id[:8]} was stopped; it goes on at the next start")

    for _path, speaker, result in transcribe_tracks(store, tracks, transcriber, beam=beam, progress=progress,
                                                    check=check):
        check()
        ours = [k for k, r in enumerate(rows) if len(tracks) == 1 or r["speaker"] == speaker]
        mine = [rows[k] for k in ours]
        live = [stored[k] for k in ours]
        for k, seg in give_back(live, list(result.segments)).items():
            row = mine[k]
            if store.revise_segment(row["id"], seg, expected_text=row["text"], actor="catch-up"):
                revised += 1
                if on_revised is not None:
                    on_revised(row["id"], seg)
    store.update_session(session_id, catch_up=0)
    if progress is not None:
        progress(1.0)
    return CaughtUp(session_id, revised)

