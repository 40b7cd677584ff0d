"""The people of a loop: `candidate` (and the `claims` of a resume), `evaluator` (the panel, voice profiles) and
`plan` (who probes which claim)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from interviewer.cli.services import Services
from interviewer.core.errors import UserError

if TYPE_CHECKING:
    from interviewer.notes.store.database import Store


def cmd_evaluator(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes import panel
    from interviewer.notes.prompts.kits import load_kit

    store = sv.open_store()
    try:
        if args.evaluator_command == "list":
            rows = panel.evaluators(store)
            if args.format == "json":
                sv.print(json.dumps([{"name": r["name"], "role": r["role"], "shipped": r["shipped"],
                                      "voice_profile": r["voice_profile"]} for r in rows],
                                    ensure_ascii=False, indent=1))
            for r in rows if args.format == "text" else []:
                voice = r["voice_profile"]
                heard = f"; voice profile ({voice['seconds']} s, {voice['recorded_at'][:10]})" if voice else ""
                sv.say(f"{r['name']} ({r['role'] or 'no role'}): {', '.join(r['topics'])}{heard}")
            return 0
        if args.evaluator_command == "voice":
            return _evaluator_voice(args, sv, store)
        topics = [t.strip() for t in args.shipped.split(",") if t.strip()]
        eid = panel.add_evaluator(store, load_kit(args.kit, sv.vault()), args.name, role=args.role,
                                  shipped=dict.fromkeys(topics, args.note), note=args.note)
    finally:
        store.close()
    sv.print(eid)
    return 0


def _evaluator_voice(args: argparse.Namespace, sv: Services, store: Store) -> int:
    from interviewer.audio.voices import MODEL_LABEL
    from interviewer.live import enrolment
    from interviewer.notes import panel

    if args.erase:
        if not panel.erase_voice_profile(store, args.name):
            raise UserError(f"{args.name!r} has no voice profile to erase")
        sv.print(json.dumps({"name": args.name, "voice_profile": None}) if args.format == "json" else
                 f"Erased {args.name}'s voice profile.")
        return 0
    if args.from_audio is not None:
        samples, where = enrolment.read_voice_file(args.from_audio), str(args.from_audio)
    else:
        if not enrolment.MIN_RECORD_S <= args.record <= enrolment.MAX_RECORD_S:
            raise UserError("--record takes 4 to 120 seconds (about 20 s is best)")
        if args.format == "text":
            sv.say(f"Recording {args.record:.0f} s: read this aloud, at your usual pace:")
            sv.say(enrolment.PROMPT)
        from interviewer.audio.devices import open_source

        samples, where = enrolment.record_voice(open_source(args.source), args.record), args.source
    seconds = enrolment.save_voice_profile(store, args.name, samples, where=where)
    if args.format == "json":
        sv.print(json.dumps({"name": args.name, "voice_profile": {"model": MODEL_LABEL,
                                                                  "seconds": round(seconds, 1)}}))
    else:
        sv.say(f"Stored {args.name}'s voice profile ({seconds:.0f} s of speech; the audio itself is not kept).")
    return 0


def cmd_candidate(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes.claims.reader import read_resume
    from interviewer.notes.prompts.claim_topics import tagged_claims_from_file
    from interviewer.notes.prompts.kits import load_kit

    kit = load_kit(args.kit, sv.vault())
    claims = tagged_claims_from_file(args.resume, kit)  # a bad resume is refused before anything is stored
    doc = read_resume(args.resume)
    text = doc.text
    if not claims:  # the candidate is still added: their claims can be typed in the app
        from interviewer.notes.claims.diagnosis import why_no_claims

        sv.warn(f"{args.resume}: {why_no_claims(doc)}")
    store = sv.open_store()
    try:
        with store.atomic():
            cand = store.get_or_create_candidate(args.name, resume_path=str(args.resume), resume_text=text)
            store.get_or_create_role(args.role)
            if store.claims(cand):
                raise UserError(f"{args.name} already has claims; edit them in the app instead")
            store.add_claims(cand, [{"text": c.text, "source": c.source, "section": c.section,
                                     "topics": list(c.topics)} for c in claims])
    finally:
        store.close()
    sv.say(f"{cand} ({len(claims)} claims)")
    return 0


def cmd_plan(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes import panel
    from interviewer.notes.prompts.kits import load_kit

    kit = load_kit(args.kit, sv.vault())
    store = sv.open_store()
    try:
        cand = store.find_candidate(args.candidate)
        if cand is None:
            raise UserError(f"no candidate named {args.candidate!r} (add one with `interviewer candidate add`)")
        if args.save:
            panel.save_plan(store, panel.propose_plan(store, kit, cand.id))
        result = panel.plan(store, kit, cand.id)
    finally:
        store.close()
    if args.format == "json":
        sv.print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    for a in result["assignments"]:
        sv.say(f"{a['evaluator']:>16} ← {a['claim'][:100]}  [{', '.join(a['matched'] or a['topics'])}]")
    for u in result["unmatched"]:
        sv.say(f"{'UNMATCHED':>16} ← {u['claim'][:100]}  ({u['message']})")
    return 0


def cmd_claims(args: argparse.Namespace, sv: Services) -> int:
    from interviewer.notes.prompts.claim_topics import claims_report
    from interviewer.notes.prompts.kits import load_kit

    report = claims_report(args.resume, load_kit(args.kit, sv.vault()))
    if not report:  # say why (scanned PDF, language, no Experience section) and how to add claims by hand
        from interviewer.notes.claims.diagnosis import no_claims_error
        from interviewer.notes.claims.reader import read_resume

        raise no_claims_error(read_resume(args.resume))
    if args.format == "json":
        sv.print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    for i, claim in enumerate(report, 1):
        where = f"  [{claim['section']}]" if claim["section"] else ""
        sv.say(f"{i}. {claim['text']}{where}")
        if claim["topics"]:
            sv.say(f"   topics: {', '.join(claim['topics'])}")
        for p in claim["probes"]:
            sv.say(f"   - ({p['criterion']}) {p['text']}")
    return 0
