"""`tag`: a time range of a session as evidence for a criterion, or as the moment consent was given aloud."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from interviewer.cli.services import Services, default_evaluator
from interviewer.core.errors import UserError

if TYPE_CHECKING:
    from interviewer.notes.store.database import Store


def session_kit(store: Store, session_id: str) -> Any:
    from interviewer.notes.prompts.kits import load_kit, parse_kit

    kit_id = store.session(session_id).kit_id
    return parse_kit(store.kit_toml(kit_id), f"kit {kit_id[:8]}") if kit_id else load_kit()


def cmd_tag(args: argparse.Namespace, sv: Services) -> int:
    store = sv.open_store()
    try:
        sid = store.resolve_session(args.session)
        if args.consent:
            if args.criterion:
                raise UserError("--consent tags the consent moment, not evidence: leave out --criterion")
            row = store.mark_spoken_consent(sid, args.start, args.end,
                                            actor=args.evaluator or default_evaluator(store.session(sid).evaluator))
            sv.print(json.dumps({k: row.get(k) for k in ("id", "session_id", "method", "confirmed_by", "confirmed_at",
                                                          "spoken_start", "spoken_end", "spoken_quote")},
                                ensure_ascii=False))
            return 0
        kit = session_kit(store, sid)
        keys = [c.key for c in kit.criteria]
        if not args.criterion:
            raise UserError(f"say which criterion with --criterion ({', '.join(keys)}), or --consent")
        if args.criterion not in keys:
            raise UserError(f"unknown criterion {args.criterion!r}; this session's kit has: {', '.join(keys)}")
        if args.claim:
            cand = store.session(sid).candidate_id
            if args.claim not in {c.id for c in store.claims(cand)}:
                raise UserError(f"no claim {args.claim!r} for this session's candidate")
        eid = store.add_evidence(session_id=sid, start=args.start, end=args.end, criterion=args.criterion,
                                 evaluator=args.evaluator or default_evaluator(store.session(sid).evaluator) or None,
                                 claim_id=args.claim,
                                 probe_id=args.probe, polarity=args.polarity, note=args.note)
    finally:
        store.close()
    sv.print(eid)
    return 0
