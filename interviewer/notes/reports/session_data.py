"""The data of a session report (`session_report.session_pdf`) as JSON-able dicts, usable without a PDF."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from statistics import mean
from typing import Any

from interviewer.core.palette import STATUS_ORDER
from interviewer.core.transcript import mmss
from interviewer.notes.reports.anonymise import anonymised
from interviewer.notes.reports.evidence import distinct, evidence_item, settling_evidence, speaker_lookup
from interviewer.notes.reports.sources import criteria_table, session_kit
from interviewer.notes.reports.text import shorten, shown, when
from interviewer.notes.store.claims import CLAIM_STATUSES
from interviewer.notes.store.database import Store

QUOTES_PER_CRITERION = 3


def _headlines(criteria: Sequence[dict[str, Any]], evaluators: Sequence[str], *, claims: dict[str, int],
               n_supports: int, n_concerns: int, concerns: Sequence[dict[str, Any]] = (),
               ledger: Sequence[dict[str, Any]] = (), n_notes: int = 0) -> list[str]:
    """A few plain sentences a hiring lead can read in ten seconds (descriptive; no verdict)."""
    out: list[str] = []
    rated = [c for c in criteria if c["scores"]]
    if rated:
        who = ", ".join(evaluators[:-1]) + f" and {evaluators[-1]}" if len(evaluators) > 1 else evaluators[0]
        out.append(f"Rated by {who} on {len(rated)} of {len(criteria)} criteria.")
        means = {c["name"]: mean(c["scores"].values()) for c in rated}
        hi, lo = max(means.values()), min(means.values())
        if hi != lo:
            top = [n for n, m in means.items() if m == hi]
            low = [n for n, m in means.items() if m == lo]
            out.append(f"Highest: {', '.join(top)} ({hi:.1f} on average); lowest: {', '.join(low)} ({lo:.1f}).")
        else:
            out.append(f"Every rated criterion averages {hi:.1f}.")
        split = [c["name"] for c in rated if max(c["scores"].values()) - min(c["scores"].values()) >= 2]
        if split:
            out.append(f"The evaluators differ by two points or more on {', '.join(split)}: read those quotes "
                       "first.")
    else:
        out.append("No criterion has been rated yet.")
    notes = f"; {n_notes} note{'s' if n_notes != 1 else ''} (not evidence)" if n_notes else ""
    out.append(f"{n_supports + n_concerns} evidence items tagged: {n_supports} supporting, {n_concerns} "
               f"concern{'s' if n_concerns != 1 else ''}{notes}.")
    quoted = [c for c in concerns if c["quote"]]
    if quoted:
        main = max(quoted, key=lambda c: (bool(c["linked_by"]), len(c["quote"])))
        where = ", ".join(x for x in (main["criterion_name"], main["time"]) if x)
        out.append(f"Main concern ({where}): “{shorten(main['quote'], 150)}”")
    total = sum(claims.values())
    if total:
        parts = [f"{claims[s]} {s}" for s in STATUS_ORDER if claims.get(s)]
        out.append(f"Resume claims ({total}): {', '.join(parts)}.")
        out.extend(f"Contradicted: “{shorten(c['text'], 120)}”"
                   for c in [c for c in ledger if c["status"] == "contradicted"][:2])
    return out


def session_summary(store: Store, session_id: str, *, anonymise: bool = False) -> dict[str, Any]:
    """Everything the session report shows, as JSON-able data (see `session_pdf`)."""
    s = store.session(session_id)
    cand = store.candidate(s.candidate_id)
    kit = session_kit(store, s)
    segments = store.segments(session_id)
    speaker_at = speaker_lookup(segments)
    evidence = store.evidence(session_id)
    ratings = store.ratings(session_id)
    criteria = criteria_table([kit], [r.criterion for r in ratings] + [e.criterion or "" for e in evidence])
    names = {c["key"]: c["name"] for c in criteria}

    linked_by: dict[str, list[str]] = {}
    for r in ratings:
        for eid in r.evidence_ids:
            linked_by.setdefault(eid, []).append(r.evaluator)
    items = [evidence_item(e, speaker_at, names, linked_by, segments) for e in evidence]
    by_id = {i["id"]: i for i in items}

    evaluators = sorted({r.evaluator for r in ratings})
    others = sorted({x for x in [s.evaluator, *(e.evaluator for e in evidence)]
                     if x and x not in evaluators})
    for c in criteria:
        mine = [r for r in ratings if r.criterion == c["key"]]
        c["ratings"] = [{"evaluator": r.evaluator, "score": int(r.score),
                         "anchor": c["anchors"].get(int(r.score), ""), "reason": r.reason or "",
                         "evidence_ids": list(r.evidence_ids)} for r in sorted(mine, key=lambda r: r.evaluator)]
        c["scores"] = {r.evaluator: int(r.score) for r in mine}
        tagged = [i for i in items if i["criterion"] == c["key"]]
        linked = {eid for r in mine for eid in r.evidence_ids}
        ranked = sorted(tagged, key=lambda i: (i["id"] not in linked, -len(i["quote"]), i["start"]))
        c["quotes"] = distinct(ranked, linked)[:QUOTES_PER_CRITERION]
        c["evidence_count"] = len(tagged)
        c["supports"] = sum(1 for i in tagged if i["polarity"] == "supports")
        c["concerns"] = sum(1 for i in tagged if i["polarity"] == "concern")
        c["anchors"] = {str(k): v for k, v in sorted(c["anchors"].items())}

    ledger: list[dict[str, Any]] = []
    for claim in store.claims(cand.id):
        settled, change = settling_evidence(store, claim, by_id, items)
        ledger.append({"id": claim.id, "text": claim.text, "status": claim.status,
                       "section": claim.section or "", "evidence": settled,
                       "settled_by": (change or {}).get("actor") or "", "settled_at": (change or {}).get("at") or ""})
    claim_counts = Counter(c["status"] for c in ledger)
    consents = [{"method": c["method"], "confirmed_by": c["confirmed_by"], "confirmed_at": c["confirmed_at"],
                 "when": when(c["confirmed_at"]), "notice_version": c["notice_version"],
                 "spoken_start": c.get("spoken_start"), "spoken_end": c.get("spoken_end"),
                 "spoken_quote": c.get("spoken_quote") or ""}
                for c in sorted(store.consents(session_id), key=lambda c: c["confirmed_at"])]
    # A note (no criterion) is not evidence: it is counted apart, never as "supporting".
    n_supports = sum(1 for i in items if i["criterion"] and i["polarity"] == "supports")
    n_concerns = sum(1 for i in items if i["criterion"] and i["polarity"] == "concern")
    n_notes = sum(1 for i in items if not i["criterion"])
    concerns = distinct([i for i in items if i["polarity"] == "concern"], set())
    summary: dict[str, Any] = {
        "session": {"id": session_id, "status": s.status, "started_at": s.started_at,
                    "date": when(s.started_at), "duration_s": round(float(s.duration_s or 0), 3),
                    "duration": mmss(float(s.duration_s or 0)), "kit": kit.name,
                    "notes": str(s.notes or "").strip()},
        "candidate": {"id": cand.id, "name": shown(cand.name), "email": shown(cand.email or "")},
        "role": shown(s.role or ""),
        "evaluators": evaluators,
        "taggers": others,
        "consent": consents,
        "criteria": criteria,
        "claims": ledger,
        "claim_counts": {k: claim_counts.get(k, 0) for k in CLAIM_STATUSES},
        "concerns": concerns,
        "notes": distinct([i for i in items if not i["criterion"] and i["polarity"] != "concern"], set()),
        "evidence_count": len(items),
        "headlines": _headlines(criteria, evaluators, claims=dict(claim_counts), n_supports=n_supports,
                                n_concerns=n_concerns, concerns=concerns, ledger=ledger, n_notes=n_notes),
        "anonymised": anonymise,
    }
    return anonymised(summary, cand) if anonymise else summary
