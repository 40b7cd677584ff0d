"""The command line. Qt-free: commands that need a window are handed back to the composition root.

Every command that can fail on the user's input prints one line naming the file and the problem and
exits with status 2 (see `interviewer.core.errors.UserError`). This module runs a parsed command: recovery
first where it is needed, and any error reported as one sentence.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import traceback
from collections.abc import Callable, Sequence
from typing import TextIO

from interviewer.cli import calls as cli_calls
from interviewer.cli import privacy as cli_privacy
from interviewer.cli import review as cli_review
from interviewer.cli.bundle import cmd_bundle
from interviewer.cli.demo import cmd_demo
from interviewer.cli.doctor import cmd_doctor
from interviewer.cli.export import cmd_export
from interviewer.cli.kits import cmd_kit
from interviewer.cli.parser import build_parser
from interviewer.cli.people import cmd_candidate, cmd_claims, cmd_evaluator, cmd_plan
from interviewer.cli.ratings import cmd_calibration, cmd_rate
from interviewer.cli.record import cmd_devices, cmd_record, cmd_recover, run_recovery
from interviewer.cli.services import Services
from interviewer.cli.sessions import cmd_sessions
from interviewer.cli.tags import cmd_tag
from interviewer.cli.transcribe import cmd_import_audio, cmd_transcribe
from interviewer.core.config import DataDir, resolve_data_dir
from interviewer.core.errors import UserError
from interviewer.core.safetext import safe_text

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
