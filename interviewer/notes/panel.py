"""The practitioner panel: every claim probed by an evaluator who has shipped the same thing; failure
archaeology; production-constraint scenarios.

Everything here helps the hiring lead plan and the evaluator probe; nothing scores a person.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from interviewer.core.errors import UserError
from interviewer.core.transcript import words_in_range
from interviewer.notes.prompts.kits import Kit
from interviewer.notes.prompts.topics import topics_for_text
from interviewer.notes.store import panel_rows
from interviewer.notes.store.database import Store
from interviewer.notes.store.records import ClaimRecord

# The parts of a failure story, in the order the evaluator digs them out.
FAILURE_FIELDS = (
    ("what_broke", "What broke"),
    ("detection", "How it was detected, and by whom"),
    ("time_unnoticed", "How long it went unnoticed"),
    ("own_role", "The candidate's own role"),
    ("first_hypothesis", "Their first hypothesis, and why it was wrong"),
    ("dead_ends", "Dead ends on the way"),
    ("data_looked_at", "The data they looked at (logs, examples, metrics)"),
    ("diagnosis", "The diagnosis path"),
    ("fix", "The fix"),
    ("changed_after", "What changed afterwards"),
    ("would_not_see", "What they did not see coming, and why"),
)
# The texture of a diagnosis, which a rehearsed post-mortem lacks: the method weighs these, not a count of
# filled parts.
TEXTURE_FIELDS = ("first_hypothesis", "dead_ends", "data_looked_at", "would_not_see")
CONSTRAINT_KEYS = ("imperfect-data", "deadline", "stakeholder-pressure", "legacy-system", "data-residency",
                   "cost-ceiling")


# ---------------------------------------------------------------------------------------------- evaluators
def add_evaluator(store: Store, kit: Kit, name: str, *, role: str = "", shipped: dict[str, str],
                  note: str = "") -> str:
    """Add or update an evaluator; `shipped` maps kit topics to a line of evidence."""
    name = name.strip()
    if not name:
        raise UserError("an evaluator needs a name")
    unknown = [t for t in shipped if t not in kit.topics]
    if unknown:
        raise UserError(f"unknown topic(s): {', '.join(unknown)}. Known topics: {', '.join(kit.topics)}")
    rows = [{"topic": t, "evidence": e} for t, e in shipped.items()]
    now = store.now()
    with store.atomic():
        existing = panel_rows.evaluator_named(store, name)
        if existing:
            eid = panel_rows.save_evaluator(store, str(existing["id"]), name, {
                "role": role or existing["role"], "shipped": json.dumps(rows), "note": note or existing["note"]},
                at=now)
        else:
            eid = panel_rows.save_evaluator(store, None, name, {"role": role, "shipped": json.dumps(rows), "note": note},
                                         at=now)
        store.audit("panel", "evaluator.save", "evaluators", eid, new={"name": name, "shipped": rows})
    return eid


def evaluators(store: Store) -> list[dict[str, Any]]:
    rows = panel_rows.evaluator_rows(store)
    for r in rows:
        r["shipped"] = json.loads(r["shipped"])
        r["topics"] = [s["topic"] for s in r["shipped"]]
        r["voice_profile"] = voice_summary(r.get("voice") or "")
    return rows


# ---------------------------------------------------------------------------------------------- voice profiles
def voice_summary(raw: str) -> dict[str, Any] | None:
    """What an evaluator's stored voice profile is, without the numbers: model, seconds of speech, when."""
    try:
        v = json.loads(raw) if raw else None
    except ValueError:
        return None
    if not isinstance(v, dict):
        return None
    return {"model": v.get("model"), "seconds": v.get("seconds"), "recorded_at": v.get("recorded_at")}


def set_voice_profile(store: Store, name: str, embedding: Sequence[float], *, seconds: float, model: str) -> str:
    """Store an evaluator's voice profile: a speaker embedding, never audio. Creates the evaluator if new."""
    name = name.strip()
    if not name:
        raise UserError("an evaluator needs a name")
    now = store.now()
    voice = json.dumps({"model": model, "seconds": round(seconds, 1), "recorded_at": now,
                        "embedding": [round(float(x), 6) for x in embedding]})
    with store.atomic():
        existing = panel_rows.evaluator_named(store, name)
        eid = panel_rows.save_evaluator(store, str(existing["id"]) if existing else None, name, {"voice": voice},
                                     at=now)
        store.audit("panel", "evaluator.voice", "evaluators", eid,
                    new={"name": name, "voice_profile": voice_summary(voice)})
    return eid


def erase_voice_profile(store: Store, name: str) -> bool:
    """Erase an evaluator's voice profile (the audit log keeps that it was erased, not the numbers)."""
    with store.atomic():
        row = panel_rows.evaluator_named(store, name.strip())
        if not row or not row.get("voice"):
            return False
        panel_rows.save_evaluator(store, str(row["id"]), row["name"], {"voice": ""}, at=store.now())
        store.audit("panel", "evaluator.voice.erase", "evaluators", row["id"],
                    old={"voice_profile": voice_summary(row["voice"])})
    return True


def voice_profile(store: Store, name: str) -> list[float] | None:
    """The evaluator's stored speaker embedding, or None."""
    row = panel_rows.evaluator_named(store, name.strip())
    if not row or not row.get("voice"):
        return None
    try:
        emb = json.loads(row["voice"]).get("embedding")
    except (ValueError, AttributeError):
        return None
    return [float(x) for x in emb] if isinstance(emb, list) and emb else None


# ---------------------------------------------------------------------------------------------- planning
@dataclass(frozen=True)
class Assignment:
    claim_id: str
    claim: str
    evaluator: str | None
    topics: tuple[str, ...]
    matched: tuple[str, ...]


def claim_topics(claim: ClaimRecord, kit: Kit) -> tuple[str, ...]:
    return tuple(claim.topics or ()) or topics_for_text(claim.text, kit)


def propose_plan(store: Store, kit: Kit, candidate_id: str) -> list[Assignment]:
    """Each claim goes to the panelist who shipped most of its topics (ties: the one with fewer claims so
    far, so the work spreads); a claim no panelist has shipped stays unassigned, to be flagged."""
    panel = evaluators(store)
    load: dict[str, int] = {e["name"]: 0 for e in panel}
    out = []
    for c in store.claims(candidate_id):
        topics = claim_topics(c, kit)
        best: tuple[int, int, str] | None = None
        for e in panel:
            overlap = len(set(topics) & set(e["topics"]))
            if overlap and (best is None or (overlap, -load[e["name"]]) > best[:2]):
                best = (overlap, -load[e["name"]], e["name"])
        who = best[2] if best else None
        if who:
            load[who] += 1
        matched = tuple(t for t in topics if who and t in next(e["topics"] for e in panel if e["name"] == who))
        out.append(Assignment(c.id, c.text, who, topics, matched))
    return out


def save_plan(store: Store, plan: list[Assignment], *, source: str = "proposed") -> None:
    by_name = {e["name"]: e["id"] for e in evaluators(store)}
    with store.atomic():
        for a in plan:
            panel_rows.replace_assignment(store, a.claim_id, by_name[a.evaluator] if a.evaluator else None,
                                       topics=a.topics, source=source)


def assign(store: Store, claim_id: str, evaluator: str | None) -> None:
    """The hiring lead's edit of the plan: give a claim to someone else, or to nobody."""
    with store.atomic():
        row = panel_rows.evaluator_named(store, evaluator) if evaluator else None
        if evaluator and row is None:
            raise UserError(f"no evaluator {evaluator!r} on the panel")
        panel_rows.replace_assignment(store, claim_id, str(row["id"]) if row else None, topics=(), source="edited")
        store.audit("panel", "plan.assign", "claims", claim_id, new={"evaluator": evaluator})


def plan(store: Store, kit: Kit, candidate_id: str) -> dict[str, Any]:
    """The public JSON of `interviewer plan --candidate NAME --format json`: saved assignments where the lead
    edited them, proposals for the rest."""
    saved = panel_rows.saved_assignments(store)
    assignments, unmatched = [], []
    for a in propose_plan(store, kit, candidate_id):
        who = saved.get(a.claim_id, a.evaluator)
        if who:
            assignments.append({"claim": a.claim, "evaluator": who, "topics": list(a.topics),
                                "claim_id": a.claim_id, "matched": list(a.matched)})
        else:
            unmatched.append({"claim": a.claim, "topics": list(a.topics), "claim_id": a.claim_id,
                              "message": "no practitioner on this panel for: " + (", ".join(a.topics) or
                                                                                  "this claim's topics")})
    return {"assignments": assignments, "unmatched": unmatched}


def claims_for(store: Store, kit: Kit, candidate_id: str, evaluator: str) -> list[str]:
    """Claim ids an evaluator probes in this loop ("your claims" in the live window)."""
    return [a["claim_id"] for a in plan(store, kit, candidate_id)["assignments"]
            if a["evaluator"].lower() == evaluator.lower()]


# ---------------------------------------------------------------------------------------------- failures
def save_failure_story(store: Store, session_id: str, fields: dict[str, str], *, evidence_ids: Sequence[str] = (),
                       evaluator: str | None = None, story_id: str | None = None) -> str:
    keys = {k for k, _ in FAILURE_FIELDS}
    unknown = set(fields) - keys
    if unknown:
        raise UserError(f"unknown failure-story part(s): {', '.join(sorted(unknown))}")
    now = store.now()
    clean = {k: v.strip() for k, v in fields.items() if v and v.strip()}
    with store.atomic():
        if story_id:
            old = panel_rows.failure_story(store, story_id)
            merged = {**json.loads(old["fields"]), **clean}
            ids = list(dict.fromkeys([*json.loads(old["evidence_ids"]), *evidence_ids]))
            panel_rows.save_failure_story_row(store, story_id, session_id=session_id, fields=merged, evidence_ids=ids,
                                           evaluator=evaluator, at=now)
        else:
            story_id = panel_rows.save_failure_story_row(store, None, session_id=session_id, fields=clean,
                                                      evidence_ids=evidence_ids, evaluator=evaluator, at=now)
        store.audit(evaluator or "unknown", "failure.save", "failure_stories", story_id, new=clean)
    return story_id


def failure_stories(store: Store, session_id: str) -> list[dict[str, Any]]:
    out = []
    for r in panel_rows.failure_story_rows(store, session_id):
        fields = json.loads(r["fields"])
        out.append({**r, "fields": fields, "evidence_ids": json.loads(r["evidence_ids"]),
                     **completeness(fields)})
    return out


def completeness(fields: dict[str, str]) -> dict[str, Any]:
    """Which parts of the story are still missing (advisory); concrete = what broke, detection, own role
    and fix are all there."""
    missing = [label for key, label in FAILURE_FIELDS if not fields.get(key)]
    concrete = all(fields.get(k) for k in ("what_broke", "detection", "own_role", "fix"))
    labels = dict(FAILURE_FIELDS)
    return {"missing": missing, "complete": not missing, "concrete": concrete,
            "filled": len(FAILURE_FIELDS) - len(missing), "of": len(FAILURE_FIELDS),
            "texture": [labels[k] for k in TEXTURE_FIELDS if fields.get(k)],
            "texture_missing": [labels[k] for k in TEXTURE_FIELDS if not fields.get(k)]}


def has_concrete_failure_story(store: Store, session_id: str) -> bool:
    return any(s["concrete"] for s in failure_stories(store, session_id))


# ---------------------------------------------------------------------------------------------- scenarios
def scenarios(kit: Kit) -> list[dict[str, Any]]:
    return [{"id": s["id"], "title": s.get("title", s["id"]), "criterion": s.get("criterion", ""),
             "prompt": s["prompt"], "topics": list(s.get("topics", [])),
             "constraints": [c for c in s.get("constraints", []) if isinstance(c, dict)]}
            for s in kit.extra.get("scenarios", []) if isinstance(s, dict) and s.get("id") and s.get("prompt")]


def scenario_text(scenario: dict[str, Any]) -> str:
    """The card as plain text (to paste into a chat or a shared document)."""
    lines = [scenario["title"], "", scenario["prompt"], "", "Constraints:"]
    lines += [f"- {c['text']}" for c in scenario["constraints"]]
    return "\n".join(lines)


def open_scenario(store: Store, session_id: str, scenario: dict[str, Any], at_s: float,
                  evaluator: str | None = None) -> str:
    """Show a scenario card: a scenario use, and a judgment call whose answer runs until the card closes."""
    with store.atomic():
        uid = panel_rows.add_scenario_use(store, session_id, scenario["id"], scenario["title"], at_s)
        store.add_call(session_id=session_id, kind="scenario", key=scenario["id"], text=scenario["title"],
                       criterion=scenario.get("criterion") or None, start=at_s, scenario_use_id=uid,
                       evaluator=evaluator)
    return uid


def close_scenario(store: Store, use_id: str, at_s: float) -> None:
    with store.atomic():
        panel_rows.close_scenario_use(store, use_id, at_s)
        store.end_open_calls(use_id, at_s)


def tick_constraint(store: Store, use_id: str, constraint_key: str, *, evidence_id: str | None = None,
                    start: float | None = None, end: float | None = None, actor: str = "unknown") -> str:
    """The candidate's answer engaged with this constraint; the quote is the linked evidence's, or the words
    in [start, end]."""
    use = panel_rows.scenario_use(store, use_id)
    quote = ""
    if evidence_id:
        quote = str(store.evidence_item(evidence_id).quote)
    elif start is not None and end is not None:
        quote = words_in_range(store.segments(use["session_id"]), start, end)
    with store.atomic():
        tid = panel_rows.replace_constraint_tick(store, use_id, constraint_key, evidence_id=evidence_id, quote=quote)
        store.audit(actor, "scenario.tick", "constraint_ticks", tid, new={"constraint": constraint_key})
    return tid


def scenario_uses(store: Store, session_id: str) -> list[dict[str, Any]]:
    uses = panel_rows.scenario_use_rows(store, session_id)
    for u in uses:
        u["evidence"] = [e.id for e in store.evidence(session_id) if e.scenario_use_id == u["id"]]
    return uses


def link_evidence_to_open_scenario(store: Store, session_id: str, evidence_id: str) -> str | None:
    """Evidence tagged while a scenario card is open belongs to that scenario."""
    use_id = panel_rows.latest_open_scenario_use(store, session_id)
    if use_id is None:
        return None
    store.link_evidence_to_scenario(evidence_id, use_id)
    return use_id
