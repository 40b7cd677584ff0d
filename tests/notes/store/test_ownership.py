"""Who owns what: the foreign-key walk, the links it unsets, the owned rows read and deleted, text cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.notes.store.database import Store
from interviewer.notes.store.ownership import (
    TextCell,
    Unlink,
    delete_owned,
    descendants,
    live_ids,
    owned,
    owned_rows,
    text_cells,
)
from tests.builders import fixed_clock, seg


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "interviewer.sqlite3", clock=fixed_clock)
    yield s
    s.close()


def person(store: Store, name: str) -> dict[str, str]:
    cid = store.get_or_create_candidate(name)
    [claim] = store.add_claims(cid, [{"text": f"{name} led the migration"}])
    sid = store.create_session(candidate_id=cid, role_id=store.get_or_create_role("MLE"), kit_id=None,
                               evaluator="Ada", status="complete")
    store.add_segments(sid, [seg(0.0, 1.0, f"I am {name}")])
    eid = store.add_evidence(session_id=sid, start=0.0, end=1.0, criterion="depth", evaluator="Ada",
                             claim_id=claim)
    return {"candidate": cid, "session": sid, "claim": claim, "evidence": eid}


def test_owned_follows_foreign_keys_and_unlinks_another_persons_row(store: Store):
    ann, bob = person(store, "Ann"), person(store, "Bob")
    # Bob's evidence linked to Ann's claim: Bob's, not hers; the link is what has to go.
    cross = store.add_evidence(session_id=bob["session"], start=0.0, end=1.0, criterion="depth", evaluator="Ada",
                               claim_id=ann["claim"])

    found = owned(store, {"candidates": {ann["candidate"]}})

    assert found.rows["candidates"] == {ann["candidate"]}
    assert found.rows["sessions"] == {ann["session"]}
    assert found.rows["claims"] == {ann["claim"]}
    assert found.rows["evidence"] == {ann["evidence"]}
    assert len(found.rows["segments"]) == 1
    assert not set().union(*found.rows.values()) & set(bob.values())
    assert cross not in found.rows["evidence"]
    assert found.unlinks == (Unlink("evidence", "claim_id", cross),)
    assert all(ids for ids in found.rows.values())  # tables with nothing of hers are left out


def test_descendants_and_live_ids(store: Store):
    ann = person(store, "Ann")
    below = descendants(store, "sessions")
    assert {"sessions", "segments", "evidence", "ratings"} <= below
    assert "candidates" not in below and "claims" not in below
    ids = live_ids(store, ["sessions", "evidence"])
    assert {ann["session"], ann["evidence"]} <= ids
    assert ann["candidate"] not in ids


def test_delete_owned_only_in_a_transaction_and_counts_by_table(store: Store):
    ann, bob = person(store, "Ann"), person(store, "Bob")
    cross = store.add_evidence(session_id=bob["session"], start=0.0, end=1.0, criterion="depth", evaluator="Ada",
                               claim_id=ann["claim"])
    found = owned(store, {"candidates": {ann["candidate"]}})
    with pytest.raises(RuntimeError, match="inside a transaction"):
        delete_owned(store, found)
    assert store.find_candidate("Ann") is not None

    with store.atomic():
        counts = delete_owned(store, found)

    assert counts == {t: len(ids) for t, ids in found.rows.items()}
    assert list(counts) == list(found.rows)  # in the order the walk found them
    assert store.find_candidate("Ann") is None
    assert store.t("evidence").get(cross)["claim_id"] is None
    assert store.find_candidate("Bob") is not None
    assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_owned_rows_and_text_cells(store: Store):
    ann, bob = person(store, "Ann"), person(store, "Bob")
    rows = owned_rows(store, "claims", {ann["claim"], bob["claim"]})
    assert sorted(r["text"] for r in rows) == ["Ann led the migration", "Bob led the migration"]

    def mentions_ann(text: str) -> bool:
        return "Ann" in text

    cells = text_cells(store, mentions_ann, {})
    assert TextCell("claims", ann["claim"], "text", "Ann led the migration") in cells
    assert {c.table for c in cells} >= {"candidates", "claims", "segments"}
    skipped = text_cells(store, mentions_ann, {"claims": {ann["claim"]}})
    assert all(c.id != ann["claim"] for c in skipped)
    assert not any(c.table == "audit_log" for c in cells)
