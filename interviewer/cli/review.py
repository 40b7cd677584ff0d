"""Review commands: `search`, `refine`, and the transcript formats of `export` (--txt/--srt/--vtt/--md).

Wired in by `interviewer.cli.parser` (`register(sub)`) and `interviewer.cli.main` (`COMMANDS`); `cmd_export`
(`interviewer.cli.export`) calls `export_formats`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.cli import numbers as cli_numbers
from interviewer.core.errors import UserError
from interviewer.core.safetext import cell, safe_text

if TYPE_CHECKING:
    from interviewer.cli.services import Services
    from interviewer.notes.store.database import Store

TRANSCRIPT_FORMATS = ("txt", "srt", "vtt", "md")


def _data_dir_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", default=argparse.SUPPRESS,
                   help="where sessions and audio are stored (default: $INTERVIEWER_DATA_DIR or the platform's "
                        "user data directory)")


def register(sub: Any) -> None:
    """Add `search` and `refine` to the subparsers `sub` of the main parser."""
    p = sub.add_parser("search", help="full-text search over every session's transcript")
    p.add_argument("query", help="words that must all appear (a trailing * matches a prefix)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--limit", type=cli_numbers.search_limit, default=50, help="at most this many matches (default 50)")
    _data_dir_option(p)

    p = sub.add_parser("refine", help="transcribe a session's recording again (a larger beam or model); "
                                      "evidence keeps its time ranges and re-reads its quotes")
    p.add_argument("session", help="session id (or an unambiguous prefix)")
    p.add_argument("--model", default=None,
                   help="a CTranslate2 Whisper directory or a cached model name (default: the bundled tiny.en)")
    p.add_argument("--beam", type=cli_numbers.beam, default=5, help="beam size (default 5)")
    _data_dir_option(p)

    p = sub.add_parser("speakers", help="correct who said what: give a line to the interviewer or the candidate, "
                                        "swap the two speakers of a session, or undo; quotes follow")
    p.add_argument("session", help="session id (or an unambiguous prefix)")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--line", metavar="SEGMENT_ID", help="the line (segment id from export --json, or a prefix)")
    how.add_argument("--swap", action="store_true", help="swap interviewer and candidate on every line")
    how.add_argument("--undo", action="store_true", help="undo the last speaker change")
    p.add_argument("--to", choices=["interviewer", "candidate"], help="with --line: who said it")
    p.add_argument("--format", choices=["text", "json"], default="text")
    _data_dir_option(p)


def add_export_options(parser: argparse.ArgumentParser) -> None:
    """`export`'s transcript formats: --txt, --srt, --vtt, --md OUT."""
    helps = {"txt": "the transcript as text, one [mm:ss] line per segment",
             "srt": "the transcript as SubRip subtitles", "vtt": "the transcript as WebVTT subtitles",
             "md": "the transcript as Markdown, with the evidence inline"}
    for fmt in TRANSCRIPT_FORMATS:
        parser.add_argument(f"--{fmt}", type=Path, default=None, metavar="OUT", help=helps[fmt])


def export_formats(args: argparse.Namespace, sv: Services, store: Store, session_id: str) -> bool:
    """Write each transcript format asked for in `args` (Path or None); print each path written.
    Returns True if anything was written."""
    from interviewer.core.vault import write_file
    from interviewer.notes.review.editing import export_transcript

    wrote = False
    for fmt in TRANSCRIPT_FORMATS:
        out = getattr(args, fmt, None)
        if out is None:
            continue
        write_file(store.vault, Path(out), export_transcript(store, session_id, fmt).encode("utf-8"))
        sv.say(str(out))
        wrote = True
    return wrote


def cmd_search(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.core.transcript import mmss
    from interviewer.notes.review.editing import SEARCH_KEYS, search

    store = sv.open_store()
    try:
        hits = search(store, args.query, limit=args.limit)
    finally:
        store.close()
    if args.format == "json":
        sv.print(json.dumps([{k: h[k] for k in SEARCH_KEYS} for h in hits], ensure_ascii=False, indent=1))
        return 0
    if not hits:
        sv.say(f"No matches for {args.query!r}.")
        return 0
    for h in hits:
        sv.say(f"{cell(h['candidate'], 24)}  {h['session'][:8]}  {mmss(h['start']):>7}  {safe_text(h['snippet'])}")
    return 0


def cmd_refine(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.live.refine import refine_session

    if args.beam < 1:
        raise UserError("--beam must be at least 1")
    store = sv.open_store()
    try:
        sid = store.resolve_session(args.session)
        session = store.session(sid)
        if session.status in ("recording", "paused"):
            raise UserError(f"session {sid[:8]} is still recording; refine it once it has stopped")
        tr = sv.make_transcriber(args.model, args.beam, allow_download=False)
        sv.say(f"Refining session {sid[:8]} ({session.candidate}) with {tr.label}, beam {args.beam}…")
        report = refine_session(store, sid, tr, beam=args.beam, actor=_actor(session.evaluator))
    finally:
        store.close()
    for line in report.summary_lines():
        sv.print(line)
    return 0


def _actor(session_evaluator: str | None) -> str:
    """The audit log's actor for a command run from the shell: never the OS user name (see default_evaluator)."""
    from interviewer.cli.services import default_evaluator

    return default_evaluator(session_evaluator) or "interviewer refine"


def cmd_speakers(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.cli.services import default_evaluator
    from interviewer.notes.review import speakers

    if (args.line is None) != (args.to is None):
        raise UserError("--line and --to go together: which line, and who said it")
    store = sv.open_store()
    try:
        sid = store.resolve_session(args.session)
        actor = default_evaluator()
        if args.line is not None:
            rows = [r for r in store.segment_rows(sid) if str(r["id"]).startswith(args.line)]
            if len(rows) != 1:
                raise UserError(f"session {sid[:8]} has no single line with id {args.line!r}")
            quotes = speakers.reassign(store, rows[0]["id"], args.to, actor=actor)
            what = f"the line at {rows[0]['start']:.1f} s is now the {args.to}'s"
        elif args.swap:
            quotes = speakers.swap(store, sid, actor=actor)
            what = "interviewer and candidate swapped"
        else:
            quotes = speakers.undo(store, sid, actor=actor)
            what = "the last speaker change was undone"
    finally:
        store.close()
    if args.format == "json":
        sv.print(json.dumps({"session": sid, "changed": what, "quotes": quotes}, ensure_ascii=False))
    else:
        sv.say(f"Session {sid[:8]}: {what}; {len(quotes)} evidence quote(s) re-read.")
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Services], int]] = {
    "search": cmd_search,
    "refine": cmd_refine,
    "speakers": cmd_speakers,
}
