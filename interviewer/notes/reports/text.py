"""Small text helpers every report uses: names cut to fit, text shortened at a word, counts, dates."""

from __future__ import annotations

from datetime import UTC, datetime

NAME_CHARS = 200  # a name, role or email longer than this is cut in a report: it must fit a heading or a cell


def shown(text: str) -> str:
    """A name, role or email as a report shows it: at most NAME_CHARS characters."""
    return text if len(text) <= NAME_CHARS else text[:NAME_CHARS - 1] + "…"


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut at a word before `limit` characters (with " …")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:.") + " …"


def count(n: int, word: str) -> str:
    """"1 claim", "2 claims"."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def when(iso: str | None) -> str:
    """An ISO timestamp as "YYYY-MM-DD HH:MM UTC" (naive means UTC); text that is no timestamp as it is."""
    if not iso:
        return ""
    try:
        t = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def day(iso: str | None) -> str:
    """The date of an ISO timestamp, "YYYY-MM-DD"."""
    return when(iso)[:10]
