"""Finding the candidate a privacy request names."""

from __future__ import annotations

import unicodedata
from typing import Any

from interviewer.core.errors import UserError
from interviewer.notes.store.database import Store
from interviewer.notes.store.maintenance import writer


def _fold(name: str) -> str:
    """The form two names are compared in: NFC, trimmed, inner whitespace collapsed, case-folded."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def match_candidates(store: Store, name: str) -> list[dict[str, Any]]:
    """Candidates whose name equals `name`, ignoring case, surrounding and repeated spaces and Unicode form.

    The store creates one candidate per name, so there is normally one; name variants that only differ in
    non-ASCII case are the same person to the user, and are all returned. UserError if none."""
    key = _fold(name)
    if not key:
        raise UserError("give the candidate's name")
    with writer(store):
        rows = [dict(r) for r in store.t("candidates").rows if _fold(str(r["name"])) == key]
    if not rows:
        raise UserError(f"no candidate named {name.strip()!r} (names are matched exactly, ignoring case)")
    return rows
