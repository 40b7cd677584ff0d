"""The PDF toolkit every report is drawn with: the embedded font, paragraph styles, headings, grids, badges,
the page furniture and atomic writing. Colours come from `interviewer.core.palette`, as in the app.

PDFs embed DejaVu Sans (resources/fonts) so any name renders on any OS. They are written next to the target
and renamed into place: a failed export never leaves a half-written file. Each PDF's metadata carries the
ids of the candidates it is about, so erasing a candidate also finds their reports among the exports.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

from reportlab.lib import colors  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.enums import TA_CENTER  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.units import mm  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    HRFlowable,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError  # type: ignore[import-untyped, unused-ignore]

from interviewer.core import palette
from interviewer.core.config import resource_path
from interviewer.core.errors import UserError
from interviewer.core.files import refuse_special
from interviewer.core.safetext import safe_text
from interviewer.core.vault import Vault, inside, write_file

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
INK = colors.HexColor(palette.INK)
MUTED = colors.HexColor(palette.MUTED)
RULE = colors.HexColor(palette.RULE)
PANEL = colors.HexColor(palette.PANEL)
GREY = palette.MUTED  # the hex of secondary text, for markup: <font color="...">


def escape(text: str) -> str:
    """User text for a PDF paragraph: control characters shown escaped (see `interviewer.core.safetext`), then
    XML-escaped for reportlab's markup."""
    return _xml_escape(safe_text(text, newlines=True))


_FONTS_READY = False


def register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) with reportlab, once per process."""
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


def make_styles() -> dict[str, Any]:
    """The paragraph styles of every report, by name ("title", "h2", "cell", "small", ...)."""
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


def para(text: str, style: Any) -> Any:
    """User text as a paragraph: escaped, its line breaks kept."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def tint(hex_colour: str, amount: float) -> Any:
    """The colour mixed with white (amount 0 = the colour, 1 = white)."""
    c = colors.HexColor(hex_colour)
    return colors.Color(c.red + (1 - c.red) * amount, c.green + (1 - c.green) * amount,
                        c.blue + (1 - c.blue) * amount)


def coloured(text: str, hex_colour: str, *, bold: bool = True) -> str:
    """User text in a colour (bold unless asked otherwise), as paragraph markup."""
    face = FONT_BOLD if bold else FONT
    return f'<font name="{face}" color="{hex_colour}">{escape(text)}</font>'


def section_heading(text: str, hex_colour: str, styles: dict[str, Any], note: str = "") -> list[Any]:
    """A section's heading in a colour, with an optional grey note after it, over a rule of the same colour."""
    head = ParagraphStyle("sec", parent=styles["h2"], textColor=colors.HexColor(hex_colour), spaceAfter=2)
    out: list[Any] = [Paragraph(escape(text) + (f'  <font size="8.5" color="{GREY}" name="{FONT}">'
                                                f"{escape(note)}</font>" if note else ""), head),
                      HRFlowable(width="100%", thickness=1.6, color=colors.HexColor(hex_colour), spaceBefore=1,
                                 spaceAfter=5)]
    return out


def grid(rows: list[list[Any]], widths: Sequence[float], *, header: bool = True,
          extra: Sequence[tuple[Any, ...]] = ()) -> Any:
    """A table with light rules and a shaded header row repeated on each page; `extra`: more style commands."""
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


class Doc:
    """Page furniture shared by the reports: fonts, margins, the footer, atomic writing."""

    def __init__(self, *, title: str, footer: str, subject: str, keywords: Sequence[str],
                 pagesize: tuple[float, float] = A4) -> None:
        register_fonts()
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


def badge(score: int | str, hex_colour: str, styles: dict[str, Any], size: float = 20) -> Any:
    """A score in white on a square of colour."""
    t = Table([[Paragraph(escape(str(score)), styles["badge"])]], colWidths=[size], rowHeights=[size])
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(hex_colour)),
                           ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                           ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
    return t


def polarity_mark(p: str) -> str:
    """"+ supports" or "− concern", in its colour (markup)."""
    return coloured("− concern" if p == "concern" else "+ supports", palette.polarity_colour(p))


def status_mark(status: str) -> str:
    """A claim status in its colour (markup)."""
    return coloured(status, palette.status_colour(status))


def info_panel(pairs: Sequence[tuple[str, str]], width: float, styles: dict[str, Any]) -> Any:
    """Label/value pairs in two columns on a light panel."""
    half = (len(pairs) + 1) // 2
    left, right = pairs[:half], pairs[half:]
    rows = []
    for i in range(half):
        row: list[Any] = []
        for side in (left, right):
            if i < len(side):
                row += [para(side[i][0], styles["label"]), para(side[i][1], styles["value"])]
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
