"""A claim: one statement, from a resume, of what the candidate did."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Claim:
    """One statement of what the candidate did.

    `source` is the resume's own line(s) the claim came from; `section` is "Role — Employer" when the
    resume gives them, else its heading; `position` is the claim's order in the resume (0-based).
    `role` is the job title the claim was listed under ("" if none), `heading` the section heading
    ("Experience", "Expérience", …), `dates` the job's dates as written ("2021 – present", "" if none) and
    `line` the 1-based number of its first source line (0 if unknown).
    """

    text: str
    source: str
    section: str
    position: int
    topics: tuple[str, ...] = ()
    role: str = ""
    heading: str = ""
    line: int = 0
    dates: str = ""
