"""The calibration report: does the panel hold the same bar. Krippendorff's alpha overall and per criterion,
each evaluator's offset from the rest of the panel, agreement on each judgment call, and the ratings whose
evidence points the other way. The data comes from `calibration_data.calibration_summary`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reportlab.lib import colors  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle  # type: ignore[import-untyped, unused-ignore]

from interviewer.core import palette
from interviewer.notes.reports.calibration_data import alpha_reading, calibration_summary
from interviewer.notes.reports.charts import offset_chart
from interviewer.notes.reports.pdf import (
    FONT_BOLD,
    PANEL,
    Doc,
    coloured,
    escape,
    grid,
    make_styles,
    para,
    section_heading,
)
from interviewer.notes.reports.text import shorten, when
from interviewer.notes.store.database import Store


def calibration_story(data: dict[str, Any], width: float) -> list[Any]:
    """The flowables of a calibration report."""
    st = make_styles()
    alpha = data["overall_alpha"]
    story: list[Any] = [
        para(f"Calibration: {data['role']}", st["title"]),
        para(f"{data['sessions']} sessions · {data['ratings']} ratings · {len(data['evaluators'])} evaluators · "
           f"generated {when(datetime.now(UTC).isoformat())}", st["subtitle"]),
    ]
    tone = palette.SUBTLE if alpha is None else palette.GOOD if alpha >= 0.8 else palette.WARNING \
        if alpha >= 0.667 else palette.BAD
    big = ParagraphStyle("big", parent=st["title"], fontSize=26, leading=30, textColor=colors.HexColor(tone))
    box = Table([[Paragraph("n/a" if alpha is None else f"{alpha:.2f}", big),
                  Paragraph(f'<font name="{FONT_BOLD}">Overall agreement</font> (Krippendorff’s α, ordinal, every '
                            f"session × criterion)<br/>{escape(alpha_reading(alpha))}", st["base"])]],
                colWidths=[90, width - 90])
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), PANEL), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                             ("TOPPADDING", (0, 0), (-1, -1), 10), ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
                             ("LEFTPADDING", (0, 0), (-1, -1), 10)]))
    story += [box, Spacer(1, 4),
              para("1 means the evaluators always agree, 0 no better than chance. Advisory: these numbers describe "
                 "the panel, not any candidate.", st["small"])]

    story += section_heading("Agreement by criterion", palette.INK, st)
    rows: list[list[Any]] = [[para(h, st["cellb"]) for h in
                              ("Criterion", "α", "Reading", "Sessions", "Ratings", "Mean score", "Evaluators")]]
    for c in data["criteria"]:
        a = c["alpha"]
        reading = "n/a" if a is None else alpha_reading(a).split(" ")[0]
        rows.append([Paragraph(coloured(c["name"], c["colour"]), st["cell"]),
                     para("n/a" if a is None else f"{a:.2f}", st["cellb"]), para(reading, st["cell"]),
                     para(str(c["units"]), st["cell"]), para(str(c["ratings"]), st["cell"]),
                     para("–" if c["mean_score"] is None else f"{c['mean_score']:.2f}", st["cell"]),
                     para(", ".join(c["evaluators"]), st["cell"])])
    if len(rows) == 1:
        rows.append([para("No ratings yet.", st["cell"]), "", "", "", "", "", ""])
    story.append(grid(rows, [width - 40 - 62 - 56 - 50 - 66 - 110, 40, 62, 56, 50, 66, 110]))

    story += section_heading("Evaluators", palette.INK, st,
                              "mean offset from the rest of the panel on the sessions and criteria they share")
    rows = [[para(h, st["cellb"]) for h in ("Evaluator", "Offset", "Shared ratings", "All ratings")]]
    for name, e in data["evaluators"].items():
        off = "n/a" if e["offset"] is None else f"{e['offset']:+.2f}"
        rows.append([para(name, st["cellb"]), para(off, st["cell"]), para(str(e["n"]), st["cell"]),
                     para(str(e["ratings"]), st["cell"])])
    story += [grid(rows, [width - 3 * 90, 90, 90, 90]), Spacer(1, 8),
              offset_chart(data["evaluators"], width)]

    story += _calls_agreement(data.get("by_call") or {}, st, width)
    story += section_heading("Flags", palette.INK, st, "ratings whose linked evidence points the other way")
    if not data["flags"]:
        story.append(para("None: every score agrees in direction with the evidence linked to it.", st["small"]))
    else:
        rows = [[para(h, st["cellb"]) for h in ("Evaluator", "Candidate", "Criterion", "Score", "Why")]]
        for f in data["flags"]:
            rows.append([para(f["evaluator"], st["cellb"]), para(f["candidate"], st["cell"]),
                         para(f["criterion_name"], st["cell"]), para(str(f["score"]), st["cellb"]),
                         para(f["reason"], st["cell"])])
        story.append(grid(rows, [80, 110, 110, 40, width - 340]))
    return story


def _calls_agreement(report: dict[str, Any], st: dict[str, Any], width: float) -> list[Any]:
    """Agreement on each judgment call (the same probe or card across candidates) and the debrief's agenda."""
    story = section_heading("Agreement on judgment calls", palette.INK, st,
                             "each call's answers scored by two or more evaluators (Krippendorff's α, ordinal)")
    if not report.get("calls"):
        return [*story, para("No judgment call has been scored yet (interviewer rate-call, or the review window).",
                           st["small"])]
    rows: list[list[Any]] = [[para(h, st["cellb"]) for h in ("Call", "α", "Answers", "Note")]]
    rows += [[para(f"{c['kind']} {c['key']}: {shorten(c['call'], 90)}", st["cell"]),
              para("n/a" if c["alpha"] is None else f"{c['alpha']:.2f}", st["cellb"]),
              para(str(c["items"]), st["cell"]), para(c["warning"] or "", st["small"])] for c in report["calls"]]
    story.append(grid(rows, [0.42 * width, 40, 50, width - 0.42 * width - 90]))
    splits = report.get("splits") or []
    story.append(para("Where the panel splits most (the debrief's agenda): " + (
        "; ".join(f"{s['key']} {s['candidate']} ({', '.join(f'{e} {v}' for e, v in s['scores'].items())})"
                  for s in splits[:8]) if splits else "nowhere by two points or more."), st["small"]))
    return story


def calibration_pdf(store: Store, role: str | None, out: Path | str) -> Path:
    """Write the calibration report of a role (None: every role) to `out` (atomically)."""
    data = calibration_summary(store, role)
    doc = Doc(title=f"Calibration: {data['role']}", subject=f"Evaluator calibration for {data['role']}",
               footer=f"Interviewer · calibration · {data['role']} · confidential",
               keywords=sorted({f"interviewer-candidate:{store.session(f['session']).candidate_id}"
                                for f in data["flags"]}))
    return doc.build(calibration_story(data, doc.width), out, store.vault)
