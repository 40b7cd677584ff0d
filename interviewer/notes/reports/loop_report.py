"""The loop report: a candidate's whole loop in one PDF (see `loop_data.loop_summary` for what it shows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    CondPageBreak,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from interviewer.core import palette
from interviewer.notes.reports.loop_data import loop_summary
from interviewer.notes.reports.pdf import (
    FONT_BOLD,
    GREY,
    Doc,
    coloured,
    escape,
    grid,
    info_panel,
    make_styles,
    para,
    section_heading,
    status_mark,
    tint,
)
from interviewer.notes.reports.text import count, shorten, when
from interviewer.notes.store.database import Store


def _loop_scores_table(data: dict[str, Any], st: dict[str, Any], width: float) -> Any:
    evaluators = data["evaluators"]
    rows: list[list[Any]] = [[para(h, st["cellb"]) for h in ("Criterion", *evaluators, "Rubric anchor at the median")]]
    extra: list[tuple[Any, ...]] = []
    for i, c in enumerate(data["criteria"], 1):
        cells: list[Any] = [Paragraph(coloured(c["name"], c["colour"]), st["cell"])]
        for ev in evaluators:
            xs = c["scores"].get(ev, [])
            text = "<br/>".join(f'{coloured(str(x["score"]), c["colour"])} <font size="7.5" color="{GREY}">'
                                f'{escape(x["date"])}</font>' for x in xs)
            cells.append(Paragraph(text or "–", st["cell"]))
        if c["median"] is not None:
            cells.append(Paragraph(f'<font name="{FONT_BOLD}">{c["median"]}:</font> '
                                   + escape(shorten(c["median_anchor"] or "(no anchor text)", 160)), st["small"]))
            extra.append(("BACKGROUND", (0, i), (0, i), tint(c["colour"], 0.88)))
        else:
            cells.append(para("not rated", st["small"]))
        rows.append(cells)
    ev_w = max(74.0, max((len(e) for e in evaluators), default=0) * 5.5 + 12)
    ev_w = min(ev_w, (width - 112 - 140) / max(1, len(evaluators)))
    return grid(rows, [112, *([ev_w] * len(evaluators)), width - 112 - ev_w * len(evaluators)], extra=extra)


def _loop_claims_table(data: dict[str, Any], st: dict[str, Any], width: float) -> Any:
    rows: list[list[Any]] = [[para(h, st["cellb"]) for h in ("#", "Claim", "Probed by", "Status", "What settled it")]]
    for i, c in enumerate(data["claims"], 1):
        e = c["evidence"]
        if e:
            settle = f'<font name="{FONT_BOLD}">{escape(e.get("date") or "")} {escape(e["time"])}</font>'
            settle += f": “{escape(shorten(e['quote'], 240))}”" if e["quote"] else ""
            if e.get("note"):
                settle += f'<br/><font color="{GREY}">Note: {escape(e["note"])}</font>'
        elif c["status"] == "unprobed":
            settle = f'<font color="{GREY}">not asked about</font>'
        else:
            settle = f'<font color="{GREY}">no quote linked</font>'
        if c["settled_by"] and c["status"] != "unprobed":
            settle += (f'<br/><font size="7.5" color="{GREY}">set by {escape(c["settled_by"])}, '
                       f"{escape(when(c['settled_at']))}</font>")
        who = escape(c["probed_by"]) if c["probed_by"] else f'<font color="{GREY}">nobody on the panel</font>'
        status = status_mark(c["status"])
        if c.get("follow_ups") is not None:
            n = c["follow_ups"]
            status += (f'<br/><font size="7.5" color="{GREY}">'
                       f'{"asked, no follow-up" if n == 0 else f"{n} follow-up" + ("s" if n > 1 else "")}</font>')
        rows.append([para(str(i), st["cell"]), para(c["text"], st["cell"]), Paragraph(who, st["cell"]),
                     Paragraph(status, st["cell"]), Paragraph(settle, st["cell"])])
    return grid(rows, [18, 0.32 * width, 70, 62, width - 150 - 0.32 * width])


def loop_story(data: dict[str, Any], width: float) -> list[Any]:
    """The flowables of a candidate's loop report."""
    st = make_styles()
    cand = data["candidate"]
    n = len(data["sessions"])
    story: list[Any] = [
        para(cand["name"], st["title"]),
        para(" · ".join(x for x in ("Candidate summary across the loop", ", ".join(data["roles"]),
                                  count(n, "session"), "anonymised" if data["anonymised"] else "") if x),
           st["subtitle"]),
    ]
    dates = data["dates"]
    pairs = [("Candidate", cand["name"]), ("Role(s)", ", ".join(data["roles"]) or "–"),
             ("Dates", (f"{dates[0]} to {dates[-1]}" if len(dates) > 1 else dates[0]) if dates else "–"),
             ("Evaluators", ", ".join(data["evaluators"]) or "none yet"), ("Sessions", str(n)),
             ("Claims", " · ".join(f"{data['claim_counts'][s]} {s}" for s in palette.STATUS_ORDER
                                   if data["claim_counts"].get(s)) or "none recorded")]
    story += [info_panel(pairs, width, st), Spacer(1, 8)]
    if data["sessions"]:
        rows: list[list[Any]] = [[para(h, st["cellb"]) for h in ("Date", "Evaluator", "Role", "Duration", "Status")]]
        rows += [[para(s["date"], st["cell"]), para(s["evaluator"] or "–", st["cellb"]), para(s["role"] or "–", st["cell"]),
                  para(s["duration"], st["cell"]), para(s["status"], st["cell"])] for s in data["sessions"]]
        story.append(grid(rows, [120, 110, width - 120 - 110 - 60 - 70, 60, 70]))
    else:
        story.append(para("No session has been recorded for this candidate yet.", st["small"]))

    story += section_heading("Resume claims", palette.INK, st, "who on the panel probed each claim, and how it ended")
    if data["claims"]:
        story.append(_loop_claims_table(data, st, width))
    else:
        story.append(para("No resume claims were recorded for this candidate.", st["small"]))

    story += section_heading("Scores across the loop", palette.INK, st,
                              "each evaluator's score (1–4) per session; the rubric anchor of the median score")
    story.append(_loop_scores_table(data, st, width))

    fa = palette.criterion_colour("failure-archaeology")
    story += [CondPageBreak(120), *section_heading("Failure archaeology", fa, st,
                                                    "the failure story each session dug out")]
    for f in data["failures"]:
        head = para(f"{f['date']} · {f['evaluator'] or 'no evaluator'}", st["h3"])
        block: list[Any] = [head]
        if not f["concrete"]:
            block.append(Paragraph(coloured("no concrete failure story", palette.CONCERN_COLOUR) +
                                   (" (what broke, detection, own role and fix are not all there)"
                                    if f["stories"] else " (none recorded in this session)"), st["cell"]))
        for s in f["stories"]:
            rows = [[para(p["label"], st["label"]), para(p["text"], st["cell"])] for p in s["parts"]]
            if rows:
                t = Table(rows, colWidths=[150, width - 150])
                t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 6),
                                       ("LINEBEFORE", (0, 0), (0, -1), 2, colors.HexColor(fa)),
                                       ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
                block.append(t)
            missing = ", ".join(s["missing"]) if s["missing"] else "nothing"
            block.append(para(f"{s['filled']} of {s['of']} parts filled · missing: {missing}", st["small"]))
        story += [KeepTogether(block), Spacer(1, 4)]
    if not data["failures"]:
        story.append(para("No sessions yet.", st["small"]))

    pc = palette.criterion_colour("production-constraints")
    story += [CondPageBreak(120), *section_heading("Production-constraint scenarios", pc, st,
                                                    "the constraints the answer engaged, and those it did not")]
    for sc in data["scenarios"]:
        block = [Paragraph(coloured(sc["title"], pc) + f'  <font size="8" color="{GREY}">'
                           f"{escape(sc['date'])} · {escape(sc['evaluator'])}</font>", st["h3"])]
        rows = [[para(h, st["cellb"]) for h in ("Constraint", "Engaged", "Quote")]]
        for e in sc["engaged"]:
            rows.append([para(e["text"] or e["key"], st["cell"]),
                         Paragraph(coloured("✓ engaged", palette.SUPPORTS_COLOUR), st["cell"]),
                         para(f"“{e['quote']}”" if e["quote"] else "(no quote)", st["quote"])])
        for e in sc["not_engaged"]:
            rows.append([para(e["text"] or e["key"], st["cell"]),
                         Paragraph(coloured("not engaged", palette.CONCERN_COLOUR), st["cell"]), para("", st["cell"])])
        block.append(grid(rows, [0.34 * width, 84, width - 84 - 0.34 * width]))
        story += [KeepTogether(block), Spacer(1, 4)]
    if not data["scenarios"]:
        story.append(para("No scenario card was used in this loop.", st["small"]))

    story += [CondPageBreak(100), *section_heading("Claims nobody on the panel could verify", palette.INK, st,
                                                    count(len(data["unverified"]), "claim"))]
    if data["unverified"]:
        rows = [[para(h, st["cellb"]) for h in ("Claim", "Why")]]
        rows += [[para(u["text"], st["cell"]), para(u["why"], st["cell"])] for u in data["unverified"]]
        story.append(grid(rows, [0.55 * width, 0.45 * width]))
    else:
        story.append(para("None: every claim had a practitioner on the panel and was probed.", st["small"]))
    story += [Spacer(1, 10), para("Scores are the evaluators' own; this report adds no judgment of its own.",
                                st["small"])]
    return story


def loop_pdf(store: Store, candidate: str, out: Path | str, *, anonymise: bool = False) -> Path:
    """Write the summary of a candidate's whole loop to `out` (atomically); returns the path written."""
    data = loop_summary(store, candidate, anonymise=anonymise)
    name = data["candidate"]["name"]
    doc = Doc(title=f"Loop summary: {name}", subject=f"{name}: every session of the loop",
               footer=f"Interviewer · {name} · loop summary · confidential",
               keywords=[f"interviewer-candidate:{data['candidate']['id']}",
                         *(f"interviewer-session:{s['id']}" for s in data["sessions"])])
    return doc.build(loop_story(data, doc.width), out, store.vault)
