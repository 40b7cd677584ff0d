"""The comparison report: a role's candidates side by side. Criteria × candidates with every evaluator's score
and the evidence counts, each candidate's claim ledger in numbers, and the answers to the same probe next to each
other ("judgment calls side by side", also drawn by the calibration board). The data comes from
`compare_data.comparison`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from statistics import mean
from typing import Any

from reportlab.lib.pagesizes import A4, landscape  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import KeepTogether, Paragraph, Spacer  # type: ignore[import-untyped, unused-ignore]

from interviewer.core import palette
from interviewer.notes.reports.compare_data import comparison
from interviewer.notes.reports.pdf import (
    FONT_BOLD,
    GREY,
    Doc,
    coloured,
    escape,
    grid,
    make_styles,
    para,
    section_heading,
    tint,
)
from interviewer.notes.reports.text import when
from interviewer.notes.store.database import Store

SPLIT = palette.SPLIT_COLOUR


def _score_cell(scores: dict[str, list[int]], counts: dict[str, int], colour: str) -> str:
    if scores:
        parts = [f'{escape(ev)} <font size="11">{coloured("/".join(str(s) for s in ss), colour)}</font>'
                 for ev, ss in sorted(scores.items())]
        text = "   ".join(parts)
    else:
        text = f'<font color="{GREY}">not rated</font>'
    return text + (f'<br/><font size="7.5" color="{GREY}">evidence +{counts.get("supports", 0)} '
                   f'−{counts.get("concern", 0)}</font>')


def compare_story(data: dict[str, Any], width: float) -> list[Any]:
    """The flowables of a comparison report."""
    st = make_styles()
    cands = data["candidates"]
    story: list[Any] = [
        para(f"Candidates for {data['role']}", st["title"]),
        para(f"{len(cands)} candidates · {data['sessions']} sessions · evaluators: "
           f"{', '.join(data['evaluators']) or 'none yet'} · generated {when(datetime.now(UTC).isoformat())}",
           st["subtitle"]),
    ]
    if data["highlights"]:
        story += [para("What stands out", st["h3"]),
                  *[Paragraph(escape(h), st["bullet"], bulletText="•") for h in data["highlights"]]]
    story += section_heading("Scores by criterion", palette.INK, st,
                              "each evaluator's score (1–4), and the evidence tagged: + supporting, − concerns")
    per_table = 6
    first_w = 120.0
    for k in range(0, max(1, len(cands)), per_table):
        chunk = cands[k:k + per_table]
        col = (width - first_w) / max(1, len(chunk))
        head: list[Any] = [para("Criterion", st["cellb"])]
        head += [Paragraph(f'<font name="{FONT_BOLD}">{escape(c["name"])}</font><br/><font size="7.5" '
                           f'color="{GREY}">{escape(", ".join(c["dates"]))}</font>', st["cell"]) for c in chunk]
        rows: list[list[Any]] = [head]
        extra: list[tuple[Any, ...]] = []
        for i, crit in enumerate(data["criteria"], 1):
            row: list[Any] = [Paragraph(coloured(crit["name"], crit["colour"]), st["cell"])]
            for j, c in enumerate(chunk, 1):
                scores = c["scores"].get(crit["key"], {})
                row.append(Paragraph(_score_cell(scores, c["evidence"].get(crit["key"], {}), crit["colour"]),
                                     st["cell"]))
                flat = [s for ss in scores.values() for s in ss]
                if flat:
                    extra.append(("BACKGROUND", (j, i), (j, i), tint(crit["colour"], 1 - 0.07 * mean(flat))))
            rows.append(row)
        story += [grid(rows, [first_w, *([col] * len(chunk))], extra=extra), Spacer(1, 8)]

    story += section_heading("Claim ledger", palette.INK, st, "how each candidate's resume claims stood at the end")
    heads = ["Candidate", *palette.STATUS_ORDER, "claims"]
    rows = [[para(h, st["cellb"]) for h in heads]]
    for c in cands:
        rows.append([para(c["name"], st["cellb"]),
                     *[Paragraph(coloured(str(c["claims"][s]), palette.status_colour(s))
                                 if c["claims"][s] else "0", st["cell"]) for s in palette.STATUS_ORDER],
                     para(str(c["claims"]["total"]), st["cell"])])
    story.append(grid(rows, [width - 6 * 78, *([78.0] * 6)]))

    story += board_story(data["probes"], st, width)
    return story


def board_story(calls: Sequence[dict[str, Any]], st: dict[str, Any], width: float) -> list[Any]:
    """"Judgment calls side by side": each call asked to two or more candidates, their answers (the candidate's
    words), every evaluator's score for each answer, and where the panel splits."""
    story: list[Any] = []
    heading = section_heading("Judgment calls side by side", palette.INK, st,
                               "the same probe or scenario card, each candidate's answer in their own words, and "
                               "each evaluator's score for that answer")
    if not calls:
        return [*heading, para("No judgment call was asked to two or more candidates.", st["small"])]
    for p in calls:
        kind = "Scenario card" if p.get("kind") == "scenario" else "Probe"
        split = f' <font color="{SPLIT}">· the panel splits</font>' if p.get("split") else ""
        title = Paragraph(f'{coloured(p["criterion_name"] or "No criterion", p["colour"])}  '
                          f'<font color="{GREY}" size="8">{kind} {escape(p["key"])}</font>{split}', st["h3"])
        ask = para(f"“{p['text']}”", st["quote"])
        if p.get("items"):
            alpha = "not defined" if p["alpha"] is None else f"{p['alpha']:.2f}"
            note = f"Agreement on this call: alpha {alpha} over {p['items']} answers"
            note += f" ({p['warning']})." if p.get("warning") else "."
        else:
            note = "Not scored by two evaluators yet: no agreement to show."
        rows = [[para(h, st["cellb"]) for h in ("Candidate", "Answer", "In their words", "Scores")]]
        extra: list[tuple[Any, ...]] = []
        for i, a in enumerate(p["answers"], 1):
            scores = "<br/>".join(f"{escape(ev)} {coloured(str(s), p['colour'])}" for ev, s in sorted(a["scores"].items()))
            if a.get("spread", 0) >= 2:
                scores += f'<br/><font color="{SPLIT}" size="7.5">split by {a["spread"]}</font>'
                extra.append(("BACKGROUND", (3, i), (3, i), tint(palette.SPLIT_COLOUR, 0.9)))
            rows.append([para(a["candidate"], st["cellb"]), para(f"{a['time']}–{a['until']}", st["cell"]),
                         para(a["answer"] or "(nothing transcribed)", st["cell"]),
                         Paragraph(scores or f'<font color="{GREY}">not scored</font>', st["cell"])])
        table = grid(rows, [110, 78, width - 110 - 78 - 80, 80], extra=extra)
        story += [KeepTogether([*heading, title, ask, Spacer(1, 4), table, para(note, st["small"])]), Spacer(1, 8)]
        heading = []
    return story


def compare_pdf(store: Store, role: str, out: Path | str) -> Path:
    """Write the side-by-side report of a role's candidates to `out` (atomically)."""
    data = comparison(store, role)
    doc = Doc(title=f"Candidates for {data['role']}", subject=f"{data['role']}: candidates side by side",
               footer=f"Interviewer · candidates for {data['role']} · confidential", pagesize=landscape(A4),
               keywords=[f"interviewer-candidate:{c['id']}" for c in data["candidates"]])
    return doc.build(compare_story(data, doc.width), out, store.vault)
