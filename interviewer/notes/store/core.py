"""The store's core: one data directory's database file, its connections, transactions and audit log.

One owner of the database. Nothing outside the `interviewer.notes.store` package touches a connection:
every read and write is a method of `Store` (the table families are mixins of `StoreCore`, one module
each) or a function of a store module.

Two connections, one writer:

* **The writer** (`self.db`) carries every write, from every thread, one transaction at a time under
  `self._lock` (`atomic()`). Worker threads (the live transcriber, refine, recovery) also read through it,
  under the lock, so inside their transaction they see their own rows.
* **The UI thread's reader.** The main thread reads through a second connection of its own (query-only,
  opened on its first read), without taking the lock. The file is in WAL mode, where a reader works on the
  last committed snapshot and never waits for the writer: a read on the UI thread returns at once while
  another thread holds a write transaction open (and waits on its fsync), and never sees that thread's
  uncommitted rows. A read block (`reading()`) is one read transaction, so the rows it returns belong to
  one snapshot. When the main thread itself holds the writer lock (inside `atomic()`), it reads through
  the writer and sees its own uncommitted rows.

Why a reader rather than one database thread: every store call stays a plain synchronous method (the CLI,
the live session and the windows call the same API, and the 200 existing call sites keep working), WAL
already gives readers a consistent snapshot for free, and the UI thread's writes are few and short. An
encrypted data dir (SQLCipher) keys the reader exactly like the writer (`connection.connect`).

* The schema is versioned with `PRAGMA user_version` (see `schema.py`); migrations run in one transaction
  each.
* WAL journal with `synchronous=FULL`: a committed segment survives a killed process and a power cut.
* A file that is not SQLite, is damaged, or comes from a newer version is refused before anything is
  written to it (`connection.preflight`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any, Self

from sqlite_utils import Database
from sqlite_utils.db import Table

from interviewer.core.errors import DatabaseError
from interviewer.core.files import private_dir
from interviewer.core.vault import PassphraseRequiredError, Vault, is_encrypted
from interviewer.notes.store.connection import DB_ERRORS, connect, preflight
from interviewer.notes.store.schema import MIGRATIONS, SCHEMA_VERSION
from interviewer.notes.store.values import Clock, dumps, new_id, utc_now


class WriterLock:
    """The writer's re-entrant lock, which knows whether the current thread holds it (then that thread
    reads through the writer, to see its own uncommitted rows)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._depth = threading.local()

    @property
    def held(self) -> bool:
        """Whether the calling thread holds the lock."""
        return int(getattr(self._depth, "n", 0)) > 0

    def __enter__(self) -> Self:
        self._lock.acquire()
        self._depth.n = int(getattr(self._depth, "n", 0)) + 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth.n -= 1
        self._lock.release()


@dataclass(frozen=True)
class AuditEntry:
    """One audit log entry, with `old` and `new` as the JSON texts stored (None when absent)."""

    id: str
    at: str
    actor: str
    action: str
    table_name: str
    row_id: str | None
    old: str | None
    new: str | None


class StoreCore:
    """One data directory's database: its connections, lifecycle, transactions and audit log."""

    def __init__(self, path: Path | str, *, clock: Clock = utc_now, verify: bool = True,
                 migrate_to: int = SCHEMA_VERSION, vault: Vault | None = None) -> None:
        self.path = Path(path)
        self.root = self.path.parent
        self._clock = clock
        self._lock = WriterLock()
        self._reader: Database | None = None
        if vault is None and is_encrypted(self.root):
            raise PassphraseRequiredError("is encrypted: give the passphrase (INTERVIEWER_PASSPHRASE, the OS keyring, "
                                     "or type it when asked) to open it", path=self.root)
        self.vault = vault
        preflight(self.path, verify=verify, vault=vault)
        private_dir(self.path.parent)
        try:
            conn = connect(self.path, vault)
        except DB_ERRORS as exc:
            raise DatabaseError(f"cannot be opened: {exc}", path=self.path) from None
        self.db = Database(conn)
        with self.db.ensure_autocommit_on():
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA busy_timeout=15000")
            # Deleted text is overwritten, not left in free pages (erasure and retention rely on it).
            self.db.execute("PRAGMA secure_delete=ON")
        self._migrate(migrate_to)
        self._restrict_permissions()

    # ------------------------------------------------------------------ lifecycle
    def daily_backup(self, keep: int = 3) -> Path | None:
        """Once a day (at the first open), a backup next to the database; the newest `keep` are kept."""
        folder = self.path.parent / "backups"
        today = self._clock().astimezone(UTC).strftime("%Y%m%d")
        target = folder / f"{self.path.stem}-{today}.sqlite3"
        with self.reading() as db:
            empty = not db.table("sessions").count
        if target.exists() or empty:
            return None
        self.backup(target)
        for old in sorted(folder.glob(f"{self.path.stem}-*.sqlite3"))[:-keep]:
            old.unlink(missing_ok=True)
        return target

    def _restrict_permissions(self) -> None:
        if os.name != "posix":
            return
        for p in (self.path, self.path.with_name(self.path.name + "-wal"),
                  self.path.with_name(self.path.name + "-shm")):
            if p.exists():
                p.chmod(0o600)

    @property
    def user_version(self) -> int:
        with self._lock:
            return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self, target: int) -> None:
        with self._lock:
            current = self.user_version
            for version in range(current + 1, target + 1):
                try:
                    with self.db.atomic():
                        MIGRATIONS[version - 1](self.db)
                        self.db.execute(f"PRAGMA user_version={version}")
                except DB_ERRORS as exc:
                    self.db.close()
                    raise DatabaseError(f"could not be upgraded to schema {version} ({exc}); it was left at "
                                        f"schema {version - 1}. Is the disk full?", path=self.path) from None

    def close(self) -> None:
        with self._lock:
            if self._reader is not None:
                with suppress(*DB_ERRORS):
                    self._reader.close()
                self._reader = None
            with suppress(*DB_ERRORS):
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ transactions and reads
    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """One transaction, under the writer lock."""
        with self._lock, self.db.atomic() as db:
            yield db

    @contextmanager
    def reading(self) -> Iterator[Database]:
        """The connection to read from, for one block of reads (see the module docstring): the main thread's
        own reader, without the lock, as one read transaction (one snapshot of committed data); the writer,
        under the lock, on any other thread or while the calling thread holds the lock."""
        if self._lock.held or threading.current_thread() is not threading.main_thread():
            with self._lock:
                yield self.db
            return
        reader = self._open_reader()
        if reader.conn.in_transaction:  # a read block inside another one: same snapshot
            yield reader
            return
        reader.conn.execute("BEGIN")
        try:
            yield reader
        finally:
            if reader.conn.in_transaction:
                reader.conn.execute("COMMIT")

    def _open_reader(self) -> Database:
        if self._reader is None:
            try:
                conn = connect(self.path, self.vault)
            except DB_ERRORS as exc:
                raise DatabaseError(f"cannot be opened: {exc}", path=self.path) from None
            reader = Database(conn, recursive_triggers=False, execute_plugins=False)
            with reader.ensure_autocommit_on():
                reader.execute("PRAGMA query_only=ON")
                reader.execute("PRAGMA busy_timeout=15000")
            self._reader = reader
        return self._reader

    def now(self) -> str:
        return self._clock().astimezone(UTC).isoformat(timespec="milliseconds")

    def t(self, name: str) -> Table:
        """A table of the writer connection: for writes, inside `atomic()`."""
        return self.db.table(name)

    def backup(self, target: Path | str) -> Path:
        """A consistent copy through SQLite's online backup API, safe while writes go on."""
        target = Path(target)
        private_dir(target.parent)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.unlink(missing_ok=True)
        dest = connect(tmp, self.vault)
        try:
            with self._lock:
                self.db.conn.backup(dest, pages=256)
        finally:
            dest.close()
        if os.name == "posix":
            tmp.chmod(0o600)
        tmp.replace(target)
        return target

    def integrity_check(self) -> str:
        with self._lock:
            return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])

    # ------------------------------------------------------------------ audit
    def audit(self, actor: str, action: str, table: str, row_id: str | None, *,
              old: Any = None, new: Any = None) -> None:
        with self.atomic():
            self.t("audit_log").insert({
                "id": new_id(), "at": self.now(), "actor": actor or "unknown", "action": action,
                "table_name": table, "row_id": row_id,
                "old": None if old is None else dumps(old), "new": None if new is None else dumps(new),
            })

    def audit_entries(self, row_id: str | None = None) -> list[dict[str, Any]]:
        where, args = ("row_id = ?", [row_id]) if row_id else (None, None)
        with self.reading() as db:
            return list(db.table("audit_log").rows_where(where, args, order_by="at"))

    def audit_trail(self, row_id: str, actions: Sequence[str]) -> list[AuditEntry]:
        """A row's audit entries of these actions, in the order they were written (two may share a time)."""
        if not actions:
            return []
        marks = ", ".join("?" for _ in actions)
        with self.reading() as db:
            rows = db.execute(f"SELECT id, at, actor, action, table_name, row_id, old, new FROM audit_log "
                              f"WHERE row_id = ? AND action IN ({marks}) ORDER BY rowid",
                              [row_id, *actions]).fetchall()
        return [AuditEntry(*r) for r in rows]
