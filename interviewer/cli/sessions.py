"""`sessions`: the stored sessions, as a table or JSON."""

from __future__ import annotations

import argparse
import json

from interviewer.cli.services import Services
from interviewer.core.safetext import cell


def cmd_sessions(args: argparse.Namespace, sv: Services) -> int:
    store = sv.open_store()
    try:
        rows = store.sessions()
    finally:
        store.close()
    if args.format == "json":
        keys = ("id", "candidate", "role", "status", "started_at", "duration_s", "audio_path", "segments",
                "evidence")
        sv.print(json.dumps([{k: r.to_dict()[k] for k in keys} for r in rows], ensure_ascii=False, indent=1))
        return 0
    if not rows:
        sv.print("No sessions yet. Try `interviewer demo`, or `interviewer import-audio FILE --candidate NAME "
                 "--consent verbal`.")
        return 0
    from interviewer.core.transcript import mmss

    sv.say(f"{'id':8}  {'started (UTC)':16}  {'candidate':24}  {'role':20}  {'status':9}  {'length':>7}  "
           f"{'segs':>5}  {'evid':>4}")
    for r in rows:
        sv.say(f"{r.id[:8]}  {r.started_at[:16].replace('T', ' '):16}  {cell(r.candidate, 24)}  "
               f"{cell(r.role or '-', 20)}  {cell(r.status, 9)}  {mmss(r.duration_s):>7}  "
               f"{r.segments:>5}  {r.evidence:>4}")
    return 0
