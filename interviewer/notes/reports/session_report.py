"""The session report: one candidate's session as a PDF. Page one says what happened (who, when, consent, the
scores as a chart and a table, a few plain sentences); then each criterion with its scores, the rubric anchors of
the scores given and the strongest quotes; then the claim ledger, the concerns and the notes. `anonymise=True`
replaces the candidate's name and email everywhere (quotes and claims included) by "Candidate <first 6
characters of their id>". The data comes from `session_data.session_summary`."""

from __future__ import annotations

from collections.abc import Sequence
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
from interviewer.core.transcript import mmss
from interviewer.notes.reports.charts import score_chart
from interviewer.notes.reports.pdf import (
    FONT_BOLD,
    GREY,
    Doc,
    badge,
    coloured,
    escape,
    grid,
    info_panel,
    make_styles,
    para,
    polarity_mark,
    section_heading,
    status_mark,
)
from interviewer.notes.reports.session_data import session_summary
from interviewer.notes.reports.text import count, shorten, when
from interviewer.notes.store.database import Store

QUOTE_CHARS = 420
CONTEXT_CHARS = 240


def _consent_text(consent: Sequence[dict[str, Any]], session_date: str) -> str:
    if not consent:
        return "not recorded"
    c = consent[-1]
    when = c["when"][11:] if c["when"][:10] == session_date[:10] else c["when"]
    text = (f"{c['method']} at {when}, confirmed by {c['confirmed_by'] or 'an evaluator not named'} "
            f"(notice {c['notice_version']})")
    if c.get("spoken_start") is not None:
        quote = shorten(c.get("spoken_quote") or "", 160)
        text += f"; said on the recording at {mmss(c['spoken_start'])}" + (f": “{quote}”" if quote else "")
    return text


def _glance_table(summary: dict[str, Any], width: float, styles: dict[str, Any]) -> Any:
    evaluators = summary["evaluators"]
    head = ["Criterion", *evaluators, "Evidence", "Rubric anchor at the median score"]
    rows: list[list[Any]] = [[para(h, styles["cellb"]) for h in head]]
    for c in summary["criteria"]:
        cells: list[Any] = [Paragraph(coloured(c["name"], c["colour"]), styles["cell"])]
        for ev in evaluators:
            s = c["scores"].get(ev)
            cells.append(Paragraph(coloured(str(s), c["colour"]) if s else "–", styles["cell"]))
        cells.append(para(f"+{c['supports']}  −{c['concerns']}", styles["cell"]))
        scores = list(c["scores"].values())
        if scores:
            med = sorted(scores)[(len(scores) - 1) // 2]
            anchor = c["anchors"].get(str(med), "")
            cells.append(Paragraph(f'<font name="{FONT_BOLD}">{med}:</font> ' + escape(shorten(anchor, 120)),
                                   styles["small"]))
        else:
            cells.append(para("not rated", styles["small"]))
        rows.append(cells)
    ev_w = max(30.0, max((len(e) for e in evaluators), default=0) * 5.5 + 12)
    fixed = 112 + ev_w * len(evaluators) + 56
    return grid(rows, [112, *([ev_w] * len(evaluators)), 56, max(120.0, width - fixed)])


def _quote_rows(quotes: Sequence[dict[str, Any]], styles: dict[str, Any], width: float,
                *, show_criterion: bool = False, colours: dict[str, str] | None = None) -> Any:
    rows = []
    for q in quotes:
        meta = f'<font name="{FONT_BOLD}">{escape(q["time"])}</font>'
        if q["speaker"]:
            meta += f"<br/>{escape(q['speaker'])}"
        body = f"“{escape(q['quote'] or '(no words in this range)')}”" if q["quote"] else "<i>(no quote)</i>"
        if len(q["quote"]) > QUOTE_CHARS:
            body = f"“{escape(shorten(q['quote'], QUOTE_CHARS))}”"
        if q.get("context"):  # the question the candidate's words answer: apart, muted, above them
            body = (f'<font size="8" color="{palette.SUBTLE}">Q: {escape(shorten(q["context"], CONTEXT_CHARS))}'
                    f"</font><br/>{body}")
        extra = [polarity_mark(q["polarity"])]
        if show_criterion and q.get("criterion_name"):
            extra.append(coloured(q["criterion_name"], (colours or {}).get(q["criterion"] or "", GREY),
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
        note = "".join(f'<br/><font color="{GREY}">Note: {escape(n)}</font>' for n in notes)
        rows.append([Paragraph(meta, styles["small"]),
                     Paragraph(body + note + f'<br/><font size="7.5" color="{GREY}">{" · ".join(extra)}</font>',
                               styles["quote"])])
    t = Table(rows, colWidths=[60, width - 60])
    style: list[tuple[Any, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 4),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 5), ("LEFTPADDING", (0, 0), (-1, -1), 6)]
    for i, q in enumerate(quotes):
        style.append(("LINEBEFORE", (1, i), (1, i), 2, colors.HexColor(palette.polarity_colour(q["polarity"]))))
    t.setStyle(TableStyle(style))
    return t


def _criterion_section(c: dict[str, Any], styles: dict[str, Any], width: float) -> list[Any]:
    note = count(c["evidence_count"], "evidence item")
    top = section_heading(c["name"], c["colour"], styles, note)
    if c["definition"]:
        top += [para(c["definition"], styles["small"]), Spacer(1, 5)]
    if c["ratings"]:
        by_score: dict[int, list[dict[str, Any]]] = {}
        for r in c["ratings"]:
            by_score.setdefault(r["score"], []).append(r)
        rows = []
        for score in sorted(by_score, reverse=True):
            rs = by_score[score]
            who = ", ".join(r["evaluator"] for r in rs)
            text = (f'<font name="{FONT_BOLD}">{escape(who)}</font> gave {score}. '
                    f'<font color="{GREY}">Rubric {score}:</font> '
                    f'{escape(rs[0]["anchor"] or "(no anchor text)")}')
            for r in rs:
                if r["reason"]:
                    text += (f'<br/><font color="{GREY}">{escape(r["evaluator"])}’s reason:</font> '
                             f"{escape(r['reason'])}")
            rows.append([badge(score, c["colour"], styles), Paragraph(text, styles["cell"])])
        t = Table(rows, colWidths=[28, width - 28])
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (0, -1), 8), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
        top.append(t)
    else:
        top.append(para("Not rated.", styles["cell"]))
    out: list[Any] = [KeepTogether(top)]
    if c["quotes"]:
        out.append(KeepTogether([para("Strongest quotes", styles["h3"]), _quote_rows(c["quotes"], styles, width)]))
        shown = sum(len(q.get("ids", [q["id"]])) for q in c["quotes"])
        if c["evidence_count"] > shown:
            out.append(para(f"Quotes covering {shown} of {c['evidence_count']} items ({c['supports']} supporting, "
                          f"{c['concerns']} concerns): those behind a score first, then the longest.",
                          styles["small"]))
    else:
        out += [Spacer(1, 3), para("No evidence tagged for this criterion.", styles["small"])]
    return [*out, Spacer(1, 4)]


def _claims_section(summary: dict[str, Any], styles: dict[str, Any], width: float) -> list[Any]:
    out = [CondPageBreak(140), *section_heading("Claim ledger", palette.INK, styles,
                           " · ".join(f"{summary['claim_counts'][s]} {s}" for s in palette.STATUS_ORDER
                                      if summary["claim_counts"].get(s)))]
    if not summary["claims"]:
        return [*out, para("No resume claims were recorded for this candidate.", styles["small"])]
    rows: list[list[Any]] = [[para(h, styles["cellb"]) for h in ("#", "Claim", "Status", "What settled it")]]
    for i, c in enumerate(summary["claims"], 1):
        e = c["evidence"]
        if e:
            settle = f'<font name="{FONT_BOLD}">{escape(e["time"])}</font>'
            if e.get("speaker"):
                settle += f" {escape(e['speaker'])}"
            settle += f": “{escape(shorten(e['quote'], 260))}”" if e["quote"] else ""
            if e.get("note"):
                settle += f'<br/><font color="{GREY}">Note: {escape(e["note"])}</font>'
        elif c["status"] == "unprobed":
            settle = f'<font color="{GREY}">not asked about</font>'
        else:
            settle = f'<font color="{GREY}">no quote linked</font>'
        if c["settled_by"] and c["status"] != "unprobed":
            settle += (f'<br/><font size="7.5" color="{GREY}">set by {escape(c["settled_by"])}, '
                       f"{escape(when(c['settled_at']))}</font>")
        rows.append([para(str(i), styles["cell"]), para(c["text"], styles["cell"]),
                     Paragraph(status_mark(c["status"]), styles["cell"]), Paragraph(settle, styles["cell"])])
    return [*out, grid(rows, [18, 0.36 * width, 62, width - 80 - 0.36 * width])]


def _concerns_section(summary: dict[str, Any], styles: dict[str, Any], width: float) -> list[Any]:
    colours = {c["key"]: c["colour"] for c in summary["criteria"]}
    out = [CondPageBreak(140), *section_heading("Concerns and notes", palette.INK, styles,
                                                 count(len(summary["concerns"]), "concern") + ", "
                                                 + count(len(summary["notes"]), "note"))]
    if summary["concerns"]:
        out.append(para("Concerns", styles["h3"]))
        out.append(_quote_rows(summary["concerns"], styles, width, show_criterion=True, colours=colours))
    else:
        out.append(para("No evidence was tagged as a concern.", styles["small"]))
    if summary["notes"] or summary["session"]["notes"]:
        out.append(para("Notes", styles["h3"]))
        if summary["session"]["notes"]:
            out.append(para(summary["session"]["notes"], styles["quote"]))
            out.append(Spacer(1, 4))
        if summary["notes"]:
            out.append(_quote_rows(summary["notes"], styles, width))
    return out


def session_story(summary: dict[str, Any], width: float) -> list[Any]:
    """The flowables of a session report (page one first)."""
    st = make_styles()
    sess, cand = summary["session"], summary["candidate"]
    story: list[Any] = [
        para(cand["name"], st["title"]),
        para(" · ".join(x for x in (summary["role"], sess["date"][:10], f"{sess['duration']} recorded",
                                  "anonymised" if summary["anonymised"] else "") if x), st["subtitle"]),
    ]
    evaluators = ", ".join(summary["evaluators"]) or "none yet"
    if summary["taggers"]:
        evaluators += f" (tagged by: {', '.join(summary['taggers'])})"
    pairs = [("Candidate", cand["name"]), ("Role", summary["role"] or "–"), ("Evaluators", evaluators),
             ("Date", sess["date"]), ("Duration", sess["duration"]), ("Consent", _consent_text(summary["consent"], sess["date"]))]
    story += [info_panel(pairs, width, st), Spacer(1, 10)]
    story += [para("What happened", st["h3"])]
    story += [Paragraph(escape(h), st["bullet"], bulletText="•") for h in summary["headlines"]]
    story += section_heading("Scores", palette.INK, st, "1 weak · 2 mixed · 3 solid · 4 strong, against the "
                                                       "kit's rubric anchors")
    if summary["evaluators"]:
        story.append(score_chart(summary["criteria"], summary["evaluators"], width))
        story.append(Spacer(1, 6))
    story.append(_glance_table(summary, width, st))
    for c in summary["criteria"]:
        story += _criterion_section(c, st, width)
    story += _claims_section(summary, st, width)
    story += _concerns_section(summary, st, width)
    story += [Spacer(1, 10), para(f"Session {sess['id']} · kit {sess['kit']} · status {sess['status']}. "
                                "Scores are the evaluators' own; this report adds no judgment of its own.",
                                st["small"])]
    return story


def session_pdf(store: Store, session_id: str, out: Path | str, *, anonymise: bool = False) -> Path:
    """Write the report of one session to `out` (atomically); returns the path written."""
    summary = session_summary(store, session_id, anonymise=anonymise)
    name = summary["candidate"]["name"]
    doc = Doc(title=f"Interview report: {name}", subject=f"{summary['role']} interview, {summary['session']['date']}",
               footer=f"Interviewer · {name} · {summary['role']} · {summary['session']['date'][:10]} · confidential",
               keywords=[f"interviewer-session:{session_id}",
                         f"interviewer-candidate:{summary['candidate']['id']}"])
    return doc.build(session_story(summary, doc.width), out, store.vault)
