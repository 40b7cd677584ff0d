"""`demo`: the whole flow on the bundled sample interview (headless, or stored as a finished recording)."""

from __future__ import annotations

import argparse
import json

from interviewer.cli.parser import FILE_BEAM, LIVE_BEAM
from interviewer.cli.services import Services
from interviewer.live.importing import import_recording


def cmd_demo(args: argparse.Namespace, sv: Services) -> int:
    if args.beam is None:
        args.beam = FILE_BEAM if args.import_only else LIVE_BEAM
    if args.headless:
        return cmd_demo_headless(args, sv)
    return cmd_demo_import(args, sv)


def cmd_demo_headless(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.core.files import check_output_dir
    from interviewer.core.transcript import mmss
    from interviewer.live.demo import run_headless

    out = check_output_dir(args.out or (sv.data_dir.exports_dir / "demo"), sv.data_dir.root)
    tr = sv.make_transcriber(args.model, args.beam, args.allow_download)
    store = sv.open_store()
    try:
        sv.say(f"Demo: replaying the sample interview for Zoë Ðặng through the live pipeline "
               f"(speed {args.speed:g}×)…")
        summary = run_headless(store, sv.data_dir, tr, out, speed=args.speed, beam=args.beam,
                               progress=lambda seg: sv.say(f"[{mmss(seg.start)}] {seg.speaker}: {seg.text}"))
    finally:
        store.close()
    sv.print(json.dumps(summary, ensure_ascii=False))
    return 0


def cmd_demo_import(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.core.config import resource_path
    from interviewer.core.transcript import to_txt

    audio = resource_path("demo", "interview.flac")
    resume = resource_path("demo", "resume.md")
    sv.say(f"Demo: importing the bundled sample interview ({audio.name}) for Zoë Ðặng, "
           f"Senior ML Engineer, into {sv.data_dir.root}")
    sid = import_recording(sv.open_store, sv.data_dir,
                           lambda: sv.make_transcriber(args.model, args.beam, args.allow_download),
                           audio=audio, candidate="Zoë Ðặng", role="Senior ML Engineer", consent="verbal",
                           evaluator="Demo Evaluator", beam=args.beam, resume=resume, warn=sv.warn)
    store = sv.open_store()
    try:
        session = store.session(sid)
        segments = store.segments(sid)
        claims = store.claims(session.candidate_id)
    finally:
        store.close()
    sv.print(f"\nSession {sid} ({len(segments)} segments, {len(claims)} resume claims)\n")
    sv.out.write(to_txt(segments))
    sv.print("\nNext: `interviewer sessions`, or open the app with `interviewer`.")
    return 0
