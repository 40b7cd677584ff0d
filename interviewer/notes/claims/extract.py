"""Split a resume into claims: statements of what the candidate did.

A claim is something done or achieved ("Rebuilt the ranking service, cutting p95 from 900 ms to 200 ms",
"Réduction de la latence de 850 ms à 120 ms", "Real-time fraud scoring: 12k TPS @ p99 < 40 ms").
Headings, contact lines, dates, education, skills lists and summaries of the person are not claims.

The work is split by concept, in `interviewer.notes.resumes`:

1. `structure` reads the document's structure: sections (English and French), job headers (role,
   employer, dates), bullets of any glyph and paragraphs, grouped into units.
2. `sentences` decides which sentences of a unit are claims, whatever their grammar and language.
3. This module joins them: a bullet stays one claim unless each of its sentences is an accomplishment
   of its own; each claim keeps its source lines, section and role.

It is rule-based on purpose: it runs offline, instantly, with no model, and its mistakes can be read
and fixed. The rules are tuned on the fixtures in tests/fixtures/resumes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from interviewer.notes.claims.model import Claim
from interviewer.notes.claims.reader import ResumeDoc, read_resume
from interviewer.notes.claims.sentences import (
    FOLLOW_ON,
    action_start,
    is_claim_sentence,
    is_result_statement,
    sentence_spans,
)
from interviewer.notes.claims.structure import Unit, join_lines, read_units

# Sections whose bullets are results even without a verb: jobs, projects, achievements.
RESULT_SECTIONS = frozenset({"experience", "projects", "achievements"})

__all__ = ["claims_from_file", "extract_claims"]


def _unit_claims(unit: Unit) -> list[tuple[str, str, int]]:
    """(claim text, source lines, index of the first source line) for each claim in a unit."""
    text, offsets = join_lines(unit.lines)
    spans = sentence_spans(text)
    sentences = [text[a:b].strip() for a, b in spans]

    def source(a: int, b: int) -> tuple[str, int]:
        picked = [ln for ln, (s, e) in zip(unit.lines, offsets, strict=True) if s < b and e > a]
        return "\n".join(ln.raw.strip() for ln in picked), (picked[0].index if picked else unit.lines[0].index)

    summary = unit.kind in ("summary", "preamble")
    is_claim = [is_claim_sentence(s, summary=summary) for s in sentences]
    if unit.bullet and unit.kind in RESULT_SECTIONS and not any(is_claim[:2]) and is_result_statement(text):
        # "Real-time fraud scoring: 12k TPS @ p99 < 40 ms": a result stated without a verb up front
        return [(text.strip(), *source(0, len(text)))]

    if unit.bullet:
        # A bullet is one accomplishment unless each of its sentences opens with an action.
        if len(sentences) > 1 and sum(is_claim) == len(sentences) and all(action_start(s) for s in sentences):
            return [(s, *source(a, b)) for s, (a, b) in zip(sentences, spans, strict=True)]
        if any(is_claim[:2]):
            return [(text.strip(), *source(0, len(text)))]
        return []

    out: list[tuple[str, int, int]] = []
    for s, (a, b), ok in zip(sentences, spans, is_claim, strict=True):
        if ok:
            out.append((s, a, b))
        elif out and out[-1][2] <= a and FOLLOW_ON.match(s) and re.search(r"\d", s):
            # "This cut hallucinations by 40%." belongs to the claim before it.
            prev_text, pa, _ = out[-1]
            out[-1] = (prev_text + " " + s, pa, b)
    return [(s, *source(a, b)) for s, a, b in out]



# ------------------------------------------------------------------ public API

def _doc_lines(doc_or_text: ResumeDoc | str | Sequence[str]) -> Sequence[str]:
    if isinstance(doc_or_text, ResumeDoc):
        return doc_or_text.lines
    if isinstance(doc_or_text, str):
        return ResumeDoc.from_text(doc_or_text).lines
    return list(doc_or_text)


def extract_claims(doc_or_text: ResumeDoc | str | Sequence[str]) -> list[Claim]:
    """The claims in a resume, in order (their `topics` are filled in from a kit by
    `interviewer.notes.prompts.claim_topics`)."""
    claims: list[Claim] = []
    seen: set[str] = set()
    for unit in read_units(_doc_lines(doc_or_text)):
        for text, source, index in _unit_claims(unit):
            clean = text.strip().lstrip("-–—:;,. ").strip()
            key = re.sub(r"\W+", " ", clean.lower()).strip()
            if not clean or key in seen:
                continue
            seen.add(key)
            claims.append(Claim(clean, source, unit.section, len(claims), role=unit.role, heading=unit.heading,
                                line=index + 1, dates=unit.dates))
    return claims


def claims_from_file(path: Path | str) -> list[Claim]:
    """Read a resume file and extract its claims; raises `ResumeError` for unreadable files."""
    return extract_claims(read_resume(path))
