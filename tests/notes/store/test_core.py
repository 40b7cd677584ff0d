"""The store's core: the UI (main) thread reads through its own WAL reader, never waiting for the writer's
lock and never seeing another thread's uncommitted rows; a thread inside its own transaction sees its rows.

Real SQLite files (plain and SQLCipher); the threads meet on events. A read that waited for the writer's
lock would hold the test until the writer's guard timeout ends, and the test then fails on `read_in_time`
(the verdict never depends on how long anything took)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from interviewer.notes.store.database import Store
from tests.builders import fixed_clock, seg, synthetic_session

GUARD_S = 60  # a deadlock guard only: on a correct store the main thread's reads never wait at all


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "db.sqlite3", clock=fixed_clock)
    yield s
    s.close()


def while_a_worker_writes(store: Store, sid: str, read: Callable[[], Any]) -> dict[str, Any]:
    """Run `read` on the main thread while a worker thread holds the writer lock inside a transaction that
    has added a candidate and a segment and not committed yet; returns what the read and the worker saw."""
    inside, read_done = threading.Event(), threading.Event()
    seen: dict[str, Any] = {}

    def worker() -> None:
        with store.atomic():
            store.get_or_create_candidate("Uncommitted Person")
            store.add_segment(sid, seg(500.0, 501.0, "words not yet committed"))
            seen["worker_sees_its_rows"] = (store.find_candidate("Uncommitted Person") is not None
                                            and len(store.segments(sid)) == 3)
            inside.set()
            seen["read_in_time"] = read_done.wait(timeout=GUARD_S)

    t = threading.Thread(target=worker)
    t.start()
    try:
        assert inside.wait(timeout=GUARD_S), "the worker never opened its transaction"
        seen["read"] = read()
    finally:
        read_done.set()
        t.join()
    return seen


def test_a_ui_thread_read_does_not_wait_for_a_writer_and_sees_only_committed_rows(store):
    sid = synthetic_session(store, segments=2, evidence=0)

    def read() -> dict[str, Any]:
        return {"candidate": store.find_candidate("Uncommitted Person"), "segments": len(store.segments(sid)),
                "listed": store.sessions()[0].segments, "duration": store.session(sid).duration_s}

    seen = while_a_worker_writes(store, sid, read)
    assert seen["read_in_time"], "the main thread's read waited for the writer's lock"
    assert seen["read"] == {"candidate": None, "segments": 2, "listed": 2, "duration": pytest.approx(7.2)}
    assert seen["worker_sees_its_rows"]  # a worker reads through the writer: its own transaction's rows
    # Once committed, the UI thread sees them.
    assert store.find_candidate("Uncommitted Person") is not None
    assert len(store.segments(sid)) == 3
    assert store.session(sid).duration_s == 501.0


def test_an_encrypted_store_keys_the_ui_threads_reader_too(tmp_path):
    from interviewer.core.vault import create_vault

    root = tmp_path / "enc"
    vault = create_vault(root, "correct horse", n=2 ** 4)
    store = Store(root / "interviewer.sqlite3", vault=vault)
    try:
        sid = synthetic_session(store, segments=2, evidence=0)
        seen = while_a_worker_writes(store, sid, lambda: (store.find_candidate("Uncommitted Person"),
                                                          len(store.segments(sid))))
        assert seen["read_in_time"]
        assert seen["read"] == (None, 2)
        assert len(store.segments(sid)) == 3
    finally:
        store.close()
    assert not (root / "interviewer.sqlite3").read_bytes().startswith(b"SQLite format 3")


def test_the_main_thread_inside_its_own_transaction_sees_its_rows(store):
    sid = synthetic_session(store, segments=2, evidence=0)
    with store.atomic():
        store.add_segment(sid, seg(10.0, 11.0, "mine, not committed yet"))
        assert [s.text for s in store.segments(sid)][-1] == "mine, not committed yet"
    with pytest.raises(RuntimeError), store.atomic():
        store.get_or_create_candidate("Rolled Back")
        assert store.find_candidate("Rolled Back") is not None
        raise RuntimeError
    assert store.find_candidate("Rolled Back") is None


def test_a_read_block_on_the_ui_thread_is_one_snapshot(store):
    sid = synthetic_session(store, segments=2, evidence=0)

    def commit_a_segment() -> None:
        store.add_segment(sid, seg(20.0, 21.0, "committed meanwhile"))

    with store.reading():
        before = len(store.segments(sid))
        t = threading.Thread(target=commit_a_segment)
        t.start()
        t.join(timeout=GUARD_S)
        committed_in_time = not t.is_alive()  # a writer is never held up by the UI thread's reads
        during = len(store.segments(sid))
    t.join()
    assert committed_in_time
    assert (before, during) == (2, 2)
    assert len(store.segments(sid)) == 3
