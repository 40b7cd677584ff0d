"""Privacy duties: a retention policy, erasure of a candidate, subject access, and file permissions.

* Retention (`retention.toml` in the data dir): audio is deleted `audio_days` after a session started, what
  was said `transcript_days` after (segments and ratings deleted; evidence quotes and notes, the session's
  notes, failure stories, scenario quotes and the words of a spoken consent blanked; the evidence tags
  themselves stay; exports and bundles written anywhere in the data dir that hold the transcript removed). A
  session that is recording is never touched.
* Erasure removes every trace of one candidate: their rows in every table (found through the schema's
  foreign keys, so tables added by later migrations are covered), audio, every file users wrote in the data
  dir that mentions them (exports, PDFs, bundles: `user_files`), the
  full-text index, the audit entries about them (those about rows deleted long ago too), and the bytes
  SQLite would otherwise keep in free pages and the WAL.
* Subject access writes everything held on one candidate into a directory: JSON and copies of the audio.

The audit log is append-only (triggers refuse UPDATE and DELETE). Erasure and retention are the two
deliberate exceptions: inside their own transaction they drop those triggers, remove (erasure) or redact
(retention) the entries that hold the candidate's data, and recreate the triggers from the exact SQL that was
stored, before the transaction commits. Then each appends an entry that says what was done, with counts
only and no personal data.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tomllib
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from interviewer.core.config import DataDir
from interviewer.core.errors import UserError
from interviewer.core.files import TEMP_SUFFIX, OutsideDataDirError, data_path, inside, write_text_atomic
from interviewer.core.vault import Vault, is_sealed, read_file, write_file
from interviewer.notes.store.connection import DB_ERRORS
from interviewer.notes.store.database import Store
from interviewer.notes.store.schema import MIGRATION_1, statements

POLICY_FILE = "retention.toml"
RETENTION_ACTOR = "retention"
ERASURE_ACTOR = "erasure"
ACCESS_FORMAT = "interviewer-subject-access"

# Keys of audit-log JSON that hold transcript text; retention blanks them for expired sessions.
_TEXT_KEYS = ("quote", "note", "notes", "reason", "text", "words", "spoken_quote")
_CHUNK = 500  # bound on SQL parameters per statement


# ============================================================================================ helpers
def _dd(data_dir: DataDir | Path) -> DataDir:
    return data_dir if isinstance(data_dir, DataDir) else DataDir(Path(data_dir))


def _fold(name: str) -> str:
    """The form two names are compared in: NFC, trimmed, inner whitespace collapsed, case-folded."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def _marks(items: Sequence[str]) -> str:
    return ",".join("?" * len(items))


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _inside(path: Path, root: Path) -> bool:
    """The data dir's one rule for stored paths (`interviewer.core.files.inside`, symlinks followed)."""
    return inside(path, root)


def _resolve(store: Store, p: str | None) -> Path | None:
    """A stored path as it names a file, NOT checked: only for deciding what to remove (never read or copied
    unless `_inside` says so) and for naming it in a report."""
    if not p:
        return None
    path = Path(p)
    return path if path.is_absolute() else store.root / path


def _is_locked(path: Path) -> bool:
    """Whether a live recording holds this session's lock file (same protocol as `session.SessionLock`)."""
    if not path.exists():
        return False
    try:
        f = path.open("a+b")
    except OSError:
        return False
    try:
        if os.name == "nt":  # pragma: no cover - Windows
            import msvcrt

            msvcrt.locking(f.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
    except OSError:
        return True
    finally:
        f.close()
    return False


def _shred(path: Path) -> None:
    """Overwrite a file with zeros, then remove it. Best effort against recovery from the disk: it does not
    reach copies made by a copy-on-write filesystem, an SSD's wear levelling, snapshots or backups."""
    if path.is_symlink():
        path.unlink()
        return
    size = path.stat().st_size
    with path.open("r+b") as f:
        block = b"\0" * (1 << 20)
        left = size
        while left > 0:
            n = min(left, len(block))
            f.write(block[:n])
            left -= n
        f.flush()
        with suppress(OSError):
            os.fsync(f.fileno())
    path.unlink()


def _write_private(path: Path, text: str) -> None:
    """Write next to the target and rename, readable by the owner only."""
    write_text_atomic(path, text, private=True)


def _parse_time(value: str) -> datetime:
    t = datetime.fromisoformat(value)
    return t if t.tzinfo is not None else t.replace(tzinfo=UTC)


def _aware(now: datetime) -> datetime:
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def _loose(text: str) -> str:
    """A file name as words: accents dropped, `_`, `-`, `.` and other separators made spaces."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", " ", bare)


class _Mentions:
    """Does a piece of text mention a candidate: one of their ids, or their name or email as whole words
    (case-insensitive, also as JSON `\\uXXXX` escapes)? `path` also matches names written as file names
    (`zoe_dang.json`)."""

    def __init__(self, ids: Iterable[str], names: Iterable[str]) -> None:
        ids = [i for i in ids if i]
        pats = [re.escape(i) for i in ids]
        # A cheap first test: every match contains one of these lower-case ASCII runs (the longest ASCII run
        # of each name survives JSON escaping, accent stripping and Unicode normalisation). None: no filter.
        anchors: list[str] | None = [i.lower() for i in ids]
        for name in names:
            words = unicodedata.normalize("NFC", name).split()
            if not words:
                continue
            runs = re.findall(r"[A-Za-z0-9]+", " ".join(words))
            if runs and anchors is not None:
                anchors.append(max(runs, key=len).lower())
            else:
                anchors = None
            forms = {" ".join(words), json.dumps(" ".join(words), ensure_ascii=True)[1:-1]}
            if _loose(name).split():
                forms.add(" ".join(_loose(name).split()))
            for form in forms:
                body = r"\s+".join(re.escape(w) for w in form.split(" "))
                pats.append(rf"(?<!\w){body}(?!\w)")
        self._anchors = anchors
        self._re = re.compile("|".join(pats), re.IGNORECASE) if pats else None

    def _one(self, text: str | None) -> bool:
        if not text or self._re is None:
            return False
        if self._anchors is not None:
            low = text.lower()
            if not any(a in low for a in self._anchors):
                return False
        return self._re.search(unicodedata.normalize("NFC", text)) is not None

    def __call__(self, *texts: str | None) -> bool:
        return any(self._one(t) for t in texts)

    def path(self, rel: str) -> bool:
        return self(rel, _loose(rel))


# ============================================================================================ the database
@contextmanager
def _writer(store: Store) -> Iterator[None]:
    """The store's writer lock, held across statements that cannot run in a transaction (VACUUM).

    `Store` has no public way to hold its lock without opening a transaction, hence the private access."""
    with store._lock:
        yield


@contextmanager
def _secure_delete(store: Store) -> Iterator[None]:
    """Deleted content is overwritten with zeros (this connection only), restored afterwards."""
    with store.db.ensure_autocommit_on():
        before = int(store.db.execute("PRAGMA secure_delete").fetchone()[0])
        store.db.execute("PRAGMA secure_delete=ON")
    try:
        yield
    finally:
        with store.db.ensure_autocommit_on():
            store.db.execute(f"PRAGMA secure_delete={before}")


def _audit_trigger_sql() -> list[str]:
    """The audit log's guard triggers as schema.py creates them (used if the database has lost them)."""
    return [s for s in statements(MIGRATION_1) if s.upper().startswith("CREATE TRIGGER AUDIT_LOG_")]


@contextmanager
def _audit_log_writable(db: Database) -> Iterator[None]:
    """Inside an open transaction: drop the audit log's append-only triggers, and recreate them from the exact
    SQL the database stored before the transaction can commit. If the body fails, the rollback restores them."""
    if not db.conn.in_transaction:
        raise RuntimeError("the audit log can only be opened inside a transaction")
    saved = [(str(n), str(s)) for n, s in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log' "
        "ORDER BY name").fetchall()]
    for name, _ in saved:
        db.execute(f'DROP TRIGGER "{name}"')
    yield
    restore = [sql for _, sql in saved] or _audit_trigger_sql()
    for sql in restore:
        db.execute(sql)
    left = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                      "AND tbl_name = 'audit_log'").fetchone()[0]
    if left < len(restore):
        raise RuntimeError("the audit log's append-only triggers were not restored")


CHECKPOINT_WAIT_MS = 3000


def _checkpoint(store: Store) -> bool:
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


def _scrub(store: Store) -> bool:
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
                store.db.execute("INSERT INTO segments_fts(segments_fts) VALUES ('rebuild')")
        return _checkpoint(store)
    except DB_ERRORS:
        return False


# ============================================================================================ who owns what
# What belongs to a candidate (or to one session) is read from the schema's foreign keys rather than from a
# list of tables, so that a table a later migration adds is covered: a row belongs to the owner when it
# references an owned row through a NOT NULL foreign key, or when every foreign key it has set points at
# owned rows. A row that belongs to someone else but points at an owned row through a nullable key (evidence
# of another session linked to this candidate's claim) is kept and unlinked.
@dataclass(frozen=True)
class _FK:
    table: str
    column: str
    parent: str
    notnull: bool


def _tables(db: Database) -> list[str]:
    """Ordinary tables: not SQLite's, not virtual (FTS) tables or their shadow tables, not the audit log."""
    rows = [(str(n), str(s or "")) for n, s in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall()]
    virtual = [n for n, sql in rows if sql.upper().startswith("CREATE VIRTUAL")]
    return [n for n, _ in rows if n != "audit_log" and n not in virtual
            and not any(n.startswith(v + "_") for v in virtual)]


def _columns(db: Database, table: str) -> dict[str, tuple[str, bool]]:
    """Column name -> (declared type, NOT NULL)."""
    return {str(r[1]): (str(r[2] or "").upper(), bool(r[3])) for r in db.execute(f'PRAGMA table_info("{table}")')}


def _foreign_keys(db: Database) -> list[_FK]:
    out: list[_FK] = []
    for t in _tables(db):
        cols = _columns(db, t)
        out.extend(_FK(t, str(r[3]), str(r[2]), cols.get(str(r[3]), ("", False))[1])
                   for r in db.execute(f'PRAGMA foreign_key_list("{t}")').fetchall())
    return out


def _key(db: Database, table: str) -> str:
    return '"id"' if "id" in _columns(db, table) else "rowid"


def _descendants(fks: Sequence[_FK], root: str) -> set[str]:
    """Tables whose rows can belong to a row of `root`, root included."""
    found, todo = {root}, [root]
    while todo:
        parent = todo.pop()
        for fk in fks:
            if fk.parent == parent and fk.table not in found:
                found.add(fk.table)
                todo.append(fk.table)
    return found


def _owned(db: Database, seeds: dict[str, set[str]]) -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    """Every row that belongs to the seed rows, by table (seeds included), and the (table, column, key) links
    from other rows to them that have to be set to NULL."""
    fks = _foreign_keys(db)
    by_table: dict[str, list[_FK]] = {}
    for fk in fks:
        by_table.setdefault(fk.table, []).append(fk)
    owned: dict[str, set[str]] = {t: set(ids) for t, ids in seeds.items()}
    referring: dict[str, dict[str, dict[str, Any]]] = {}
    changed = True
    while changed:
        changed = False
        for table, tfks in by_table.items():
            key = _key(db, table)
            cols = ", ".join(f'"{fk.column}"' for fk in tfks)
            rows: dict[str, dict[str, Any]] = {}
            for fk in tfks:
                parents = sorted(owned.get(fk.parent, ()))
                for part in _chunks(parents):
                    for r in db.execute(f'SELECT {key}, {cols} FROM "{table}" WHERE "{fk.column}" IN '
                                        f"({_marks(part)})", list(part)).fetchall():
                        rows[str(r[0])] = {fk2.column: r[i + 1] for i, fk2 in enumerate(tfks)}
            referring[table] = rows
            mine = owned.setdefault(table, set())
            for k, values in rows.items():
                if k in mine:
                    continue
                refs = [fk for fk in tfks if values[fk.column] is not None]
                hits = [fk for fk in refs if str(values[fk.column]) in owned.get(fk.parent, ())]
                if any(fk.notnull for fk in hits) or (hits and len(hits) == len(refs)):
                    mine.add(k)
                    changed = True
    unlinks = [(table, fk.column, k)
               for table, rows in referring.items() for k, values in rows.items() if k not in owned.get(table, ())
               for fk in by_table[table]
               if values[fk.column] is not None and str(values[fk.column]) in owned.get(fk.parent, ())]
    return {t: ids for t, ids in owned.items() if ids}, unlinks


# ---------------------------------------------------------------------------------------------- the audit log
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# A segment's audit entries name the segment, not its session; once a re-transcription has replaced the
# segment, the entries are tied to the session only by their text. Shorter texts ("Okay.") are too common.
_MIN_LINK_TEXT = 12


@dataclass
class _Entry:
    id: str
    table: str
    action: str
    row_id: str | None
    old: str | None
    new: str | None
    uuids: set[str]
    texts: set[str]


def _segment_texts(doc: Any) -> set[str]:
    out: set[str] = set()
    if isinstance(doc, dict):
        if isinstance(doc.get("text"), str):
            out.add(doc["text"].strip())
        segments = doc.get("segments")
        if isinstance(segments, list):
            for s in segments:
                if isinstance(s, dict) and isinstance(s.get("text"), str):
                    out.add(s["text"].strip())
    return {t for t in out if len(t) >= _MIN_LINK_TEXT}


def _json(raw: str | None) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _audit_log(db: Database) -> list[_Entry]:
    out = []
    for aid, table, action, row_id, old, new in db.execute(
            "SELECT id, table_name, action, row_id, old, new FROM audit_log ORDER BY at, id").fetchall():
        texts: set[str] = set()
        if table == "segments" or action == "segments.replace":
            texts = _segment_texts(_json(old)) | _segment_texts(_json(new))
        out.append(_Entry(str(aid), str(table), str(action), None if row_id is None else str(row_id), old, new,
                          {u.lower() for u in _UUID.findall(f"{old or ''} {new or ''}")}, texts))
    return out


def _live_ids(db: Database, tables: Iterable[str]) -> set[str]:
    """The ids of every row now in these tables (lower case)."""
    out: set[str] = set()
    for t in tables:
        if "id" in _columns(db, t):
            out.update(str(r[0]).lower() for r in db.execute(f'SELECT id FROM "{t}"'))
    return out


def _entries_about(entries: Sequence[_Entry], *, row_ids: set[str], owned_tables: set[str], texts: set[str],
                   live_ids: set[str], named: Iterable[str] = ()) -> list[_Entry]:
    """The audit entries about the owned rows, including rows deleted long ago: an entry is about them if its
    row is one of them, if its JSON names one of them (or, `named`, one of these entry ids), or if it is about
    a segment that no longer exists and has the text of one of theirs. The row of an entry found joins the
    owned rows when it no longer exists (a claim deleted last month was still the candidate's; a live row of
    someone else stays theirs), until nothing changes. `live_ids`: every id now in `owned_tables`."""
    known = {i.lower() for i in row_ids}
    texts = set(texts)
    flagged = set(named)
    found: dict[str, _Entry] = {}
    changed = True
    while changed:
        changed = False
        for e in entries:
            if e.id in found:
                continue
            hit = (e.id in flagged or (e.row_id is not None and e.row_id.lower() in known) or bool(e.uuids & known)
                   or (e.table == "segments" and (e.row_id or "").lower() not in live_ids
                       and bool(e.texts & texts)))
            if hit:
                found[e.id] = e
                changed = True
                if e.row_id is not None and e.table in owned_tables and e.row_id.lower() not in live_ids:
                    known.add(e.row_id.lower())
                texts |= e.texts
    return [e for e in entries if e.id in found]


def _redact(value: Any, *, all_text: bool = False) -> tuple[Any, bool]:
    """A JSON value with transcript text blanked: values under _TEXT_KEYS at any depth (every string with
    `all_text`). Returns (value, whether anything changed)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        changed = False
        for k, v in value.items():
            if k in _TEXT_KEYS and isinstance(v, str | list | dict) and v:
                out[k] = "" if isinstance(v, str) else [] if isinstance(v, list) else {}
                changed = True
            else:
                out[k], c = _redact(v, all_text=all_text)
                changed = changed or c
        return out, changed
    if isinstance(value, list):
        items = [_redact(v, all_text=all_text) for v in value]
        return [v for v, _ in items], any(c for _, c in items)
    if all_text and isinstance(value, str) and value:
        return "", True
    return value, False


def _text_cells(db: Database, mentions: _Mentions, skip: dict[str, set[str]]) -> list[dict[str, str]]:
    """Text cells of every table (but the audit log and the rows in `skip`) that mention the candidate."""
    out: list[dict[str, str]] = []
    for table in _tables(db):
        cols = [c for c, (typ, _) in _columns(db, table).items() if typ in ("TEXT", "")]
        if not cols:
            continue
        key = _key(db, table)
        mine = skip.get(table, set())
        sel = ", ".join(f'"{c}"' for c in cols)
        for r in db.execute(f'SELECT {key}, {sel} FROM "{table}"'):
            k = str(r[0])
            if k in mine:
                continue
            for c, v in zip(cols, r[1:], strict=True):
                if isinstance(v, str) and mentions(v):
                    out.append({"table": table, "id": k, "column": c, "text": v})
    return out


# ============================================================================================ retention
@dataclass(frozen=True)
class RetentionPolicy:
    """How long a data dir keeps what it records; None means forever."""

    audio_days: int | None = None
    transcript_days: int | None = None

    def to_dict(self) -> dict[str, int | None]:
        return {"audio_days": self.audio_days, "transcript_days": self.transcript_days}

    def describe(self) -> str:
        def one(what: str, days: int | None) -> str:
            return f"{what} kept forever" if days is None else f"{what} deleted {days} day(s) after the session"
        return f"{one('audio', self.audio_days)}; {one('transcripts', self.transcript_days)}"


MAX_RETENTION_DAYS = 36_500  # a hundred years: longer is 'forever'


def policy_path(data_dir: DataDir | Path) -> Path:
    return _dd(data_dir).root / POLICY_FILE


def load_policy(data_dir: DataDir | Path) -> RetentionPolicy:
    """The data dir's policy; an absent file keeps everything forever. A malformed one is a UserError."""
    path = policy_path(data_dir)
    if not path.exists():
        return RetentionPolicy()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot be read: {exc}", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"is not valid TOML: {exc}", path=path) from None
    unknown = sorted(set(data) - {"audio_days", "transcript_days"})
    if unknown:
        raise UserError(f"unknown setting(s) {', '.join(unknown)} (known: audio_days, transcript_days)",
                        path=path)
    values: dict[str, int | None] = {}
    for key in ("audio_days", "transcript_days"):
        v = data.get(key)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            raise UserError(f"{key} must be a whole number of days (0 or more), not {v!r}", path=path)
        # Repaired, not refused: an older version saved any number, and more days than a century keep
        # everything exactly as 'forever' does (nothing of it can expire).
        values[key] = None if v is not None and v > MAX_RETENTION_DAYS else v
    return RetentionPolicy(audio_days=values["audio_days"], transcript_days=values["transcript_days"])


def save_policy(data_dir: DataDir | Path, policy: RetentionPolicy) -> Path:
    for key, v in policy.to_dict().items():
        if v is not None and (isinstance(v, bool) or not 0 <= v <= MAX_RETENTION_DAYS):
            raise UserError(f"{key} must be a whole number of days from 0 to {MAX_RETENTION_DAYS}, not {v!r}")
    lines = ["# Interviewer retention policy. Apply it with `interviewer retention --apply`.",
             "# A missing setting keeps that data forever."]
    for key, what in (("audio_days", "audio files"), ("transcript_days", "transcripts, notes and ratings")):
        v = policy.to_dict()[key]
        lines.append(f"# {key}: {what} are deleted this many days after the session started")
        lines.append(f"{key} = {v}" if v is not None else f"# {key} = 30")
    path = policy_path(data_dir)
    _write_private(path, "\n".join(lines) + "\n")
    return path


@dataclass
class RetentionAction:
    """What retention did (or would do) to one session."""

    session_id: str
    candidate: str
    started_at: str
    audio_files: list[str] = field(default_factory=list)
    transcript: bool = False
    segments: int = 0
    evidence: int = 0
    ratings: int = 0
    notes: int = 0
    audit_redacted: int = 0
    exports: list[str] = field(default_factory=list)  # files in the data dir holding the transcript
    errors: list[str] = field(default_factory=list)

    @property
    def audio(self) -> bool:
        return bool(self.audio_files)

    @property
    def what(self) -> list[str]:
        return [w for w, on in (("audio", self.audio), ("transcript", self.transcript)) if on]

    def to_dict(self) -> dict[str, Any]:
        return {"session_id": self.session_id, "candidate": self.candidate, "started_at": self.started_at,
                "what": self.what, "audio_files": list(self.audio_files), "segments": self.segments,
                "evidence": self.evidence, "ratings": self.ratings, "notes": self.notes,
                "audit_redacted": self.audit_redacted, "exports": list(self.exports),
                "errors": list(self.errors)}


@dataclass
class RetentionReport:
    policy: RetentionPolicy
    now: str
    dry_run: bool
    actions: list[RetentionAction] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    scrubbed: bool = True

    @property
    def errors(self) -> list[str]:
        return [e for a in self.actions for e in a.errors]

    def to_dict(self) -> dict[str, Any]:
        return {"policy": self.policy.to_dict(), "now": self.now, "dry_run": self.dry_run,
                "sessions": [a.to_dict() for a in self.actions], "skipped": list(self.skipped),
                "totals": {"sessions": len(self.actions),
                           "audio_files": sum(len(a.audio_files) for a in self.actions),
                           "segments": sum(a.segments for a in self.actions),
                           "evidence": sum(a.evidence for a in self.actions),
                           "ratings": sum(a.ratings for a in self.actions),
                           "notes": sum(a.notes for a in self.actions),
                           "exports": sum(len(a.exports) for a in self.actions)},
                "errors": self.errors, "scrubbed": self.scrubbed}


def _due(started: datetime, days: int | None, now: datetime) -> bool:
    return days is not None and now >= started + timedelta(days=days)


def apply_retention(store: Store, data_dir: DataDir | Path, *, now: datetime, dry_run: bool,
                    policy: RetentionPolicy | None = None) -> RetentionReport:
    """Delete what the policy says has expired (or, with `dry_run`, only say what that would be).

    Applying (not a dry run) always ends by compacting the database, so the bytes of anything deleted before,
    by this run or an erasure that could not compact, leave the file too."""
    dd = _dd(data_dir)
    policy = policy if policy is not None else load_policy(dd)
    now = _aware(now)
    report = RetentionReport(policy=policy, now=now.astimezone(UTC).isoformat(timespec="seconds"),
                             dry_run=dry_run)
    keep_all = policy.audio_days is None and policy.transcript_days is None
    texts: dict[Path, str] | None = None

    def copies_of(sid: str) -> list[Path]:
        """Files written in the data dir (exports, bundles) that hold this session's transcript: its id, or the
        text of one of its segments, evidence quotes or spoken consent (whitespace and case aside)."""
        nonlocal texts
        if texts is None:
            texts = {}
            for path in user_files(dd):
                if path.is_symlink():
                    continue
                with suppress(OSError, UserError):
                    texts[path] = " ".join(_file_text(path, store.vault).split()).casefold()
        needles = {sid.casefold()} | {" ".join(str(t).split()).casefold() for (t,) in store.db.execute(
            "SELECT text FROM segments WHERE session_id = ? UNION SELECT quote FROM evidence WHERE session_id = ? "
            "UNION SELECT spoken_quote FROM consents WHERE session_id = ?", [sid, sid, sid]) if t}
        needles = {n for n in needles if len(n) >= _MIN_LINK_TEXT}
        return [p for p, text in texts.items() if any(n in text for n in needles)]

    with _writer(store):
        rows = [] if keep_all else list(store.db.query(
            "SELECT s.id, c.name AS candidate, s.status, s.started_at, s.audio_path, s.audio_path2 "
            "FROM sessions s JOIN candidates c ON c.id = s.candidate_id ORDER BY s.started_at, s.id"))
        todo: list[tuple[RetentionAction, dict[str, Path]]] = []
        for r in rows:
            try:
                started = _parse_time(r["started_at"])
            except (TypeError, ValueError):
                report.skipped.append({"session_id": r["id"], "candidate": r["candidate"],
                                       "reason": f"unreadable start time {r['started_at']!r}"})
                continue
            tracks = {k: p for k in ("audio_path", "audio_path2") if (p := _resolve(store, r[k])) is not None}
            audio_due = _due(started, policy.audio_days, now) and bool(tracks)
            transcript_due = _due(started, policy.transcript_days, now)
            counts = _transcript(store.db, r["id"]) if transcript_due else {}
            copies = copies_of(r["id"]) if transcript_due else []
            text_due = any(counts.values()) or bool(copies)
            if not (audio_due or text_due):
                continue
            if r["status"] == "recording" or _is_locked(dd.audio_dir / f"{r['id']}.lock"):
                report.skipped.append({"session_id": r["id"], "candidate": r["candidate"],
                                       "reason": "recording in progress"})
                continue
            action = RetentionAction(session_id=r["id"], candidate=r["candidate"], started_at=r["started_at"])
            if audio_due:
                action.audio_files = [_rel(p, dd.root) for p in tracks.values()]
            if text_due:
                action.transcript = True
                action.segments, action.evidence = counts["segments"], counts["evidence"]
                action.ratings, action.notes = counts["ratings"], counts["notes"]
                action.exports = [_rel(p, dd.root) for p in copies]
            todo.append((action, tracks if audio_due else {}))
            report.actions.append(action)
        if dry_run:
            return report
        with _secure_delete(store):
            entries: list[_Entry] = []
            tables: set[str] = set()
            live_ids: set[str] = set()
            if any(a.transcript for a, _ in todo):
                entries = _audit_log(store.db)
                tables = _descendants(_foreign_keys(store.db), "sessions")
                live_ids = _live_ids(store.db, tables)
            for action, tracks in todo:
                if tracks:
                    _expire_audio(store, dd, action, tracks)
                if action.transcript:
                    _expire_copies(dd, action)
                    _expire_transcript(store, action, entries, tables, live_ids)
            if any(a.transcript for a, _ in todo):
                # Merge the FTS index so deleted terms leave it, then rewrite the file: pages freed earlier
                # (FTS merges, undone evidence) may still hold the text if secure_delete was off then.
                with store.atomic():
                    store.db.execute("INSERT INTO segments_fts(segments_fts) VALUES ('optimize')")
            report.scrubbed = _scrub(store)
        if todo and (dd.root / "backups").is_dir():
            # Database backups still hold what just expired; they go (a fresh one is made at the next start).
            for p in sorted((dd.root / "backups").iterdir()):
                with suppress(OSError):
                    _shred(p)
    return report


def _expire_copies(dd: DataDir, action: RetentionAction) -> None:
    """Remove the exports and bundles in the data dir that hold the expired transcript."""
    removed = []
    for rel in action.exports:
        path = dd.root / rel
        try:
            if path.exists() or path.is_symlink():
                _shred(path)
            removed.append(rel)
        except OSError as exc:
            action.errors.append(f"{rel}: {exc.strerror or exc}")
    action.exports = removed
    _remove_empty_parents([dd.root / r for r in removed if _inside(dd.root / r, dd.exports_dir)], dd.exports_dir)


def _expire_audio(store: Store, dd: DataDir, action: RetentionAction, tracks: dict[str, Path]) -> None:
    cleared: dict[str, str] = {}
    for key, path in tracks.items():
        if not _inside(path, dd.root):
            action.errors.append(f"{path}: outside the data directory, not removed")
            continue
        try:
            if path.exists() or path.is_symlink():
                _shred(path)
            cleared[key] = _rel(path, dd.root)
        except OSError as exc:
            action.errors.append(f"{_rel(path, dd.root)}: {exc.strerror or exc}")
    lock = dd.audio_dir / f"{action.session_id}.lock"
    with suppress(OSError):
        lock.unlink(missing_ok=True)
    action.audio_files = [f for f in action.audio_files if f in cleared.values()]
    if not cleared:
        return
    with store.atomic():
        store.t("sessions").update(action.session_id, dict.fromkeys(cleared))
        store.audit(RETENTION_ACTOR, "retention.audio", "sessions", action.session_id,
                    old=dict(cleared), new=dict.fromkeys(cleared))


def _transcript(db: Database, sid: str, *, delete: bool = False) -> dict[str, int]:
    """What a session holds of what was said: segments and ratings (deleted), evidence quotes and notes, the
    session's notes, failure stories and scenario quotes (blanked). Counts them, or with `delete` removes them
    and counts what was removed. Tables and columns a schema lacks are skipped."""
    tables = set(_tables(db))

    def run(count_sql: str, change_sql: str, args: list[str]) -> int:
        if delete:
            return int(db.execute(change_sql, args).rowcount)
        return int(db.execute(count_sql, args).fetchone()[0])

    out = {"segments": run("SELECT count(*) FROM segments WHERE session_id = ?",
                           "DELETE FROM segments WHERE session_id = ?", [sid]),
           "evidence": run("SELECT count(*) FROM evidence WHERE session_id = ? AND (quote != '' OR note != '')",
                           "UPDATE evidence SET quote = '', note = '' WHERE session_id = ? "
                           "AND (quote != '' OR note != '')", [sid]),
           "ratings": run("SELECT count(*) FROM ratings WHERE session_id = ?",
                          "DELETE FROM ratings WHERE session_id = ?", [sid])}
    if {"call_ratings", "judgment_calls"} <= tables:  # scores of judgment calls carry written reasons too
        where = "call_id IN (SELECT id FROM judgment_calls WHERE session_id = ?)"
        out["ratings"] += run(f"SELECT count(*) FROM call_ratings WHERE {where}",
                              f"DELETE FROM call_ratings WHERE {where}", [sid])
    notes = 0
    if "notes" in _columns(db, "sessions"):
        notes += run("SELECT count(*) FROM sessions WHERE id = ? AND notes != ''",
                     "UPDATE sessions SET notes = '' WHERE id = ? AND notes != ''", [sid])
    if "failure_stories" in tables:
        notes += run("SELECT count(*) FROM failure_stories WHERE session_id = ? AND fields NOT IN ('{}', '')",
                     "UPDATE failure_stories SET fields = '{}' WHERE session_id = ? AND fields NOT IN ('{}', '')",
                     [sid])
    if "spoken_quote" in _columns(db, "consents"):  # the words of a spoken consent are what was said
        notes += run("SELECT count(*) FROM consents WHERE session_id = ? AND coalesce(spoken_quote, '') != ''",
                     "UPDATE consents SET spoken_quote = '' WHERE session_id = ? "
                     "AND coalesce(spoken_quote, '') != ''", [sid])
    if {"constraint_ticks", "scenario_uses"} <= tables:
        where = "quote != '' AND scenario_use_id IN (SELECT id FROM scenario_uses WHERE session_id = ?)"
        notes += run(f"SELECT count(*) FROM constraint_ticks WHERE {where}",
                     f"UPDATE constraint_ticks SET quote = '' WHERE {where}", [sid])
    out["notes"] = notes
    return out


def _expire_transcript(store: Store, action: RetentionAction, entries: Sequence[_Entry], tables: set[str],
                       live_ids: set[str]) -> None:
    sid = action.session_id
    db = store.db
    with store.atomic():
        owned, _ = _owned(db, {"sessions": {sid}})
        # The session's consent records belong to the candidate too (so `_owned` leaves them), but their spoken
        # quote is what was said in this session: the entries about them lose it as well.
        consents = {str(c) for (c,) in db.execute("SELECT id FROM consents WHERE session_id = ?", [sid])}
        texts = {str(t).strip() for (t,) in db.execute("SELECT text FROM segments WHERE session_id = ?", [sid])}
        about = _entries_about(
            entries, row_ids=set().union(*owned.values()) | consents, owned_tables=tables,
            texts={t for t in texts if len(t) >= _MIN_LINK_TEXT}, live_ids=live_ids,
            named=[e.id for e in entries if sid in f"{e.old} {e.new}"])
        # Copies of the text in the audit log: the entries about this session's rows lose their text.
        updates: list[tuple[str | None, str | None, str]] = []
        for e in about:
            olds, changed = [], False
            for raw in (e.old, e.new):
                doc = _json(raw)
                red, c = _redact(doc, all_text=e.table == "failure_stories")
                changed = changed or c
                olds.append(raw if not c else json.dumps(red, ensure_ascii=False, sort_keys=True))
            if changed:
                e.old, e.new = olds
                updates.append((e.old, e.new, e.id))
        if updates:
            with _audit_log_writable(db):
                db.conn.executemany("UPDATE audit_log SET old = ?, new = ? WHERE id = ?", updates)
        action.audit_redacted = len(updates)
        counts = _transcript(db, sid, delete=True)
        action.segments, action.evidence = counts["segments"], counts["evidence"]
        action.ratings, action.notes = counts["ratings"], counts["notes"]
        store.audit(RETENTION_ACTOR, "retention.transcript", "sessions", sid,
                    new={"segments_deleted": counts["segments"], "evidence_blanked": counts["evidence"],
                         "ratings_deleted": counts["ratings"], "notes_blanked": counts["notes"],
                         "audit_entries_redacted": len(updates)})


# ============================================================================================ erasure
def match_candidates(store: Store, name: str) -> list[dict[str, Any]]:
    """Candidates whose name equals `name`, ignoring case, surrounding and repeated spaces and Unicode form.

    The store creates one candidate per name, so there is normally one; name variants that only differ in
    non-ASCII case are the same person to the user, and are all returned. UserError if none."""
    if not name.split():
        raise UserError("give the candidate's name")
    rows = store.candidates_named(name)
    if not rows:
        raise UserError(f"no candidate named {name.strip()!r} (names are matched exactly, ignoring case)")
    return rows


@dataclass
class ErasureReport:
    erasure_id: str
    candidates: int
    rows: dict[str, int]
    audit_entries: int
    files: list[str]
    not_removed: list[str]
    scrubbed: bool
    mentions_left: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"erasure_id": self.erasure_id, "candidates": self.candidates, "rows": dict(self.rows),
                "audit_entries_removed": self.audit_entries, "files_removed": list(self.files),
                "not_removed": list(self.not_removed), "scrubbed": self.scrubbed,
                "mentions_left": list(self.mentions_left)}


@dataclass
class _Subject:
    """One person's rows, as the schema's foreign keys and the audit log tie them together."""

    candidates: list[dict[str, Any]]
    owned: dict[str, set[str]]
    unlinks: list[tuple[str, str, str]]
    audit: list[_Entry]
    mentions: _Mentions  # their ids, names and email
    names: _Mentions  # their names and email only

    @property
    def sessions(self) -> list[str]:
        return sorted(self.owned.get("sessions", ()))


def _subject(store: Store, name: str) -> _Subject:
    db = store.db
    cands = match_candidates(store, name)
    cids = [str(c["id"]) for c in cands]
    owned, unlinks = _owned(db, {"candidates": set(cids)})
    names = [str(c["name"]) for c in cands] + [str(c["email"]) for c in cands if c.get("email")]
    mentions = _Mentions(cids + sorted(owned.get("sessions", ())) + sorted(owned.get("claims", ())), names)
    entries = _audit_log(db)
    sids = sorted(owned.get("sessions", ()))
    texts: set[str] = set()
    for part in _chunks(sids):
        texts.update(str(t).strip() for (t,) in db.execute(
            f"SELECT text FROM segments WHERE session_id IN ({_marks(part)})", list(part)))
    tables = _descendants(_foreign_keys(db), "candidates")
    audit = _entries_about(
        entries, row_ids=set().union(*owned.values()), owned_tables=tables,
        texts={t for t in texts if len(t) >= _MIN_LINK_TEXT}, live_ids=_live_ids(db, tables),
        named=[e.id for e in entries if mentions(e.old, e.new)])
    return _Subject(cands, owned, unlinks, audit, mentions, _Mentions([], names))


def erase_candidate(store: Store, data_dir: DataDir | Path, name: str) -> ErasureReport:
    """Remove every trace of the candidate called `name`; see the module docstring.

    Files go first: if one cannot be removed nothing is erased from the database, and running the erasure
    again after fixing the cause finishes it. Refuses (UserError) while one of their sessions is recording."""
    dd = _dd(data_dir)
    db = store.db
    with _writer(store):
        subject = _subject(store, name)
        sids = subject.sessions
        live = [s for s in sids if _is_locked(dd.audio_dir / f"{s}.lock")]
        if live:
            raise UserError(f"session {live[0][:8]} of this candidate is recording right now: stop it, then erase")

        # ---- files: audio tracks, anything in audio/ named after a session, exports that mention them
        files: dict[Path, None] = {}
        not_removed: list[str] = []
        for part in _chunks(sids):
            for s in store.t("sessions").rows_where(f"id IN ({_marks(part)})", list(part)):
                for key in ("audio_path", "audio_path2"):
                    p = _resolve(store, s.get(key))
                    if p is None:
                        continue
                    if _inside(p, dd.root):
                        files[p] = None
                    elif p.exists():
                        not_removed.append(f"{p} (outside the data directory)")
        if dd.audio_dir.is_dir():
            for p in sorted(dd.audio_dir.iterdir()):
                if any(p.name.startswith(s) for s in sids) and not p.is_dir():
                    files[p] = None
        for p in _mentioning_files(dd, subject.mentions, store.vault):  # exports, bundles, any copy written here
            files[p] = None
        # Automatic database backups hold the candidate as they were: they go too (a new one is made later).
        if (dd.root / "backups").is_dir():
            for p in sorted((dd.root / "backups").iterdir()):
                if p.is_file():
                    files[p] = None
        for c in subject.candidates:
            resume = Path(c["resume_path"]) if c.get("resume_path") else None
            if resume is not None and resume.exists():
                if _inside(resume, dd.root):
                    files[resume] = None
                else:
                    not_removed.append(f"{resume} (their resume, outside the data directory)")
        removed: list[str] = []
        for p in files:
            if not (p.exists() or p.is_symlink()):
                continue
            try:
                _shred(p)
            except OSError as exc:
                raise UserError(f"cannot remove {p}: {exc.strerror or exc}; nothing was erased from the "
                                f"database yet. Fix this and erase again") from None
            removed.append(_rel(p, dd.root))
        _remove_empty_parents([p for p in files if _inside(p, dd.exports_dir)], dd.exports_dir)

        # ---- the database, in one transaction, then no deleted bytes left in free pages or the WAL
        erasure_id = secrets.token_hex(8)
        counts: dict[str, int] = {}
        with _secure_delete(store):
            with store.atomic():
                db.execute("PRAGMA defer_foreign_keys=ON")  # checked at commit: the order of deletes is free
                if subject.audit:
                    with _audit_log_writable(db):
                        ids = [e.id for e in subject.audit]
                        for part in _chunks(ids):
                            db.execute(f"DELETE FROM audit_log WHERE id IN ({_marks(part)})", list(part))
                for table, column, k in subject.unlinks:
                    db.execute(f'UPDATE "{table}" SET "{column}" = NULL WHERE {_key(db, table)} = ?', [k])
                for table, keys in subject.owned.items():
                    n = 0
                    for part in _chunks(sorted(keys)):
                        n += db.execute(f'DELETE FROM "{table}" WHERE {_key(db, table)} IN ({_marks(part)})',
                                        list(part)).rowcount
                    counts[table] = n
                # The FTS5 index keeps deleted terms in old segments until they are merged: rebuild it.
                db.execute("INSERT INTO segments_fts(segments_fts) VALUES ('rebuild')")
                left = _text_cells(db, subject.names, {})
                store.audit(ERASURE_ACTOR, "candidate.erase", "candidates", None,
                            new={"erasure_id": erasure_id, "rows": counts, "audit_entries": len(subject.audit),
                                 "files": len(removed), "unlinked": len(subject.unlinks)})
            scrubbed = _scrub(store)
    return ErasureReport(erasure_id=erasure_id, candidates=len(subject.candidates), rows=counts,
                         audit_entries=len(subject.audit), files=removed, not_removed=not_removed,
                         scrubbed=scrubbed,
                         mentions_left=[f"{m['table']} {m['id']} {m['column']}" for m in left])


# What the app itself keeps in the data dir; every other file there is something a user wrote (an export, a
# bundle, a PDF, a copy): erasure and retention look inside those.
_APP_FILES = {"encryption.json", POLICY_FILE}
_APP_DIRS = {"audio", "backups", "kits"}
_MAX_TEXT_MEMBER = 256 << 20


def user_files(data_dir: DataDir | Path) -> list[Path]:
    """Files in the data dir that the app does not keep for itself: exports, bundles and copies written there
    (the database and its journals, recordings, backups, kits, the key and policy files are not; nor are
    temporary files, which the next start sweeps)."""
    dd = _dd(data_dir)
    db = dd.db_path.name
    out: list[Path] = []
    if not dd.root.is_dir():
        return out
    for path in sorted(dd.root.rglob("*")):
        rel = path.relative_to(dd.root)
        if rel.parts[0] in _APP_DIRS or (path.is_dir() and not path.is_symlink()):
            continue
        if len(rel.parts) == 1 and (path.name in _APP_FILES or path.name.startswith(db)):
            continue
        if path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX):
            continue
        out.append(path)
    return out


def _file_text(path: Path, vault: Vault | None) -> str:
    """The text a file holds, for finding what it is about: a zip's (a bundle's) members but its audio, a PDF's
    extracted text, else its bytes as UTF-8; sealed files are read through the vault. OSError or UserError when
    it cannot be read."""
    sealed = is_sealed(path)
    with (vault.reader(path) if sealed and vault is not None else path.open("rb")) as f:
        if sealed and vault is None:
            raise UserError("is encrypted", path=path)
        head = f.read(8)
        f.seek(0)
        if head[:4] == b"PK\x03\x04":
            try:
                with zipfile.ZipFile(f) as z:
                    return "\n".join(z.read(i).decode("utf-8", errors="replace") for i in z.infolist()
                                     if not i.filename.startswith("audio/") and i.file_size <= _MAX_TEXT_MEMBER)
            except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, RuntimeError):
                f.seek(0)
        raw = f.read(_MAX_TEXT_MEMBER + 1)
        if len(raw) > _MAX_TEXT_MEMBER:
            raise UserError("is too large to look inside", path=path)
    text = raw.decode("utf-8", errors="replace")
    if head[:5] == b"%PDF-":
        from interviewer.notes.claims.reader import _pdf_text  # the hardened reader for untrusted PDFs

        text += "\n" + _pdf_text(raw, path)
    return text


def _mentioning_files(data_dir: DataDir, mentions: _Mentions, vault: Vault | None = None) -> list[Path]:
    """Files users wrote in the data dir (`user_files`) whose path or text mentions the candidate."""
    found: list[Path] = []
    for path in user_files(data_dir):
        rel = path.relative_to(data_dir.root).as_posix()
        if mentions.path(rel.removeprefix("exports/")):
            found.append(path)
            continue
        if path.is_symlink():
            continue
        try:
            text = _file_text(path, vault)
        except (OSError, UserError):
            found.append(path)  # cannot tell: removing is the safe side
            continue
        if mentions(text):
            found.append(path)
    return found


def _remove_empty_parents(removed: Iterable[Path], top: Path) -> None:
    """Folders under `top` left empty by removing these files go too (`top` stays)."""
    top = top.resolve()
    for f in removed:
        d = f.resolve().parent
        while d != top and top in d.parents:
            try:
                d.rmdir()  # only succeeds when empty
            except OSError:
                break
            d = d.parent


# ============================================================================================ subject access


# ============================================================================================ subject access
# Tables `Store.export_session` and the candidate part of candidate.json already give in full.
_EXPORTED = {"candidates", "sessions", "claims", "segments", "evidence", "ratings", "consents", "probe_asks",
             "judgment_calls", "call_ratings"}


def access_candidate(store: Store, data_dir: DataDir | Path, name: str, out_dir: Path) -> Path:
    """Write everything held on the candidate into `out_dir` (new or empty): `candidate.json` and copies of
    their audio under `audio/`. Returns the path of `candidate.json`.

    candidate.json: `candidates` (each with its row, claims, consents and every session as
    `Store.export_session` gives it), `other_records` (their rows in any other table), `audit_log` (the entries
    about their rows), `mentioned_elsewhere` (other rows whose text names them), `audio` (the copied files)."""
    dd = _dd(data_dir)
    out_dir = Path(out_dir)
    if out_dir.exists():
        if not out_dir.is_dir():
            raise UserError("exists and is not a directory", path=out_dir)
        if any(out_dir.iterdir()):
            raise UserError("is not empty; give a new or empty directory", path=out_dir)
    db = store.db
    with _writer(store):
        subject = _subject(store, name)
        wanted = {e.id for e in subject.audit}
        audit = [dict(r) for r in store.t("audit_log").rows_where(order_by="at, id") if r["id"] in wanted]
        for entry in audit:
            for k in ("old", "new"):
                parsed = _json(entry[k])
                if parsed is not None:
                    entry[k] = parsed
        people: list[dict[str, Any]] = []
        copies: list[tuple[Path, Path]] = []
        audio_index: list[dict[str, Any]] = []
        for c in subject.candidates:
            sids = [str(r[0]) for r in db.execute(
                "SELECT id FROM sessions WHERE candidate_id = ? ORDER BY started_at, id", [c["id"]])]
            sessions = [store.export_session(s) for s in sids]
            for export in sessions:
                s = export["session"]
                sid = str(s["id"])
                for track, key in enumerate(("audio_path", "audio_path2"), 1):
                    item: dict[str, Any] = {"session_id": sid, "track": track, "file": None}
                    try:
                        src = data_path(store.root, s.get(key), what=f"recording of session {sid[:8]}")
                    except OutsideDataDirError as exc:  # never copied out: it is not this data dir's file
                        audio_index.append({**item, "refused": str(exc)})
                        continue
                    if src is None:
                        continue
                    if src.is_file():
                        dest = Path("audio") / (src.name if src.name.startswith(sid) else f"{sid}-{src.name}")
                        copies.append((src, out_dir / dest))
                        item["file"] = dest.as_posix()
                    else:
                        item["missing"] = str(src)
                    audio_index.append(item)
            consents = list(store.t("consents").rows_where("candidate_id = ?", [c["id"]],
                                                           order_by="confirmed_at"))
            people.append({"candidate": dict(c), "claims": store.claims(str(c["id"])), "consents": consents,
                           "sessions": sessions})
        others: dict[str, list[dict[str, Any]]] = {}
        for table, keys in sorted(subject.owned.items()):
            if table in _EXPORTED:
                continue
            key = _key(db, table)
            rows: list[dict[str, Any]] = []
            for part in _chunks(sorted(keys)):
                rows += [dict(r) for r in db.query(f'SELECT * FROM "{table}" WHERE {key} IN ({_marks(part)})',
                                                   list(part))]
            others[table] = rows
        elsewhere = _text_cells(db, subject.names, subject.owned)
    data = {"format": ACCESS_FORMAT, "version": 1,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "name": name.strip(), "candidates": people, "other_records": others, "audit_log": audit,
            "mentioned_elsewhere": elsewhere, "audio": audio_index, "retention": load_policy(dd).to_dict()}
    out_dir.mkdir(parents=True, exist_ok=True)
    if copies:
        (out_dir / "audio").mkdir(exist_ok=True)
    for src, dest in copies:  # the recording as it was made: decrypted when the data dir is encrypted
        if store.vault is not None and is_sealed(src):
            write_file(store.vault, dest, read_file(store.vault, src))
        else:
            shutil.copyfile(src, dest)
    target = out_dir / "candidate.json"
    _write_private(target, json.dumps(data, ensure_ascii=False, indent=1, default=str))
    restrict_permissions(out_dir)
    return target


# ============================================================================================ permissions
def restrict_permissions(data_dir: DataDir | Path) -> int:
    """Owner-only access: directories 0700, files 0600, recursively (POSIX only; symlinks are not followed).
    Returns how many entries were changed."""
    if os.name != "posix":
        return 0
    root = _dd(data_dir).root
    changed = 0

    def fix(path: Path, mode: int) -> None:
        nonlocal changed
        if path.is_symlink():
            return
        try:
            if path.stat().st_mode & 0o777 != mode:
                path.chmod(mode)
                changed += 1
        except OSError:
            pass

    if not root.is_dir():
        return 0
    fix(root, 0o700)
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        for d in dirnames:
            fix(base / d, 0o700)
        for f in filenames:
            fix(base / f, 0o600)
    return changed


__all__ = [
    "ACCESS_FORMAT", "POLICY_FILE", "ErasureReport", "RetentionAction", "RetentionPolicy", "RetentionReport",
    "access_candidate", "apply_retention", "erase_candidate", "load_policy", "match_candidates", "policy_path",
    "restrict_permissions", "save_policy", "user_files",
]
