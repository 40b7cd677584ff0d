"""Judgment calls compared across candidates: the calibration board and agreement per call.

A judgment call (`Store.add_call`) is a probe or scenario card asked at a moment of an interview, with the
span of the candidate's answer. Evaluators score each call 1-4 against its criterion's anchors
(`Store.rate_call`). Here:

* `ask`: a call from the command line or the review window, its text and criterion taken from the kit.
* `answer_text`: the candidate's words in an answer span; only the candidate's segments when the transcript
  says who spoke (a "candidate" label, or an interviewer label beside other labels), else every word;
  `question_text` the others' words there (the question, shown apart).
* `board`: for a role, every call asked to two or more candidates, each answer with its quote and every
  evaluator's score (the public JSON of `interviewer calls --role ROLE --format json`); `board_details` adds
  what the window and the PDF show (criterion names, anchors, where the panel splits).
* `by_call`: ordinal Krippendorff's alpha per call and per criterion with the number of answers it rests on,
  each evaluator's offset from the panel on the calls they share, and the answers where the panel splits most.

Advisory numbers for the debrief; nothing here scores a candidate.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from interviewer.core.errors import UserError
from interviewer.core.transcript import Segment, join_words
from interviewer.notes.prompts.cues import EVALUATOR_LABELS
from interviewer.notes.prompts.kits import Kit, load_kit, parse_kit
from interviewer.notes.ratings.calibration import ordinal_alpha
from interviewer.notes.store.database import Store
from interviewer.notes.store.records import CallRecord, SessionRecord

MIN_ITEMS = 5  # an alpha resting on fewer answers than this comes with a warning
SPLIT = 2  # evaluators this many points apart on one answer: a split for the debrief
BOARD_KEYS = ("key", "kind", "text", "criterion", "answers")
ANSWER_KEYS = ("call", "candidate", "session", "start", "end", "quote", "scores")


# ============================================================================================ answers
def candidate_segments(segments: Sequence[Segment]) -> list[Segment]:
    """The candidate's segments when speakers are known, else all of them."""
    labels = {s.speaker.strip().casefold() for s in segments if s.speaker.strip()}
    if "candidate" in labels:
        return [s for s in segments if s.speaker.strip().casefold() == "candidate"]
    if labels & EVALUATOR_LABELS and labels - EVALUATOR_LABELS:
        return [s for s in segments if s.speaker.strip() and s.speaker.strip().casefold() not in EVALUATOR_LABELS]
    return list(segments)


def answer_text(segments: Sequence[Segment], start: float, end: float) -> str:
    """The candidate's committed words whose midpoint lies in [start, end]."""
    return _words_in(candidate_segments(segments), start, end)


def question_text(segments: Sequence[Segment], start: float, end: float) -> str:
    """The words in [start, end] that are not the candidate's (the question the answer follows, shown apart from
    it), or "" when the transcript does not say who spoke."""
    theirs = {id(s) for s in candidate_segments(segments)}
    return _words_in([s for s in segments if id(s) not in theirs], start, end)


def _words_in(segments: Sequence[Segment], start: float, end: float) -> str:
    out: list[str] = []
    for seg in segments:
        if seg.end < start or seg.start > end:
            continue
        if seg.words:
            out.append(join_words(w for w in seg.words if start <= (w.start + w.end) / 2 <= end))
        elif start <= (seg.start + seg.end) / 2 <= end:
            out.append(seg.text.strip())
    return " ".join(x for x in out if x)


def session_kit(store: Store, session: SessionRecord) -> Kit:
    kit_id = session.kit_id
    return parse_kit(store.kit_toml(kit_id), f"kit {kit_id[:8]}") if kit_id else load_kit()


def _scenarios(kit: Kit) -> dict[str, dict[str, Any]]:
    return {str(s["id"]): s for s in kit.extra.get("scenarios", []) if isinstance(s, dict) and s.get("id")}


def ask(store: Store, session_id: str, *, kind: str, key: str, start: float, end: float | None = None,
        evaluator: str | None = None, claim_id: str | None = None) -> str:
    """Record that the kit's probe or scenario card `key` was asked at `start`; returns the call's id."""
    session = store.session(session_id)
    kit = session_kit(store, session)
    criterion: str | None
    if kind == "probe":
        probe = next((p for p in kit.probes if p.id == key), None)
        if probe is None:
            pinned = store.claim_probe(key)
            if pinned is None:
                raise UserError(f"no probe {key!r} in this session's kit (e.g. {', '.join(p.id for p in kit.probes[:4])})")
            text, criterion = str(pinned["text"]), str(pinned["criterion"])
        else:
            text, criterion = probe.text, probe.criterion
    elif kind == "scenario":
        cards = _scenarios(kit)
        if key not in cards:
            raise UserError(f"no scenario card {key!r} in this session's kit (it has: {', '.join(cards) or 'none'})")
        text, criterion = str(cards[key].get("title") or key), str(cards[key].get("criterion") or "") or None
    else:
        raise UserError(f"a judgment call is a probe or a scenario, not {kind!r}")
    duration = float(session.duration_s or 0.0)
    if duration > 0 and start > duration:
        raise UserError(f"the call starts at {start:g} s, after the end of the recording ({duration:g} s)")
    if claim_id is not None and claim_id not in {c.id for c in store.claims(session.candidate_id)}:
        raise UserError(f"no claim {claim_id!r} for this session's candidate")
    return store.add_call(session_id=session_id, kind=kind, key=key, text=text, criterion=criterion, start=start,
                          end=end, claim_id=claim_id, evaluator=evaluator)


def call_answer(store: Store, call: CallRecord, segments: Sequence[Segment] | None = None) -> dict[str, Any]:
    """One call with its answer span, quote (the candidate's words), context (the question's) and its scores."""
    start, end = store.call_span(call)
    segs = store.segments(call.session_id) if segments is None else segments
    return {**call.to_dict(), "span_start": start, "span_end": end, "quote": answer_text(segs, start, end),
            "context": question_text(segs, start, end),
            "scores": {r.evaluator: int(r.score) for r in store.call_ratings(call.id)}}


# ============================================================================================ the board
def _sessions(store: Store, role: str | None) -> list[SessionRecord]:
    rows = store.sessions()
    if role is not None:
        wanted = role.strip().casefold()
        rows = [r for r in rows if (r.role or "").casefold() == wanted]
        if not rows:
            known = sorted({r.role for r in store.sessions() if r.role})
            hint = f" (roles with sessions: {', '.join(known)})" if known else ""
            raise UserError(f"no sessions for role {role!r}{hint}")
    return [store.session(r.id) for r in rows]


def _answers_by_key(store: Store, role: str | None, only: set[str] | None = None
                    ) -> tuple[list[SessionRecord], dict[str, Kit], dict[tuple[str, str], list[dict[str, Any]]]]:
    sessions = _sessions(store, role)
    kits: dict[str, Kit] = {}
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for s in sessions:
        if (s.kit_id or "") not in kits:
            kits[s.kit_id or ""] = session_kit(store, s)
        calls = store.calls(s.id)
        if not calls:
            continue
        segs = store.segments(s.id)
        for c in calls:
            if only is not None and c.id not in only:
                continue
            a = call_answer(store, c, segs)
            a.update(candidate=s.candidate, candidate_id=s.candidate_id, started_at=s.started_at,
                     kit_id=s.kit_id or "")
            groups[(c.kind, c.key)].append(a)
    return sessions, kits, groups


def _criterion_of(kind: str, key: str, answers: Sequence[dict[str, Any]], kits: dict[str, Kit]) -> str | None:
    for a in answers:
        if a.get("criterion"):
            return str(a["criterion"])
    for kit in kits.values():
        if kind == "probe":
            for p in kit.probes:
                if p.id == key:
                    return p.criterion
        else:
            card = _scenarios(kit).get(key)
            if card and card.get("criterion"):
                return str(card["criterion"])
    return None


def board_details(store: Store, role: str) -> dict[str, Any]:
    """The calibration board of a role, with everything a window or a PDF shows."""
    sessions, kits, groups = _answers_by_key(store, role)
    criteria: dict[str, Any] = {}
    order: list[str] = []
    for kit in kits.values():
        for c in kit.criteria:
            if c.key not in criteria:
                criteria[c.key] = {"key": c.key, "name": c.name,
                                   "anchors": {str(k): v for k, v in sorted(c.anchors.items())}}
                order.append(c.key)
    calls = []
    for (kind, key), answers in groups.items():
        if len({a["candidate_id"] for a in answers}) < 2:
            continue
        crit = _criterion_of(kind, key, answers, kits)
        prompt = ""
        if kind == "scenario":
            for kit in kits.values():
                card = _scenarios(kit).get(key)
                if card:
                    prompt = str(card.get("prompt") or "")
                    break
        rows = []
        for a in sorted(answers, key=lambda x: (x["started_at"], x["start"])):
            vals = list(a["scores"].values())
            rows.append({"call": a["id"], "candidate": a["candidate"], "candidate_id": a["candidate_id"],
                         "session": a["session_id"], "start": a["span_start"], "end": a["span_end"],
                         "quote": a["quote"], "scores": dict(sorted(a["scores"].items())),
                         "spread": (max(vals) - min(vals)) if len(vals) >= 2 else 0, "depth": a["depth"]})
        calls.append({"key": key, "kind": kind, "text": answers[0]["text"], "prompt": prompt, "criterion": crit,
                      "criterion_name": criteria.get(crit or "", {}).get("name", crit or ""),
                      "anchors": criteria.get(crit or "", {}).get("anchors", {}), "answers": rows,
                      "split": any(r["spread"] >= SPLIT for r in rows)})
    calls.sort(key=lambda c: (order.index(c["criterion"]) if c["criterion"] in order else len(order),
                              c["kind"], c["key"]))
    role_name = sessions[0].get("role") or role
    evaluators = sorted({e for c in calls for a in c["answers"] for e in a["scores"]})
    return {"role": role_name, "calls": calls, "evaluators": evaluators, "sessions": len(sessions),
            "candidates": sorted({s.candidate for s in sessions})}


def board(store: Store, role: str) -> list[dict[str, Any]]:
    """The public JSON of `interviewer calls --role ROLE --format json`."""
    return [{**{k: c[k] for k in BOARD_KEYS if k != "answers"},
             "answers": [{k: a[k] for k in ANSWER_KEYS} for a in c["answers"]]}
            for c in board_details(store, role)["calls"]]


# ============================================================================================ agreement
def _alpha(units: list[str], score: dict[str, dict[str, int]]) -> dict[str, Any]:
    coders = sorted({e for u in units for e in score[u]})
    matrix = [[float(score[u].get(c, math.nan)) for u in units] for c in coders]
    items = sum(1 for u in units if len(score[u]) >= 2)
    alpha = ordinal_alpha(matrix) if items else None
    warning = None
    if items < MIN_ITEMS:
        warning = (f"rests on {items} answer{'s' if items != 1 else ''} scored by two or more evaluators: too few "
                   f"to trust ({MIN_ITEMS} or more wanted); read it as a prompt for the debrief, not a measure")
    elif alpha is None:
        warning = "not defined: every score is the same, so agreement cannot be told from chance"
    return {"alpha": alpha, "items": items, "evaluators": coders, "warning": warning}


def by_call(store: Store, role: str | None = None, *, only: Sequence[str] | None = None) -> dict[str, Any]:
    """Agreement on judgment calls: `{"calls": [...], "criteria": {...}, "evaluators": {...}, "splits": [...]}`.

    `calls[i]`: `{"call": its text, "key", "kind", "criterion", "alpha", "items", "warning", "scores":
    [{"call": id, "candidate", "session", "scores": {EVALUATOR: N}, "spread"}]}`, one per call key (the same
    probe or card across candidates); `items` is the number of answers with two or more scores. `only`: just
    these calls (a calibration exercise's clips)."""
    _, kits, groups = _answers_by_key(store, role, None if only is None else set(only))
    score: dict[str, dict[str, int]] = {}
    crit_units: dict[str, list[str]] = defaultdict(list)
    calls = []
    for (kind, key), answers in sorted(groups.items()):
        rated = [a for a in answers if a["scores"]]
        if not rated:
            continue
        crit = _criterion_of(kind, key, answers, kits)
        for a in rated:
            score[a["id"]] = a["scores"]
            crit_units[crit or ""].append(a["id"])
        stats = _alpha([a["id"] for a in rated], score)
        rows = []
        for a in sorted(rated, key=lambda x: (x["started_at"], x["start"])):
            vals = list(a["scores"].values())
            rows.append({"call": a["id"], "candidate": a["candidate"], "session": a["session_id"],
                         "scores": dict(sorted(a["scores"].items())),
                         "spread": max(vals) - min(vals) if len(vals) >= 2 else 0})
        calls.append({"call": answers[0]["text"], "key": key, "kind": kind, "criterion": crit,
                      "alpha": stats["alpha"], "items": stats["items"], "warning": stats["warning"],
                      "scores": rows})
    criteria = {k or "(none)": _alpha(units, score) for k, units in sorted(crit_units.items())}
    offsets: dict[str, list[float]] = defaultdict(list)
    for scores in score.values():
        if len(scores) < 2:
            continue
        for ev, s in scores.items():
            others = [v for e, v in scores.items() if e != ev]
            offsets[ev].append(s - sum(others) / len(others))
    everyone = sorted({e for s in score.values() for e in s})
    evaluators = {e: {"offset": round(sum(offsets[e]) / len(offsets[e]), 3) if offsets[e] else None,
                      "n": len(offsets[e]), "scored": sum(1 for s in score.values() if e in s)} for e in everyone}
    splits = sorted(((r, c) for c in calls for r in c["scores"] if r["spread"] >= SPLIT),
                    key=lambda rc: (-rc[0]["spread"], rc[1]["key"]))
    return {"calls": calls, "criteria": criteria, "evaluators": evaluators,
            "splits": [{"call": r["call"], "key": c["key"], "text": c["call"], "candidate": r["candidate"],
                        "scores": r["scores"], "spread": r["spread"]} for r, c in splits]}


def merge_into_calibration(report: dict[str, Any], calls_report: dict[str, Any]) -> dict[str, Any]:
    """`interviewer calibration --by-call`: the existing report with `calls`, `call_criteria` and `splits`
    added, and each evaluator's offset on calls (`call_offset`, `call_n`) beside their existing fields (an
    evaluator who scored only calls appears with `offset` on calls)."""
    out = dict(report)
    out["calls"] = calls_report["calls"]
    out["call_criteria"] = calls_report["criteria"]
    out["splits"] = calls_report["splits"]
    evaluators = {k: dict(v) for k, v in report.get("evaluators", {}).items()}
    for name, e in calls_report["evaluators"].items():
        slot = evaluators.setdefault(name, {"offset": e["offset"], "n": 0, "ratings": 0})
        slot["call_offset"] = e["offset"]
        slot["call_n"] = e["n"]
    out["evaluators"] = evaluators
    return out


# ============================================================================================ for windows
def choices(kit: Kit) -> list[tuple[str, str, str]]:
    """What a stretch of an interview can be the answer to: (kind, key, label) for each scenario card and
    probe of the kit, cards first."""
    out = [("scenario", k, f"Scenario {k}: {c.get('title') or k}") for k, c in _scenarios(kit).items()]
    out += [("probe", p.id, f"Probe {p.id} [{p.criterion}]: {p.text}") for p in kit.probes]
    return out


def anchors_for(kit: Kit, call: CallRecord) -> dict[int, str]:
    """The anchors a call is scored against: its scenario card's own, else its criterion's."""
    if call.kind == "scenario":
        card = _scenarios(kit).get(call.key, {})
        own = card.get("anchors")
        if isinstance(own, dict) and own:
            return {int(k): str(v) for k, v in own.items()}
    crit = call.criterion
    for c in kit.criteria:
        if c.key == crit:
            return dict(c.anchors)
    return {}


# ============================================================================================ a role's shared core
def core_items(store: Store, role: str, kit: Kit) -> list[dict[str, Any]]:
    """The role's shared core (`Store.role_core`), each with its text and criterion from the kit."""
    cards = _scenarios(kit)
    probes = {p.id: p for p in kit.probes}
    out = []
    for item in store.role_core(role):
        kind, key = item["kind"], item["key"]
        crit: str | None
        if kind == "probe" and key in probes:
            text, crit = probes[key].text, probes[key].criterion
        elif kind == "scenario" and key in cards:
            text, crit = str(cards[key].get("title") or key), str(cards[key].get("criterion") or "") or None
        else:
            text, crit = key, None
        out.append({"kind": kind, "key": key, "text": text, "criterion": crit})
    return out


def set_core(store: Store, role: str, kit: Kit, items: Sequence[tuple[str, str]], *, actor: str) -> None:
    """Fix the judgment calls every candidate for the role gets, from the kit's probes and scenario cards."""
    cards = _scenarios(kit)
    probes = {p.id for p in kit.probes}
    for kind, key in items:
        if (kind == "probe" and key not in probes) or (kind == "scenario" and key not in cards):
            raise UserError(f"no {'probe' if kind == 'probe' else 'scenario card'} {key!r} in the kit {kit.name!r}")
    store.set_role_core(role, items, actor=actor)


def core_status(store: Store, role: str, kit: Kit, session_id: str | None) -> list[dict[str, Any]]:
    """The role's core calls, each marked `asked` when this session has a call for it."""
    asked = {(c.kind, c.key) for c in store.calls(session_id)} if session_id else set()
    return [{**item, "asked": (item["kind"], item["key"]) in asked} for item in core_items(store, role, kit)]


def time_per_criterion(store: Store, session_id: str) -> dict[str, float]:
    """Seconds of the interview spent on each criterion's judgment calls (their answer spans)."""
    out: dict[str, float] = defaultdict(float)
    for c in store.calls(session_id):
        start, end = store.call_span(c)
        out[c.criterion or "(none)"] += max(0.0, end - start)
    return dict(out)
