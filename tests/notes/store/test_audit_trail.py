"""The audit log as a history: entries about rows deleted long ago, and the two rewrites that lift its guard."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from interviewer.notes.store import audit_trail
from interviewer.notes.store.database import Store
from tests.builders import fixed_clock


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "interviewer.sqlite3", clock=fixed_clock)
    yield s
    s.close()


def triggers(store: Store) -> list[tuple[str, str]]:
    return [tuple(r) for r in store.db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log' ORDER BY name")]


def ann_with_a_deleted_claim(store: Store) -> tuple[str, str]:
    cid = store.get_or_create_candidate("Ann")
    gone = store.add_claim(cid, "Owned the budget", actor="Ada")
    store.edit_claim(gone, "Owned the budget and hiring", actor="Ada")
    store.delete_claim(gone, actor="Ada")
    return cid, gone


def test_entries_about_reach_rows_deleted_long_ago_but_not_live_rows_of_others(store: Store):
    cid, gone = ann_with_a_deleted_claim(store)
    bob = store.get_or_create_candidate("Bob")
    bob_claim = store.add_claim(bob, "Ran the team", actor="Ada")
    entries = audit_trail.read_entries(store)
    assert {e.action for e in entries} >= {"claim.add", "claim.edit", "claim.delete"}
    assert all(isinstance(e.uuids, frozenset) for e in entries)

    # Seeded with the candidate only: the claim entries name her id in their JSON, and the deleted claim's
    # later entries (by row id only) follow.
    about = audit_trail.entries_about(entries, row_ids={cid}, owned_tables={"candidates", "claims"}, texts=set(),
                                      live_ids={cid, bob, bob_claim})
    assert {e.row_id for e in about if e.table == "claims"} == {gone}
    assert {e.action for e in about if e.row_id == gone} >= {"claim.edit", "claim.delete"}
    assert not any(e.row_id == bob_claim for e in about)


def test_history_parses_json_oldest_first(store: Store):
    _, gone = ann_with_a_deleted_claim(store)
    ids = {e.id for e in audit_trail.read_entries(store) if e.row_id == gone}
    rows = audit_trail.history(store, ids)
    assert {r["id"] for r in rows} == ids
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)
    [edit] = [r for r in rows if r["action"] == "claim.edit"]
    assert edit["old"]["text"] == "Owned the budget"  # parsed, not a JSON string


def test_delete_entries_lifts_the_guard_for_just_this_and_restores_it_exactly(store: Store):
    _, gone = ann_with_a_deleted_claim(store)
    kept = store.add_claim(store.get_or_create_candidate("Bob"), "Ran the team", actor="Ada")
    before = triggers(store)
    assert len(before) == 2
    ids = [e.id for e in audit_trail.read_entries(store) if e.row_id == gone]
    with pytest.raises(RuntimeError, match="inside a transaction"):
        audit_trail.delete_entries(store, ids)

    with store.atomic():
        audit_trail.delete_entries(store, ids)

    assert [e.row_id for e in audit_trail.read_entries(store)] == [kept]
    assert triggers(store) == before
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.db.execute("DELETE FROM audit_log")


def test_a_failed_rewrite_rolls_back_entries_and_guard(store: Store):
    ann_with_a_deleted_claim(store)
    before_entries, before = audit_trail.read_entries(store), triggers(store)
    blanked = [dataclasses.replace(e, old=None, new=None) for e in before_entries]
    with pytest.raises(KeyError), store.atomic():
        audit_trail.rewrite_entries(store, blanked)
        assert triggers(store) == before  # restored before the transaction can end
        raise KeyError("a later step failed")
    assert audit_trail.read_entries(store) == before_entries
    assert triggers(store) == before

    with store.atomic():
        audit_trail.rewrite_entries(store, blanked[:1])
    [first, *rest] = audit_trail.read_entries(store)
    assert (first.old, first.new) == (None, None)
    assert rest == before_entries[1:]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.db.execute("UPDATE audit_log SET actor = 'x'")
