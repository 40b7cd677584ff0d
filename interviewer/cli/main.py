"""The command line. Qt-free: commands that need a window are handed back to the composition root.

Every command that can fail on the user's input prints one line naming the file and the problem and
exits with status 2 (see `interviewer.core.errors.UserError`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, TextIO

from interviewer import __version__
from interviewer.cli import calls as cli_calls
from interviewer.cli import numbers as cli_numbers
from interviewer.cli import privacy as cli_privacy
from interviewer.cli import reports as cli_reports
from interviewer.cli import review as cli_review
from interviewer.core.config import DATA_DIR_ENV, DataDir, resolve_data_dir
from interviewer.core.errors import UserError
from interviewer.core.files import private_dir, temp_file
from interviewer.core.safetext import cell, safe_text
from interviewer.core.transcript import FORMATTERS, Segment
from interviewer.core.vault import write_file

if False:  # pragma: no cover - typing only, keeps heavy imports lazy
    from interviewer.audio.transcriber import Transcriber
    from interviewer.core.vault import Vault
    from interviewer.notes.store.database import Store


@dataclass
class Services:
    """What commands need from the outside world; the composition root builds it, tests replace parts."""

    data_dir: DataDir
    open_store: Callable[[], Store]
    make_transcriber: Callable[..., Transcriber]
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    vault: Callable[[], Vault | None] = lambda: None

    def print(self, *args: Any) -> None:
        print(*args, file=self.out, flush=True)

    def say(self, line: str) -> None:
        """One line for people to read: control characters in it (a name's ESC or newline) shown escaped."""
        print(safe_text(line), file=self.out, flush=True)

    def warn(self, msg: str) -> None:
        print(f"interviewer: {safe_text(msg)}", file=self.err, flush=True)


EVALUATOR_ENV = "INTERVIEWER_EVALUATOR"


def default_evaluator(session_evaluator: str | None = None) -> str:
    """Who acts when --evaluator is not given: $INTERVIEWER_EVALUATOR, else the session's own evaluator, else
    nobody (""). The operating-system user name is never an evaluator: a hiring record must name the person."""
    return (os.environ.get(EVALUATOR_ENV) or "").strip() or (session_evaluator or "").strip()


# ---------------------------------------------------------------------------------------------- parser
def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", default=argparse.SUPPRESS,
                   help=f"where sessions and audio are stored (default: ${DATA_DIR_ENV} or the platform's "
                        "user data directory)")


LIVE_BEAM = 1  # live: about a second behind the speaker; `refine` re-decodes with beam 5 afterwards
FILE_BEAM = 5


def _model_opts(p: argparse.ArgumentParser, beam: int | None) -> None:
    p.add_argument("--model", default=None,
                   help="a CTranslate2 Whisper directory or a model name (default: the bundled tiny.en)")
    p.add_argument("--beam", type=cli_numbers.beam, default=beam,
                   help=f"beam size (default {beam})" if beam else
                   f"beam size (default {LIVE_BEAM} for the live path, {FILE_BEAM} for whole files)")
    p.add_argument("--allow-download", action="store_true",
                   help="allow downloading a named model from the Hugging Face Hub (needs a network)")


class Parser(argparse.ArgumentParser):
    """argparse, with a usage error reported like every other error: one line on stderr, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {safe_text(message, limit=500)} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="interviewer",
        description="Practitioner-led technical interviews, recorded and transcribed offline. "
                    "Without a command, opens the app.")
    parser.add_argument("--version", action="version", version=f"interviewer {__version__}")
    parser.add_argument("--data-dir", default=None, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("gui", help="open the app (the default)")
    _common(p)

    p = sub.add_parser("transcribe", help="transcribe an audio file offline")
    p.add_argument("audio", type=Path, help="any audio file FFmpeg decodes")
    _model_opts(p, beam=None)
    p.add_argument("--format", choices=sorted(FORMATTERS), default="txt")
    p.add_argument("--realtime", action="store_true",
                   help="replay the file through the live streaming path (with --format jsonl: one line per "
                        "committed segment, tentative updates with \"final\": false)")
    p.add_argument("--speed", type=cli_numbers.speed, default=1.0,
                   help=argparse.SUPPRESS)

    p = sub.add_parser("record", help="record and transcribe a live interview")
    p.add_argument("--source", default="default",
                   help="'default', an input device name or index, 'system' (this computer's sound: the call), "
                        "or file:PATH (replayed in real time)")
    p.add_argument("--source2", default=None, help="a second source recorded as its own track (e.g. the "
                                                   "remote candidate's audio, a PulseAudio monitor)")
    p.add_argument("--speaker", default=None, help="label of the first source's segments (default: the source "
                                                   "name, or 'interviewer' with --source2)")
    p.add_argument("--speaker2", default="candidate", help="label of the second source's segments")
    p.add_argument("--candidate", required=True)
    p.add_argument("--role", default=None)
    p.add_argument("--consent", choices=["verbal", "written"], default=None,
                   help="how the candidate consented to recording (required)")
    p.add_argument("--evaluator", default=None)
    p.add_argument("--seconds", type=cli_numbers.number(0.0, cli_numbers.MAX_RECORD_S, low_open=True),
                   default=None, help="stop after this much audio")
    _model_opts(p, beam=LIVE_BEAM)
    _common(p)

    p = sub.add_parser("recover", help="repair and finish sessions left recording by a crash (also runs on "
                                       "every start)")
    p.add_argument("--model", default=None)
    _common(p)

    p = sub.add_parser("devices", help="list audio input devices")

    p = sub.add_parser("tag", help="tag a time range of a session as evidence; prints the evidence id")
    p.add_argument("session", help="session id (or an unambiguous prefix)")
    p.add_argument("--criterion", default=None, help="criterion key from the session's kit (required unless "
                                                      "--consent)")
    p.add_argument("--consent", action="store_true",
                   help="tag the range as the moment the candidate gave consent out loud (not evidence); prints "
                        "the consent record as JSON")
    p.add_argument("--start", type=cli_numbers.seconds_in_recording, required=True,
                   help="seconds from the start of the recording")
    p.add_argument("--end", type=cli_numbers.seconds_in_recording, required=True)
    p.add_argument("--claim", default=None, help="claim id")
    p.add_argument("--probe", default=None, help="probe id")
    p.add_argument("--polarity", choices=["supports", "concern"], default="supports")
    p.add_argument("--note", default="")
    p.add_argument("--evaluator", default=None)
    _common(p)

    p = sub.add_parser("export", help="export a session (JSON, transcript formats, PDF)")
    p.add_argument("session", nargs="?", default=None, help="session id (or an unambiguous prefix)")
    p.add_argument("--json", type=Path, default=None, metavar="OUT",
                   help="the session with its segments, evidence, ratings and claims")
    cli_review.add_export_options(p)
    cli_reports.add_pdf_options(p)
    p.add_argument("--force", action="store_true", help="replace OUT if it exists (a regular file outside the "
                                                         "data dir)")
    _common(p)

    p = sub.add_parser("kit", help="interview kits: list, new (an editable copy), import, export, validate")
    ksub = p.add_subparsers(dest="kit_command", metavar="ACTION", required=True)
    k = ksub.add_parser("list", help="the bundled kit and your kits")
    _common(k)
    k = ksub.add_parser("new", help="an editable copy of a kit (the default kit stays read-only)")
    k.add_argument("name")
    k.add_argument("--from", dest="source", type=Path, default=None, help="kit to copy (default: the bundled kit)")
    _common(k)
    k = ksub.add_parser("import", help="validate a kit file and add it to your kits")
    k.add_argument("file", type=Path)
    _common(k)
    k = ksub.add_parser("export", help="write a kit as TOML")
    k.add_argument("kit", help="a kit file, a kit name from `kit list`, or 'default'")
    k.add_argument("-o", "--output", type=Path, required=True)
    k.add_argument("--force", action="store_true", help="replace OUT if it exists")
    _common(k)
    k = ksub.add_parser("validate", help="check a kit file; errors name the file and line")
    k.add_argument("file", type=Path)

    p = sub.add_parser("rate", help="score a criterion 1-4 for a session, with evidence or a written reason")
    p.add_argument("session")
    p.add_argument("--criterion", required=True)
    p.add_argument("--score", type=cli_numbers.whole(1, 4), required=True, choices=[1, 2, 3, 4])
    p.add_argument("--evaluator", required=True)
    p.add_argument("--evidence", nargs="+", default=[], metavar="ID", help="linked evidence ids")
    p.add_argument("--reason", default="", help="why there is no linked evidence")
    _common(p)

    p = sub.add_parser("calibration", help="agreement between evaluators (Krippendorff's alpha), leniency, flags")
    p.add_argument("--role", default=None)
    p.add_argument("--format", choices=["text", "json"], default="text")
    cli_calls.add_calibration_options(p)
    _common(p)

    p = sub.add_parser("bundle", help="move sessions between laptops")
    bsub = p.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)
    b = bsub.add_parser("export", help="write sessions (rows and audio, checksummed) to one file")
    b.add_argument("sessions", nargs="+")
    b.add_argument("-o", "--output", type=Path, required=True)
    b.add_argument("--force", action="store_true", help="replace FILE if it exists")
    _common(b)
    b = bsub.add_parser("import", help="merge a bundle by id; conflicts are reported, never overwritten")
    b.add_argument("file", type=Path)
    b.add_argument("--format", choices=["text", "json"], default="text")
    _common(b)

    p = sub.add_parser("evaluator", help="the practitioner panel: who has shipped what")
    esub = p.add_subparsers(dest="evaluator_command", metavar="ACTION", required=True)
    e = esub.add_parser("add", help="add (or update) an evaluator and the topics they shipped in production")
    e.add_argument("name")
    e.add_argument("--role", default="")
    e.add_argument("--shipped", required=True, help="TOPIC[,TOPIC...] from the kit's topics")
    e.add_argument("--note", default="", help="a line of evidence, e.g. 'ran the nightly LLM eval for 40 teams'")
    e.add_argument("--kit", type=Path, default=None)
    _common(e)
    e = esub.add_parser("list", help="the panel")
    e.add_argument("--format", choices=["text", "json"], default="text")
    _common(e)
    e = esub.add_parser("voice", help="store an evaluator's voice profile (a speaker embedding, never the audio), "
                                      "so one-microphone recordings tell their voice from the candidate's")
    e.add_argument("name")
    how = e.add_mutually_exclusive_group(required=True)
    how.add_argument("--from", dest="from_audio", type=Path, metavar="AUDIO",
                     help="a recording of the evaluator reading aloud (about 20 s)")
    how.add_argument("--record", type=float, metavar="SECONDS", help="record from the microphone now")
    how.add_argument("--erase", action="store_true", help="erase the stored voice profile")
    e.add_argument("--source", default="default", help="with --record: the input device (default: the default "
                                                      "microphone), or file:PATH")
    e.add_argument("--format", choices=["text", "json"], default="text")
    _common(e)

    p = sub.add_parser("candidate", help="candidates")
    csub = p.add_subparsers(dest="candidate_command", metavar="ACTION", required=True)
    c = csub.add_parser("add", help="add a candidate for a role, importing the claims of their resume")
    c.add_argument("name")
    c.add_argument("--role", required=True)
    c.add_argument("--resume", type=Path, required=True)
    c.add_argument("--kit", type=Path, default=None)
    _common(c)

    p = sub.add_parser("plan", help="who on the panel probes which of a candidate's claims")
    p.add_argument("--candidate", required=True)
    p.add_argument("--kit", type=Path, default=None)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--save", action="store_true", help="store the proposal as the loop's plan")
    _common(p)

    cli_review.register(sub)
    cli_privacy.register(sub)
    cli_calls.register(sub)

    p = sub.add_parser("claims", help="a resume's claims, with topics and probing prompts")
    p.add_argument("resume", type=Path, help=".txt, .md, .pdf or .docx")
    p.add_argument("--kit", type=Path, default=None, help="interview kit TOML (default: the bundled kit)")
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = sub.add_parser("import-audio", help="store an existing recording as a session, transcribed")
    p.add_argument("audio", type=Path)
    p.add_argument("--candidate", required=True)
    p.add_argument("--role", default=None)
    p.add_argument("--consent", choices=["verbal", "written"], default=None,
                   help="how the candidate consented to recording (required)")
    p.add_argument("--evaluator", default=None, help=f"who confirmed consent (default: ${EVALUATOR_ENV})")
    _model_opts(p, beam=5)
    _common(p)

    p = sub.add_parser("sessions", help="list stored sessions")
    p.add_argument("--format", choices=["table", "json"], default="table")
    _common(p)

    p = sub.add_parser("doctor", help="what a bug report needs: versions, model, devices, data dir, disk")
    p.add_argument("--format", choices=["text", "json"], default="text")
    _common(p)

    p = sub.add_parser("demo", help="the whole flow on the bundled sample interview and resume")
    p.add_argument("--headless", action="store_true", help="no window: replay, tag scripted evidence, export")
    p.add_argument("--out", type=Path, default=None, help="with --headless: where to write the session")
    p.add_argument("--speed", type=cli_numbers.speed, default=1.0,
                   help="replay speed (1 = real time, as a microphone would deliver it)")
    p.add_argument("--screenshot", type=Path, default=None, help=argparse.SUPPRESS)
    p.add_argument("--screenshot-at", type=cli_numbers.seconds_in_recording, default=60.0, help=argparse.SUPPRESS)
    p.add_argument("--import", dest="import_only", action="store_true",
                   help="store the sample interview as a finished recording and print its transcript")
    _model_opts(p, beam=None)
    _common(p)
    return parser


# ---------------------------------------------------------------------------------------------- commands
class JsonLines:
    """Thread-safe JSON lines on stdout, flushed at once (scripts read them live)."""

    def __init__(self, out: TextIO) -> None:
        import threading

        self.out = out
        self._lock = threading.Lock()

    def __call__(self, obj: dict[str, Any]) -> None:
        with self._lock:
            self.out.write(json.dumps(obj, ensure_ascii=False) + "\n")
            self.out.flush()


def _segment_line(seg: Segment, final: bool = True) -> dict[str, Any]:
    return {"start": round(seg.start, 3), "end": round(seg.end, 3), "text": seg.text, "speaker": seg.speaker,
            "final": final}


def cmd_transcribe_realtime(args: argparse.Namespace, sv: Services, tr: Transcriber) -> int:
    import threading

    from interviewer.audio.catchup import give_back
    from interviewer.audio.pace import LoadStatus
    from interviewer.audio.sources import FileSource
    from interviewer.audio.streaming import StreamConfig, StreamingTranscriber
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
            emit(_segment_line(seg))

    def on_tentative(text: str, start: float, end: float) -> None:
        if args.format == "jsonl":
            emit({"start": round(start, 3), "end": round(end, 3), "text": text, "speaker": source.name,
                  "final": False})

    def on_revise(index: int, seg: Segment) -> None:
        segments[index] = seg
        if args.format == "jsonl":  # index: which "final" line (counted from 0) this one replaces
            emit({**_segment_line(seg), "revised": True, "index": index})

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


class CatchUpProgress:
    """`{"event": "catch-up", "progress": F}` lines while what was put off is done after the end (every 5 %)."""

    def __init__(self, emit: Callable[[dict[str, Any]], None] | None) -> None:
        self.emit = emit
        self.last = -1.0

    def __call__(self, fraction: float) -> None:
        if self.emit is not None and (fraction >= 1.0 or fraction - self.last >= 0.05):
            self.last = fraction
            self.emit({"event": "catch-up", "progress": round(min(1.0, fraction), 3)})


def cmd_transcribe(args: argparse.Namespace, sv: Services) -> int:
    # A bad file is reported before a model is loaded (its start decoded, not the whole of it).
    shortfall = _check_audio(args.audio)
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


def _check_audio(path: Path) -> str:
    """Refuse a file that does not decode or has not a single sample (only its first second is decoded);
    return how a truncated WAV falls short ("" if it does not)."""
    from interviewer.audio.decode import SAMPLE_RATE, iter_blocks, wav_shortfall

    shortfall = wav_shortfall(path)
    blocks = iter_blocks(path, block=SAMPLE_RATE)
    try:
        first = next(blocks, None)
    finally:
        blocks.close()
    if first is None or not len(first):
        raise UserError("has no audio" + (f" (it is truncated: {shortfall})" if shortfall else ""), path=path)
    return shortfall


def _require_consent(consent: str | None) -> str:
    if not consent:
        raise UserError("recording a candidate needs their consent: pass --consent verbal or --consent written "
                        "once the candidate has agreed to the notice")
    return consent


def import_recording(sv: Services, *, audio: Path, candidate: str, role: str | None, consent: str,
                     evaluator: str, model: str | None, beam: int, allow_download: bool,
                     resume: Path | None = None) -> str:
    """Copy a recording into the data dir, transcribe it and store it as a complete session."""
    from interviewer.live.session import SessionLock
    from interviewer.notes.prompts.kits import default_kit_path, load_kit
    from interviewer.notes.store.values import new_id

    shortfall = _check_audio(audio)
    tr = sv.make_transcriber(model, beam, allow_download)
    kit_path = default_kit_path()
    kit = load_kit(kit_path)
    store = sv.open_store()
    try:
        resume_text = None
        claims: list[dict[str, Any]] = []
        if resume is not None:
            from interviewer.notes.claims.extract import claims_from_file
            from interviewer.notes.claims.reader import read_resume

            resume_text = read_resume(resume).text
            claims = [{"text": c.text, "source": c.source, "section": c.section, "topics": c.topics}
                      for c in claims_from_file(resume, kit)]
        sid = new_id()
        rel = Path("audio") / f"{sid}{_audio_suffix(audio)}"
        lock = SessionLock(sv.data_dir.audio_dir / f"{sid}.lock")  # recovery in another process keeps away
        private_dir(sv.data_dir.audio_dir)
        lock.acquire()
        try:
            with store.atomic():
                cand = store.get_or_create_candidate(candidate, resume_path=str(resume) if resume else None,
                                                     resume_text=resume_text)
                if claims and not store.claims(cand):
                    store.add_claims(cand, claims)
                role_id = store.get_or_create_role(role) if role else None
                kit_id = store.save_kit(kit, kit_path.read_text(encoding="utf-8"))
                # Linked from the start: if the import is killed, recovery finishes it from the copied audio,
                # or marks it failed ("stopped before its audio was copied"), never a 0 s "recovered" session.
                store.create_session(candidate_id=cand, role_id=role_id, kit_id=kit_id, evaluator=evaluator,
                                     status="recording", sample_rate=16000, model=tr.label, origin="import",
                                     audio_path=rel.as_posix(), session_id=sid)
                store.record_consent(candidate_id=cand, session_id=sid, method=consent, confirmed_by=evaluator)
            _copy_in(audio, sv.data_dir.root / rel, store.vault)
            result = tr.transcribe_file(sv.data_dir.root / rel, beam_size=beam, vault=store.vault)
            # One mixed recording: who said what, by voice (the evaluator's profile, else who asks the questions)
            from interviewer.live.attribution import try_attribute

            segments, problem = try_attribute(store, store.session(sid), sv.data_dir.root / rel, result.segments)
            if problem:
                sv.warn(f"{audio}: {problem}")
            with store.atomic():
                store.add_segments(sid, segments)
                store.update_session(sid, status="complete", duration_s=result.duration_s, ended_at=store.now())
        finally:
            lock.release()
        if result.truncated:
            sv.warn(f"{audio}: truncated ({result.problem}); stored the {result.duration_s:.1f} s that could "
                    "be decoded")
        elif shortfall:
            sv.warn(f"{audio} is truncated: {shortfall}; stored the {result.duration_s:.1f} s that are")
        return sid
    finally:
        store.close()


def _audio_suffix(audio: Path) -> str:
    suffix = audio.suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ".audio"


def _copy_in(src: Path, target: Path, vault: Vault | None) -> None:
    """Copy a recording into the data dir through a locked, owner-only temporary file renamed into place (a
    killed copy leaves nothing that the next start does not sweep); sealed as it is copied in an encrypted
    data dir, so the plaintext never lands there."""
    with temp_file(target.parent, target.name) as (tmp, fd), src.open("rb") as f:
        if vault is not None:
            with vault.open(tmp, "wb") as dst:
                shutil.copyfileobj(f, dst, 1 << 20)
        else:
            with open(fd, "wb", closefd=False) as dst:
                shutil.copyfileobj(f, dst, 1 << 20)
                dst.flush()
                os.fsync(fd)
        tmp.replace(target)


def cmd_import_audio(args: argparse.Namespace, sv: Services) -> int:
    consent = _require_consent(args.consent)
    sid = import_recording(sv, audio=args.audio, candidate=args.candidate, role=args.role, consent=consent,
                           evaluator=args.evaluator or default_evaluator(), model=args.model, beam=args.beam,
                           allow_download=args.allow_download)
    sv.print(sid)
    return 0


def cmd_sessions(args: argparse.Namespace, sv: Services) -> int:
    store = sv.open_store()
    try:
        rows = store.sessions()
    finally:
        store.close()
    if args.format == "json":
        keys = ("id", "candidate", "role", "status", "started_at", "duration_s", "audio_path", "segments",
                "evidence")
        sv.print(json.dumps([{k: r[k] for k in keys} for r in rows], ensure_ascii=False, indent=1))
        return 0
    if not rows:
        sv.print("No sessions yet. Try `interviewer demo`, or `interviewer import-audio FILE --candidate NAME "
                 "--consent verbal`.")
        return 0
    from interviewer.core.transcript import mmss

    sv.say(f"{'id':8}  {'started (UTC)':16}  {'candidate':24}  {'role':20}  {'status':9}  {'length':>7}  "
           f"{'segs':>5}  {'evid':>4}")
    for r in rows:
        sv.say(f"{r['id'][:8]}  {r['started_at'][:16].replace('T', ' '):16}  {cell(r['candidate'], 24)}  "
               f"{cell(r['role'] or '-', 20)}  {cell(r['status'], 9)}  {mmss(r['duration_s']):>7}  "
               f"{r['segments']:>5}  {r['evidence']:>4}")
    return 0


def cmd_doctor(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.cli.doctor import report

    info = report(sv.data_dir)
    if args.format == "json":
        sv.print(json.dumps(info, indent=1, ensure_ascii=False))
    else:
        for section, values in info.items():
            sv.say(f"{section}:")
            if isinstance(values, dict):
                for k, v in values.items():
                    sv.say(f"  {k}: {v}")
            elif isinstance(values, list):
                for v in values:
                    sv.say(f"  - {v}")
            else:
                sv.say(f"  {values}")
    return 0


def cmd_record(args: argparse.Namespace, sv: Services) -> int:
    import signal
    import threading

    from interviewer.audio.sources import open_source
    from interviewer.live.refine import Cancelled
    from interviewer.live.session import Listener, LiveSession, SessionSpec, Track

    consent = _require_consent(args.consent)
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
        emit({**_segment_line(seg), "id": seg_id})

    def on_revised(seg_id: str, seg: Segment) -> None:
        voice = {} if seg.confidence is None else {"confidence": round(seg.confidence, 3)}  # labelled by voice
        emit({**_segment_line(seg), "id": seg_id, "revised": True, **voice})

    def on_error(msg: str) -> None:
        messages.append(msg)
        sv.warn(msg)

    listener = Listener(started=lambda sid: emit({"event": "start", "session": sid}), segment=on_segment,
                        revised=on_revised, stopped=lambda reason: stopped.set(), error=on_error,
                        load=lambda status: emit(status.to_event()))
    from interviewer.audio.streaming import StreamConfig

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


def _session_kit(store: Store, session_id: str) -> Any:
    from interviewer.notes.prompts.kits import load_kit, parse_kit

    kit_id = store.session(session_id).get("kit_id")
    return parse_kit(store.kit_toml(kit_id), f"kit {kit_id[:8]}") if kit_id else load_kit()


def cmd_tag(args: argparse.Namespace, sv: Services) -> int:
    store = sv.open_store()
    try:
        sid = store.resolve_session(args.session)
        if args.consent:
            if args.criterion:
                raise UserError("--consent tags the consent moment, not evidence: leave out --criterion")
            row = store.mark_spoken_consent(sid, args.start, args.end,
                                            actor=args.evaluator or default_evaluator(store.session(sid)["evaluator"]))
            sv.print(json.dumps({k: row.get(k) for k in ("id", "session_id", "method", "confirmed_by", "confirmed_at",
                                                          "spoken_start", "spoken_end", "spoken_quote")},
                                ensure_ascii=False))
            return 0
        kit = _session_kit(store, sid)
        keys = [c.key for c in kit.criteria]
        if not args.criterion:
            raise UserError(f"say which criterion with --criterion ({', '.join(keys)}), or --consent")
        if args.criterion not in keys:
            raise UserError(f"unknown criterion {args.criterion!r}; this session's kit has: {', '.join(keys)}")
        if args.claim:
            cand = store.session(sid)["candidate_id"]
            if args.claim not in {c["id"] for c in store.claims(cand)}:
                raise UserError(f"no claim {args.claim!r} for this session's candidate")
        eid = store.add_evidence(session_id=sid, start=args.start, end=args.end, criterion=args.criterion,
                                 evaluator=args.evaluator or default_evaluator(store.session(sid)["evaluator"]) or None,
                                 claim_id=args.claim,
                                 probe_id=args.probe, polarity=args.polarity, note=args.note)
    finally:
        store.close()
    sv.print(eid)
    return 0


def _checked_outputs(args: argparse.Namespace, sv: Services, names: Sequence[str]) -> None:
    """Every output path in `args` (attributes `names`) checked before anything is written, replaced by the path
    to write; the same file named twice is refused."""
    from interviewer.core.files import OutputRefusedError, check_output_path

    seen: dict[Path, str] = {}
    for name in names:
        value = getattr(args, name, None)
        if value is None:
            continue
        path = check_output_path(value, sv.data_dir.root, force=bool(getattr(args, "force", False)))
        key = path.resolve()
        if key in seen:
            raise OutputRefusedError(f"{path} is named by both --{seen[key]} and --{name}; give each its own file")
        seen[key] = name
        setattr(args, name, path)


def cmd_export(args: argparse.Namespace, sv: Services) -> int:
    _checked_outputs(args, sv, ("json", *cli_review.TRANSCRIPT_FORMATS, "pdf"))
    store = sv.open_store()
    try:
        wrote = cli_reports.export_pdf(args, sv, store)
        if args.session is None:
            if wrote:
                return 0
            raise UserError("name the session to export (see `interviewer sessions`), or a role with --role")
        sid = store.resolve_session(args.session)
        wrote = cli_review.export_formats(args, sv, store, sid) or wrote
        if args.json is not None:
            try:  # JSON has no Infinity or NaN: never write a file other programs cannot read
                text = json.dumps(store.export_session(sid), ensure_ascii=False, indent=1, allow_nan=False)
            except ValueError:
                raise UserError(f"session {sid[:8]} holds a number that is not finite; nothing was written",
                                path=args.json) from None
            write_file(store.vault, args.json, text.encode("utf-8"))
            sv.say(str(args.json))
            wrote = True
    finally:
        store.close()
    if not wrote:
        raise UserError("say what to export: --json, --txt, --srt, --vtt, --md or --pdf OUT")
    return 0


def _find_kit(sv: Services, ref: str) -> Path:
    from interviewer.notes.prompts.kits import default_kit_path, user_kits_dir

    if ref in ("default", ""):
        return default_kit_path()
    path = Path(ref)
    if path.exists():
        return path
    for f in sorted(user_kits_dir(sv.data_dir.root).glob("*.toml")):
        if f.stem == ref:
            return f
    raise UserError(f"no kit {ref!r}: give a file, 'default', or a name from `interviewer kit list`")


def cmd_kit(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes.prompts.kits import copy_kit, default_kit_path, dump_kit, load_kit, user_kits_dir

    action = args.kit_command
    if action == "validate":
        kit = load_kit(args.file, sv.vault())
        sv.say(f"{args.file}: ok — {len(kit.criteria)} criteria, {len(kit.probes)} probes, "
               f"{len(kit.topics)} topics, {len(kit.extra.get('scenarios', []))} scenario cards")
        return 0
    if action == "list":
        sv.say(f"default (read-only)  {default_kit_path()}")
        for f in sorted(user_kits_dir(sv.data_dir.root).glob("*.toml")):
            sv.say(f"{f.stem}  {f}")
        return 0
    if action == "new":
        path = copy_kit(load_kit(args.source, sv.vault()), sv.data_dir.root, args.name, sv.vault())
        sv.say(str(path))
        return 0
    if action == "import":
        kit = load_kit(args.file, sv.vault())
        path = copy_kit(kit, sv.data_dir.root, kit.name, sv.vault())
        sv.say(str(path))
        return 0
    kit = load_kit(_find_kit(sv, args.kit), sv.vault())
    _checked_outputs(args, sv, ("output",))
    write_file(sv.vault(), args.output, dump_kit(kit).encode("utf-8"))
    sv.say(str(args.output))
    return 0


def cmd_rate(args: argparse.Namespace, sv: Services) -> int:
    store = sv.open_store()
    try:
        sid = store.resolve_session(args.session)
        keys = [c.key for c in _session_kit(store, sid).criteria]
        if args.criterion not in keys:
            raise UserError(f"unknown criterion {args.criterion!r}; this session's kit has: {', '.join(keys)}")
        rid = store.rate(session_id=sid, criterion=args.criterion, evaluator=args.evaluator, score=args.score,
                         evidence_ids=args.evidence, reason=args.reason)
    finally:
        store.close()
    sv.print(rid)
    return 0


def cmd_calibration(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes.ratings.calibration import calibration

    store = sv.open_store()
    try:
        report = calibration(store, args.role)
        if getattr(args, "by_call", False):
            report = cli_calls.by_call_report(store, args.role, report)
    finally:
        store.close()
    if args.format == "json":
        sv.print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0

    def fmt(a: float | None) -> str:
        return "n/a (needs two evaluators on the same sessions)" if a is None else f"{a:.3f}"

    sv.say(f"Calibration{' for ' + args.role if args.role else ''}: overall alpha {fmt(report['overall_alpha'])}")
    for key, c in report["criteria"].items():
        sv.say(f"  {key}: alpha {fmt(c['alpha'])} over {c['units']} sessions, {c['ratings']} ratings")
    for name, e in report["evaluators"].items():
        off = "n/a" if e["offset"] is None else f"{e['offset']:+.2f}"
        sv.say(f"  {name}: offset from the panel {off} over {e['n']} shared ratings")
    for f in report["flags"]:
        sv.say(f"  FLAG {f['evaluator']} gave {f['score']} for {f['criterion']} ({f['candidate']}): {f['reason']}")
    cli_calls.print_by_call(sv, report)
    return 0


def cmd_bundle(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes.store.bundle import export_bundle, import_bundle

    store = sv.open_store()
    try:
        if args.bundle_command == "export":
            _checked_outputs(args, sv, ("output",))
            info = export_bundle(store, args.sessions, args.output)
            sv.say(f"{info['bundle']}: {len(info['sessions'])} session(s), {info['audio']} audio file(s)")
            return 0
        report = import_bundle(store, args.file)
    finally:
        store.close()
    if args.format == "json":
        sv.print(json.dumps(report.as_dict(), indent=1))
    else:
        added = ", ".join(f"{n} {t}" for t, n in report.added.items()) or "nothing new"
        sv.say(f"Imported {args.file}: added {added}; {report.audio_added} audio file(s).")
        for c in report.conflicts:
            sv.say(f"  CONFLICT {c['table']} {c['id']}: differs in {', '.join(c['fields'])} (kept yours)")
    return 0


def cmd_evaluator(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes import panel
    from interviewer.notes.prompts.kits import load_kit

    store = sv.open_store()
    try:
        if args.evaluator_command == "list":
            rows = panel.evaluators(store)
            if args.format == "json":
                sv.print(json.dumps([{"name": r["name"], "role": r["role"], "shipped": r["shipped"],
                                      "voice_profile": r["voice_profile"]} for r in rows],
                                    ensure_ascii=False, indent=1))
            for r in rows if args.format == "text" else []:
                voice = r["voice_profile"]
                heard = f"; voice profile ({voice['seconds']} s, {voice['recorded_at'][:10]})" if voice else ""
                sv.say(f"{r['name']} ({r['role'] or 'no role'}): {', '.join(r['topics'])}{heard}")
            return 0
        if args.evaluator_command == "voice":
            return _evaluator_voice(args, sv, store)
        topics = [t.strip() for t in args.shipped.split(",") if t.strip()]
        eid = panel.add_evaluator(store, load_kit(args.kit, sv.vault()), args.name, role=args.role,
                                  shipped=dict.fromkeys(topics, args.note), note=args.note)
    finally:
        store.close()
    sv.print(eid)
    return 0


def _record(spec: str, seconds: float) -> Any:
    """`seconds` of audio from an input device (or `file:PATH`), as 16 kHz mono float32."""
    import threading

    import numpy as np

    from interviewer.audio.sources import open_source

    blocks: list[Any] = []
    done = threading.Event()
    source = open_source(spec)

    def on_audio(block: Any) -> None:
        blocks.append(block)
        if sum(len(b) for b in blocks) >= seconds * 16000:
            done.set()

    source.start(on_audio, lambda _err: done.set())
    try:
        done.wait(seconds + 5.0)
    finally:
        source.stop()
    return np.concatenate(blocks)[:int(seconds * 16000)] if blocks else np.zeros(0, np.float32)


def _evaluator_voice(args: argparse.Namespace, sv: Services, store: Store) -> int:
    from interviewer.audio.voices import MODEL_LABEL, voice_print
    from interviewer.core.errors import AudioError
    from interviewer.notes import panel

    if args.erase:
        if not panel.erase_voice_profile(store, args.name):
            raise UserError(f"{args.name!r} has no voice profile to erase")
        sv.print(json.dumps({"name": args.name, "voice_profile": None}) if args.format == "json" else
                 f"Erased {args.name}'s voice profile.")
        return 0
    if args.from_audio is not None:
        from interviewer.audio.decode import decode_file

        samples, where = decode_file(args.from_audio).samples, str(args.from_audio)
    else:
        if not 4 <= args.record <= 120:
            raise UserError("--record takes 4 to 120 seconds (about 20 s is best)")
        if args.format == "text":
            sv.say(f"Recording {args.record:.0f} s: read aloud, at your usual pace, e.g. the first paragraph of "
                   "any page.")
        samples, where = _record(args.source, args.record), args.source
    try:
        embedding, seconds = voice_print(samples)
    except AudioError as exc:
        raise UserError(f"{where}: {exc}") from None
    panel.set_voice_profile(store, args.name, embedding.tolist(), seconds=seconds, model=MODEL_LABEL)
    if args.format == "json":
        sv.print(json.dumps({"name": args.name, "voice_profile": {"model": MODEL_LABEL,
                                                                  "seconds": round(seconds, 1)}}))
    else:
        sv.say(f"Stored {args.name}'s voice profile ({seconds:.0f} s of speech; the audio itself is not kept).")
    return 0


def cmd_candidate(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes.claims.extract import claims_from_file
    from interviewer.notes.claims.reader import read_resume
    from interviewer.notes.prompts.kits import load_kit

    kit = load_kit(args.kit, sv.vault())
    claims = claims_from_file(args.resume, kit)  # a bad resume is refused before anything is stored
    doc = read_resume(args.resume)
    text = doc.text
    if not claims:  # the candidate is still added: their claims can be typed in the app
        from interviewer.notes.claims.diagnosis import why_no_claims

        sv.warn(f"{args.resume}: {why_no_claims(doc)}")
    store = sv.open_store()
    try:
        with store.atomic():
            cand = store.get_or_create_candidate(args.name, resume_path=str(args.resume), resume_text=text)
            store.get_or_create_role(args.role)
            if store.claims(cand):
                raise UserError(f"{args.name} already has claims; edit them in the app instead")
            store.add_claims(cand, [{"text": c.text, "source": c.source, "section": c.section,
                                     "topics": list(c.topics)} for c in claims])
    finally:
        store.close()
    sv.say(f"{cand} ({len(claims)} claims)")
    return 0


def cmd_plan(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes import panel
    from interviewer.notes.prompts.kits import load_kit

    kit = load_kit(args.kit, sv.vault())
    store = sv.open_store()
    try:
        cand = store.find_candidate(args.candidate)
        if cand is None:
            raise UserError(f"no candidate named {args.candidate!r} (add one with `interviewer candidate add`)")
        if args.save:
            panel.save_plan(store, panel.propose_plan(store, kit, cand["id"]))
        result = panel.plan(store, kit, cand["id"])
    finally:
        store.close()
    if args.format == "json":
        sv.print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    for a in result["assignments"]:
        sv.say(f"{a['evaluator']:>16} ← {a['claim'][:100]}  [{', '.join(a['matched'] or a['topics'])}]")
    for u in result["unmatched"]:
        sv.say(f"{'UNMATCHED':>16} ← {u['claim'][:100]}  ({u['message']})")
    return 0


def cmd_claims(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes.claims.extract import claims_report
    from interviewer.notes.prompts.kits import load_kit

    report = claims_report(args.resume, load_kit(args.kit, sv.vault()))
    if not report:  # say why (scanned PDF, language, no Experience section) and how to add claims by hand
        from interviewer.notes.claims.diagnosis import no_claims_error
        from interviewer.notes.claims.reader import read_resume

        raise no_claims_error(read_resume(args.resume))
    if args.format == "json":
        sv.print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    for i, claim in enumerate(report, 1):
        where = f"  [{claim['section']}]" if claim["section"] else ""
        sv.say(f"{i}. {claim['text']}{where}")
        if claim["topics"]:
            sv.say(f"   topics: {', '.join(claim['topics'])}")
        for p in claim["probes"]:
            sv.say(f"   - ({p['criterion']}) {p['text']}")
    return 0


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
    sid = import_recording(sv, audio=audio, candidate="Zoë Ðặng", role="Senior ML Engineer", consent="verbal",
                           evaluator="Demo Evaluator", model=args.model, beam=args.beam,
                           allow_download=args.allow_download, resume=resume)
    store = sv.open_store()
    try:
        session = store.session(sid)
        segments = store.segments(sid)
        claims = store.claims(session["candidate_id"])
    finally:
        store.close()
    sv.print(f"\nSession {sid} ({len(segments)} segments, {len(claims)} resume claims)\n")
    sv.out.write(to_txt(segments))
    sv.print("\nNext: `interviewer sessions`, or open the app with `interviewer`.")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Services], int]] = {
    "transcribe": cmd_transcribe,
    "import-audio": cmd_import_audio,
    "sessions": cmd_sessions,
    "doctor": cmd_doctor,
    "demo": cmd_demo,
    "record": cmd_record,
    "recover": cmd_recover,
    "devices": cmd_devices,
    "claims": cmd_claims,
    "tag": cmd_tag,
    "export": cmd_export,
    "kit": cmd_kit,
    "rate": cmd_rate,
    "calibration": cmd_calibration,
    "bundle": cmd_bundle,
    "evaluator": cmd_evaluator,
    "candidate": cmd_candidate,
    "plan": cmd_plan,
    **cli_review.COMMANDS,
    **cli_privacy.COMMANDS,
    **cli_calls.COMMANDS,
}

# Commands that open the store run recovery first, so a crashed session is never left behind.
RECOVER_FIRST = {"import-audio", "sessions", "record", "demo", "search", "refine", "retention", "erase", "access"}


DEBUG_ENV = "INTERVIEWER_DEBUG"  # set to 1: an unexpected error prints its traceback too


# String options that name files or devices: a file name need not be UTF-8 (POSIX allows any bytes).
PATH_LIKE = frozenset({"data_dir", "source", "source2", "model", "kit"})


def check_text_args(args: argparse.Namespace) -> None:
    """Text arguments (not paths) must be UTF-8: a terminal in another encoding hands Python bytes it keeps as
    lone surrogates, which SQLite and the PDF writer would choke on later."""
    for name, value in vars(args).items():
        if name in PATH_LIKE:
            continue
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str):
                try:
                    v.encode("utf-8")
                except UnicodeEncodeError:
                    raise UserError(f"the {name.replace('_', ' ')} given is not valid UTF-8 text; check your "
                                    "terminal's encoding") from None


def detail_of(exc: BaseException) -> str:
    return str(exc).split("\n")[0]


def unexpected(exc: BaseException) -> str:
    """One sentence for an error no command foresaw."""
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply to read (a crafted file?); nothing was changed"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    if isinstance(exc, sqlite3.IntegrityError) or type(exc).__name__ == "IntegrityError":  # sqlcipher3 too
        return (f"the database refused the change ({detail_of(exc)}): the input refers to records that do not "
                "exist or breaks one of its rules; nothing was saved")
    if isinstance(exc, MemoryError):
        return "out of memory reading the input; nothing was changed"
    detail = detail_of(exc)
    return (f"unexpected {type(exc).__name__}{': ' + detail if detail else ''} "
            f"(set {DEBUG_ENV}=1 to see where)")


def report_error(exc: BaseException, err: TextIO) -> int:
    """Print an error as one line on `err` (the traceback too when $INTERVIEWER_DEBUG is set); the exit status."""
    if os.environ.get(DEBUG_ENV) and not isinstance(exc, UserError):
        traceback.print_exception(exc, file=err)
    message = str(exc) if isinstance(exc, UserError) else unexpected(exc)
    print(f"interviewer: error: {safe_text(message, limit=2000)}", file=err, flush=True)
    return exc.exit_code if isinstance(exc, UserError) else 2


def execute(args: argparse.Namespace, sv: Services) -> int:
    try:
        check_text_args(args)
        if args.command in RECOVER_FIRST:
            run_recovery(sv)
        return COMMANDS[args.command](args, sv)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("interviewer: interrupted", file=sv.err, flush=True)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one sentence, never a traceback
        return report_error(exc, sv.err)


def data_dir_from(args: argparse.Namespace) -> DataDir:
    return DataDir(resolve_data_dir(getattr(args, "data_dir", None))).ensure()


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    return build_parser().parse_args(argv)
