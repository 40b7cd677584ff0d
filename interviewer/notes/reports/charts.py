"""The two charts of the reports: scores per criterion and evaluator, evaluators' offsets from the panel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart  # type: ignore[import-untyped, unused-ignore]
from reportlab.graphics.shapes import Drawing, String  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib import colors  # type: ignore[import-untyped, unused-ignore]

from interviewer.notes.reports.pdf import FONT, FONT_BOLD, INK, MUTED, RULE, tint

LENIENT_COLOUR = "#d1651f"  # an evaluator who scores above the rest of the panel
STRICTER_COLOUR = "#1f6fd1"  # ... and below it


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
            bc.bars[(i, j)].fillColor = tint(c["colour"], min(0.6, 0.45 * rank))
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
        bc.bars[(0, j)].fillColor = colors.HexColor(LENIENT_COLOUR if v > 0 else STRICTER_COLOUR)
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
