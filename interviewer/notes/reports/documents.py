"""PDF reports for people who were not in the room.

* `session_pdf`: one candidate's session. Page one says what happened (who, when, consent, the scores as a
  chart and a table, a few plain sentences); then each criterion with its scores, the rubric anchors of the
  scores given and the strongest quotes; then the claim ledger, the concerns and the notes.
  `anonymise=True` replaces the candidate's name and email everywhere (quotes and claims included) by
  "Candidate <first 6 characters of their id>".
* `compare_pdf`: a role's candidates side by side: criteria × candidates with every evaluator's score and the
  evidence counts, each candidate's claim ledger in numbers, and the answers to the same probe next to each
  other ("judgment calls side by side").
* `calibration_pdf`: does the panel hold the same bar: Krippendorff's alpha overall and per criterion,
  each evaluator's offset from the rest of the panel, and the ratings whose evidence points the other way.

The data each report shows is assembled by plain functions (`session_summary`, `comparison`,
`calibration_summary`) that return JSON-able dicts, so they can be tested, and shown by a UI, without a PDF.

PDFs embed DejaVu Sans (resources/fonts) so any name renders on any OS. They are written next to the target
and renamed into place: a failed export never leaves a half-written file. Each PDF's metadata carries the
ids of the candidates it is about, so erasing a candidate also finds their reports among the exports.
"""

from __future__ import annotations

import bisect
import io
import os
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from statistics import mean
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart  # type: ignore[import-untyped, unused-ignore]
from reportlab.graphics.shapes import Drawing, String  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib import colors  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.enums import TA_CENTER  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.pagesizes import A4, landscape  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.units import mm  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    CondPageBreak,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError  # type: ignore[import-untyped, unused-ignore]

from interviewer.core.config import resource_path
from interviewer.core.errors import UserError
from interviewer.core.files import refuse_special
from interviewer.core.safetext import safe_text
from interviewer.core.transcript import Segment, mmss
from interviewer.core.vault import Vault, inside, write_file
from interviewer.notes.prompts.kits import Kit, load_kit, parse_kit
from interviewer.notes.ratings.calibration import calibration
from interviewer.notes.ratings.calls import board_details, by_call
from interviewer.notes.store.claims import CLAIM_STATUSES
from interviewer.notes.store.database import Store

NAME_CHARS = 200  # a name, role or email longer than this is cut in a report: it must fit a heading or a cell


def _shown(text: str) -> str:
    return text if len(text) <= NAME_CHARS else text[:NAME_CHARS - 1] + "…"


def escape(text: str) -> str:
    """User text for a PDF paragraph: control characters shown escaped (see `interviewer.core.safetext`), then
    XML-escaped for reportlab's markup."""
    return _xml_escape(safe_text(text, newlines=True))

# ============================================================================================ constants
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
CRITERION_COLOURS = {
    "claim-verification": "#1f6fd1",
    "judgment": "#8a3ffc",
    "failure-archaeology": "#d1651f",
    "production-constraints": "#198038",
}
FALLBACK_COLOURS = ("#005d5d", "#9f1853", "#b28600", "#012749", "#6f6f6f")
STATUS_ORDER = ("verified", "contradicted", "vague", "probing", "unprobed")
STATUS_COLOURS = {"verified": "#198038", "contradicted": "#da1e28", "vague": "#b28600", "probing": "#1f6fd1",
                  "unprobed": "#6f6f6f"}
SUPPORTS_COLOUR = "#198038"
CONCERN_COLOUR = "#da1e28"
INK = colors.HexColor("#161616")
MUTED = colors.HexColor("#525252")
RULE = colors.HexColor("#c6c6c6")
PANEL = colors.HexColor("#f4f4f4")
QUOTES_PER_CRITERION = 3
QUOTE_CHARS = 420
ANSWER_CHARS = 520


# ============================================================================================ small helpers
def criterion_colour(key: str, position: int = 0) -> str:
    """The colour a criterion is drawn in, in every report (and in the app, if it wants to match)."""
    return CRITERION_COLOURS.get(key, FALLBACK_COLOURS[position % len(FALLBACK_COLOURS)])


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:.") + " …"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _when(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        t = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _day(iso: str | None) -> str:
    return _when(iso)[:10]


def _session_kit(store: Store, session: dict[str, Any]) -> Kit:
    kit_id = session.get("kit_id")
    if kit_id:
        with suppress(Exception):  # a damaged snapshot must not stop a report: use the default kit
            return parse_kit(store.kit_toml(kit_id), f"kit {str(kit_id)[:8]}")
    return load_kit()


def _criteria_table(kits: Iterable[Kit], extra_keys: Iterable[str]) -> list[dict[str, Any]]:
    """Criteria in kit order (first kit first), then keys that were rated or tagged but are in no kit."""
    out: dict[str, dict[str, Any]] = {}
    for kit in kits:
        for c in kit.criteria:
            if c.key not in out:
                out[c.key] = {"key": c.key, "name": c.name, "definition": c.definition,
                              "anchors": {int(k): v for k, v in c.anchors.items()}}
    for key in extra_keys:
        if key and key not in out:
            out[key] = {"key": key, "name": key.replace("-", " ").capitalize(), "definition": "", "anchors": {}}
    rows = list(out.values())
    for i, row in enumerate(rows):
        row["colour"] = criterion_colour(row["key"], i)
    return rows


def _speaker_lookup(segments: Sequence[Segment]) -> Callable[[float], str]:
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


# ------------------------------------------------------------------------------------- anonymisation
_FOLD = str.maketrans({"Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Ø": "O", "ø": "o", "Ł": "L", "ł": "l",
                       "Þ": "Th", "þ": "th", "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ı": "i"})


def _ascii_fold(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return bare.translate(_FOLD)


def pseudonym(candidate_id: str) -> str:
    """What an anonymised report calls a candidate."""
    return f"Candidate {candidate_id[:6]}"


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` without accents (Đ/Ð as D, ß as ss, ...), and for each folded character its index in `text`."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        f = _ascii_fold(ch)
        out.append(f)
        where.extend([i] * len(f))
    return "".join(out), where


def anonymiser(name: str, email: str | None, replacement: str) -> Callable[[str], str]:
    """A function that replaces a person's name (whole, or any part of it; with or without accents, in any
    case, precomposed or not) and email in a text by `replacement`."""
    words = _ascii_fold(unicodedata.normalize("NFC", name)).split()
    forms = {" ".join(words), *(w for w in words if len(w) >= 2)} if words else set()
    pats = [r"\s+".join(re.escape(w) for w in f.split(" ")) for f in sorted(forms, key=len, reverse=True)]
    alternatives = []
    if email and email.strip():
        alternatives.append(re.escape(_ascii_fold(email.strip())))
    if pats:
        alternatives.append(rf"(?<!\w)(?:{'|'.join(pats)})(?!\w)")
    if not alternatives:
        return lambda text: text
    pattern = re.compile("|".join(alternatives), re.IGNORECASE)

    def scrub(text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        folded, where = _folded(text)
        out: list[str] = []
        last = 0
        for m in pattern.finditer(folded):
            if m.start() == m.end():
                continue
            a, b = where[m.start()], where[m.end() - 1] + 1
            while b < len(text) and unicodedata.combining(text[b]):
                b += 1
            if a < last:
                continue
            out += [text[last:a], replacement]
            last = b
        return "".join(out) + text[last:]

    return scrub


def _scrub_all(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _scrub_all(v, scrub) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_all(v, scrub) for v in value]
    if isinstance(value, tuple):
        return tuple(_scrub_all(v, scrub) for v in value)
    return value


# ============================================================================================ data: one session
def _evidence_item(e: dict[str, Any], speaker_at: Callable[[float], str], names: dict[str, str],
                   linked_by: dict[str, list[str]]) -> dict[str, Any]:
    start, end = float(e["start"]), float(e["end"])
    return {
        "id": e["id"], "start": start, "end": end, "time": mmss(start), "end_time": mmss(end),
        "speaker": speaker_at(start), "quote": " ".join(str(e.get("quote") or "").split()),
        "note": str(e.get("note") or "").strip(), "polarity": e["polarity"], "criterion": e.get("criterion"),
        "criterion_name": names.get(e.get("criterion") or "", e.get("criterion") or ""),
        "evaluator": e.get("evaluator") or "", "claim_id": e.get("claim_id"),
        "linked_by": linked_by.get(e["id"], []),
    }


def _evidence_row(store: Store, evidence_id: str) -> dict[str, Any] | None:
    with suppress(Exception):
        return dict(store.t("evidence").get(evidence_id))
    return None


def _settling_evidence(store: Store, claim: dict[str, Any], by_id: dict[str, dict[str, Any]],
                       items: Sequence[dict[str, Any]]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The evidence that settled a claim's current status, and the status change it came with."""
    history = store.claim_status_history(claim["id"])
    change = next((h for h in reversed(history) if h["to"] == claim["status"]), None)
    for h in reversed(history):
        eid = h.get("evidence_id")
        if h["to"] != claim["status"] or not eid:
            continue
        if eid in by_id:
            return by_id[eid], h
        row = _evidence_row(store, eid)  # settled in another session of the same candidate
        if row is None:  # deleted since: fall back to the claim's evidence
            continue
        return {"id": row["id"], "start": float(row["start"]), "end": float(row["end"]),
                "time": mmss(float(row["start"])), "end_time": mmss(float(row["end"])), "speaker": "",
                "quote": " ".join(str(row.get("quote") or "").split()), "note": str(row.get("note") or ""),
                "polarity": row["polarity"], "criterion": row.get("criterion"), "criterion_name": "",
                "evaluator": row.get("evaluator") or "", "claim_id": row.get("claim_id"), "linked_by": [],
                "other_session": row["session_id"]}, h
    linked = [i for i in items if i["claim_id"] == claim["id"]]
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


def _distinct(ranked: Sequence[dict[str, Any]], linked: set[str]) -> list[dict[str, Any]]:
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
        out.append(f"Main concern ({where}): “{_shorten(main['quote'], 150)}”")
    total = sum(claims.values())
    if total:
        parts = [f"{claims[s]} {s}" for s in ("verified", "contradicted", "vague", "probing", "unprobed")
                 if claims.get(s)]
        out.append(f"Resume claims ({total}): {', '.join(parts)}.")
        out.extend(f"Contradicted: “{_shorten(c['text'], 120)}”"
                   for c in [c for c in ledger if c["status"] == "contradicted"][:2])
    return out


def session_summary(store: Store, session_id: str, *, anonymise: bool = False) -> dict[str, Any]:
    """Everything the session report shows, as JSON-able data (see `session_pdf`)."""
    s = store.session(session_id)
    cand = store.candidate(s["candidate_id"])
    kit = _session_kit(store, s)
    segments = store.segments(session_id)
    speaker_at = _speaker_lookup(segments)
    evidence = store.evidence(session_id)
    ratings = store.ratings(session_id)
    criteria = _criteria_table([kit], [r["criterion"] for r in ratings] + [e["criterion"] or "" for e in evidence])
    names = {c["key"]: c["name"] for c in criteria}

    linked_by: dict[str, list[str]] = {}
    for r in ratings:
        for eid in r["evidence_ids"]:
            linked_by.setdefault(eid, []).append(r["evaluator"])
    items = [_evidence_item(e, speaker_at, names, linked_by) for e in evidence]
    by_id = {i["id"]: i for i in items}

    evaluators = sorted({r["evaluator"] for r in ratings})
    others = sorted({x for x in [s.get("evaluator"), *(e.get("evaluator") for e in evidence)]
                     if x and x not in evaluators})
    for c in criteria:
        mine = [r for r in ratings if r["criterion"] == c["key"]]
        c["ratings"] = [{"evaluator": r["evaluator"], "score": int(r["score"]),
                         "anchor": c["anchors"].get(int(r["score"]), ""), "reason": r["reason"] or "",
                         "evidence_ids": list(r["evidence_ids"])} for r in sorted(mine, key=lambda r: r["evaluator"])]
        c["scores"] = {r["evaluator"]: int(r["score"]) for r in mine}
        tagged = [i for i in items if i["criterion"] == c["key"]]
        linked = {eid for r in mine for eid in r["evidence_ids"]}
        ranked = sorted(tagged, key=lambda i: (i["id"] not in linked, -len(i["quote"]), i["start"]))
        c["quotes"] = _distinct(ranked, linked)[:QUOTES_PER_CRITERION]
        c["evidence_count"] = len(tagged)
        c["supports"] = sum(1 for i in tagged if i["polarity"] == "supports")
        c["concerns"] = sum(1 for i in tagged if i["polarity"] == "concern")
        c["anchors"] = {str(k): v for k, v in sorted(c["anchors"].items())}

    ledger = []
    for claim in store.claims(cand["id"]):
        settled, change = _settling_evidence(store, claim, by_id, items)
        ledger.append({"id": claim["id"], "text": claim["text"], "status": claim["status"],
                       "section": claim.get("section") or "", "evidence": settled,
                       "settled_by": (change or {}).get("actor") or "", "settled_at": (change or {}).get("at") or ""})
    claim_counts = Counter(c["status"] for c in ledger)
    consents = [{"method": c["method"], "confirmed_by": c["confirmed_by"], "confirmed_at": c["confirmed_at"],
                 "when": _when(c["confirmed_at"]), "notice_version": c["notice_version"],
                 "spoken_start": c.get("spoken_start"), "spoken_end": c.get("spoken_end"),
                 "spoken_quote": c.get("spoken_quote") or ""}
                for c in sorted(store.consents(session_id), key=lambda c: c["confirmed_at"])]
    # A note (no criterion) is not evidence: it is counted apart, never as "supporting".
    n_supports = sum(1 for i in items if i["criterion"] and i["polarity"] == "supports")
    n_concerns = sum(1 for i in items if i["criterion"] and i["polarity"] == "concern")
    n_notes = sum(1 for i in items if not i["criterion"])
    concerns = _distinct([i for i in items if i["polarity"] == "concern"], set())
    summary: dict[str, Any] = {
        "session": {"id": session_id, "status": s["status"], "started_at": s["started_at"],
                    "date": _when(s["started_at"]), "duration_s": round(float(s["duration_s"] or 0), 3),
                    "duration": mmss(float(s["duration_s"] or 0)), "kit": kit.name,
                    "notes": str(s.get("notes") or "").strip()},
        "candidate": {"id": cand["id"], "name": _shown(cand["name"]), "email": _shown(cand.get("email") or "")},
        "role": _shown(s.get("role") or ""),
        "evaluators": evaluators,
        "taggers": others,
        "consent": consents,
        "criteria": criteria,
        "claims": ledger,
        "claim_counts": {k: claim_counts.get(k, 0) for k in CLAIM_STATUSES},
        "concerns": concerns,
        "notes": _distinct([i for i in items if not i["criterion"] and i["polarity"] != "concern"], set()),
        "evidence_count": len(items),
        "headlines": _headlines(criteria, evaluators, claims=dict(claim_counts), n_supports=n_supports,
                                n_concerns=n_concerns, concerns=concerns, ledger=ledger, n_notes=n_notes),
        "anonymised": anonymise,
    }
    if anonymise:
        label = pseudonym(cand["id"])
        scrub = anonymiser(cand["name"], cand.get("email"), label)
        summary = _scrub_all(summary, scrub)
        summary["candidate"] = {"id": cand["id"], "name": label, "email": ""}
    return summary


# ============================================================================================ data: a role
def _role_sessions(store: Store, role: str) -> list[dict[str, Any]]:
    wanted = role.strip().casefold()
    rows = [r for r in store.sessions() if (r["role"] or "").casefold() == wanted]
    if not rows:
        known = sorted({r["role"] for r in store.sessions() if r["role"]})
        hint = f" (roles with sessions: {', '.join(known)})" if known else ""
        raise UserError(f"no sessions for role {role!r}{hint}")
    return [store.session(r["id"]) for r in rows]


def comparison(store: Store, role: str) -> dict[str, Any]:
    """A role's candidates side by side, as JSON-able data (see `compare_pdf`; usable by a UI).

    `candidates[i]["scores"][criterion][evaluator]` is the list of that evaluator's scores for the candidate
    (one per session they rated); `probes` lists every judgment call (probe or scenario card) asked to two or
    more candidates with each
    answer (the candidate's words in the call's answer span) and every evaluator's score for that answer
    (the calibration board, `interviewer.notes.ratings.calls`).
    """
    sessions = _role_sessions(store, role)
    kits: dict[str, Kit] = {}
    for s in sessions:
        kits.setdefault(s.get("kit_id") or "", _session_kit(store, s))
    ratings = {s["id"]: store.ratings(s["id"]) for s in sessions}
    evidence = {s["id"]: store.evidence(s["id"]) for s in sessions}
    criteria = _criteria_table(kits.values(), [r["criterion"] for rs in ratings.values() for r in rs])
    evaluators = sorted({r["evaluator"] for rs in ratings.values() for r in rs})

    candidates: dict[str, dict[str, Any]] = {}
    for s in sessions:
        cid = s["candidate_id"]
        if cid not in candidates:
            claims = store.claims(cid)
            counts = Counter(c["status"] for c in claims)
            candidates[cid] = {
                "id": cid, "name": _shown(s["candidate"]), "sessions": [], "dates": [],
                "scores": {c["key"]: {} for c in criteria},
                "evidence": {c["key"]: {"supports": 0, "concern": 0} for c in criteria},
                "claims": {**{k: counts.get(k, 0) for k in CLAIM_STATUSES}, "total": len(claims)},
            }
        cand = candidates[cid]
        cand["sessions"].append(s["id"])
        cand["dates"].append(_day(s["started_at"]))
        for r in ratings[s["id"]]:
            cand["scores"].setdefault(r["criterion"], {}).setdefault(r["evaluator"], []).append(int(r["score"]))
        for e in evidence[s["id"]]:
            if e["criterion"]:
                slot = cand["evidence"].setdefault(e["criterion"], {"supports": 0, "concern": 0})
                slot[e["polarity"]] += 1

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
                    "answer": _shorten(a["quote"], ANSWER_CHARS) if a["quote"] else ""} for a in call["answers"]]
        rows.append({**call, "colour": colours.get(call["criterion"] or "", "#525252"), "answers": answers})
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


def calibration_summary(store: Store, role: str | None) -> dict[str, Any]:
    """`calibration(store, role)` plus criterion names and colours, in kit order."""
    report = calibration(store, role)
    sessions = _role_sessions(store, role) if role else [store.session(r["id"]) for r in store.sessions()]
    kits: dict[str, Kit] = {}
    for s in sessions:
        kits.setdefault(s.get("kit_id") or "", _session_kit(store, s))
    criteria = _criteria_table(kits.values(), report["criteria"])
    rows = [{**c, **report["criteria"][c["key"]]} for c in criteria if c["key"] in report["criteria"]]
    for r in rows:
        r["anchors"] = {str(k): v for k, v in sorted(r["anchors"].items())}
    names = {c["key"]: c["name"] for c in criteria}
    flags = [{**f, "criterion_name": names.get(f["criterion"], f["criterion"])} for f in report["flags"]]
    return {"role": role or "all roles", "overall_alpha": report["overall_alpha"], "criteria": rows,
            "evaluators": report["evaluators"], "flags": flags, "sessions": len(sessions),
            "by_call": by_call(store, role),
            "ratings": sum(e["ratings"] for e in report["evaluators"].values())}


def alpha_reading(alpha: float | None) -> str:
    """Krippendorff's usual reading of an alpha value."""
    if alpha is None:
        return "not defined yet (needs two evaluators rating the same sessions, and some variation)"
    if alpha >= 0.8:
        return "good agreement (0.8 or more)"
    if alpha >= 0.667:
        return "tentative agreement (0.667 to 0.8)"
    return "low agreement (below 0.667): the panel does not hold the same bar yet"


# ============================================================================================ drawing: basics
_FONTS_READY = False


def _register_fonts() -> None:
    global _FONTS_READY  # noqa: PLW0603 - registering a font is process-wide in reportlab anyway
    if _FONTS_READY:
        return
    from reportlab.lib.fonts import addMapping  # type: ignore[import-untyped, unused-ignore]

    for name, file in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf")):
        path = resource_path("fonts", file)
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except Exception as exc:  # noqa: BLE001 - reportlab raises plain exceptions for unreadable fonts
            raise UserError(f"cannot load the report font: {exc}", path=path) from None
    for bold, italic, face in ((0, 0, FONT), (1, 0, FONT_BOLD), (0, 1, FONT), (1, 1, FONT_BOLD)):
        addMapping(FONT, bold, italic, face)
    _FONTS_READY = True


def _styles() -> dict[str, Any]:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12.5, textColor=INK)
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=19, leading=23, spaceAfter=2),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10.5, leading=14, textColor=MUTED,
                                   spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=13, leading=16, spaceBefore=14,
                             spaceAfter=6),
        "h3": ParagraphStyle("h3", parent=base, fontName=FONT_BOLD, fontSize=10, leading=13, spaceBefore=6,
                             spaceAfter=3),
        "small": ParagraphStyle("small", parent=base, fontSize=7.8, leading=10, textColor=MUTED),
        "label": ParagraphStyle("label", parent=base, fontSize=7.8, leading=10, textColor=MUTED),
        "value": ParagraphStyle("value", parent=base, fontName=FONT_BOLD, fontSize=9.5, leading=12.5),
        "quote": ParagraphStyle("quote", parent=base, fontSize=9, leading=12.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "cellb": ParagraphStyle("cellb", parent=base, fontName=FONT_BOLD, fontSize=8.5, leading=11),
        "badge": ParagraphStyle("badge", parent=base, fontName=FONT_BOLD, fontSize=11, leading=13,
                                alignment=TA_CENTER, textColor=colors.white),
        "bullet": ParagraphStyle("bullet", parent=base, fontSize=9.5, leading=13.5, leftIndent=10,
                                 bulletIndent=0, spaceAfter=1.5),
    }


def _p(text: str, style: Any) -> Any:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _tint(hex_colour: str, amount: float) -> Any:
    """The colour mixed with white (amount 0 = the colour, 1 = white)."""
    c = colors.HexColor(hex_colour)
    return colors.Color(c.red + (1 - c.red) * amount, c.green + (1 - c.green) * amount,
                        c.blue + (1 - c.blue) * amount)


def _coloured(text: str, hex_colour: str, *, bold: bool = True) -> str:
    face = FONT_BOLD if bold else FONT
    return f'<font name="{face}" color="{hex_colour}">{escape(text)}</font>'


def _section_heading(text: str, hex_colour: str, styles: dict[str, Any], note: str = "") -> list[Any]:
    head = ParagraphStyle("sec", parent=styles["h2"], textColor=colors.HexColor(hex_colour), spaceAfter=2)
    out: list[Any] = [Paragraph(escape(text) + (f'  <font size="8.5" color="#525252" name="{FONT}">'
                                                f"{escape(note)}</font>" if note else ""), head),
                      HRFlowable(width="100%", thickness=1.6, color=colors.HexColor(hex_colour), spaceBefore=1,
                                 spaceAfter=5)]
    return out


def _grid(rows: list[list[Any]], widths: Sequence[float], *, header: bool = True,
          extra: Sequence[tuple[Any, ...]] = ()) -> Any:
    t = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0)
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
    ]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), PANEL), ("LINEBELOW", (0, 0), (-1, 0), 0.8, MUTED)]
    t.setStyle(TableStyle(style + list(extra)))
    return t


class _Doc:
    """Page furniture shared by the three reports: fonts, margins, the footer, atomic writing."""

    def __init__(self, *, title: str, footer: str, subject: str, keywords: Sequence[str],
                 pagesize: tuple[float, float] = A4) -> None:
        _register_fonts()
        # User text (a name) in the metadata and on every page's footer line: escaped, and short enough to fit.
        self.title, self.subject = safe_text(title, limit=300), safe_text(subject, limit=300)
        self.footer = safe_text(footer, limit=150)
        self.keywords = [safe_text(k, limit=300) for k in keywords]
        self.pagesize = pagesize
        self.margin = 17 * mm
        self.width = pagesize[0] - 2 * self.margin
        self.pages = 0

    def _furniture(self, canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.setStrokeColor(RULE)
        y = 10 * mm
        canvas.line(self.margin, y + 9, self.pagesize[0] - self.margin, y + 9)
        canvas.drawString(self.margin, y, self.footer)
        canvas.drawRightString(self.pagesize[0] - self.margin, y, f"page {doc.page}")
        canvas.restoreState()
        self.pages = max(self.pages, int(doc.page))

    def build(self, story: list[Any], out: Path | str, vault: Vault | None = None) -> Path:
        def draw(path: Any) -> None:
            doc = SimpleDocTemplate(
                path, pagesize=self.pagesize, leftMargin=self.margin, rightMargin=self.margin,
                topMargin=15 * mm, bottomMargin=17 * mm, title=self.title, author="Interviewer",
                subject=self.subject, creator="Interviewer", keywords=self.keywords)
            doc.build(story, onFirstPage=self._furniture, onLaterPages=self._furniture)

        return write_atomic(out, draw, vault)


def _short_reason(exc: Exception) -> str:
    return safe_text(str(exc).split("\n")[0], limit=120)


def write_atomic(out: Path | str, draw: Callable[[Any], None], vault: Vault | None = None) -> Path:
    """Call `draw(temp_path)` on a private temp file next to `out`, then rename it over `out`.

    Any failure removes the temp file and leaves `out` as it was; an unusable path is a UserError. Inside an
    encrypted data dir the PDF is drawn in memory and sealed: no plaintext copy is ever on disk."""
    out = Path(out).expanduser()
    if out.is_dir():
        raise UserError("is a directory: give a file name for the PDF", path=out)
    refuse_special(out)
    if vault is not None and inside(out, vault.root):
        buf = io.BytesIO()
        try:
            draw(buf)
        except LayoutError as exc:
            raise UserError(f"cannot lay out the PDF: some text is too long to fit on a page "
                            f"({_short_reason(exc)})", path=out) from None
        try:
            return write_file(vault, out, buf.getvalue())
        except OSError as exc:
            raise UserError(f"cannot write the PDF: {exc.strerror or exc}", path=out) from None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    except OSError as exc:
        raise UserError(f"cannot write the PDF here: {exc.strerror or exc}", path=out) from None
    os.close(fd)
    try:
        draw(tmp)
        Path(tmp).replace(out)
    except LayoutError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(f"cannot lay out the PDF: some text is too long to fit on a page ({_short_reason(exc)})",
                        path=out) from None
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(f"cannot write the PDF: {exc.strerror or exc}", path=out) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def _badge(score: int | str, hex_colour: str, styles: dict[str, Any], size: float = 20) -> Any:
    t = Table([[Paragraph(escape(str(score)), styles["badge"])]], colWidths=[size], rowHeights=[size])
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(hex_colour)),
                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return t


def _polarity(p: str) -> str:
    if p == "concern":
        return _coloured("− concern", CONCERN_COLOUR)
    return _coloured("+ supports", SUPPORTS_COLOUR)


def _status(status: str) -> str:
    return _coloured(status, STATUS_COLOURS.get(status, "#525252"))


# ============================================================================================ drawing: charts
def score_chart(criteria: Sequence[dict[str, Any]], evaluators: Sequence[str], width: float) -> Any:
    """Per criterion, one bar per evaluator (1–4), in the criterion's colour (lighter for later evaluators),
    each labelled with the evaluator and the score."""
    n, m = len(criteria), max(1, len(evaluators))
    bar = 10.0
    group = m * bar + (m - 1) * 2 + 10
    left, right, bottom = 128.0, 70.0, 18.0
    height = n * group
    d = Drawing(width, height + bottom + 6)
    bc = HorizontalBarChart()
    bc.x, bc.y, bc.width, bc.height = left, bottom, width - left - right, height
    ordered = list(reversed(criteria))  # a horizontal chart draws its first category at the bottom
    series = list(reversed(evaluators))  # ... and the first series at the bottom of each group
    bc.data = [[c["scores"].get(ev) for c in ordered] for ev in series] or [[None for _ in ordered]]
    bc.barWidth = bar
    bc.barSpacing = 2
    bc.groupSpacing = 10
    bc.valueAxis.valueMin, bc.valueAxis.valueMax, bc.valueAxis.valueStep = 0, 4, 1
    bc.valueAxis.labels.fontName = FONT
    bc.valueAxis.labels.fontSize = 7
    bc.valueAxis.labels.fillColor = MUTED
    bc.valueAxis.labelTextFormat = lambda v: {1: "1 weak", 2: "2 mixed", 3: "3 solid", 4: "4 strong"}.get(
        round(v), "")
    bc.valueAxis.visibleGrid = 1
    bc.valueAxis.gridStrokeColor = RULE
    bc.valueAxis.gridStrokeWidth = 0.4
    bc.valueAxis.strokeColor = RULE
    bc.categoryAxis.categoryNames = [c["name"] for c in ordered]
    bc.categoryAxis.labels.fontName = FONT_BOLD
    bc.categoryAxis.labels.fontSize = 8
    bc.categoryAxis.labels.boxAnchor = "e"
    bc.categoryAxis.labels.dx = -6
    bc.categoryAxis.strokeColor = RULE
    bc.categoryAxis.visibleTicks = 0
    bc.categoryAxis.reverseDirection = 0
    bc.bars.strokeColor = None
    for i in range(len(bc.data)):
        for j, c in enumerate(ordered):
            rank = len(series) - 1 - i  # 0 for the first evaluator
            bc.bars[(i, j)].fillColor = _tint(c["colour"], min(0.6, 0.45 * rank))
            bc.bars[(i, j)].strokeColor = None
    bc.barLabelFormat = "values"
    bc.barLabelArray = [[f"{ev} {c['scores'][ev]}" if ev in c["scores"] else "" for c in ordered]
                        for ev in series] or [["" for _ in ordered]]
    bc.barLabels.fontName = FONT
    bc.barLabels.fontSize = 7
    bc.barLabels.fillColor = INK
    bc.barLabels.boxAnchor = "w"
    bc.barLabels.dx = 3
    bc.barLabels.nudge = 0
    d.add(bc)
    return d


def offset_chart(evaluators: dict[str, dict[str, Any]], width: float) -> Any:
    """Each evaluator's mean offset from the rest of the panel, as bars around zero."""
    names = [n for n, e in evaluators.items() if e["offset"] is not None]
    left, right, bottom = 110.0, 50.0, 26.0
    height = max(1, len(names)) * 22.0
    d = Drawing(width, height + bottom + 4)
    if not names:
        d.add(String(0, bottom, "No offsets yet: no session has two evaluators' scores.", fontName=FONT,
                     fontSize=8, fillColor=MUTED))
        return d
    values = [float(evaluators[n]["offset"]) for n in reversed(names)]
    span = max([1.0, *(abs(v) for v in values)])
    bc = HorizontalBarChart()
    bc.x, bc.y, bc.width, bc.height = left, bottom, width - left - right, height
    bc.data = [values]
    bc.barWidth = 12
    bc.groupSpacing = 10
    bc.valueAxis.valueMin, bc.valueAxis.valueMax = -span, span
    bc.valueAxis.valueStep = 0.5 if span <= 2 else 1
    bc.valueAxis.labels.fontName = FONT
    bc.valueAxis.labels.fontSize = 7
    bc.valueAxis.labels.fillColor = MUTED
    bc.valueAxis.labelTextFormat = lambda v: f"{v:+.1f}" if v else "0"
    bc.valueAxis.visibleGrid = 1
    bc.valueAxis.gridStrokeColor = RULE
    bc.valueAxis.gridStrokeWidth = 0.4
    bc.valueAxis.strokeColor = RULE
    bc.categoryAxis.categoryNames = list(reversed(names))
    bc.categoryAxis.labels.fontName = FONT_BOLD
    bc.categoryAxis.labels.fontSize = 8
    bc.categoryAxis.labels.boxAnchor = "e"
    bc.categoryAxis.labels.dx = -6 - (bc.width / 2)
    bc.categoryAxis.visibleTicks = 0
    bc.categoryAxis.strokeColor = MUTED
    bc.categoryAxis.style = "parallel"
    for j, v in enumerate(values):
        bc.bars[(0, j)].fillColor = colors.HexColor("#d1651f" if v > 0 else "#1f6fd1")
        bc.bars[(0, j)].strokeColor = None
    bc.barLabelFormat = lambda v: f"{v:+.2f}"
    bc.barLabels.fontName = FONT
    bc.barLabels.fontSize = 7
    bc.barLabels.boxAnchor = "w"
    bc.barLabels.dx = 3
    d.add(bc)
    d.add(String(left, 2, "← stricter than the panel", fontName=FONT, fontSize=7, fillColor=MUTED))
    d.add(String(left + bc.width, 2, "more lenient than the panel →", fontName=FONT, fontSize=7, fillColor=MUTED,
                 textAnchor="end"))
    return d


# ============================================================================================ session report
def _info_panel(pairs: Sequence[tuple[str, str]], width: float, styles: dict[str, Any]) -> Any:
    """Label/value pairs in two columns on a light panel."""
    half = (len(pairs) + 1) // 2
    left, right = pairs[:half], pairs[half:]
    rows = []
    for i in range(half):
        row: list[Any] = []
        for side in (left, right):
            if i < len(side):
                row += [_p(side[i][0], styles["label"]), _p(side[i][1], styles["value"])]
            else:
                row += ["", ""]
        rows.append(row)
    w = width / 2
    t = Table(rows, colWidths=[0.27 * w, 0.73 * w, 0.22 * w, 0.78 * w])
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), PANEL), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                           ("LEFTPADDING", (0, 0), (-1, -1), 7), ("TOPPADDING", (0, 0), (-1, 0), 8),
                           ("BOTTOMPADDING", (0, -1), (-1, -1), 8)]))
    return t


def _consent_text(consent: Sequence[dict[str, Any]], session_date: str) -> str:
    if not consent:
        return "not recorded"
    c = consent[-1]
    when = c["when"][11:] if c["when"][:10] == session_date[:10] else c["when"]
    text = (f"{c['method']} at {when}, confirmed by {c['confirmed_by'] or 'an evaluator not named'} "
            f"(notice {c['notice_version']})")
    if c.get("spoken_start") is not None:
        quote = _shorten(c.get("spoken_quote") or "", 160)
        text += f"; said on the recording at {mmss(c['spoken_start'])}" + (f": “{quote}”" if quote else "")
    return text


def _glance_table(summary: dict[str, Any], width: float, styles: dict[str, Any]) -> Any:
    evaluators = summary["evaluators"]
    head = ["Criterion", *evaluators, "Evidence", "Rubric anchor at the median score"]
    rows: list[list[Any]] = [[_p(h, styles["cellb"]) for h in head]]
    for c in summary["criteria"]:
        cells: list[Any] = [Paragraph(_coloured(c["name"], c["colour"]), styles["cell"])]
        for ev in evaluators:
            s = c["scores"].get(ev)
            cells.append(Paragraph(_coloured(str(s), c["colour"]) if s else "–", styles["cell"]))
        cells.append(_p(f"+{c['supports']}  −{c['concerns']}", styles["cell"]))
        scores = list(c["scores"].values())
        if scores:
            med = sorted(scores)[(len(scores) - 1) // 2]
            anchor = c["anchors"].get(str(med), "")
            cells.append(Paragraph(f'<font name="{FONT_BOLD}">{med}:</font> ' + escape(_shorten(anchor, 120)),
                                   styles["small"]))
        else:
            cells.append(_p("not rated", styles["small"]))
        rows.append(cells)
    ev_w = max(30.0, max((len(e) for e in evaluators), default=0) * 5.5 + 12)
    fixed = 112 + ev_w * len(evaluators) + 56
    return _grid(rows, [112, *([ev_w] * len(evaluators)), 56, max(120.0, width - fixed)])


def _quote_rows(quotes: Sequence[dict[str, Any]], styles: dict[str, Any], width: float,
                *, show_criterion: bool = False, colours: dict[str, str] | None = None) -> Any:
    rows = []
    for q in quotes:
        meta = f'<font name="{FONT_BOLD}">{escape(q["time"])}</font>'
        if q["speaker"]:
            meta += f"<br/>{escape(q['speaker'])}"
        body = f"“{escape(q['quote'] or '(no words in this range)')}”" if q["quote"] else "<i>(no quote)</i>"
        if len(q["quote"]) > QUOTE_CHARS:
            body = f"“{escape(_shorten(q['quote'], QUOTE_CHARS))}”"
        extra = [_polarity(q["polarity"])]
        if show_criterion and q.get("criterion_name"):
            extra.append(_coloured(q["criterion_name"], (colours or {}).get(q["criterion"] or "", "#525252"),
                                   bold=False))
        taggers = q.get("taggers") or ([q["evaluator"]] if q.get("evaluator") else [])
        if taggers:
            extra.append(f"tagged by {escape(', '.join(taggers))}")
        if q.get("linked_by"):
            who = q["linked_by"]
            names = who[0] if len(who) == 1 else ", ".join(who[:-1]) + f" and {who[-1]}"
            extra.append(f"behind {escape(names)}’s score{'s' if len(who) > 1 else ''}")
        if q.get("other_session"):
            extra.append(f"in session {escape(str(q['other_session'])[:8])}")
        notes = q.get("notes") or ([q["note"]] if q.get("note") else [])
        note = "".join(f'<br/><font color="#525252">Note: {escape(n)}</font>' for n in notes)
        rows.append([Paragraph(meta, styles["small"]),
                     Paragraph(body + note + f'<br/><font size="7.5" color="#525252">{" · ".join(extra)}</font>',
                               styles["quote"])])
    t = Table(rows, colWidths=[60, width - 60])
    style: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 4),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 5), ("LEFTPADDING", (0, 0), (-1, -1), 6)]
    for i, q in enumerate(quotes):
        colour = CONCERN_COLOUR if q["polarity"] == "concern" else SUPPORTS_COLOUR
        style.append(("LINEBEFORE", (1, i), (1, i), 2, colors.HexColor(colour)))
    t.setStyle(TableStyle(style))
    return t


def _criterion_section(c: dict[str, Any], styles: dict[str, Any], width: float) -> list[Any]:
    note = _count(c["evidence_count"], "evidence item")
    top = _section_heading(c["name"], c["colour"], styles, note)
    if c["definition"]:
        top += [_p(c["definition"], styles["small"]), Spacer(1, 5)]
    if c["ratings"]:
        by_score: dict[int, list[dict[str, Any]]] = {}
        for r in c["ratings"]:
            by_score.setdefault(r["score"], []).append(r)
        rows = []
        for score in sorted(by_score, reverse=True):
            rs = by_score[score]
            who = ", ".join(r["evaluator"] for r in rs)
            text = (f'<font name="{FONT_BOLD}">{escape(who)}</font> gave {score}. '
                    f'<font color="#525252">Rubric {score}:</font> '
                    f'{escape(rs[0]["anchor"] or "(no anchor text)")}')
            for r in rs:
                if r["reason"]:
                    text += (f'<br/><font color="#525252">{escape(r["evaluator"])}’s reason:</font> '
                             f"{escape(r['reason'])}")
            rows.append([_badge(score, c["colour"], styles), Paragraph(text, styles["cell"])])
        t = Table(rows, colWidths=[28, width - 28])
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (0, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
        top.append(t)
    else:
        top.append(_p("Not rated.", styles["cell"]))
    out: list[Any] = [KeepTogether(top)]
    if c["quotes"]:
        out.append(KeepTogether([_p("Strongest quotes", styles["h3"]), _quote_rows(c["quotes"], styles, width)]))
        shown = sum(len(q.get("ids", [q["id"]])) for q in c["quotes"])
        if c["evidence_count"] > shown:
            out.append(_p(f"Quotes covering {shown} of {c['evidence_count']} items ({c['supports']} supporting, "
                          f"{c['concerns']} concerns): those behind a score first, then the longest.",
                          styles["small"]))
    else:
        out += [Spacer(1, 3), _p("No evidence tagged for this criterion.", styles["small"])]
    return [*out, Spacer(1, 4)]


def _claims_section(summary: dict[str, Any], styles: dict[str, Any], width: float) -> list[Any]:
    out = [CondPageBreak(140), *_section_heading("Claim ledger", "#161616", styles,
                           " · ".join(f"{summary['claim_counts'][s]} {s}" for s in STATUS_ORDER
                                      if summary["claim_counts"].get(s)))]
    if not summary["claims"]:
        return [*out, _p("No resume claims were recorded for this candidate.", styles["small"])]
    rows: list[list[Any]] = [[_p(h, styles["cellb"]) for h in ("#", "Claim", "Status", "What settled it")]]
    for i, c in enumerate(summary["claims"], 1):
        e = c["evidence"]
        if e:
            settle = f'<font name="{FONT_BOLD}">{escape(e["time"])}</font>'
            if e.get("speaker"):
                settle += f" {escape(e['speaker'])}"
            settle += f": “{escape(_shorten(e['quote'], 260))}”" if e["quote"] else ""
            if e.get("note"):
                settle += f'<br/><font color="#525252">Note: {escape(e["note"])}</font>'
        elif c["status"] == "unprobed":
            settle = '<font color="#525252">not asked about</font>'
        else:
            settle = '<font color="#525252">no quote linked</font>'
        if c["settled_by"] and c["status"] != "unprobed":
            settle += (f'<br/><font size="7.5" color="#525252">set by {escape(c["settled_by"])}, '
                       f"{escape(_when(c['settled_at']))}</font>")
        rows.append([_p(str(i), styles["cell"]), _p(c["text"], styles["cell"]),
                     Paragraph(_status(c["status"]), styles["cell"]), Paragraph(settle, styles["cell"])])
    return [*out, _grid(rows, [18, 0.36 * width, 62, width - 80 - 0.36 * width])]


def _concerns_section(summary: dict[str, Any], styles: dict[str, Any], width: float) -> list[Any]:
    colours = {c["key"]: c["colour"] for c in summary["criteria"]}
    out = [CondPageBreak(140), *_section_heading("Concerns and notes", "#161616", styles,
                                                 _count(len(summary["concerns"]), "concern") + ", "
                                                 + _count(len(summary["notes"]), "note"))]
    if summary["concerns"]:
        out.append(_p("Concerns", styles["h3"]))
        out.append(_quote_rows(summary["concerns"], styles, width, show_criterion=True, colours=colours))
    else:
        out.append(_p("No evidence was tagged as a concern.", styles["small"]))
    if summary["notes"] or summary["session"]["notes"]:
        out.append(_p("Notes", styles["h3"]))
        if summary["session"]["notes"]:
            out.append(_p(summary["session"]["notes"], styles["quote"]))
            out.append(Spacer(1, 4))
        if summary["notes"]:
            out.append(_quote_rows(summary["notes"], styles, width))
    return out


def session_story(summary: dict[str, Any], width: float) -> list[Any]:
    """The flowables of a session report (page one first)."""
    st = _styles()
    sess, cand = summary["session"], summary["candidate"]
    story: list[Any] = [
        _p(cand["name"], st["title"]),
        _p(" · ".join(x for x in (summary["role"], sess["date"][:10], f"{sess['duration']} recorded",
                                  "anonymised" if summary["anonymised"] else "") if x), st["subtitle"]),
    ]
    evaluators = ", ".join(summary["evaluators"]) or "none yet"
    if summary["taggers"]:
        evaluators += f" (tagged by: {', '.join(summary['taggers'])})"
    pairs = [("Candidate", cand["name"]), ("Role", summary["role"] or "–"), ("Evaluators", evaluators),
             ("Date", sess["date"]), ("Duration", sess["duration"]), ("Consent", _consent_text(summary["consent"], sess["date"]))]
    story += [_info_panel(pairs, width, st), Spacer(1, 10)]
    story += [_p("What happened", st["h3"])]
    story += [Paragraph(escape(h), st["bullet"], bulletText="•") for h in summary["headlines"]]
    story += _section_heading("Scores", "#161616", st, "1 weak · 2 mixed · 3 solid · 4 strong, against the "
                                                       "kit's rubric anchors")
    if summary["evaluators"]:
        story.append(score_chart(summary["criteria"], summary["evaluators"], width))
        story.append(Spacer(1, 6))
    story.append(_glance_table(summary, width, st))
    for c in summary["criteria"]:
        story += _criterion_section(c, st, width)
    story += _claims_section(summary, st, width)
    story += _concerns_section(summary, st, width)
    story += [Spacer(1, 10), _p(f"Session {sess['id']} · kit {sess['kit']} · status {sess['status']}. "
                                "Scores are the evaluators' own; this report adds no judgment of its own.",
                                st["small"])]
    return story


def session_pdf(store: Store, session_id: str, out: Path | str, *, anonymise: bool = False) -> Path:
    """Write the report of one session to `out` (atomically); returns the path written."""
    summary = session_summary(store, session_id, anonymise=anonymise)
    name = summary["candidate"]["name"]
    doc = _Doc(title=f"Interview report: {name}", subject=f"{summary['role']} interview, {summary['session']['date']}",
               footer=f"Interviewer · {name} · {summary['role']} · {summary['session']['date'][:10]} · confidential",
               keywords=[f"interviewer-session:{session_id}",
                         f"interviewer-candidate:{summary['candidate']['id']}"])
    return doc.build(session_story(summary, doc.width), out, store.vault)


# ============================================================================================ comparison report
def _score_cell(scores: dict[str, list[int]], counts: dict[str, int], colour: str) -> str:
    if scores:
        parts = [f'{escape(ev)} <font size="11">{_coloured("/".join(str(s) for s in ss), colour)}</font>'
                 for ev, ss in sorted(scores.items())]
        text = "   ".join(parts)
    else:
        text = '<font color="#525252">not rated</font>'
    return text + (f'<br/><font size="7.5" color="#525252">evidence +{counts.get("supports", 0)} '
                   f'−{counts.get("concern", 0)}</font>')


def compare_story(data: dict[str, Any], width: float) -> list[Any]:
    st = _styles()
    cands = data["candidates"]
    story: list[Any] = [
        _p(f"Candidates for {data['role']}", st["title"]),
        _p(f"{len(cands)} candidates · {data['sessions']} sessions · evaluators: "
           f"{', '.join(data['evaluators']) or 'none yet'} · generated {_when(datetime.now(UTC).isoformat())}",
           st["subtitle"]),
    ]
    if data["highlights"]:
        story += [_p("What stands out", st["h3"]),
                  *[Paragraph(escape(h), st["bullet"], bulletText="•") for h in data["highlights"]]]
    story += _section_heading("Scores by criterion", "#161616", st,
                              "each evaluator's score (1–4), and the evidence tagged: + supporting, − concerns")
    per_table = 6
    first_w = 120.0
    for k in range(0, max(1, len(cands)), per_table):
        chunk = cands[k:k + per_table]
        col = (width - first_w) / max(1, len(chunk))
        head: list[Any] = [_p("Criterion", st["cellb"])]
        head += [Paragraph(f'<font name="{FONT_BOLD}">{escape(c["name"])}</font><br/><font size="7.5" '
                           f'color="#525252">{escape(", ".join(c["dates"]))}</font>', st["cell"]) for c in chunk]
        rows: list[list[Any]] = [head]
        extra: list[tuple[Any, ...]] = []
        for i, crit in enumerate(data["criteria"], 1):
            row: list[Any] = [Paragraph(_coloured(crit["name"], crit["colour"]), st["cell"])]
            for j, c in enumerate(chunk, 1):
                scores = c["scores"].get(crit["key"], {})
                row.append(Paragraph(_score_cell(scores, c["evidence"].get(crit["key"], {}), crit["colour"]),
                                     st["cell"]))
                flat = [s for ss in scores.values() for s in ss]
                if flat:
                    extra.append(("BACKGROUND", (j, i), (j, i), _tint(crit["colour"], 1 - 0.07 * mean(flat))))
            rows.append(row)
        story += [_grid(rows, [first_w, *([col] * len(chunk))], extra=extra), Spacer(1, 8)]

    story += _section_heading("Claim ledger", "#161616", st, "how each candidate's resume claims stood at the end")
    heads = ["Candidate", "verified", "contradicted", "vague", "probing", "unprobed", "claims"]
    rows = [[_p(h, st["cellb"]) for h in heads]]
    for c in cands:
        rows.append([_p(c["name"], st["cellb"]),
                     *[Paragraph(_coloured(str(c["claims"][s]), STATUS_COLOURS[s]) if c["claims"][s] else "0",
                                 st["cell"]) for s in ("verified", "contradicted", "vague", "probing", "unprobed")],
                     _p(str(c["claims"]["total"]), st["cell"])])
    story.append(_grid(rows, [width - 6 * 78, *([78.0] * 6)]))

    story += board_story(data["probes"], st, width)
    return story


def board_story(calls: Sequence[dict[str, Any]], st: dict[str, Any], width: float) -> list[Any]:
    """"Judgment calls side by side": each call asked to two or more candidates, their answers (the candidate's
    words), every evaluator's score for each answer, and where the panel splits."""
    story: list[Any] = []
    heading = _section_heading("Judgment calls side by side", "#161616", st,
                               "the same probe or scenario card, each candidate's answer in their own words, and "
                               "each evaluator's score for that answer")
    if not calls:
        return [*heading, _p("No judgment call was asked to two or more candidates.", st["small"])]
    for p in calls:
        kind = "Scenario card" if p.get("kind") == "scenario" else "Probe"
        split = ' <font color="#da1e28">· the panel splits</font>' if p.get("split") else ""
        title = Paragraph(f'{_coloured(p["criterion_name"] or "No criterion", p["colour"])}  '
                          f'<font color="#525252" size="8">{kind} {escape(p["key"])}</font>{split}', st["h3"])
        ask = _p(f"“{p['text']}”", st["quote"])
        if p.get("items"):
            alpha = "not defined" if p["alpha"] is None else f"{p['alpha']:.2f}"
            note = f"Agreement on this call: alpha {alpha} over {p['items']} answers"
            note += f" ({p['warning']})." if p.get("warning") else "."
        else:
            note = "Not scored by two evaluators yet: no agreement to show."
        rows = [[_p(h, st["cellb"]) for h in ("Candidate", "Answer", "In their words", "Scores")]]
        extra: list[tuple[Any, ...]] = []
        for i, a in enumerate(p["answers"], 1):
            scores = "<br/>".join(f"{escape(ev)} {_coloured(str(s), p['colour'])}" for ev, s in sorted(a["scores"].items()))
            if a.get("spread", 0) >= 2:
                scores += f'<br/><font color="#da1e28" size="7.5">split by {a["spread"]}</font>'
                extra.append(("BACKGROUND", (3, i), (3, i), _tint("#da1e28", 0.9)))
            rows.append([_p(a["candidate"], st["cellb"]), _p(f"{a['time']}–{a['until']}", st["cell"]),
                         _p(a["answer"] or "(nothing transcribed)", st["cell"]),
                         Paragraph(scores or '<font color="#525252">not scored</font>', st["cell"])])
        table = _grid(rows, [110, 78, width - 110 - 78 - 80, 80], extra=extra)
        story += [KeepTogether([*heading, title, ask, Spacer(1, 4), table, _p(note, st["small"])]), Spacer(1, 8)]
        heading = []
    return story


def compare_pdf(store: Store, role: str, out: Path | str) -> Path:
    """Write the side-by-side report of a role's candidates to `out` (atomically)."""
    data = comparison(store, role)
    doc = _Doc(title=f"Candidates for {data['role']}", subject=f"{data['role']}: candidates side by side",
               footer=f"Interviewer · candidates for {data['role']} · confidential", pagesize=landscape(A4),
               keywords=[f"interviewer-candidate:{c['id']}" for c in data["candidates"]])
    return doc.build(compare_story(data, doc.width), out, store.vault)


# ============================================================================================ calibration report
def calibration_story(data: dict[str, Any], width: float) -> list[Any]:
    st = _styles()
    alpha = data["overall_alpha"]
    story: list[Any] = [
        _p(f"Calibration: {data['role']}", st["title"]),
        _p(f"{data['sessions']} sessions · {data['ratings']} ratings · {len(data['evaluators'])} evaluators · "
           f"generated {_when(datetime.now(UTC).isoformat())}", st["subtitle"]),
    ]
    tone = "#6f6f6f" if alpha is None else "#198038" if alpha >= 0.8 else "#b28600" if alpha >= 0.667 \
        else "#da1e28"
    big = ParagraphStyle("big", parent=st["title"], fontSize=26, leading=30, textColor=colors.HexColor(tone))
    box = Table([[Paragraph("n/a" if alpha is None else f"{alpha:.2f}", big),
                  Paragraph(f'<font name="{FONT_BOLD}">Overall agreement</font> (Krippendorff’s α, ordinal, every '
                            f"session × criterion)<br/>{escape(alpha_reading(alpha))}", st["base"])]],
                colWidths=[90, width - 90])
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), PANEL), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                             ("TOPPADDING", (0, 0), (-1, -1), 10), ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
                             ("LEFTPADDING", (0, 0), (-1, -1), 10)]))
    story += [box, Spacer(1, 4),
              _p("1 means the evaluators always agree, 0 no better than chance. Advisory: these numbers describe "
                 "the panel, not any candidate.", st["small"])]

    story += _section_heading("Agreement by criterion", "#161616", st)
    rows: list[list[Any]] = [[_p(h, st["cellb"]) for h in
                              ("Criterion", "α", "Reading", "Sessions", "Ratings", "Mean score", "Evaluators")]]
    for c in data["criteria"]:
        a = c["alpha"]
        reading = "n/a" if a is None else alpha_reading(a).split(" ")[0]
        rows.append([Paragraph(_coloured(c["name"], c["colour"]), st["cell"]),
                     _p("n/a" if a is None else f"{a:.2f}", st["cellb"]), _p(reading, st["cell"]),
                     _p(str(c["units"]), st["cell"]), _p(str(c["ratings"]), st["cell"]),
                     _p("–" if c["mean_score"] is None else f"{c['mean_score']:.2f}", st["cell"]),
                     _p(", ".join(c["evaluators"]), st["cell"])])
    if len(rows) == 1:
        rows.append([_p("No ratings yet.", st["cell"]), "", "", "", "", "", ""])
    story.append(_grid(rows, [width - 40 - 62 - 56 - 50 - 66 - 110, 40, 62, 56, 50, 66, 110]))

    story += _section_heading("Evaluators", "#161616", st,
                              "mean offset from the rest of the panel on the sessions and criteria they share")
    rows = [[_p(h, st["cellb"]) for h in ("Evaluator", "Offset", "Shared ratings", "All ratings")]]
    for name, e in data["evaluators"].items():
        off = "n/a" if e["offset"] is None else f"{e['offset']:+.2f}"
        rows.append([_p(name, st["cellb"]), _p(off, st["cell"]), _p(str(e["n"]), st["cell"]),
                     _p(str(e["ratings"]), st["cell"])])
    story += [_grid(rows, [width - 3 * 90, 90, 90, 90]), Spacer(1, 8),
              offset_chart(data["evaluators"], width)]

    story += _calls_agreement(data.get("by_call") or {}, st, width)
    story += _section_heading("Flags", "#161616", st, "ratings whose linked evidence points the other way")
    if not data["flags"]:
        story.append(_p("None: every score agrees in direction with the evidence linked to it.", st["small"]))
    else:
        rows = [[_p(h, st["cellb"]) for h in ("Evaluator", "Candidate", "Criterion", "Score", "Why")]]
        for f in data["flags"]:
            rows.append([_p(f["evaluator"], st["cellb"]), _p(f["candidate"], st["cell"]),
                         _p(f["criterion_name"], st["cell"]), _p(str(f["score"]), st["cellb"]),
                         _p(f["reason"], st["cell"])])
        story.append(_grid(rows, [80, 110, 110, 40, width - 340]))
    return story


def _calls_agreement(report: dict[str, Any], st: dict[str, Any], width: float) -> list[Any]:
    """Agreement on each judgment call (the same probe or card across candidates) and the debrief's agenda."""
    story = _section_heading("Agreement on judgment calls", "#161616", st,
                             "each call's answers scored by two or more evaluators (Krippendorff's α, ordinal)")
    if not report.get("calls"):
        return [*story, _p("No judgment call has been scored yet (interviewer rate-call, or the review window).",
                           st["small"])]
    rows: list[list[Any]] = [[_p(h, st["cellb"]) for h in ("Call", "α", "Answers", "Note")]]
    rows += [[_p(f"{c['kind']} {c['key']}: {_shorten(c['call'], 90)}", st["cell"]),
              _p("n/a" if c["alpha"] is None else f"{c['alpha']:.2f}", st["cellb"]),
              _p(str(c["items"]), st["cell"]), _p(c["warning"] or "", st["small"])] for c in report["calls"]]
    story.append(_grid(rows, [0.42 * width, 40, 50, width - 0.42 * width - 90]))
    splits = report.get("splits") or []
    story.append(_p("Where the panel splits most (the debrief's agenda): " + (
        "; ".join(f"{s['key']} {s['candidate']} ({', '.join(f'{e} {v}' for e, v in s['scores'].items())})"
                  for s in splits[:8]) if splits else "nowhere by two points or more."), st["small"]))
    return story


def calibration_pdf(store: Store, role: str | None, out: Path | str) -> Path:
    """Write the calibration report of a role (None: every role) to `out` (atomically)."""
    data = calibration_summary(store, role)
    doc = _Doc(title=f"Calibration: {data['role']}", subject=f"Evaluator calibration for {data['role']}",
               footer=f"Interviewer · calibration · {data['role']} · confidential",
               keywords=sorted({f"interviewer-candidate:{store.session(f['session'])['candidate_id']}"
                                for f in data["flags"]}))
    return doc.build(calibration_story(data, doc.width), out, store.vault)


__all__ = [
    "alpha_reading", "anonymiser", "calibration_pdf", "calibration_summary", "compare_pdf", "comparison",
    "criterion_colour", "pseudonym", "score_chart", "session_pdf", "session_summary", "write_atomic",
]


# ============================================================================================ loop report
# `loop_pdf`: one candidate's whole loop (every session, whoever ran it): who probed which resume claim and how
# it ended, every evaluator's scores per criterion across the sessions, each session's failure story, the
# production-constraint scenarios with the constraints the answer engaged (and those it did not), and the
# claims nobody on the panel could verify.
def _loop_candidate(store: Store, ref: str) -> dict[str, Any]:
    """A candidate by name (any case), id, or unambiguous id prefix; UserError when none matches."""
    return store.resolve_candidate(ref)


def loop_summary(store: Store, candidate: str, *, anonymise: bool = False) -> dict[str, Any]:
    """Everything the loop report shows, as JSON-able data (see `loop_pdf`)."""
    from interviewer.notes import panel  # panel imports the store; keep this module importable on its own

    cand = _loop_candidate(store, candidate)
    cid = str(cand["id"])
    rows = list(store.t("sessions").rows_where("candidate_id = ?", [cid], order_by="started_at"))
    sessions = [store.session(str(r["id"])) for r in rows]
    kits = [_session_kit(store, s) for s in sessions]
    kit = kits[-1] if kits else load_kit()
    ratings = {s["id"]: store.ratings(s["id"]) for s in sessions}
    evidence = {s["id"]: store.evidence(s["id"]) for s in sessions}
    criteria = _criteria_table(kits or [kit], [r["criterion"] for rs in ratings.values() for r in rs])
    names = {c["key"]: c["name"] for c in criteria}

    evaluators: list[str] = []
    for s in sessions:
        for who in [s.get("evaluator"), *(r["evaluator"] for r in ratings[s["id"]])]:
            if who and who not in evaluators:
                evaluators.append(who)

    items: list[dict[str, Any]] = []
    for s in sessions:
        linked_by: dict[str, list[str]] = {}
        for r in ratings[s["id"]]:
            for eid in r["evidence_ids"]:
                linked_by.setdefault(eid, []).append(r["evaluator"])
        speaker_at = _speaker_lookup(store.segments(s["id"]))
        items.extend({**_evidence_item(e, speaker_at, names, linked_by), "session": s["id"],
                      "date": _day(s["started_at"])} for e in evidence[s["id"]])
    by_id = {i["id"]: i for i in items}

    the_plan = panel.plan(store, kit, cid)
    planned = {a["claim_id"]: a["evaluator"] for a in the_plan["assignments"]}
    claims = []
    depth: dict[str, int] = {}  # how deep the follow-ups went on each claim: 0 the claim, 1 first follow-up...
    for s in sessions:
        for call in store.calls(s["id"]):
            if call["claim_id"]:
                depth[call["claim_id"]] = max(depth.get(call["claim_id"], -1), int(call["depth"]))
    for claim in store.claims(cid):
        settled, change = _settling_evidence(store, claim, by_id, items)
        claims.append({"id": claim["id"], "text": claim["text"], "status": claim["status"],
                       "follow_ups": depth.get(claim["id"]),
                       "probed_by": planned.get(claim["id"]) or "", "evidence": settled,
                       "settled_by": (change or {}).get("actor") or "", "settled_at": (change or {}).get("at") or ""})
    claim_counts = Counter(c["status"] for c in claims)

    for c in criteria:
        per: dict[str, list[dict[str, Any]]] = {}
        for s in sessions:
            for r in ratings[s["id"]]:
                if r["criterion"] == c["key"]:
                    per.setdefault(r["evaluator"], []).append(
                        {"session": s["id"], "date": _day(s["started_at"]), "score": int(r["score"]),
                         "reason": r["reason"] or ""})
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
                   for st in panel.failure_stories(store, s["id"])]
        failures.append({"session": s["id"], "date": _day(s["started_at"]), "evaluator": s.get("evaluator") or "",
                         "stories": stories, "concrete": any(x["concrete"] for x in stories)})

    scenario_rows = []
    for s, k in zip(sessions, kits, strict=True):
        cards = {x["id"]: x for x in [*panel.scenarios(k), *panel.scenarios(kit)]}
        for use in panel.scenario_uses(store, s["id"]):
            card = cards.get(use["scenario_key"], {})
            texts = {c.get("key"): str(c.get("text") or "") for c in card.get("constraints", [])}
            ticked = {t["constraint_key"]: t for t in use["ticks"]}
            engaged = [{"key": key, "text": texts.get(key, ""), "quote": " ".join(str(t["quote"] or "").split())}
                       for key, t in ticked.items()]
            scenario_rows.append({
                "session": s["id"], "date": _day(s["started_at"]), "evaluator": s.get("evaluator") or "",
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

    roles = list(dict.fromkeys(s["role"] for s in sessions if s.get("role")))
    summary: dict[str, Any] = {
        "candidate": {"id": cid, "name": _shown(cand["name"]), "email": _shown(cand.get("email") or "")},
        "roles": [_shown(r) for r in roles],
        "dates": list(dict.fromkeys(_day(s["started_at"]) for s in sessions)),
        "evaluators": evaluators,
        "sessions": [{"id": s["id"], "date": _when(s["started_at"]), "evaluator": s.get("evaluator") or "",
                      "role": s.get("role") or "", "status": s["status"],
                      "duration": mmss(float(s["duration_s"] or 0)), "kit": k.name}
                     for s, k in zip(sessions, kits, strict=True)],
        "criteria": criteria,
        "claims": claims,
        "claim_counts": {k: claim_counts.get(k, 0) for k in CLAIM_STATUSES},
        "failures": failures,
        "scenarios": scenario_rows,
        "unverified": unverified,
        "anonymised": anonymise,
    }
    if anonymise:
        label = pseudonym(cid)
        summary = _scrub_all(summary, anonymiser(cand["name"], cand.get("email"), label))
        summary["candidate"] = {"id": cid, "name": label, "email": ""}
    return summary


def _loop_scores_table(data: dict[str, Any], st: dict[str, Any], width: float) -> Any:
    evaluators = data["evaluators"]
    rows: list[list[Any]] = [[_p(h, st["cellb"]) for h in ("Criterion", *evaluators, "Rubric anchor at the median")]]
    extra: list[tuple[Any, ...]] = []
    for i, c in enumerate(data["criteria"], 1):
        cells: list[Any] = [Paragraph(_coloured(c["name"], c["colour"]), st["cell"])]
        for ev in evaluators:
            xs = c["scores"].get(ev, [])
            text = "<br/>".join(f'{_coloured(str(x["score"]), c["colour"])} <font size="7.5" color="#525252">'
                                f'{escape(x["date"])}</font>' for x in xs)
            cells.append(Paragraph(text or "–", st["cell"]))
        if c["median"] is not None:
            cells.append(Paragraph(f'<font name="{FONT_BOLD}">{c["median"]}:</font> '
                                   + escape(_shorten(c["median_anchor"] or "(no anchor text)", 160)), st["small"]))
            extra.append(("BACKGROUND", (0, i), (0, i), _tint(c["colour"], 0.88)))
        else:
            cells.append(_p("not rated", st["small"]))
        rows.append(cells)
    ev_w = max(74.0, max((len(e) for e in evaluators), default=0) * 5.5 + 12)
    ev_w = min(ev_w, (width - 112 - 140) / max(1, len(evaluators)))
    return _grid(rows, [112, *([ev_w] * len(evaluators)), width - 112 - ev_w * len(evaluators)], extra=extra)


def _loop_claims_table(data: dict[str, Any], st: dict[str, Any], width: float) -> Any:
    rows: list[list[Any]] = [[_p(h, st["cellb"]) for h in ("#", "Claim", "Probed by", "Status", "What settled it")]]
    for i, c in enumerate(data["claims"], 1):
        e = c["evidence"]
        if e:
            settle = f'<font name="{FONT_BOLD}">{escape(e.get("date") or "")} {escape(e["time"])}</font>'
            settle += f": “{escape(_shorten(e['quote'], 240))}”" if e["quote"] else ""
            if e.get("note"):
                settle += f'<br/><font color="#525252">Note: {escape(e["note"])}</font>'
        elif c["status"] == "unprobed":
            settle = '<font color="#525252">not asked about</font>'
        else:
            settle = '<font color="#525252">no quote linked</font>'
        if c["settled_by"] and c["status"] != "unprobed":
            settle += (f'<br/><font size="7.5" color="#525252">set by {escape(c["settled_by"])}, '
                       f"{escape(_when(c['settled_at']))}</font>")
        who = escape(c["probed_by"]) if c["probed_by"] else '<font color="#525252">nobody on the panel</font>'
        status = _status(c["status"])
        if c.get("follow_ups") is not None:
            n = c["follow_ups"]
            status += (f'<br/><font size="7.5" color="#525252">'
                       f'{"asked, no follow-up" if n == 0 else f"{n} follow-up" + ("s" if n > 1 else "")}</font>')
        rows.append([_p(str(i), st["cell"]), _p(c["text"], st["cell"]), Paragraph(who, st["cell"]),
                     Paragraph(status, st["cell"]), Paragraph(settle, st["cell"])])
    return _grid(rows, [18, 0.32 * width, 70, 62, width - 150 - 0.32 * width])


def loop_story(data: dict[str, Any], width: float) -> list[Any]:
    """The flowables of a candidate's loop report."""
    st = _styles()
    cand = data["candidate"]
    n = len(data["sessions"])
    story: list[Any] = [
        _p(cand["name"], st["title"]),
        _p(" · ".join(x for x in ("Candidate summary across the loop", ", ".join(data["roles"]),
                                  _count(n, "session"), "anonymised" if data["anonymised"] else "") if x),
           st["subtitle"]),
    ]
    dates = data["dates"]
    pairs = [("Candidate", cand["name"]), ("Role(s)", ", ".join(data["roles"]) or "–"),
             ("Dates", (f"{dates[0]} to {dates[-1]}" if len(dates) > 1 else dates[0]) if dates else "–"),
             ("Evaluators", ", ".join(data["evaluators"]) or "none yet"), ("Sessions", str(n)),
             ("Claims", " · ".join(f"{data['claim_counts'][s]} {s}" for s in STATUS_ORDER
                                   if data["claim_counts"].get(s)) or "none recorded")]
    story += [_info_panel(pairs, width, st), Spacer(1, 8)]
    if data["sessions"]:
        rows: list[list[Any]] = [[_p(h, st["cellb"]) for h in ("Date", "Evaluator", "Role", "Duration", "Status")]]
        rows += [[_p(s["date"], st["cell"]), _p(s["evaluator"] or "–", st["cellb"]), _p(s["role"] or "–", st["cell"]),
                  _p(s["duration"], st["cell"]), _p(s["status"], st["cell"])] for s in data["sessions"]]
        story.append(_grid(rows, [120, 110, width - 120 - 110 - 60 - 70, 60, 70]))
    else:
        story.append(_p("No session has been recorded for this candidate yet.", st["small"]))

    story += _section_heading("Resume claims", "#161616", st, "who on the panel probed each claim, and how it ended")
    if data["claims"]:
        story.append(_loop_claims_table(data, st, width))
    else:
        story.append(_p("No resume claims were recorded for this candidate.", st["small"]))

    story += _section_heading("Scores across the loop", "#161616", st,
                              "each evaluator's score (1–4) per session; the rubric anchor of the median score")
    story.append(_loop_scores_table(data, st, width))

    fa = criterion_colour("failure-archaeology")
    story += [CondPageBreak(120), *_section_heading("Failure archaeology", fa, st,
                                                    "the failure story each session dug out")]
    for f in data["failures"]:
        head = _p(f"{f['date']} · {f['evaluator'] or 'no evaluator'}", st["h3"])
        block: list[Any] = [head]
        if not f["concrete"]:
            block.append(Paragraph(_coloured("no concrete failure story", CONCERN_COLOUR) +
                                   (" (what broke, detection, own role and fix are not all there)"
                                    if f["stories"] else " (none recorded in this session)"), st["cell"]))
        for s in f["stories"]:
            rows = [[_p(p["label"], st["label"]), _p(p["text"], st["cell"])] for p in s["parts"]]
            if rows:
                t = Table(rows, colWidths=[150, width - 150])
                t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 6),
                                       ("LINEBEFORE", (0, 0), (0, -1), 2, colors.HexColor(fa)),
                                       ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
                block.append(t)
            missing = ", ".join(s["missing"]) if s["missing"] else "nothing"
            block.append(_p(f"{s['filled']} of {s['of']} parts filled · missing: {missing}", st["small"]))
        story += [KeepTogether(block), Spacer(1, 4)]
    if not data["failures"]:
        story.append(_p("No sessions yet.", st["small"]))

    pc = criterion_colour("production-constraints")
    story += [CondPageBreak(120), *_section_heading("Production-constraint scenarios", pc, st,
                                                    "the constraints the answer engaged, and those it did not")]
    for sc in data["scenarios"]:
        block = [Paragraph(_coloured(sc["title"], pc) + f'  <font size="8" color="#525252">'
                           f"{escape(sc['date'])} · {escape(sc['evaluator'])}</font>", st["h3"])]
        rows = [[_p(h, st["cellb"]) for h in ("Constraint", "Engaged", "Quote")]]
        for e in sc["engaged"]:
            rows.append([_p(e["text"] or e["key"], st["cell"]), Paragraph(_coloured("✓ engaged", SUPPORTS_COLOUR),
                                                                          st["cell"]),
                         _p(f"“{e['quote']}”" if e["quote"] else "(no quote)", st["quote"])])
        for e in sc["not_engaged"]:
            rows.append([_p(e["text"] or e["key"], st["cell"]),
                         Paragraph(_coloured("not engaged", CONCERN_COLOUR), st["cell"]), _p("", st["cell"])])
        block.append(_grid(rows, [0.34 * width, 84, width - 84 - 0.34 * width]))
        story += [KeepTogether(block), Spacer(1, 4)]
    if not data["scenarios"]:
        story.append(_p("No scenario card was used in this loop.", st["small"]))

    story += [CondPageBreak(100), *_section_heading("Claims nobody on the panel could verify", "#161616", st,
                                                    _count(len(data["unverified"]), "claim"))]
    if data["unverified"]:
        rows = [[_p(h, st["cellb"]) for h in ("Claim", "Why")]]
        rows += [[_p(u["text"], st["cell"]), _p(u["why"], st["cell"])] for u in data["unverified"]]
        story.append(_grid(rows, [0.55 * width, 0.45 * width]))
    else:
        story.append(_p("None: every claim had a practitioner on the panel and was probed.", st["small"]))
    story += [Spacer(1, 10), _p("Scores are the evaluators' own; this report adds no judgment of its own.",
                                st["small"])]
    return story


def loop_pdf(store: Store, candidate: str, out: Path | str, *, anonymise: bool = False) -> Path:
    """Write the summary of a candidate's whole loop to `out` (atomically); returns the path written."""
    data = loop_summary(store, candidate, anonymise=anonymise)
    name = data["candidate"]["name"]
    doc = _Doc(title=f"Loop summary: {name}", subject=f"{name}: every session of the loop",
               footer=f"Interviewer · {name} · loop summary · confidential",
               keywords=[f"interviewer-candidate:{data['candidate']['id']}",
                         *(f"interviewer-session:{s['id']}" for s in data["sessions"])])
    return doc.build(loop_story(data, doc.width), out, store.vault)


__all__ += ["loop_pdf", "loop_story", "loop_summary"]
