"""The data of the loop report (`loop_report.loop_pdf`): one candidate's whole loop (every session, whoever ran
it): who probed which resume claim and how it ended, every evaluator's scores per criterion across the sessions,
each session's failure story, the production-constraint scenarios with the constraints the answer engaged (and
those it did not), and the claims nobody on the panel could verify."""

from __future__ import annotations

from collections import Counter
from typing import Any

from interviewer.core.transcript import mmss
from interviewer.notes import panel
from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.reports.anonymise import anonymised
from interviewer.notes.reports.evidence import evidence_item, settling_evidence, speaker_lookup
from interviewer.notes.reports.sources import criteria_table, session_kit
from interviewer.notes.reports.text import day, shown, when
from interviewer.notes.store.claims import CLAIM_STATUSES
from interviewer.notes.store.database import Store
from interviewer.notes.store.report_queries import candidate_session_ids


def loop_summary(store: Store, candidate: str, *, anonymise: bool = False) -> dict[str, Any]:
    """Everything the loop report shows, as JSON-able data (see `loop_pdf`)."""
    cand = store.resolve_candidate(candidate)
    cid = str(cand.id)
    sessions = [store.session(sid) for sid in candidate_session_ids(store, cid)]
    kits = [session_kit(store, s) for s in sessions]
    kit = kits[-1] if kits else load_kit()
    ratings = {s.id: store.ratings(s.id) for s in sessions}
    evidence = {s.id: store.evidence(s.id) for s in sessions}
    criteria = criteria_table(kits or [kit], [r.criterion for rs in ratings.values() for r in rs])
    names = {c["key"]: c["name"] for c in criteria}

    evaluators: list[str] = []
    for s in sessions:
        for who in [s.evaluator, *(r.evaluator for r in ratings[s.id])]:
            if who and who not in evaluators:
                evaluators.append(who)

    items: list[dict[str, Any]] = []
    for s in sessions:
        linked_by: dict[str, list[str]] = {}
        for r in ratings[s.id]:
            for eid in r.evidence_ids:
                linked_by.setdefault(eid, []).append(r.evaluator)
        speaker_at = speaker_lookup(store.segments(s.id))
        items.extend({**evidence_item(e, speaker_at, names, linked_by), "session": s.id,
                      "date": day(s.started_at)} for e in evidence[s.id])
    by_id = {i["id"]: i for i in items}

    the_plan = panel.plan(store, kit, cid)
    planned = {a["claim_id"]: a["evaluator"] for a in the_plan["assignments"]}
    claims = []
    depth: dict[str, int] = {}  # how deep the follow-ups went on each claim: 0 the claim, 1 first follow-up...
    for s in sessions:
        for call in store.calls(s.id):
            if call.claim_id:
                depth[call.claim_id] = max(depth.get(call.claim_id, -1), int(call.depth))
    for claim in store.claims(cid):
        settled, change = settling_evidence(store, claim, by_id, items)
        claims.append({"id": claim.id, "text": claim.text, "status": claim.status,
                       "follow_ups": depth.get(claim.id),
                       "probed_by": planned.get(claim.id) or "", "evidence": settled,
                       "settled_by": (change or {}).get("actor") or "", "settled_at": (change or {}).get("at") or ""})
    claim_counts = Counter(c["status"] for c in claims)

    for c in criteria:
        per: dict[str, list[dict[str, Any]]] = {}
        for s in sessions:
            for r in ratings[s.id]:
                if r.criterion == c["key"]:
                    per.setdefault(r.evaluator, []).append(
                        {"session": s.id, "date": day(s.started_at), "score": int(r.score),
                         "reason": r.reason or ""})
        c["scores"] = per
        flat = sorted(x["score"] for xs in per.values() for x in xs)
        c["median"] = flat[(len(flat) - 1) // 2] if flat else None
        c["median_anchor"] = c["anchors"].get(c["median"], "") if c["median"] is not None else ""
        c["anchors"] = {str(k): v for k, v in sorted(c["anchors"].items())}

    labels = dict(panel.FAILURE_FIELDS)
    failures = []
    for s in sessions:
        stories = [{"id": st["id"], "evaluator": st.get("evaluator") or "",
                    "parts": [{"key": k, "label": labels[k], "text": st["fields"][k]}
                              for k, _ in panel.FAILURE_FIELDS if st["fields"].get(k)],
                    "missing": list(st["missing"]), "filled": st["filled"], "of": st["of"],
                    "concrete": bool(st["concrete"]), "complete": bool(st["complete"])}
                   for st in panel.failure_stories(store, s.id)]
        failures.append({"session": s.id, "date": day(s.started_at), "evaluator": s.evaluator or "",
                         "stories": stories, "concrete": any(x["concrete"] for x in stories)})

    scenario_rows = []
    for s, k in zip(sessions, kits, strict=True):
        cards = {x["id"]: x for x in [*panel.scenarios(k), *panel.scenarios(kit)]}
        for use in panel.scenario_uses(store, s.id):
            card = cards.get(use["scenario_key"], {})
            texts = {c.get("key"): str(c.get("text") or "") for c in card.get("constraints", [])}
            ticked = {t["constraint_key"]: t for t in use["ticks"]}
            engaged = [{"key": key, "text": texts.get(key, ""), "quote": " ".join(str(t["quote"] or "").split())}
                       for key, t in ticked.items()]
            scenario_rows.append({
                "session": s.id, "date": day(s.started_at), "evaluator": s.evaluator or "",
                "key": use["scenario_key"], "title": use["title"] or card.get("title") or use["scenario_key"],
                "engaged": engaged,
                "not_engaged": [{"key": key, "text": text} for key, text in texts.items() if key not in ticked],
                "evidence": len(use["evidence"])})

    unverified = [{"claim_id": u["claim_id"], "text": u["claim"], "why": u["message"]}
                  for u in the_plan["unmatched"]]
    seen = {u["claim_id"] for u in unverified}
    unverified += [{"claim_id": c["id"], "text": c["text"],
                    "why": f"still unprobed (planned for {c['probed_by']})" if c["probed_by"] else "still unprobed"}
                   for c in claims if c["status"] == "unprobed" and c["id"] not in seen]

    roles = list(dict.fromkeys(s.role for s in sessions if s.role))
    summary: dict[str, Any] = {
        "candidate": {"id": cid, "name": shown(cand.name), "email": shown(cand.email or "")},
        "roles": [shown(r) for r in roles],
        "dates": list(dict.fromkeys(day(s.started_at) for s in sessions)),
        "evaluators": evaluators,
        "sessions": [{"id": s.id, "date": when(s.started_at), "evaluator": s.evaluator or "",
                      "role": s.role or "", "status": s.status,
                      "duration": mmss(float(s.duration_s or 0)), "kit": k.name}
                     for s, k in zip(sessions, kits, strict=True)],
        "criteria": criteria,
        "claims": claims,
        "claim_counts": {k: claim_counts.get(k, 0) for k in CLAIM_STATUSES},
        "failures": failures,
        "scenarios": scenario_rows,
        "unverified": unverified,
        "anonymised": anonymise,
    }
    return anonymised(summary, cand) if anonymise else summary
