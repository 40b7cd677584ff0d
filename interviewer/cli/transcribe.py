"""Audio files: `transcribe` (whole, or replayed through the live path) and `import-audio`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from interviewer.cli.jsonlines import CatchUpProgress, JsonLines, segment_line
from interviewer.cli.parser import FILE_BEAM, LIVE_BEAM
from interviewer.cli.record import require_consent
from interviewer.cli.services import Services, default_evaluator
from interviewer.core.errors import UserError
from interviewer.core.transcript import FORMATTERS, Segment
from interviewer.live.importing import check_audio, import_recording

if TYPE_CHECKING:
    from interviewer.audio.transcriber import Transcriber


def cmd_transcribe_realtime(args: argparse.Namespace, sv: Services, tr: Transcriber) -> int:
    import threading

    from interviewer.audio.catchup import give_back
    from interviewer.audio.pace import LoadStatus
    from interviewer.audio.sources import FileSource
    from interviewer.audio.stream_config import StreamConfig
    from interviewer.audio.streaming import StreamingTranscriber
    from interviewer.live.catchup import CATCH_UP_BEAM
    from interviewer.live.session import measured_pace

    emit = JsonLines(sv.out)
    source = FileSource(args.audio, speed=args.speed)
    done = threading.Event()
    errors: list[Exception] = []
    segments: list[Segment] = []

    def on_commit(seg: Segment) -> None:
        segments.append(seg)
        if args.format == "jsonl":
            emit(segment_line(seg))

    def on_tentative(text: str, start: float, end: float) -> None:
        if args.format == "jsonl":
            emit({"start": round(start, 3), "end": round(end, 3), "text": text, "speaker": source.name,
                  "final": False})

    def on_revise(index: int, seg: Segment) -> None:
        segments[index] = seg
        if args.format == "jsonl":  # index: which "final" line (counted from 0) this one replaces
            emit({**segment_line(seg), "revised": True, "index": index})

    def on_load(status: LoadStatus) -> None:
        if args.format == "jsonl":
            emit(status.to_event())

    pace = measured_pace(tr, on_load)
    stream = StreamingTranscriber(tr, speaker=source.name, on_commit=on_commit, on_tentative=on_tentative,
                                  on_revise=on_revise, config=StreamConfig(beam_size=args.beam), pace=pace)

    def on_end(error: Exception | None) -> None:
        if error:
            errors.append(error)
        done.set()

    if args.format == "jsonl":
        emit({"event": "start"})
        pace.announce()
    source.start(stream.feed, on_end)
    try:
        done.wait()
    finally:
        source.stop()
        stream.finish()
    if stream.needs_catch_up and not errors:
        # What the busy machine put off: the file transcribed whole, its words given back to the lines.
        progress = CatchUpProgress(emit if args.format == "jsonl" else None)
        progress(0.0)
        whole = tr.transcribe_file(args.audio, beam_size=CATCH_UP_BEAM, speaker=source.name, progress=progress)
        for index, seg in sorted(give_back(segments, list(whole.segments)).items()):  # one track: time order
            on_revise(index, seg)
        progress(1.0)
    if args.format != "jsonl":
        sv.out.write(FORMATTERS[args.format](segments))
        sv.out.flush()
    if errors:
        raise UserError(f"replay stopped: {errors[0]}", path=args.audio)
    return 0


def cmd_transcribe(args: argparse.Namespace, sv: Services) -> int:
    # A bad file is reported before a model is loaded (its start decoded, not the whole of it).
    shortfall = check_audio(args.audio)
    if args.beam is None:
        args.beam = LIVE_BEAM if args.realtime else FILE_BEAM
    tr = sv.make_transcriber(args.model, args.beam, args.allow_download)
    if args.realtime:
        return cmd_transcribe_realtime(args, sv, tr)
    result = tr.transcribe_file(args.audio, beam_size=args.beam)
    sv.out.write(FORMATTERS[args.format](result.segments))
    sv.out.flush()
    if result.truncated:
        sv.warn(f"{args.audio}: truncated ({result.problem}); transcribed the {result.duration_s:.1f} s "
                "that could be decoded")
    elif shortfall:
        sv.warn(f"{args.audio} is truncated: {shortfall}; transcribed the {result.duration_s:.1f} s that are")
    return 0


def cmd_import_audio(args: argparse.Namespace, sv: Services) -> int:
    consent = require_consent(args.consent)
    sid = import_recording(sv.open_store, sv.data_dir,
                           lambda: sv.make_transcriber(args.model, args.beam, args.allow_download),
                           audio=args.audio, candidate=args.candidate, role=args.role, consent=consent,
                           evaluator=args.evaluator or default_evaluator(), beam=args.beam, warn=sv.warn)
    sv.print(sid)
    return 0
