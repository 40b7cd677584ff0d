"""`bundle`: sessions moved between laptops (export to one file, import by id)."""

from __future__ import annotations

import argparse
import json

from interviewer.cli.export import checked_outputs
from interviewer.cli.services import Services


def cmd_bundle(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes.store.bundle import export_bundle, import_bundle

    store = sv.open_store()
    try:
        if args.bundle_command == "export":
            checked_outputs(args, sv, ("output",))
            info = export_bundle(store, args.sessions, args.output)
            sv.say(f"{info['bundle']}: {len(info['sessions'])} session(s), {info['audio']} audio file(s)")
            return 0
        report = import_bundle(store, args.file)
    finally:
        store.close()
    if args.format == "json":
        sv.print(json.dumps(report.as_dict(), indent=1))
    else:
        added = ", ".join(f"{n} {t}" for t, n in report.added.items()) or "nothing new"
        sv.say(f"Imported {args.file}: added {added}; {report.audio_added} audio file(s).")
        for c in report.conflicts:
            sv.say(f"  CONFLICT {c['table']} {c['id']}: differs in {', '.join(c['fields'])} (kept yours)")
    return 0
