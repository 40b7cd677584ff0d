"""Judgment-call commands: `ask`, `rate-call`, `calls`, and `calibration --by-call`.

    interviewer ask SESSION (--probe KEY | --scenario KEY) --start S [--end E]   prints the call's id
    interviewer rate-call CALL --score N --evaluator NAME (--evidence ID... | --reason TEXT)
    interviewer calls --role ROLE [--format json]                               the calibration board
    interviewer core --role ROLE [--probe KEY...] [--scenario KEY...]          a role's shared core

Wired in by `interviewer.cli.parser` (`register(sub)`) and `interviewer.cli.main` (`COMMANDS`); `cmd_calibration`
(`interviewer.cli.ratings`) calls `by_call_report`.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from interviewer.core.errors import UserError

if TYPE_CHECKING:
    from interviewer.cli.services import Services


def _data_dir_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", default=argparse.SUPPRESS,
                   help="where sessions and audio are stored (default: $INTERVIEWER_DATA_DIR or the platform's "
                        "user data directory)")


def _seconds(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(v) or v < 0:
        raise argparse.ArgumentTypeError(f"must be 0 seconds or more, not {text}")
    return v


def register(sub: Any) -> None:
    p = sub.add_parser("ask", help="record a judgment call: a probe or scenario card asked at a moment of a "
                                   "session, with the candidate's answer span; prints the call's id")
    p.add_argument("session", help="session id (or an unambiguous prefix)")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--probe", default=None, metavar="KEY", help="a probe id from the session's kit (e.g. jd-04)")
    g.add_argument("--scenario", default=None, metavar="KEY", help="a scenario card id from the kit (e.g. sc-06)")
    p.add_argument("--start", type=_seconds, required=True, help="when it was asked (seconds into the recording)")
    p.add_argument("--end", type=_seconds, default=None,
                   help="where the answer ends (default: at the next call, at most 90 s later)")
    p.add_argument("--claim", default=None, metavar="ID", help="the claim the probe follows up")
    p.add_argument("--evaluator", default=None)
    _data_dir_option(p)

    p = sub.add_parser("rate-call", help="score a judgment call 1-4 against its criterion's anchors, with "
                                         "evidence inside the answer or a written reason")
    p.add_argument("call", help="call id (or an unambiguous prefix), as `ask` printed it")
    p.add_argument("--score", type=int, required=True, choices=[1, 2, 3, 4])
    p.add_argument("--evaluator", required=True)
    p.add_argument("--evidence", nargs="+", default=[], metavar="ID", help="evidence ids inside the answer")
    p.add_argument("--reason", default="", help="why, in words (when no evidence is linked)")
    _data_dir_option(p)

    p = sub.add_parser("calls", help="the calibration board: every judgment call asked to two or more candidates "
                                     "of a role, the answers side by side with every evaluator's score")
    p.add_argument("--role", required=True)
    p.add_argument("--format", choices=["text", "json"], default="text")
    _data_dir_option(p)


    p = sub.add_parser("core", help="a role's shared core: the judgment calls every candidate gets (shown in the "
                                    "live window until asked); with --probe/--scenario sets it, else prints it")
    p.add_argument("--role", required=True)
    p.add_argument("--probe", nargs="+", default=[], metavar="KEY", help="probe ids from the kit")
    p.add_argument("--scenario", nargs="+", default=[], metavar="KEY", help="scenario card ids from the kit")
    p.add_argument("--format", choices=["text", "json"], default="text")
    _data_dir_option(p)


def add_calibration_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by-call", action="store_true",
                   help="add agreement per judgment call and per criterion over calls, each evaluator's offset on "
                        "calls, and the answers where the panel splits most")


def cmd_ask(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.cli.services import default_evaluator
    from interviewer.notes.ratings.calls import ask

    if args.end is not None and args.end <= args.start:
        raise UserError(f"--end ({args.end:g}) must come after --start ({args.start:g})")
    store = sv.open_store()
    try:
        sid = store.resolve_session(args.session)
        kind, key = ("probe", args.probe) if args.probe is not None else ("scenario", args.scenario)
        cid = ask(store, sid, kind=kind, key=key.strip(), start=args.start, end=args.end,
                  evaluator=args.evaluator or default_evaluator(), claim_id=args.claim)
    finally:
        store.close()
    sv.print(cid)
    return 0


def cmd_rate_call(args: argparse.Namespace, sv: Services) -> int:
    store = sv.open_store()
    try:
        cid = store.resolve_call(args.call)
        store.rate_call(cid, evaluator=args.evaluator, score=args.score, evidence_ids=args.evidence,
                        reason=args.reason)
        mine = [r for r in store.call_ratings(cid) if r.evaluator == args.evaluator.strip()]
    finally:
        store.close()
    # Blind: only the evaluator's own score is printed, never the others'.
    sv.print(json.dumps({"call": cid, "evaluator": mine[0].evaluator, "score": mine[0].score},
                        ensure_ascii=False))
    return 0


def cmd_calls(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.core.transcript import mmss
    from interviewer.notes.ratings.calls import board

    store = sv.open_store()
    try:
        rows = board(store, args.role)
    finally:
        store.close()
    if args.format == "json":
        sv.print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        sv.print(f"No judgment call was asked to two or more candidates for {args.role!r} yet.")
        return 0
    for c in rows:
        sv.print(f"{c['kind']} {c['key']} [{c['criterion'] or 'no criterion'}]: {c['text']}")
        for a in c["answers"]:
            scores = ", ".join(f"{e} {s}" for e, s in a["scores"].items()) or "not scored"
            sv.print(f"  {a['candidate'][:24]:24} {mmss(a['start'])}-{mmss(a['end'])}  ({scores})")
            sv.print(f"    “{a['quote'][:200]}”")
    return 0


def cmd_core(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.cli.services import default_evaluator
    from interviewer.notes.prompts.kits import load_kit
    from interviewer.notes.ratings.calls import core_items, set_core

    if not args.role.strip():
        raise UserError("--role needs a name")
    kit = load_kit()
    store = sv.open_store()
    try:
        items = [("scenario", k.strip()) for k in args.scenario] + [("probe", k.strip()) for k in args.probe]
        if items:
            set_core(store, args.role, kit, items, actor=default_evaluator())
        rows = core_items(store, args.role, kit)
    finally:
        store.close()
    if args.format == "json":
        sv.print(json.dumps(rows, ensure_ascii=False, indent=1))
    elif not rows:
        sv.print(f"No shared core for {args.role!r} yet: give --probe KEY... and/or --scenario KEY...")
    else:
        for r in rows:
            sv.print(f"{r['kind']} {r['key']} [{r['criterion'] or 'no criterion'}]: {r['text']}")
    return 0


def by_call_report(store: Any, role: str | None, report: dict[str, Any]) -> dict[str, Any]:
    from interviewer.notes.ratings.calls import by_call, merge_into_calibration

    return merge_into_calibration(report, by_call(store, role))


def print_by_call(sv: Services, report: dict[str, Any]) -> None:
    for c in report.get("calls", []):
        alpha = "n/a" if c["alpha"] is None else f"{c['alpha']:.3f}"
        sv.print(f"  call {c['key']}: alpha {alpha} over {c['items']} answers"
                 + (f" (warning: {c['warning']})" if c["warning"] else ""))
    for s in report.get("splits", []):
        sv.print(f"  SPLIT {s['key']} {s['candidate']}: " + ", ".join(f"{e} {v}" for e, v in s["scores"].items()))


COMMANDS: dict[str, Callable[[argparse.Namespace, Services], int]] = {
    "ask": cmd_ask,
    "rate-call": cmd_rate_call,
    "calls": cmd_calls,
    "core": cmd_core,
}
