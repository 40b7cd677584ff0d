"""Backups under load, a damaged database offered its backup, and importers fuzzed with hypothesis."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import zipfile

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from interviewer.core.errors import DatabaseError, KitError, UserError
from interviewer.core.transcript import Segment
from interviewer.notes.prompts.kits import parse_kit
from interviewer.notes.store.bundle import import_bundle
from interviewer.notes.store.database import Store
from tests.builders import synthetic_session


def test_backup_while_writes_continue_passes_integrity_check(tmp_path):
    store = Store(tmp_path / "db.sqlite3")
    sid = synthetic_session(store, segments=200, evidence=10)
    stop = threading.Event()
    written = []

    def writer() -> None:
        i = 0
        while not stop.is_set():
            store.add_segment(sid, Segment(1000 + i, 1001 + i, f"write number {i} while backing up", "c"))
            written.append(i)
            i += 1

    t = threading.Thread(target=writer)
    t.start()
    backups = []
    try:
        # Back up again and again until the writer has got writes in between (bounded).
        while (len(backups) < 5 or len(written) < 20) and len(backups) < 200:
            backups.append(store.backup(tmp_path / f"backup-{len(backups) % 5}.sqlite3"))
    finally:
        stop.set()
        t.join()
    assert len(written) >= 20
    backups = sorted(set(backups))
    for b in backups:
        conn = sqlite3.connect(b)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        n = conn.execute("SELECT count(*) FROM segments").fetchone()[0]
        assert 200 <= n <= 200 + len(written)
        conn.close()
    store.close()


def test_damaged_database_offers_the_latest_backup(tmp_path):
    path = tmp_path / "interviewer.sqlite3"
    store = Store(path)
    synthetic_session(store, segments=20, evidence=1)
    backup = store.daily_backup()
    assert backup is not None
    assert store.daily_backup() is None  # once a day
    store.close()
    data = bytearray(path.read_bytes())
    data[0:16] = b"garbage garbage!"
    path.write_bytes(bytes(data))
    with pytest.raises(DatabaseError) as err:
        Store(path)
    assert str(backup) in str(err.value)
    assert "left untouched" in str(err.value)
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_kit_parser_raises_only_kit_errors(text):
    try:
        parse_kit(text, "fuzz.toml")
    except KitError as exc:
        assert str(exc).startswith("fuzz.toml")


KIT_HEAD = '[kit]\nname = "k"\nversion = 1\ntopics = ["cost"]\n\n[[criteria]]\nkey = "j"\nname = "J"\n'


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(["definition", "anchors", "key", "name", "extra"]),
                       st.one_of(st.text(max_size=20), st.integers(), st.lists(st.text(max_size=5), max_size=3),
                                 st.dictionaries(st.text(max_size=2), st.text(max_size=5), max_size=5)),
                       max_size=5))
def test_kit_parser_on_structured_garbage(fields):
    import tomli_w

    try:
        text = KIT_HEAD + tomli_w.dumps({"x": fields}).replace("[x]", "")
    except (TypeError, ValueError):
        return
    with contextlib.suppress(KitError):
        parse_kit(text, "fuzz.toml")


@pytest.fixture(scope="module")
def bundle_store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("fuzz") / "db.sqlite3")
    yield s
    s.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(members={"manifest.json": b"0"}, raw=False)  # found by hypothesis: a manifest that is not an object
@example(members={"manifest.json": b'{"format": "interviewer-bundle", "checksums": []}'}, raw=False)
@given(members=st.dictionaries(st.sampled_from(["manifest.json", "rows.json", "audio/x.wav", "other"]),
                               st.binary(max_size=200), max_size=4),
       raw=st.booleans())
def test_bundle_import_raises_only_user_errors(tmp_path_factory, bundle_store, members, raw):
    path = tmp_path_factory.mktemp("b") / "f.bundle"
    if raw:
        path.write_bytes(b"".join(members.values()))
    else:
        with zipfile.ZipFile(path, "w") as z:
            for name, data in members.items():
                z.writestr(name, data)
    before = bundle_store.t("sessions").count
    try:
        import_bundle(bundle_store, path)
    except UserError as exc:
        assert str(path) in str(exc)
    assert bundle_store.t("sessions").count == before
