"""Anonymised reports: a candidate's pseudonym, and scrubbing their name and email from any text."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from interviewer.notes.store.records import CandidateRecord

_FOLD = str.maketrans({"Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Ø": "O", "ø": "o", "Ł": "L", "ł": "l",
                       "Þ": "Th", "þ": "th", "ß": "ss", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ı": "i"})


def _ascii_fold(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return bare.translate(_FOLD)


def pseudonym(candidate_id: str) -> str:
    """What an anonymised report calls a candidate."""
    return f"Candidate {candidate_id[:6]}"


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` without accents (Đ/Ð as D, ß as ss, ...), and for each folded character its index in `text`."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        f = _ascii_fold(ch)
        out.append(f)
        where.extend([i] * len(f))
    return "".join(out), where


def anonymiser(name: str, email: str | None, replacement: str) -> Callable[[str], str]:
    """A function that replaces a person's name (whole, or any part of it; with or without accents, in any
    case, precomposed or not) and email in a text by `replacement`."""
    words = _ascii_fold(unicodedata.normalize("NFC", name)).split()
    forms = {" ".join(words), *(w for w in words if len(w) >= 2)} if words else set()
    pats = [r"\s+".join(re.escape(w) for w in f.split(" ")) for f in sorted(forms, key=len, reverse=True)]
    alternatives = []
    if email and email.strip():
        alternatives.append(re.escape(_ascii_fold(email.strip())))
    if pats:
        alternatives.append(rf"(?<!\w)(?:{'|'.join(pats)})(?!\w)")
    if not alternatives:
        return lambda text: text
    pattern = re.compile("|".join(alternatives), re.IGNORECASE)

    def scrub(text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        folded, where = _folded(text)
        out: list[str] = []
        last = 0
        for m in pattern.finditer(folded):
            if m.start() == m.end():
                continue
            a, b = where[m.start()], where[m.end() - 1] + 1
            while b < len(text) and unicodedata.combining(text[b]):
                b += 1
            if a < last:
                continue
            out += [text[last:a], replacement]
            last = b
        return "".join(out) + text[last:]

    return scrub


def scrub_all(value: Any, scrub: Callable[[str], str]) -> Any:
    """Every string inside `value` (dicts, lists and tuples, nested) passed through `scrub`."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: scrub_all(v, scrub) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_all(v, scrub) for v in value]
    if isinstance(value, tuple):
        return tuple(scrub_all(v, scrub) for v in value)
    return value


def anonymised(summary: dict[str, Any], candidate: CandidateRecord) -> dict[str, Any]:
    """A report's data with the candidate's name and email replaced by their pseudonym everywhere."""
    label = pseudonym(candidate.id)
    out: dict[str, Any] = scrub_all(summary, anonymiser(candidate.name, candidate.email, label))
    out["candidate"] = {"id": candidate.id, "name": label, "email": ""}
    return out
