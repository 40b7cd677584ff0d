"""User text shown safely: in a terminal table, in an error message, in a PDF.

A candidate's name, a note or a file name comes from people and files we do not control. Printed raw, an
ESC or OSC sequence in it drives the terminal (clears the screen, retitles the window, hides text, writes a
hyperlink), a newline breaks a table row, a bidi override reorders what is shown. `safe_text` makes every such
character visible as an escape (`\\x1b`, `\\n`, `\\u202e`) and leaves everything else, accents and scripts
included, as it is.
"""

from __future__ import annotations

import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_KEEP = {"\u200c", "\u200d"}  # zero-width (non-)joiners: part of how Persian, Hindi, emoji sequences are written
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    n = ord(ch)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"


def safe_text(text: object, *, limit: int | None = None, newlines: bool = False) -> str:
    """`text` with control, format, private-use, unassigned and separator characters escaped, so printing
    it cannot move the cursor, change the terminal or break a line; cut to `limit` characters (with "…")
    when given. `newlines`: keep line breaks and tabs (a paragraph in a PDF). `None` becomes ""."""
    s = "" if text is None else str(text)
    keep = _KEEP | {"\n", "\t"} if newlines else _KEEP
    if not s.isprintable() or any(ch in _NAMED for ch in s):
        s = "".join(_escape(ch) if ch not in keep and unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch
                    for ch in s)
    if limit is not None and len(s) > limit:
        s = s[:max(0, limit - 1)] + "…"
    return s


def cell(text: object, width: int) -> str:
    """A table cell: `safe_text` cut to `width` characters and padded to it."""
    return f"{safe_text(text)[:width]:{width}}"
