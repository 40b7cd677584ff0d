"""Reading order of a PDF page from the positions of its text, so two-column pages are read one column at a time.

pypdf returns text in the order the PDF draws it. Most producers draw a column, then the next, and
that order is kept. Some resume builders draw across the page line by line, so a sidebar's lines come
out between the main column's lines ("Skills", "Built the platform…", "Python, Go", "…for 14 teams").
Here each piece of text is placed by its position; when the page has a clear gutter (no text crossing
it below the title) and the drawing order jumps between the two sides of it again and again, the page
is rebuilt from positions: the full-width title first, then the left column, then the right one.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any

AVG_CHAR_WIDTH = 0.52  # of the font size; a generous average for Latin text, so widths are not underestimated
MIN_SWITCHES = 6  # drawing-order jumps across the gutter, going down the page, that make it "interleaved"
MAX_CANDIDATES = 12  # places tried for the gutter
MAX_FRAGMENTS = 5000  # a page with more pieces of text than this is not a resume page: keep pypdf's order


@dataclass(frozen=True)
class Fragment:
    """A piece of text as the PDF draws it: its baseline start (x, y) and font size, in points."""

    text: str
    x: float
    y: float
    size: float
    order: int

    @property
    def right(self) -> float:
        return self.x + len(self.text.rstrip()) * self.size * AVG_CHAR_WIDTH


def page_text(page: Any) -> str:
    """The page's text in reading order: pypdf's own order, or column by column when that interleaves."""
    fragments: list[Fragment] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if not text or not text.strip():
            return
        try:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
            height = float(size or 10) * scale
        except (TypeError, IndexError):
            return
        for i, piece in enumerate(text.split("\n")):
            if piece.strip():
                fragments.append(Fragment(piece, float(x), float(y) - i * height, height, len(fragments)))

    plain = page.extract_text(visitor_text=visit) or ""
    width = float(page.mediabox.width or 612)
    ordered = column_order(fragments, width)
    return plain if ordered is None else ordered


@dataclass(frozen=True)
class _Gutter:
    x: float  # where the right column starts
    top: float  # full-width text above this (a title) is read first
    bottom: float  # full-width text below this (a footer) is read last


def _gutter(fragments: list[Fragment], width: float) -> _Gutter | None:
    """Where a two-column page splits, or None: no text may cross the gutter between title and footer."""
    # A column starts many lines at the same x: try only such places (a few), so a dense page stays linear.
    counts = Counter(round(f.x) for f in fragments if 0.2 * width < f.x < 0.75 * width)
    starts = sorted(x for x, n in counts.most_common(MAX_CANDIDATES) if n >= 3)
    best: _Gutter | None = None
    best_balance = 0
    for s in starts:
        right = [f for f in fragments if f.x >= s - 1]
        left = [f for f in fragments if f.x < s - 1]
        if len(right) < 4 or len(left) < 4:
            continue
        top, bottom = max(f.y for f in right), min(f.y for f in right)
        # the gutter is clear: a bullet and its text, a word and the next, are not two columns
        if any(f.right > s - max(8.0, f.size) and bottom - 0.5 <= f.y <= top + 0.5 for f in left):
            continue
        balance = min(sum(1 for f in left if bottom - 0.5 <= f.y <= top + 0.5), len(right))
        if balance >= 4 and balance > best_balance:
            best, best_balance = _Gutter(float(s), top, bottom), balance
    return best


def column_order(fragments: list[Fragment], width: float) -> str | None:
    """The text rebuilt column by column, or None if the page is not an interleaved two-column page."""
    if not 8 <= len(fragments) <= MAX_FRAGMENTS:
        return None
    gutter = _gutter(fragments, width)
    if gutter is None:
        return None
    header = [f for f in fragments if f.y > gutter.top + 0.5]
    footer = [f for f in fragments if f.y < gutter.bottom - 0.5 and f.right > gutter.x - 2]
    body = [f for f in fragments if f not in header and f not in footer]
    stream = sorted(body, key=lambda f: f.order)
    switches = [(a, b) for a, b in itertools.pairwise(stream) if (a.x >= gutter.x - 1) != (b.x >= gutter.x - 1)]
    # Drawn line by line across the page, the order jumps between the columns while going down the page.
    # Drawn a column (or a table cell) at a time, each jump to the next column goes back up: keep that order.
    across = sum(1 for a, b in switches if b.y <= a.y + 0.5 * b.size)
    if across < MIN_SWITCHES or across < 0.8 * len(switches):
        return None
    left = [f for f in body if f.x < gutter.x - 1]
    right = [f for f in body if f.x >= gutter.x - 1]
    lines: list[str] = []
    for group in (header, left, right, footer):
        if group:
            lines.extend(_lines(group))
            lines.append("")
    return "\n".join(lines)


def _lines(fragments: list[Fragment]) -> list[str]:
    """Fragments grouped into lines by baseline, top to bottom, each indented by its offset in the column."""
    margin = min(f.x for f in fragments)
    rows: list[list[Fragment]] = []
    for f in sorted(fragments, key=lambda f: (-f.y, f.x)):
        if rows and abs(rows[-1][0].y - f.y) <= 0.3 * f.size:
            rows[-1].append(f)
        else:
            rows.append([f])
    out: list[str] = []
    for row in rows:
        row.sort(key=lambda f: f.x)
        text = ""
        for f in row:
            piece = f.text.strip()
            text = piece if not text else f"{text} {piece}"
        indent = round((row[0].x - margin) / max(1.0, row[0].size * AVG_CHAR_WIDTH))
        out.append(" " * indent + text)
    return out
