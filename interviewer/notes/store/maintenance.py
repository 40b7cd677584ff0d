"""Keeping deleted bytes out of the database file: the writer lock held across statements that cannot run in a
transaction, secure delete, the WAL checkpoint, VACUUM (the scrub) and the full-text index's merge and rebuild.

Erasure and retention (`interviewer.notes.privacy`) call these; nothing else needs them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from interviewer.notes.store.database import DB_ERRORS, Store

CHECKPOINT_WAIT_MS = 3000


@contextmanager
def writer(store: Store) -> Iterator[None]:
    """The store's writer lock, held across statements that cannot run in a transaction (VACUUM).

    `Store` has no public way to hold its lock without opening a transaction, hence the private access."""
    with store._lock:
        yield


@contextmanager
def secure_delete(store: Store) -> Iterator[None]:
    """Deleted content is overwritten with zeros (this connection only), restored afterwards."""
    with store.db.ensure_autocommit_on():
        before = int(store.db.execute("PRAGMA secure_delete").fetchone()[0])
        store.db.execute("PRAGMA secure_delete=ON")
    try:
        yield
    finally:
        with store.db.ensure_autocommit_on():
            store.db.execute(f"PRAGMA secure_delete={before}")


def checkpoint(store: Store) -> bool:
    """Copy the WAL into the database and truncate it to zero bytes; False if another connection's reader
    kept part of it for more than CHECKPOINT_WAIT_MS (not the store's long busy timeout: a window that keeps a
    read open will not close it because we wait)."""
    try:
        with store.db.ensure_autocommit_on():
            before = int(store.db.execute("PRAGMA busy_timeout").fetchone()[0])
            store.db.execute(f"PRAGMA busy_timeout={min(before, CHECKPOINT_WAIT_MS)}")
            try:
                row = store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            finally:
                store.db.execute(f"PRAGMA busy_timeout={before}")
    except DB_ERRORS:
        return False
    return row is None or int(row[0]) == 0


def _rowids(store: Store) -> list[tuple[int, str]]:
    return [(int(a), str(b)) for a, b in store.db.execute("SELECT rowid, id FROM segments ORDER BY rowid")]


def scrub(store: Store) -> bool:
    """Leave no deleted bytes behind: VACUUM (rewrites every page), then checkpoint and truncate the WAL.

    VACUUM may renumber the implicit rowids of `segments`, which the external-content FTS index is keyed by;
    if it did, the index is rebuilt. False when that could not be done (another connection reading, no room
    for VACUUM's copy): the deletions stand, but old bytes may remain until the next scrub."""
    try:
        before = _rowids(store)
        with store.db.ensure_autocommit_on():
            store.db.execute("VACUUM")
        if _rowids(store) != before:
            with store.atomic():
                rebuild_search_index(store)
        return checkpoint(store)
    except DB_ERRORS:
        return False


def rebuild_search_index(store: Store) -> None:
    """Rebuild the FTS5 index from the segments: it keeps deleted terms in old segments until they are merged."""
    store.db.execute("INSERT INTO segments_fts(segments_fts) VALUES ('rebuild')")


def merge_search_index(store: Store) -> None:
    """Merge the FTS5 index in one transaction, so the terms of deleted segments leave it."""
    with store.atomic():
        store.db.execute("INSERT INTO segments_fts(segments_fts) VALUES ('optimize')")
