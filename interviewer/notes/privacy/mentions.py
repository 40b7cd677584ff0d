"""Does a piece of text (or a file name) mention a candidate: their ids, their name or their email."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable


def loose(text: str) -> str:
    """A file name as words: accents dropped, `_`, `-`, `.` and other separators made spaces."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", " ", bare)


class Mentions:
    """Does a piece of text mention a candidate: one of their ids, or their name or email as whole words
    (case-insensitive, also as JSON `\\uXXXX` escapes)? `path` also matches names written as file names
    (`zoe_dang.json`)."""

    def __init__(self, ids: Iterable[str], names: Iterable[str]) -> None:
        ids = [i for i in ids if i]
        pats = [re.escape(i) for i in ids]
        # A cheap first test: every match contains one of these lower-case ASCII runs (the longest ASCII run
        # of each name survives JSON escaping, accent stripping and Unicode normalisation). None: no filter.
        anchors: list[str] | None = [i.lower() for i in ids]
        for name in names:
            words = unicodedata.normalize("NFC", name).split()
            if not words:
                continue
            runs = re.findall(r"[A-Za-z0-9]+", " ".join(words))
            if runs and anchors is not None:
                anchors.append(max(runs, key=len).lower())
            else:
                anchors = None
            forms = {" ".join(words), json.dumps(" ".join(words), ensure_ascii=True)[1:-1]}
            if loose(name).split():
                forms.add(" ".join(loose(name).split()))
            for form in forms:
                body = r"\s+".join(re.escape(w) for w in form.split(" "))
                pats.append(rf"(?<!\w){body}(?!\w)")
        self._anchors = anchors
        self._re = re.compile("|".join(pats), re.IGNORECASE) if pats else None

    def _one(self, text: str | None) -> bool:
        if not text or self._re is None:
            return False
        if self._anchors is not None:
            low = text.lower()
            if not any(a in low for a in self._anchors):
                return False
        return self._re.search(unicodedata.normalize("NFC", text)) is not None

    def __call__(self, *texts: str | None) -> bool:
        return any(self._one(t) for t in texts)

    def path(self, rel: str) -> bool:
        return self(rel, loose(rel))
