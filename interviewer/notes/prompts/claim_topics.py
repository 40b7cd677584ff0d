"""A resume's claims seen through an interview kit: each claim tagged with the kit's topics, and the report of
`interviewer claims RESUME` (claims, their topics and the probes for each).

Claim extraction itself (`interviewer.notes.claims`) knows no kit; this is where the two meet."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from interviewer.notes.claims.extract import claims_from_file, extract_claims
from interviewer.notes.claims.model import Claim
from interviewer.notes.claims.reader import ResumeDoc
from interviewer.notes.prompts.kits import Kit, load_kit
from interviewer.notes.prompts.probes import probes_for_claim
from interviewer.notes.prompts.topics import topics_for_text


def tag_topics(claims: list[Claim], kit: Kit) -> list[Claim]:
    """Fill in each claim's `topics` from the kit's (in place); returns `claims`."""
    for c in claims:
        c.topics = topics_for_text(c.text, kit)
    return claims


def tagged_claims(doc_or_text: ResumeDoc | str | Sequence[str], kit: Kit) -> list[Claim]:
    """The claims in a resume, in order, each with its `topics` in the kit."""
    return tag_topics(extract_claims(doc_or_text), kit)


def tagged_claims_from_file(path: Path | str, kit: Kit) -> list[Claim]:
    """Read a resume file and extract its claims with their topics; raises `ResumeError` for unreadable files."""
    return tag_topics(claims_from_file(path), kit)


def claims_report(path: Path | str, kit: Kit | None = None) -> list[dict[str, Any]]:
    """The public JSON shape of `interviewer claims RESUME --format json`.

    `[{"text", "source", "section", "topics": [...], "probes": [{"text", "criterion", "topic"}]}]`, plus
    (additions) `"role"` and `"dates"`, the job title and dates the claim was listed under, and `"line"`,
    its first source line;
    `kit=None` uses the bundled default kit.
    """
    the_kit = kit if kit is not None else load_kit()
    return [
        {
            "text": claim.text,
            "source": claim.source,
            "section": claim.section,
            "topics": list(claim.topics),
            "probes": [{"text": p.text, "criterion": p.criterion, "topic": p.topic}
                       for p in probes_for_claim(claim, the_kit)],
            "role": claim.role,
            "dates": claim.dates,
            "line": claim.line,
        }
        for claim in tagged_claims_from_file(path, the_kit)
    ]
