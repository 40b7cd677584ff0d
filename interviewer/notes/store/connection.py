"""Opening the database file: checked before anything is written, keyed when the data dir is encrypted.

* `preflight` refuses a file that is not SQLite, is damaged, or comes from a newer version, without
  writing to it, and points at the newest daily backup when there is one.
* `connect` gives a DB-API connection: sqlite3 for a plain data dir, SQLCipher keyed by the vault for an
  encrypted one (`interviewer init --encrypt`). Every connection to an encrypted file needs the key, so
  every connection the store opens (the writer, the UI thread's reader, a backup's target) comes from here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from interviewer.core.errors import DatabaseError
from interviewer.core.vault import EncryptionError, Vault
from interviewer.notes.store.schema import SCHEMA_VERSION

try:  # SQLCipher, for encrypted data dirs (`interviewer init --encrypt`)
    from sqlcipher3 import dbapi2 as _sqlcipher

    DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, _sqlcipher.Error)
    _CORRUPT: tuple[type[Exception], ...] = (sqlite3.DatabaseError, _sqlcipher.DatabaseError)
except ImportError:  # pragma: no cover - a platform without a sqlcipher3 wheel: plain data dirs only
    _sqlcipher = None
    DB_ERRORS = (sqlite3.Error,)
    _CORRUPT = (sqlite3.DatabaseError,)

SQLITE_HEADER = b"SQLite format 3\x00"


def latest_backup(path: Path) -> Path | None:
    backups = sorted((path.parent / "backups").glob(f"{path.stem}-*.sqlite3"))
    return backups[-1] if backups else None


def _offer_backup(path: Path) -> str:
    b = latest_backup(path)
    return (f" A backup from {b.stem.rsplit('-', 1)[-1]} is at {b}: move the damaged file aside and copy the "
            f"backup to {path.name}" if b else "")


def connect(path: Path, vault: Vault | None, *, read_only: bool = False) -> Any:
    """A DB-API connection: sqlite3 for a plain data dir, SQLCipher keyed by the vault for an encrypted one."""
    target = f"{path.resolve().as_uri()}?mode=ro" if read_only else str(path)
    if vault is None:
        return sqlite3.connect(target, uri=read_only, check_same_thread=False, timeout=15)
    if _sqlcipher is None:
        raise EncryptionError("is encrypted, and SQLCipher (the sqlcipher3 package) is not installed", path=path)
    conn = _sqlcipher.connect(target, uri=read_only, check_same_thread=False, timeout=15)
    conn.execute("PRAGMA cipher_log_level = NONE")  # failures are reported as exceptions, not on stderr
    conn.execute(vault.sqlcipher_key_pragma())
    return conn


def preflight(path: Path, *, verify: bool = True, vault: Vault | None = None) -> int:
    """Check an existing database without writing to it; return its schema version (0 if new).

    Raises DatabaseError naming the file when it is not SQLite, is damaged, or is from a newer version.
    """
    if not path.exists() or path.stat().st_size == 0:
        return 0
    if path.is_dir():
        raise DatabaseError("is a directory, not a database file", path=path)
    try:
        with path.open("rb") as f:
            head = f.read(100)
    except OSError as exc:
        raise DatabaseError(f"cannot be read: {exc.strerror}", path=path) from None
    if vault is not None and head.startswith(SQLITE_HEADER):
        raise DatabaseError("is not encrypted, but its data dir is: it was not written by Interviewer. It was "
                            "left untouched", path=path)
    if vault is None and (len(head) < 100 or not head.startswith(SQLITE_HEADER)):
        raise DatabaseError("is not an Interviewer database (not an SQLite file); it was left untouched."
                            + _offer_backup(path), path=path)
    conn: Any = None
    try:
        conn = connect(path, vault, read_only=True)
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if verify:
            problems = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
            if problems != ["ok"]:
                raise DatabaseError(
                    f"is damaged ({problems[0]}); it was left untouched.{_offer_backup(path)}", path=path)
    except _CORRUPT as exc:
        raise DatabaseError(f"is damaged or not a database ({exc}); it was left untouched.{_offer_backup(path)}",
                            path=path) from None
    finally:
        if conn is not None:
            conn.close()
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"was written by a newer version of Interviewer (schema {version}; this version reads up to "
            f"{SCHEMA_VERSION}); it was left untouched. Upgrade Interviewer to open it", path=path)
    return version
