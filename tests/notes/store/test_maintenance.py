"""Keeping deleted bytes out of the file: secure delete, the scrub (VACUUM, the FTS index kept true, the WAL
truncated)."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.notes.store.database import Store
from interviewer.notes.store.maintenance import merge_search_index, scrub, secure_delete
from tests.builders import fixed_clock, seg


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "interviewer.sqlite3", clock=fixed_clock)
    s.db.execute("PRAGMA secure_delete=OFF")  # SQLite's own default; Debian's build says ON
    yield s
    s.close()


def pragma(store: Store, name: str) -> int:
    return int(store.db.execute(f"PRAGMA {name}").fetchone()[0])


def session(store: Store) -> str:
    cid = store.get_or_create_candidate("Ann")
    return store.create_session(candidate_id=cid, role_id=None, kit_id=None, evaluator="Ada", status="complete")


def test_secure_delete_is_on_inside_and_restored_after(store: Store):
    with secure_delete(store):
        assert pragma(store, "secure_delete") == 1
    assert pragma(store, "secure_delete") == 0
    with pytest.raises(KeyError), secure_delete(store):
        raise KeyError("x")
    assert pragma(store, "secure_delete") == 0


def test_scrub_empties_the_free_list_and_the_wal_and_keeps_the_search_index_true(store: Store):
    sid = session(store)
    store.add_segments(sid, [seg(float(i), i + 0.5, f"word{i} alpha{i} beta") for i in range(40)])
    # Free pages: a long note cut short, and segments deleted.
    store.update_session(sid, notes="padding " * 20000)
    store.update_session(sid, notes="short")
    with store.atomic():
        store.db.execute("DELETE FROM segments WHERE session_id = ? AND start < 20", [sid])
    merge_search_index(store)
    assert pragma(store, "freelist_count") > 0

    assert scrub(store)

    assert pragma(store, "freelist_count") == 0
    wal = store.path.with_name(store.path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    for i in (20, 39):  # each word is found at the row that holds it, after VACUUM rewrote the file
        [(text,)] = store.db.execute(
            "SELECT s.text FROM segments_fts f JOIN segments s ON s.rowid = f.rowid WHERE segments_fts MATCH ?",
            [f"alpha{i}"]).fetchall()
        assert text == f"word{i} alpha{i} beta"
    assert not store.db.execute("SELECT rowid FROM segments_fts WHERE segments_fts MATCH 'alpha3'").fetchall()
    store.db.execute("INSERT INTO segments_fts(segments_fts) VALUES ('integrity-check')")
