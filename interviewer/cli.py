"""The command line. Qt-free: commands that need a window are handed back to the composition root.

Every command that can fail on the user's input prints one line naming the file and the problem and
exits with status 2 (see `interviewer.errors.UserError`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from interviewer import __version__, cli_privacy, cli_reports, cli_review
from interviewer.config import DATA_DIR_ENV, DataDir, resolve_data_dir
from interviewer.errors import UserError
from interviewer.transcript import FORMATTERS, Segment
from interviewer.vault import write_file

if False:  # pragma: no cover - typing only, keeps heavy imports lazy
    from interviewer.audio.transcriber import Transcriber
    from interviewer.notes.store import Store
    from interviewer.vault import Vault


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

    def warn(self, msg: str) -> None:
        print(f"interviewer: {msg}", file=self.err, flush=True)


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
    p.add_argument("--beam", type=int, default=beam,
                   help=f"beam size (default {beam})" if beam else
                   f"beam size (default {LIVE_BEAM} for the live path, {FILE_BEAM} for whole files)")
    p.add_argument("--allow-download", action="store_true",
                   help="allow downloading a named model from the Hugging Face Hub (needs a network)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    p.add_argument("--speed", type=float, default=1.0, help=argparse.SUPPRESS)

    p = sub.add_parser("record", help="record and transcribe a live interview")
    p.add_argument("--source", default="default",
                   help="'default', an input device name or index, or file:PATH (replayed in real time)")
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
    p.add_argument("--seconds", type=float, default=None, help="stop after this much audio")
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
    p.add_argument("--start", type=float, required=True, help="seconds from the start of the recording")
    p.add_argument("--end", type=float, required=True)
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
    _common(k)
    k = ksub.add_parser("validate", help="check a kit file; errors name the file and line")
    k.add_argument("file", type=Path)

    p = sub.add_parser("rate", help="score a criterion 1-4 for a session, with evidence or a written reason")
    p.add_argument("session")
    p.add_argument("--criterion", required=True)
    p.add_argument("--score", type=int, required=True, choices=[1, 2, 3, 4])
    p.add_argument("--evaluator", required=True)
    p.add_argument("--evidence", nargs="+", default=[], metavar="ID", help="linked evidence ids")
    p.add_argument("--reason", default="", help="why there is no linked evidence")
    _common(p)

    p = sub.add_parser("calibration", help="agreement between evaluators (Krippendorff's alpha), leniency, flags")
    p.add_argument("--role", default=None)
    p.add_argument("--format", choices=["text", "json"], default="text")
    _common(p)

    p = sub.add_parser("bundle", help="move sessions between laptops")
    bsub = p.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)
    b = bsub.add_parser("export", help="write sessions (rows and audio, checksummed) to one file")
    b.add_argument("sessions", nargs="+")
    b.add_argument("-o", "--output", type=Path, required=True)
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
    p.add_argument("--speed", type=float, default=1.0,
                   help="replay speed (1 = real time, as a microphone would deliver it)")
    p.add_argument("--screenshot", type=Path, default=None, help=argparse.SUPPRESS)
    p.add_argument("--screenshot-at", type=float, default=60.0, help=argparse.SUPPRESS)
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

    from interviewer.audio.sources import FileSource
    from interviewer.audio.streaming import StreamConfig, StreamingTranscriber

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

    stream = StreamingTranscriber(tr, speaker=source.name, on_commit=on_commit, on_tentative=on_tentative,
                                  on_revise=on_revise, config=StreamConfig(beam_size=args.beam))

    def on_end(error: Exception | None) -> None:
        if error:
            errors.append(error)
        done.set()

    if args.format == "jsonl":
        emit({"event": "start"})
    source.start(stream.feed, on_end)
    try:
        done.wait()
    finally:
        source.stop()
        stream.finish()
    if args.format != "jsonl":
        sv.out.write(FORMATTERS[args.format](segments))
        sv.out.flush()
    if errors:
        raise UserError(f"replay stopped: {errors[0]}", path=args.audio)
    return 0


def cmd_transcribe(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.audio.decode import decode_file

    # Decode first: a bad file is reported before a model is loaded.
    decode_file(args.audio)
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
    return 0


def _require_consent(consent: str | None) -> str:
    if not consent:
        raise UserError("recording a candidate needs their consent: pass --consent verbal or --consent written "
                        "once the candidate has agreed to the notice")
    return consent


def import_recording(sv: Services, *, audio: Path, candidate: str, role: str | None, consent: str,
                     evaluator: str, model: str | None, beam: int, allow_download: bool,
                     resume: Path | None = None) -> str:
    """Copy a recording into the data dir, transcribe it and store it as a complete session."""
    from interviewer.audio.decode import decode_file
    from interviewer.notes.kits import default_kit_path, load_kit

    decoded = decode_file(audio)
    tr = sv.make_transcriber(model, beam, allow_download)
    kit_path = default_kit_path()
    kit = load_kit(kit_path)
    store = sv.open_store()
    try:
        resume_text = None
        claims: list[dict[str, Any]] = []
        if resume is not None:
            from interviewer.notes.claims import claims_from_file
            from interviewer.notes.resume import read_resume

            resume_text = read_resume(resume).text
            claims = [{"text": c.text, "source": c.source, "section": c.section, "topics": c.topics}
                      for c in claims_from_file(resume, kit)]
        with store.atomic():
            cand = store.get_or_create_candidate(candidate, resume_path=str(resume) if resume else None,
                                                 resume_text=resume_text)
            if claims and not store.claims(cand):
                store.add_claims(cand, claims)
            role_id = store.get_or_create_role(role) if role else None
            kit_id = store.save_kit(kit, kit_path.read_text(encoding="utf-8"))
            sid = store.create_session(candidate_id=cand, role_id=role_id, kit_id=kit_id, evaluator=evaluator,
                                       status="recording", sample_rate=16000, model=tr.label, origin="import")
            store.record_consent(candidate_id=cand, session_id=sid, method=consent, confirmed_by=evaluator)
        rel = Path("audio") / f"{sid}{audio.suffix.lower() or '.audio'}"
        sv.data_dir.audio_dir.mkdir(parents=True, exist_ok=True)
        if store.vault is not None:  # sealed as it is copied: the plaintext never lands in the data dir
            with audio.open("rb") as src, store.vault.open(sv.data_dir.root / rel, "xb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        else:
            shutil.copyfile(audio, sv.data_dir.root / rel)
        result = tr.transcribe_file(sv.data_dir.root / rel, beam_size=beam, vault=store.vault)
        with store.atomic():
            store.add_segments(sid, result.segments)
            store.update_session(sid, status="complete", audio_path=rel.as_posix(),
                                 duration_s=decoded.duration_s, ended_at=store.now())
        if result.truncated:
            sv.warn(f"{audio}: truncated ({result.problem}); stored the {result.duration_s:.1f} s that could "
                    "be decoded")
        return sid
    finally:
        store.close()


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
    from interviewer.transcript import mmss

    sv.print(f"{'id':8}  {'started (UTC)':16}  {'candidate':24}  {'role':20}  {'status':9}  {'length':>7}  "
             f"{'segs':>5}  {'evid':>4}")
    for r in rows:
        sv.print(f"{r['id'][:8]}  {r['started_at'][:16].replace('T', ' '):16}  {r['candidate'][:24]:24}  "
                 f"{(r['role'] or '-')[:20]:20}  {r['status']:9}  {mmss(r['duration_s']):>7}  "
                 f"{r['segments']:>5}  {r['evidence']:>4}")
    return 0


def cmd_doctor(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.doctor import report

    info = report(sv.data_dir)
    if args.format == "json":
        sv.print(json.dumps(info, indent=1, ensure_ascii=False))
    else:
        for section, values in info.items():
            sv.print(f"{section}:")
            if isinstance(values, dict):
                for k, v in values.items():
                    sv.print(f"  {k}: {v}")
            elif isinstance(values, list):
                for v in values:
                    sv.print(f"  - {v}")
            else:
                sv.print(f"  {values}")
    return 0


def cmd_record(args: argparse.Namespace, sv: Services) -> int:
    import signal
    import threading

    from interviewer.audio.sources import open_source
    from interviewer.session import Listener, LiveSession, SessionSpec, Track

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
        emit({**_segment_line(seg), "id": seg_id, "revised": True})

    def on_error(msg: str) -> None:
        messages.append(msg)
        sv.warn(msg)

    listener = Listener(started=lambda sid: emit({"event": "start", "session": sid}), segment=on_segment,
                        revised=on_revised, stopped=lambda reason: stopped.set(), error=on_error)
    from interviewer.audio.streaming import StreamConfig

    session = LiveSession(store=store, data_dir=sv.data_dir, transcriber=tr, tracks=tracks,
                          spec=SessionSpec(candidate=args.candidate, consent=consent, role=args.role,
                                           evaluator=args.evaluator or default_evaluator()),
                          listener=listener, config=StreamConfig(beam_size=args.beam))

    def on_signal(signum: int, frame: Any) -> None:
        threading.Thread(target=session.stop, args=(f"signal {signum}",), daemon=True).start()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        session.start()
        while not stopped.wait(0.1):
            if args.seconds is not None and session.elapsed_s >= args.seconds:
                session.stop("--seconds reached")
        session.wait()
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
        if session.state != "stopped" and session.session_id:
            session.stop("exiting")
        store.close()
    emit({"event": "stop", "session": session.session_id, "reason": session.stop_reason,
          "duration_s": round(session.elapsed_s, 3)})
    return 2 if messages else 0


def cmd_recover(args: argparse.Namespace, sv: Services) -> int:
    results = run_recovery(sv, model=args.model, quiet=True)
    for r in results:
        sv.print(r.message())
    if not results:
        sv.print("Nothing to recover.")
    return 0


def run_recovery(sv: Services, *, model: str | None = None, quiet: bool = False) -> list[Any]:
    """Finish sessions a crash left in `recording`; tell the user on stderr."""
    from interviewer.recovery import recover_all

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
    from interviewer.audio.sources import input_devices

    devices = input_devices()
    if not devices:
        sv.print("No audio input devices found.")
    for d in devices:
        sv.print(f"[{d.index}] {d.name} ({d.channels} in, {d.default_rate} Hz)")
    return 0


def _session_kit(store: Store, session_id: str) -> Any:
    from interviewer.notes.kits import load_kit, parse_kit

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


def cmd_export(args: argparse.Namespace, sv: Services) -> int:
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
            write_file(store.vault, args.json,
                       json.dumps(store.export_session(sid), ensure_ascii=False, indent=1).encode("utf-8"))
            sv.print(str(args.json))
            wrote = True
    finally:
        store.close()
    if not wrote:
        raise UserError("say what to export: --json, --txt, --srt, --vtt, --md or --pdf OUT")
    return 0


def _find_kit(sv: Services, ref: str) -> Path:
    from interviewer.notes.kits import default_kit_path, user_kits_dir

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
    from interviewer.notes.kits import copy_kit, default_kit_path, dump_kit, load_kit, user_kits_dir

    action = args.kit_command
    if action == "validate":
        kit = load_kit(args.file, sv.vault())
        sv.print(f"{args.file}: ok — {len(kit.criteria)} criteria, {len(kit.probes)} probes, "
                 f"{len(kit.topics)} topics")
        return 0
    if action == "list":
        sv.print(f"default (read-only)  {default_kit_path()}")
        for f in sorted(user_kits_dir(sv.data_dir.root).glob("*.toml")):
            sv.print(f"{f.stem}  {f}")
        return 0
    if action == "new":
        path = copy_kit(load_kit(args.source, sv.vault()), sv.data_dir.root, args.name, sv.vault())
        sv.print(str(path))
        return 0
    if action == "import":
        kit = load_kit(args.file, sv.vault())
        path = copy_kit(kit, sv.data_dir.root, kit.name, sv.vault())
        sv.print(str(path))
        return 0
    kit = load_kit(_find_kit(sv, args.kit), sv.vault())
    write_file(sv.vault(), args.output, dump_kit(kit).encode("utf-8"))
    sv.print(str(args.output))
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
    from interviewer.notes.calibration import calibration

    store = sv.open_store()
    try:
        report = calibration(store, args.role)
    finally:
        store.close()
    if args.format == "json":
        sv.print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0

    def fmt(a: float | None) -> str:
        return "n/a (needs two evaluators on the same sessions)" if a is None else f"{a:.3f}"

    sv.print(f"Calibration{' for ' + args.role if args.role else ''}: overall alpha {fmt(report['overall_alpha'])}")
    for key, c in report["criteria"].items():
        sv.print(f"  {key}: alpha {fmt(c['alpha'])} over {c['units']} sessions, {c['ratings']} ratings")
    for name, e in report["evaluators"].items():
        off = "n/a" if e["offset"] is None else f"{e['offset']:+.2f}"
        sv.print(f"  {name}: offset from the panel {off} over {e['n']} shared ratings")
    for f in report["flags"]:
        sv.print(f"  FLAG {f['evaluator']} gave {f['score']} for {f['criterion']} ({f['candidate']}): {f['reason']}")
    return 0


def cmd_bundle(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes.bundle import export_bundle, import_bundle

    store = sv.open_store()
    try:
        if args.bundle_command == "export":
            info = export_bundle(store, args.sessions, args.output)
            sv.print(f"{info['bundle']}: {len(info['sessions'])} session(s), {info['audio']} audio file(s)")
            return 0
        report = import_bundle(store, args.file)
    finally:
        store.close()
    if args.format == "json":
        sv.print(json.dumps(report.as_dict(), indent=1))
    else:
        added = ", ".join(f"{n} {t}" for t, n in report.added.items()) or "nothing new"
        sv.print(f"Imported {args.file}: added {added}; {report.audio_added} audio file(s).")
        for c in report.conflicts:
            sv.print(f"  CONFLICT {c['table']} {c['id']}: differs in {', '.join(c['fields'])} (kept yours)")
    return 0


def cmd_evaluator(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes import panel
    from interviewer.notes.kits import load_kit

    store = sv.open_store()
    try:
        if args.evaluator_command == "list":
            rows = panel.evaluators(store)
            if args.format == "json":
                sv.print(json.dumps([{"name": r["name"], "role": r["role"], "shipped": r["shipped"]} for r in rows],
                                    ensure_ascii=False, indent=1))
            for r in rows if args.format == "text" else []:
                sv.print(f"{r['name']} ({r['role'] or 'no role'}): {', '.join(r['topics'])}")
            return 0
        topics = [t.strip() for t in args.shipped.split(",") if t.strip()]
        eid = panel.add_evaluator(store, load_kit(args.kit, sv.vault()), args.name, role=args.role,
                                  shipped=dict.fromkeys(topics, args.note), note=args.note)
    finally:
        store.close()
    sv.print(eid)
    return 0


def cmd_candidate(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes.claims import claims_from_file
    from interviewer.notes.kits import load_kit
    from interviewer.notes.resume import read_resume

    kit = load_kit(args.kit, sv.vault())
    claims = claims_from_file(args.resume, kit)  # a bad resume is refused before anything is stored
    text = read_resume(args.resume).text
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
    sv.print(f"{cand} ({len(claims)} claims)")
    return 0


def cmd_plan(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes import panel
    from interviewer.notes.kits import load_kit

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
        sv.print(f"{a['evaluator']:>16} ← {a['claim'][:100]}  [{', '.join(a['matched'] or a['topics'])}]")
    for u in result["unmatched"]:
        sv.print(f"{'UNMATCHED':>16} ← {u['claim'][:100]}  ({u['message']})")
    return 0


def cmd_claims(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes.claims import claims_report
    from interviewer.notes.kits import load_kit

    report = claims_report(args.resume, load_kit(args.kit, sv.vault()))
    if args.format == "json":
        sv.print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    if not report:
        sv.print(f"No claims found in {args.resume}: no statements of what the candidate did.")
    for i, claim in enumerate(report, 1):
        where = f"  [{claim['section']}]" if claim["section"] else ""
        sv.print(f"{i}. {claim['text']}{where}")
        if claim["topics"]:
            sv.print(f"   topics: {', '.join(claim['topics'])}")
        for p in claim["probes"]:
            sv.print(f"   - ({p['criterion']}) {p['text']}")
    return 0


def cmd_demo(args: argparse.Namespace, sv: Services) -> int:
    if args.beam is None:
        args.beam = FILE_BEAM if args.import_only else LIVE_BEAM
    if args.headless:
        return cmd_demo_headless(args, sv)
    return cmd_demo_import(args, sv)


def cmd_demo_headless(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.demo import run_headless
    from interviewer.transcript import mmss

    out = args.out or (sv.data_dir.exports_dir / "demo")
    tr = sv.make_transcriber(args.model, args.beam, args.allow_download)
    store = sv.open_store()
    try:
        sv.print(f"Demo: replaying the sample interview for Zoë Ðặng through the live pipeline "
                 f"(speed {args.speed:g}×)…")
        summary = run_headless(store, sv.data_dir, tr, out, speed=args.speed, beam=args.beam,
                               progress=lambda seg: sv.print(f"[{mmss(seg.start)}] {seg.speaker}: {seg.text}"))
    finally:
        store.close()
    sv.print(json.dumps(summary, ensure_ascii=False))
    return 0


def cmd_demo_import(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.config import resource_path
    from interviewer.transcript import to_txt

    audio = resource_path("demo", "interview.flac")
    resume = resource_path("demo", "resume.md")
    sv.print(f"Demo: importing the bundled sample interview ({audio.name}) for Zoë Ðặng, "
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
}

# Commands that open the store run recovery first, so a crashed session is never left behind.
RECOVER_FIRST = {"import-audio", "sessions", "record", "demo", "search", "refine", "retention", "erase", "access"}


def execute(args: argparse.Namespace, sv: Services) -> int:
    try:
        if args.command in RECOVER_FIRST:
            run_recovery(sv)
        return COMMANDS[args.command](args, sv)
    except UserError as exc:
        print(f"interviewer: error: {exc}", file=sv.err, flush=True)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("interviewer: interrupted", file=sv.err, flush=True)
        return 130


def data_dir_from(args: argparse.Namespace) -> DataDir:
    return DataDir(resolve_data_dir(getattr(args, "data_dir", None))).ensure()


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    return build_parser().parse_args(argv)
