"""Evidence as the session and loop reports quote it: who spoke, what settled a claim, each quote once."""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Any

from interviewer.core.transcript import CANDIDATE, Segment, context_in_range, mmss
from interviewer.notes.store.database import Store
from interviewer.notes.store.records import ClaimRecord, EvidenceRecord
from interviewer.notes.store.report_queries import evidence_record


def speaker_lookup(segments: Sequence[Segment]) -> Callable[[float], str]:
    """The speaker of the segment at time t (or of the last one that started before it)."""
    starts = [s.start for s in segments]

    def at(t: float) -> str:
        i = bisect.bisect_right(starts, t + 1e-6) - 1
        if i < 0:
            return segments[0].speaker if segments else ""
        # an evidence range starting in a gap belongs to the next segment when that is closer
        if t > segments[i].end and i + 1 < len(segments) and segments[i + 1].start - t < t - segments[i].end:
            return segments[i + 1].speaker
        return segments[i].speaker

    return at


def evidence_item(e: EvidenceRecord, speaker_at: Callable[[float], str], names: dict[str, str],
                  linked_by: dict[str, list[str]], segments: Sequence[Segment] | None = None) -> dict[str, Any]:
    """An evidence row as a report shows it: times, speaker, quote on one line, criterion name, who rated on it.
    With the session's `segments`, also its `context`: the question its quote answers where the range holds
    both voices (the quote is then the candidate's words, so the candidate is its speaker), else ""."""
    start, end = float(e.start), float(e.end)
    quote = " ".join(str(e.quote or "").split())
    context = context_in_range(segments, start, end) if segments is not None and quote else ""
    return {
        "id": e.id, "start": start, "end": end, "time": mmss(start), "end_time": mmss(end),
        "speaker": CANDIDATE if context else speaker_at(start), "quote": quote, "context": context,
        "note": str(e.note or "").strip(), "polarity": e.polarity, "criterion": e.criterion,
        "criterion_name": names.get(e.criterion or "", e.criterion or ""),
        "evaluator": e.evaluator or "", "claim_id": e.claim_id,
        "linked_by": linked_by.get(e.id, []),
    }


def settling_evidence(store: Store, claim: ClaimRecord, by_id: dict[str, dict[str, Any]],
                      items: Sequence[dict[str, Any]]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The evidence that settled a claim's current status, and the status change it came with."""
    history = store.claim_status_history(claim.id)
    change = next((h for h in reversed(history) if h["to"] == claim.status), None)
    for h in reversed(history):
        eid = h.get("evidence_id")
        if h["to"] != claim.status or not eid:
            continue
        if eid in by_id:
            return by_id[eid], h
        row = evidence_record(store, eid)  # settled in another session of the same candidate
        if row is None:  # deleted since: fall back to the claim's evidence
            continue
        return {"id": row.id, "start": row.start, "end": row.end,
                "time": mmss(row.start), "end_time": mmss(row.end), "speaker": "",
                "quote": " ".join(row.quote.split()), "note": row.note,
                "polarity": row.polarity, "criterion": row.criterion, "criterion_name": "",
                "evaluator": row.evaluator or "", "claim_id": row.claim_id, "linked_by": [],
                "other_session": row.session_id}, h
    linked = [i for i in items if i["claim_id"] == claim.id]
    if linked:
        rows = {e["id"]: e for e in linked}
        latest = max(linked, key=lambda i: (str(rows[i["id"]].get("created_at") or ""), i["start"]))
        return latest, change
    return None, change


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> float:
    inter = float(min(a["end"], b["end"]) - max(a["start"], b["start"]))
    shortest = float(min(a["end"] - a["start"], b["end"] - b["start"]))
    if shortest <= 0:
        return 1.0 if a["start"] == b["start"] else 0.0
    return max(0.0, inter) / shortest


def distinct(ranked: Sequence[dict[str, Any]], linked: set[str]) -> list[dict[str, Any]]:
    """The items in order, an item that mostly repeats the time range of an earlier one of the same polarity
    and criterion folded into it (its tagger and ratings added), so a report never shows the same words twice."""
    out: list[dict[str, Any]] = []
    for i in ranked:
        same = next((o for o in out if o["polarity"] == i["polarity"] and o["criterion"] == i["criterion"]
                     and _overlap(o, i) >= 0.8), None)
        if same is None:
            out.append({**i, "linked": i["id"] in linked, "ids": [i["id"]],
                        "taggers": [i["evaluator"]] if i["evaluator"] else [],
                        "linked_by": list(i["linked_by"]),
                        "notes": [i["note"]] if i["note"] else []})
            continue
        same["ids"].append(i["id"])
        same["linked"] = same["linked"] or i["id"] in linked
        for key, values in (("taggers", [i["evaluator"]]), ("linked_by", i["linked_by"]), ("notes", [i["note"]])):
            same[key] += [v for v in values if v and v not in same[key]]
    return out
