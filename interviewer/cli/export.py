"""`export`: a session as JSON, transcripts and PDFs; every output path checked before anything is written."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from interviewer.cli import reports as cli_reports
from interviewer.cli import review as cli_review
from interviewer.cli.services import Services
from interviewer.core.errors import UserError
from interviewer.core.vault import write_file


def checked_outputs(args: argparse.Namespace, sv: Services, names: Sequence[str]) -> None:
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
    checked_outputs(args, sv, ("json", *cli_review.TRANSCRIPT_FORMATS, "pdf"))
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
