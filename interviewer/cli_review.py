"""Review commands: `search`, `refine`, and the transcript formats of `export` (--txt/--srt/--vtt/--md).

Wired into `interviewer.cli` with `register(sub)` and `COMMANDS`; `cmd_export` calls `export_formats`.
Imports `interviewer.cli` only inside functions, so `cli` may import this module at its top.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.errors import UserError

if TYPE_CHECKING:
    from interviewer.cli import Services
    from interviewer.notes.store import Store

TRANSCRIPT_FORMATS = ("txt", "srt", "vtt", "md")


def _data_dir_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", default=argparse.SUPPRESS,
                   help="where sessions and audio are stored (default: $INTERVIEWER_DATA_DIR or the platform's "
                        "user data directory)")


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def register(sub: Any) -> None:
    """Add `search` and `refine` to the subparsers `sub` of the main parser."""
    p = sub.add_parser("search", help="full-text search over every session's transcript")
    p.add_argument("query", help="words that must all appear (a trailing * matches a prefix)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument("--limit", type=_positive, default=50, help="at most this many matches (default 50)")
    _data_dir_option(p)

    p = sub.add_parser("refine", help="transcribe a session's recording again (a larger beam or model); "
                                      "evidence keeps its time ranges and re-reads its quotes")
    p.add_argument("session", help="session id (or an unambiguous prefix)")
    p.add_argument("--model", default=None,
                   help="a CTranslate2 Whisper directory or a cached model name (default: the bundled tiny.en)")
    p.add_argument("--beam", type=_positive, default=5, help="beam size (default 5)")
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
    from interviewer.notes.review import export_transcript
    from interviewer.vault import write_file

    wrote = False
    for fmt in TRANSCRIPT_FORMATS:
        out = getattr(args, fmt, None)
        if out is None:
            continue
        write_file(store.vault, Path(out), export_transcript(store, session_id, fmt).encode("utf-8"))
        sv.print(str(out))
        wrote = True
    return wrote


def cmd_search(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes.review import SEARCH_KEYS, search
    from interviewer.transcript import mmss

    store = sv.open_store()
    try:
        hits = search(store, args.query, limit=args.limit)
    finally:
        store.close()
    if args.format == "json":
        sv.print(json.dumps([{k: h[k] for k in SEARCH_KEYS} for h in hits], ensure_ascii=False, indent=1))
        return 0
    if not hits:
        sv.print(f"No matches for {args.query!r}.")
        return 0
    for h in hits:
        sv.print(f"{h['candidate'][:24]:24}  {h['session'][:8]}  {mmss(h['start']):>7}  {h['snippet']}")
    return 0


def cmd_refine(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.refine import refine_session

    if args.beam < 1:
        raise UserError("--beam must be at least 1")
    store = sv.open_store()
    try:
        sid = store.resolve_session(args.session)
        session = store.session(sid)
        if session["status"] in ("recording", "paused"):
            raise UserError(f"session {sid[:8]} is still recording; refine it once it has stopped")
        tr = sv.make_transcriber(args.model, args.beam, allow_download=False)
        sv.print(f"Refining session {sid[:8]} ({session['candidate']}) with {tr.label}, beam {args.beam}…")
        report = refine_session(store, sid, tr, beam=args.beam, actor=_actor(session.get("evaluator")))
    finally:
        store.close()
    for line in report.summary_lines():
        sv.print(line)
    return 0


def _actor(session_evaluator: str | None) -> str:
    """The audit log's actor for a command run from the shell: never the OS user name (see default_evaluator)."""
    from interviewer.cli import default_evaluator

    return default_evaluator(session_evaluator) or "interviewer refine"


COMMANDS: dict[str, Callable[[argparse.Namespace, Services], int]] = {
    "search": cmd_search,
    "refine": cmd_refine,
}
