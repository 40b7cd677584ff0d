"""Live recording: `record`, `recover` (sessions a crash left behind) and `devices`."""

from __future__ import annotations

import argparse
from typing import Any

from interviewer.cli.jsonlines import CatchUpProgress, JsonLines, segment_line
from interviewer.cli.services import Services, default_evaluator
from interviewer.core.errors import UserError
from interviewer.core.transcript import Segment


def require_consent(consent: str | None) -> str:
    if not consent:
        raise UserError("recording a candidate needs their consent: pass --consent verbal or --consent written "
                        "once the candidate has agreed to the notice")
    return consent


def cmd_record(args: argparse.Namespace, sv: Services) -> int:
    import signal
    import threading

    from interviewer.audio.devices import open_source
    from interviewer.live.refine import Cancelled
    from interviewer.live.session import Listener, LiveSession, SessionSpec, Track

    consent = require_consent(args.consent)
    first = open_source(args.source)
    tracks = [Track(first, args.speaker or ("interviewer" if args.source2 else first.name))]
    if args.source2:
        tracks.append(Track(open_source(args.source2), args.speaker2))
    tr = sv.make_transcriber(args.model, args.beam, args.allow_download)
    emit = JsonLines(sv.out)
    store = sv.open_store()
    stopped = threading.Event()
    messages: list[str] = []

    def on_segment(seg_id: str, seg: Segment) -> None:
        emit({**segment_line(seg), "id": seg_id})

    def on_revised(seg_id: str, seg: Segment) -> None:
        voice = {} if seg.confidence is None else {"confidence": round(seg.confidence, 3)}  # labelled by voice
        emit({**segment_line(seg), "id": seg_id, "revised": True, **voice})

    def on_error(msg: str) -> None:
        messages.append(msg)
        sv.warn(msg)

    listener = Listener(started=lambda sid: emit({"event": "start", "session": sid}), segment=on_segment,
                        revised=on_revised, stopped=lambda reason: stopped.set(), error=on_error,
                        load=lambda status: emit(status.to_event()))
    from interviewer.audio.stream_config import StreamConfig

    session = LiveSession(store=store, data_dir=sv.data_dir, transcriber=tr, tracks=tracks,
                          spec=SessionSpec(candidate=args.candidate, consent=consent, role=args.role,
                                           evaluator=args.evaluator or default_evaluator()),
                          listener=listener, config=StreamConfig(beam_size=args.beam),
                          attribute_speakers=len(tracks) == 1 and args.speaker is None)

    cancel_catch_up = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        if session.state == "stopped":
            cancel_catch_up.set()  # a second Ctrl-C during the catch-up: it goes on at the next start
            return
        threading.Thread(target=session.stop, args=(f"signal {signum}",), daemon=True).start()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        session.start()
        while not stopped.wait(0.1):
            if args.seconds is not None and session.elapsed_s >= args.seconds:
                session.stop("--seconds reached")
        session.wait()
        if session.needs_catch_up:
            progress = CatchUpProgress(emit)
            progress(0.0)
            try:
                session.catch_up(progress=progress, cancel=cancel_catch_up, on_revised=on_revised)
            except Cancelled as exc:
                sv.warn(str(exc))
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
        if session.state != "stopped" and session.session_id:
            session.stop("exiting")
        store.close()
    stop: dict[str, Any] = {"event": "stop", "session": session.session_id, "reason": session.stop_reason,
                            "duration_s": round(session.elapsed_s, 3)}
    if len(tracks) > 1:
        stop["echoes_dropped"] = session.echoes_dropped
    emit(stop)
    return 2 if messages else 0


def cmd_recover(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.live.catchup import catch_up_session, pending

    results = run_recovery(sv, model=args.model, quiet=True)
    for r in results:
        sv.print(r.message())
    store = sv.open_store()
    try:
        todo = pending(store)
        if todo:
            tr = sv.make_transcriber(args.model, 5, allow_download=False)
        for sid in todo:
            done = catch_up_session(store, sid, tr)
            sv.print(f"caught up session {sid[:8]}: the whole recording transcribed again, "
                     f"{done.revised} line(s) improved")
    finally:
        store.close()
    if not results and not todo:
        sv.print("Nothing to recover.")
    return 0


def run_recovery(sv: Services, *, model: str | None = None, quiet: bool = False) -> list[Any]:
    """Finish sessions a crash left in `recording`; tell the user on stderr."""
    from interviewer.live.recovery import recover_all

    store = sv.open_store()
    try:
        results = recover_all(store, sv.data_dir, lambda: sv.make_transcriber(model, 5, allow_download=False))
    finally:
        store.close()
    if not quiet:
        for r in results:
            sv.warn(r.message())
    return results


def cmd_devices(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.audio.loopback import find_system_audio
    from interviewer.audio.sources import input_devices

    devices = input_devices()
    system = find_system_audio()
    if not devices and system is None:
        sv.print("No audio input devices found.")
    for d in devices:
        sv.say(f"[{d.index}] {d.name} ({d.channels} in, {d.default_rate} Hz)")
    if system is not None:
        sv.say(f"[system] {system.describe()}")
    return 0
