"""Finding the candidate a privacy request names."""

from __future__ import annotations

from interviewer.core.errors import UserError
from interviewer.notes.store.database import Store
from interviewer.notes.store.records import CandidateRecord


def match_candidates(store: Store, name: str) -> list[CandidateRecord]:
    """Candidates whose name equals `name`, ignoring case, surrounding and repeated spaces and Unicode form.

    The store creates one candidate per name, so there is normally one; name variants that only differ in
    non-ASCII case are the same person to the user, and are all returned. UserError if none."""
    if not name.split():
        raise UserError("give the candidate's name")
    rows = store.candidates_named(name)
    if not rows:
        raise UserError(f"no candidate named {name.strip()!r} (names are matched exactly, ignoring case)")
    return rows
