"""`rate` (a criterion scored 1-4) and `calibration` (agreement between evaluators)."""

from __future__ import annotations

import argparse
import json

from interviewer.cli import calls as cli_calls
from interviewer.cli.services import Services
from interviewer.cli.tags import session_kit
from interviewer.core.errors import UserError


def cmd_rate(args: argparse.Namespace, sv: Services) -> int:
    store = sv.open_store()
    try:
        sid = store.resolve_session(args.session)
        keys = [c.key for c in session_kit(store, sid).criteria]
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
