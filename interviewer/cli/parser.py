"""The command line's grammar: every command and option, and the option helpers the commands share."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from interviewer import __version__
from interviewer.cli import calls as cli_calls
from interviewer.cli import numbers as cli_numbers
from interviewer.cli import privacy as cli_privacy
from interviewer.cli import reports as cli_reports
from interviewer.cli import review as cli_review
from interviewer.cli.services import EVALUATOR_ENV
from interviewer.core.config import DATA_DIR_ENV
from interviewer.core.safetext import safe_text
from interviewer.core.transcript import FORMATTERS


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
    p.add_argument("--speakers", action="store_true",
                   help="with --realtime: tell the two voices apart as a one-source live session does (each "
                        "committed line printed again, revised, with its speaker and \"confidence\")")

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
