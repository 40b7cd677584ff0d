"""Finding the candidate a privacy request names."""

from __future__ import annotations

import unicodedata

import pytest

from interviewer.core.errors import UserError
from interviewer.notes.privacy.lookup import match_candidates
from interviewer.notes.store.database import Store


def test_names_match_ignoring_case_spaces_and_unicode_form(store: Store):
    cid = store.get_or_create_candidate("Zoë Dang")
    store.get_or_create_candidate("Zoe Dang")
    decomposed = unicodedata.normalize("NFD", "  zoË   dang ")
    assert [r.id for r in match_candidates(store, decomposed)] == [cid]


def test_no_match_and_no_name_are_user_errors(store: Store):
    store.get_or_create_candidate("Bob Keeper")
    with pytest.raises(UserError, match="no candidate named 'Bob'"):
        match_candidates(store, " Bob ")
    with pytest.raises(UserError, match="give the candidate's name"):
        match_candidates(store, "   ")
