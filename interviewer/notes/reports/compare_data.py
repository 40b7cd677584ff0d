"""The data of the comparison report (`compare_report.compare_pdf`) and of the compare window: a role's
candidates side by side, and the judgment calls asked to two or more of them (the calibration board)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from statistics import mean
from typing import Any

from interviewer.core.palette import MUTED
from interviewer.core.transcript import mmss
from interviewer.notes.ratings.calls import board_details, by_call
from interviewer.notes.reports.sources import criteria_table, role_kits, role_sessions
from interviewer.notes.reports.text import day, shorten, shown
from interviewer.notes.store.claims import CLAIM_STATUSES
from interviewer.notes.store.database import Store

ANSWER_CHARS = 520


def comparison(store: Store, role: str) -> dict[str, Any]:
    """A role's candidates side by side, as JSON-able data (see `compare_pdf`; usable by a UI).

    `candidates[i]["scores"][criterion][evaluator]` is the list of that evaluator's scores for the candidate
    (one per session they rated); `probes` lists every judgment call (probe or scenario card) asked to two or
    more candidates with each
    answer (the candidate's words in the call's answer span) and every evaluator's score for that answer
    (the calibration board, `interviewer.notes.ratings.calls`).
    """
    sessions = role_sessions(store, role)
    ratings = {s.id: store.ratings(s.id) for s in sessions}
    evidence = {s.id: store.evidence(s.id) for s in sessions}
    criteria = criteria_table(role_kits(store, sessions), [r.criterion for rs in ratings.values() for r in rs])
    evaluators = sorted({r.evaluator for rs in ratings.values() for r in rs})

    candidates: dict[str, dict[str, Any]] = {}
    for s in sessions:
        cid = s.candidate_id
        if cid not in candidates:
            claims = store.claims(cid)
            counts = Counter(c.status for c in claims)
            candidates[cid] = {
                "id": cid, "name": shown(s.candidate), "sessions": [], "dates": [],
                "scores": {c["key"]: {} for c in criteria},
                "evidence": {c["key"]: {"supports": 0, "concern": 0} for c in criteria},
                "claims": {**{k: counts.get(k, 0) for k in CLAIM_STATUSES}, "total": len(claims)},
            }
        cand = candidates[cid]
        cand["sessions"].append(s.id)
        cand["dates"].append(day(s.started_at))
        for r in ratings[s.id]:
            cand["scores"].setdefault(r.criterion, {}).setdefault(r.evaluator, []).append(int(r.score))
        for e in evidence[s.id]:
            if e.criterion:
                slot = cand["evidence"].setdefault(e.criterion, {"supports": 0, "concern": 0})
                slot[e.polarity] += 1

    probes = _board_rows(store, role, criteria)
    for c in criteria:
        c["anchors"] = {str(k): v for k, v in sorted(c["anchors"].items())}
    cands = list(candidates.values())
    return {"role": sessions[0].get("role") or role, "criteria": criteria, "evaluators": evaluators,
            "candidates": cands, "sessions": len(sessions), "probes": probes,
            "highlights": _compare_highlights(criteria, cands)}


def _board_rows(store: Store, role: str, criteria: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The judgment calls asked to two or more candidates (`calls.board_details`), each answer with its span,
    the candidate's words and every evaluator's score for that answer."""
    colours = {c["key"]: c["colour"] for c in criteria}
    agreement = {(c["kind"], c["key"]): c for c in by_call(store, role)["calls"]}
    rows = []
    for raw in board_details(store, role)["calls"]:
        stats = agreement.get((raw["kind"], raw["key"]), {})
        call = {**raw, "alpha": stats.get("alpha"), "items": stats.get("items", 0), "warning": stats.get("warning")}
        answers = [{**a, "at_s": a["start"], "time": mmss(a["start"]), "until": mmss(a["end"]),
                    "answer": shorten(a["quote"], ANSWER_CHARS) if a["quote"] else ""} for a in call["answers"]]
        rows.append({**call, "colour": colours.get(call["criterion"] or "", MUTED), "answers": answers})
    return rows


def _compare_highlights(criteria: Sequence[dict[str, Any]], cands: Sequence[dict[str, Any]]) -> list[str]:
    """Descriptive lines: per criterion who was rated highest and lowest; where evaluators split."""
    out: list[str] = []
    for c in criteria:
        means = {x["name"]: mean(s for ss in x["scores"].get(c["key"], {}).values() for s in ss)
                 for x in cands if x["scores"].get(c["key"])}
        if len(means) < 2:
            continue
        hi, lo = max(means.values()), min(means.values())
        if hi == lo:
            out.append(f"{c['name']}: every candidate averages {hi:.1f}.")
            continue
        top = ", ".join(n for n, m in means.items() if m == hi)
        low = ", ".join(n for n, m in means.items() if m == lo)
        out.append(f"{c['name']}: highest {top} ({hi:.1f}), lowest {low} ({lo:.1f}).")
    splits = [f"{x['name']} on {c['name']}" for x in cands for c in criteria
              if (flat := [s for ss in x["scores"].get(c["key"], {}).values() for s in ss])
              and max(flat) - min(flat) >= 2]
    if splits:
        out.append(f"Evaluators differ by two points or more for {'; '.join(splits)}.")
    contradicted = [f"{x['name']} ({x['claims']['contradicted']})" for x in cands if x["claims"]["contradicted"]]
    if contradicted:
        out.append(f"Contradicted resume claims: {', '.join(contradicted)}.")
    return out
