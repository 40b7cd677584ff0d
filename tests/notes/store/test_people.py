"""Candidates by name: THE name rule (`values.name_key`: Unicode form, case and spacing aside) behind
`find_candidate`, `get_or_create_candidate`, `candidates_named` (erasure) and `resolve_candidate` (the loop
report)."""

from __future__ import annotations

import unicodedata

import pytest

from interviewer.core.errors import UserError
from interviewer.notes.store.database import Store
from interviewer.notes.store.values import name_key
from tests.builders import fixed_clock

NAME = "Zoë Đặng"


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "db.sqlite3", clock=fixed_clock)
    yield s
    s.close()


def test_the_name_key_ignores_form_case_and_spacing():
    decomposed = unicodedata.normalize("NFD", NAME)
    assert decomposed != NAME
    assert {name_key(n) for n in (NAME, decomposed, "ZOË ĐẶNG", "  zoë   đặng ", "Zoë\tĐặng")} == {"zoë đặng"}
    assert name_key("Zoe Dang") != name_key(NAME)  # accents matter: another person
    assert name_key("   ") == ""


@pytest.mark.parametrize("spelling", [NAME, unicodedata.normalize("NFD", NAME), "ZOË ĐẶNG", "zoë đặng",
                                      "  Zoë   Đặng  "])
def test_find_candidate_and_get_or_create_use_the_rule(store, spelling):
    cid = store.get_or_create_candidate(NAME)
    found = store.find_candidate(spelling)
    assert found is not None and found.id == cid and found.name == NAME
    assert store.get_or_create_candidate(spelling) == cid  # one person, not a second row
    assert [r.id for r in store.candidates_named(spelling)] == [cid]


def test_find_candidate_misses_other_names(store):
    store.get_or_create_candidate(NAME)
    for other in ("Zoe Dang", "Zoë", "Zoë Đặng-Smith", "", "   "):
        assert store.find_candidate(other) is None
    assert store.candidates_named("   ") == []


def test_names_stored_in_two_cases_are_all_found_the_oldest_first(store):
    old = store.get_or_create_candidate(NAME)
    with store.atomic():  # an older version's NOCASE let a non-ASCII case variant become a second row
        store.t("candidates").insert({"id": "later-row", "name": "ZOË ĐẶNG", "created_at": "2099-01-01"})
    assert [r.id for r in store.candidates_named("zoë đặng")] == [old, "later-row"]
    assert store.find_candidate("zoë đặng").id == old


def test_resolve_candidate_by_name_id_or_prefix(store):
    cid = store.get_or_create_candidate(NAME)
    store.get_or_create_candidate("Ravi Menon")
    assert store.resolve_candidate("ZOË ĐẶNG").id == cid
    assert store.resolve_candidate(cid).id == cid
    assert store.resolve_candidate(cid[:8]).id == cid
    with pytest.raises(UserError, match=r"no candidate 'Nobody' \(candidates: Ravi Menon, Zoë Đặng\)"):
        store.resolve_candidate("Nobody")
    with pytest.raises(UserError, match="no candidate"):
        store.resolve_candidate(cid[:3])  # too short to be taken as an id prefix
    with pytest.raises(UserError, match="name the candidate"):
        store.resolve_candidate("  ")
