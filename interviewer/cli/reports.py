"""PDF reports from the command line: options for `interviewer export`, and the code that runs them.

    interviewer export SESSION --pdf OUT [--anonymise]     one session's report
    interviewer export --role ROLE --compare --pdf OUT      the role's candidates side by side
    interviewer export --role ROLE --calibration --pdf OUT  the panel's calibration for the role
    interviewer export --candidate NAME --pdf OUT           one candidate's whole loop (every session)

`add_pdf_options(export_parser)` adds the options; `cmd_export` calls `export_pdf(args, sv, store)` first,
which returns False when no PDF was asked for (so `--json` keeps working as before), writes the PDF and prints
its path otherwise, and raises UserError for a combination that makes no sense.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.core.errors import UserError

if TYPE_CHECKING:
    from interviewer.notes.store.database import Store


def add_pdf_options(p: argparse.ArgumentParser) -> None:
    """Add the PDF options to the `export` subparser."""
    g = p.add_argument_group("PDF reports")
    g.add_argument("--pdf", type=Path, default=None, metavar="OUT",
                   help="write a PDF report: of SESSION; or with --role and --compare / --calibration, of a role")
    g.add_argument("--role", default=None, metavar="ROLE", help="the role for --compare or --calibration")
    g.add_argument("--compare", action="store_true",
                   help="with --role: the role's candidates side by side (scores, claims, the same probes' answers)")
    g.add_argument("--calibration", action="store_true",
                   help="with --role: how well the evaluators agree (Krippendorff's alpha, offsets, flags)")
    g.add_argument("--candidate", default=None, metavar="NAME",
                   help="with --pdf: a summary of the candidate's whole loop (every session, every evaluator)")
    g.add_argument("--anonymise", "--anonymize", action="store_true",
                   help="with SESSION or --candidate --pdf: replace the candidate's name and email by 'Candidate <id>' "
                        "everywhere, quotes and claims included")


def export_pdf(args: argparse.Namespace, sv: Any, store: Store) -> bool:
    """Write the PDF `args` ask for; False when they ask for none. `sv` needs a `print` method."""
    from interviewer.notes.reports.calibration_report import calibration_pdf
    from interviewer.notes.reports.compare_report import compare_pdf
    from interviewer.notes.reports.loop_report import loop_pdf
    from interviewer.notes.reports.session_report import session_pdf

    out: Path | None = getattr(args, "pdf", None)
    session: str | None = getattr(args, "session", None)
    role: str | None = getattr(args, "role", None)
    compare = bool(getattr(args, "compare", False))
    calib = bool(getattr(args, "calibration", False))
    anonymise = bool(getattr(args, "anonymise", False))
    candidate: str | None = getattr(args, "candidate", None)

    if out is None:
        used = [flag for flag, on in (("--candidate", candidate is not None), ("--role", role is not None),
                                      ("--compare", compare),
                                      ("--calibration", calib), ("--anonymise", anonymise)) if on]
        if used:
            raise UserError(f"{' and '.join(used)} only apply to a PDF report: add --pdf OUT")
        return False
    if candidate is not None:
        clash = [flag for flag, on in (("SESSION", bool(session)), ("--role", role is not None),
                                       ("--compare", compare), ("--calibration", calib)) if on]
        if clash:
            raise UserError(f"--candidate reports on one candidate's whole loop: drop {' and '.join(clash)}")
        if not candidate.strip():
            raise UserError("--candidate needs a name (see `interviewer sessions` for the candidates)")
        written = loop_pdf(store, candidate, out, anonymise=anonymise)
        sv.print(str(written))
        return True
    if compare and calib:
        raise UserError("give one of --compare or --calibration (each writes its own PDF)")
    if session and (compare or calib):
        raise UserError(f"--{'compare' if compare else 'calibration'} reports on a role, not a session: give "
                        "either SESSION or --role ROLE, not both")
    if compare or calib:
        if not role or not role.strip():
            raise UserError(f"--{'compare' if compare else 'calibration'} needs --role ROLE (see "
                            "`interviewer sessions` for the roles)")
        if anonymise:
            raise UserError("--anonymise applies to one session's report (interviewer export SESSION --pdf OUT "
                            "--anonymise)")
        written = (compare_pdf(store, role, out) if compare else calibration_pdf(store, role, out))
    elif session:
        if role is not None:
            raise UserError("--role is for --compare or --calibration; a session's report needs only SESSION")
        written = session_pdf(store, store.resolve_session(session), out, anonymise=anonymise)
    elif role is not None:
        raise UserError("with --role, say which report: --compare or --calibration")
    else:
        raise UserError("say which session to export (interviewer export SESSION --pdf OUT), or a role's "
                        "report (--role ROLE --compare / --calibration), or a candidate's loop (--candidate NAME)")
    sv.print(str(written))
    return True
