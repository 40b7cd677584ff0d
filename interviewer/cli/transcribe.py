"""Audio files: `transcribe` (whole, or replayed through the live path) and `import-audio`."""

from __future__ import annotations

import argparse
import threading
from typing import TYPE_CHECKING

from interviewer.cli.jsonlines import CatchUpProgress, JsonLines, segment_line
from interviewer.cli.parser import FILE_BEAM, LIVE_BEAM
from interviewer.cli.record import require_consent
from interviewer.cli.services import Services, default_evaluator
from interviewer.core.errors import UserError
from interviewer.core.transcript import FORMATTERS, Segment
from interviewer.live.importing import check_audio, import_recording

if TYPE_CHECKING:
    from collections.abc import Callable

    from interviewer.audio.decode import Float32Array
    from interviewer.audio.transcriber import Transcriber


def cmd_transcribe_realtime(args: argparse.Namespace, sv: Services, tr: Transcriber) -> int:
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

    voices = VoiceLabels(emit if args.format == "jsonl" else None) if getattr(args, "speakers", False) else None

    def on_commit(seg: Segment) -> None:
        segments.append(seg)
        if args.format == "jsonl":
            emit(segment_line(seg))
        if voices is not None:
            voices.add(len(segments) - 1, seg)

    def on_tentative(text: str, start: float, end: float) -> None:
        if args.format == "jsonl":
            emit({"start": round(start, 3), "end": round(end, 3), "text": text, "speaker": source.name,
                  "final": False})

    def on_revise(index: int, seg: Segment) -> None:
        if voices is not None:
            seg = voices.revised(index, seg)  # keeps the voice label the line was given
        segments[index] = seg
        if args.format == "jsonl":  # index: which "final" line (counted from 0) this one replaces
            voice = {} if seg.confidence is None else {"confidence": round(seg.confidence, 3)}
            emit({**segment_line(seg), "revised": True, "index": index, **voice})

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
    source.start(stream.feed if voices is None else voices.feeding(stream.feed), on_end)
    try:
        done.wait()
    finally:
        source.stop()
        stream.finish()
        if voices is not None:
            voices.finish()
    if stream.needs_catch_up and not errors:
        # What the busy machine put off: the file transcribed whole, its words given back to the lines.
        progress = CatchUpProgress(emit if args.format == "jsonl" else None)
        progress(0.0)
        whole = tr.transcribe_file(args.audio, beam_size=CATCH_UP_BEAM, speaker=source.name, progress=progress)
        for index, seg in sorted(give_back(segments, list(whole.segments)).items()):  # one track: time order
            on_revise(index, seg)
        progress(1.0)
    if voices is not None:
        segments = [voices.revised(i, seg) for i, seg in enumerate(segments)]
        voices.report()
    if args.format != "jsonl":
        sv.out.write(FORMATTERS[args.format](segments))
        sv.out.flush()
    if errors:
        raise UserError(f"replay stopped: {errors[0]}", path=args.audio)
    return 0


class VoiceLabels:
    """`transcribe --realtime --speakers`: the committed lines labelled by voice as a one-source live session
    labels them (`interviewer.audio.speakers.LiveAttributor`, on its own niced thread), printed as `revised` lines
    with `"index"` and `"confidence"`; at the end one `{"event": "speakers", ...}` line: which rule decided and the
    CPU time attribution took. The replayed audio is kept in memory for it (a replay, not hours)."""

    def __init__(self, emit: JsonLines | None) -> None:
        import numpy as np

        from interviewer.audio.speakers import LiveAttributor
        from interviewer.audio.voices import encoder

        self._emit = emit
        self._np = np
        self._audio = np.zeros(1 << 20, np.float32)
        self._n = 0
        self._segments: dict[int, Segment] = {}  # the latest text of each line, with its voice label
        self._lock = threading.Lock()
        self.attributor = LiveAttributor(self._read, self._on_label, enc=encoder())

    def feeding(self, feed: Callable[[Float32Array], None]) -> Callable[[Float32Array], None]:
        def both(block: Float32Array) -> None:
            if self._n + len(block) > len(self._audio):
                grown = self._np.zeros(2 * (self._n + len(block)), self._np.float32)
                grown[:self._n] = self._audio[:self._n]
                self._audio = grown
            self._audio[self._n:self._n + len(block)] = block
            self._n += len(block)
            feed(block)
        return both

    def _read(self, start: int, count: int) -> Float32Array:
        return self._audio[start:min(self._n, start + count)].copy()

    def add(self, index: int, seg: Segment) -> None:
        with self._lock:
            self._segments[index] = seg
        self.attributor.add(index, seg)

    def revised(self, index: int, seg: Segment) -> Segment:
        with self._lock:
            label = self._segments.get(index)
            if label is not None and label.confidence is not None:
                seg = Segment(seg.start, seg.end, seg.text, label.speaker, seg.words, label.confidence)
            self._segments[index] = seg
        return seg

    def _on_label(self, index: int, labelled: Segment) -> None:
        with self._lock:
            latest = self._segments.get(index, labelled)
            seg = Segment(latest.start, latest.end, latest.text, labelled.speaker, latest.words, labelled.confidence)
            self._segments[index] = seg
        if self._emit is not None and seg.confidence is not None:
            self._emit({**segment_line(seg), "revised": True, "index": index, "confidence": round(seg.confidence, 3)})

    def finish(self) -> None:
        self.attributor.finish()

    def report(self) -> None:
        if self._emit is not None:
            self._emit({"event": "speakers", **self.attributor.summary(),
                        "cpu_s": round(self.attributor.cpu_s, 3)})


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
