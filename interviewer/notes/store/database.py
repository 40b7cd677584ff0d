"""The session store: one SQLite file, one writer.

* Every write goes through this object, which serialises them with a lock, so a store shared by the
  transcriber thread and the UI thread still has exactly one writer at a time.
* The schema is versioned with `PRAGMA user_version` (see `schema.py`); migrations run in one
  transaction each.
* WAL journal with `synchronous=FULL`: a committed segment survives a killed process and a power cut.
* A file that is not SQLite, is damaged, or comes from a newer version is refused before anything is
  written to it.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.db import Table

from interviewer.core.errors import DatabaseError, UserError
from interviewer.core.files import OutsideDataDirError, data_path, private_dir
from interviewer.core.transcript import Segment, Word, words_in_range
from interviewer.core.vault import EncryptionError, PassphraseRequiredError, Vault, is_encrypted
from interviewer.notes.prompts.kits import Kit
from interviewer.notes.store.schema import MAX_TIME_S, MIGRATIONS, SCHEMA_VERSION

try:  # SQLCipher, for encrypted data dirs (`interviewer init --encrypt`)
    from sqlcipher3 import dbapi2 as _sqlcipher

    DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, _sqlcipher.Error)
    _CORRUPT: tuple[type[Exception], ...] = (sqlite3.DatabaseError, _sqlcipher.DatabaseError)
except ImportError:  # pragma: no cover - a platform without a sqlcipher3 wheel: plain data dirs only
    _sqlcipher = None
    DB_ERRORS = (sqlite3.Error,)
    _CORRUPT = (sqlite3.DatabaseError,)

SQLITE_HEADER = b"SQLite format 3\x00"
CLAIM_STATUSES = ("unprobed", "probing", "verified", "contradicted", "vague")
SESSION_STATUSES = ("recording", "paused", "complete", "recovered", "failed")
POLARITIES = ("supports", "concern")
CALL_KINDS = ("probe", "scenario")
ANSWER_WINDOW_S = 90.0  # a call without an end: its answer runs until the next call, at most this long
CONSENT_METHODS = ("verbal", "written")
DEFAULT_NOTICE_VERSION = "2026-11"
DEFAULT_NOTICE = (
    "This interview is recorded and transcribed on this computer, without any cloud service, so that "
    "the interviewers can review what was said. The recording, transcript and notes are used only to "
    "assess this application, are kept no longer than the hiring team's retention policy, and can be "
    "erased on request."
)

Clock = Callable[[], datetime]


def check_time(value: object, what: str = "a time") -> float:
    """A moment in a recording, in seconds: finite, from 0 to MAX_TIME_S (a week), else a UserError."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise UserError(f"{what} must be a finite number of seconds, not {value!r}")
    if not 0 <= value <= MAX_TIME_S:
        raise UserError(f"{what} must be between 0 and {MAX_TIME_S:.0f} seconds, not {value:g}")
    return float(value)


def check_range(start: object, end: object) -> tuple[float, float]:
    """A time range of a recording: both ends valid (see `check_time`) and `end` not before `start`. A range
    reaching back before the recording began (the last 20 s, 5 s in) starts at 0."""
    if isinstance(start, int | float) and not isinstance(start, bool) and -MAX_TIME_S <= start < 0:
        start = 0.0
    s, e = check_time(start, "the start"), check_time(end, "the end")
    if e < s:
        raise UserError(f"evidence ends ({e:g}) before it starts ({s:g})")
    return s, e


def normal_name(name: str) -> str:
    """A person's or role's name as stored and looked up: NFC (one spelling for "Zoë" composed or not), trimmed."""
    return unicodedata.normalize("NFC", name).strip()


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


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


def _dumps(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


class Store:
    """All reads and writes of one data directory's database."""

    def __init__(self, path: Path | str, *, clock: Clock = utc_now, verify: bool = True,
                 migrate_to: int = SCHEMA_VERSION, vault: Vault | None = None) -> None:
        self.path = Path(path)
        self.root = self.path.parent
        self._clock = clock
        self._lock = threading.RLock()
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

    def daily_backup(self, keep: int = 3) -> Path | None:
        """Once a day (at the first open), a backup next to the database; the newest `keep` are kept."""
        folder = self.path.parent / "backups"
        today = self._clock().astimezone(UTC).strftime("%Y%m%d")
        target = folder / f"{self.path.stem}-{today}.sqlite3"
        if target.exists() or not self.t("sessions").count:
            return None
        self.backup(target)
        for old in sorted(folder.glob(f"{self.path.stem}-*.sqlite3"))[:-keep]:
            old.unlink(missing_ok=True)
        return target

    # ------------------------------------------------------------------ lifecycle
    def _restrict_permissions(self) -> None:
        if os.name != "posix":
            return
        for p in (self.path, self.path.with_name(self.path.name + "-wal"),
                  self.path.with_name(self.path.name + "-shm")):
            if p.exists():
                p.chmod(0o600)

    @property
    def user_version(self) -> int:
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
            with suppress(*DB_ERRORS):
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def atomic(self) -> Iterator[Database]:
        """One transaction, under the writer lock."""
        with self._lock, self.db.atomic() as db:
            yield db

    def now(self) -> str:
        return self._clock().astimezone(UTC).isoformat(timespec="milliseconds")

    def t(self, name: str) -> Table:
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
                "old": None if old is None else _dumps(old), "new": None if new is None else _dumps(new),
            })

    def audit_entries(self, row_id: str | None = None) -> list[dict[str, Any]]:
        where, args = ("row_id = ?", [row_id]) if row_id else (None, None)
        with self._lock:
            return list(self.t("audit_log").rows_where(where, args, order_by="at"))

    # ------------------------------------------------------------------ people and kits
    def get_or_create_candidate(self, name: str, *, email: str | None = None,
                                resume_path: str | None = None, resume_text: str | None = None) -> str:
        name = normal_name(name)
        if not name:
            raise UserError("a candidate needs a name")
        with self.atomic():
            row = self.find_candidate(name)
            if row is not None:
                updates = {k: v for k, v in {"email": email, "resume_path": resume_path,
                                             "resume_text": resume_text}.items() if v is not None}
                if updates:
                    self.t("candidates").update(row["id"], updates)
                return str(row["id"])
            cid = new_id()
            self.t("candidates").insert({"id": cid, "name": name, "email": email, "resume_path": resume_path,
                                         "resume_text": resume_text, "created_at": self.now()})
            return cid

    def find_candidate(self, name: str) -> dict[str, Any] | None:
        with self._lock:
            rows = list(self.t("candidates").rows_where("name = ? COLLATE NOCASE", [normal_name(name)],
                                                        order_by="created_at", limit=1))
        return rows[0] if rows else None

    def candidate(self, candidate_id: str) -> dict[str, Any]:
        with self._lock:
            return dict(self.t("candidates").get(candidate_id))

    def get_or_create_role(self, name: str) -> str:
        name = normal_name(name)
        with self.atomic():
            rows = list(self.t("roles").rows_where("name = ? COLLATE NOCASE", [name], limit=1))
            if rows:
                return str(rows[0]["id"])
            rid = new_id()
            self.t("roles").insert({"id": rid, "name": name, "created_at": self.now()})
            return rid

    def save_kit(self, kit: Kit, toml_text: str) -> str:
        """Snapshot a kit; the same kit text always gets the same id, on every laptop."""
        kit_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "interviewer-kit:" + toml_text))
        with self.atomic():
            if self.t("kits").count_where("id = ?", [kit_id]):
                return kit_id
            self.t("kits").insert({"id": kit_id, "name": kit.name, "version": kit.version,
                                   "source": kit.source, "toml": toml_text, "created_at": self.now()})
            self.t("criteria").insert_all([
                {"id": str(uuid.uuid5(uuid.UUID(kit_id), "criterion:" + c.key)), "kit_id": kit_id,
                 "key": c.key, "name": c.name, "definition": c.definition,
                 "anchors": _dumps({str(k): v for k, v in c.anchors.items()}), "position": i}
                for i, c in enumerate(kit.criteria)
            ])
            self.t("probes").insert_all([
                {"id": str(uuid.uuid5(uuid.UUID(kit_id), "probe:" + p.id)), "kit_id": kit_id, "key": p.id,
                 "criterion": p.criterion, "text": p.text, "topics": _dumps(list(p.topics)), "position": i}
                for i, p in enumerate(kit.probes)
            ])
        return kit_id

    def kit_toml(self, kit_id: str) -> str:
        with self._lock:
            return str(self.t("kits").get(kit_id)["toml"])

    # ------------------------------------------------------------------ claims
    def add_claims(self, candidate_id: str, claims: Iterable[dict[str, Any]]) -> list[str]:
        ids: list[str] = []
        with self.atomic():
            start = self.db.execute("SELECT coalesce(max(position) + 1, 0) FROM claims WHERE candidate_id = ?",
                                    [candidate_id]).fetchone()[0]
            now = self.now()
            rows = []
            for i, c in enumerate(claims):
                cid = new_id()
                ids.append(cid)
                rows.append({"id": cid, "candidate_id": candidate_id, "text": c["text"],
                             "source": c.get("source"), "section": c.get("section"), "position": start + i,
                             "status": "unprobed", "topics": _dumps(list(c.get("topics", []))),
                             "created_at": now, "updated_at": now})
            if rows:
                self.t("claims").insert_all(rows)
        return ids

    def claims(self, candidate_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = list(self.t("claims").rows_where("candidate_id = ?", [candidate_id], order_by="position"))
        for r in rows:
            r["topics"] = json.loads(r["topics"])
        return rows

    def set_claim_status(self, claim_id: str, status: str, *, actor: str,
                         evidence_id: str | None = None) -> None:
        if status not in CLAIM_STATUSES:
            raise UserError(f"unknown claim status {status!r} (one of: {', '.join(CLAIM_STATUSES)})")
        with self.atomic():
            old = self.t("claims").get(claim_id)["status"]
            self.t("claims").update(claim_id, {"status": status, "updated_at": self.now()})
            self.audit(actor, "claim.status", "claims", claim_id, old={"status": old},
                       new={"status": status, "evidence_id": evidence_id})

    def claim(self, claim_id: str) -> dict[str, Any]:
        with self._lock:
            row = dict(self.t("claims").get(claim_id))
        row["topics"] = json.loads(row["topics"])
        return row

    def _renumber(self, candidate_id: str, ordered_ids: list[str]) -> None:
        for i, cid in enumerate(ordered_ids):
            self.t("claims").update(cid, {"position": i})

    def _ids_in_order(self, candidate_id: str) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT id FROM claims WHERE candidate_id = ? ORDER BY position", [candidate_id]).fetchall()]

    def add_claim(self, candidate_id: str, text: str, *, actor: str, index: int | None = None,
                  section: str = "", topics: Sequence[str] = ()) -> str:
        text = text.strip()
        if not text:
            raise UserError("a claim needs some text")
        with self.atomic():
            [cid] = self.add_claims(candidate_id, [{"text": text, "source": text, "section": section,
                                                     "topics": list(topics)}])
            if index is not None:
                self.move_claim(cid, index, actor=actor)
            self.audit(actor, "claim.add", "claims", cid, new={"text": text, "index": index})
        return cid

    def edit_claim(self, claim_id: str, text: str, *, actor: str) -> None:
        text = text.strip()
        if not text:
            raise UserError("a claim needs some text")
        with self.atomic():
            old = self.t("claims").get(claim_id)["text"]
            self.t("claims").update(claim_id, {"text": text, "updated_at": self.now()})
            self.audit(actor, "claim.edit", "claims", claim_id, old={"text": old}, new={"text": text})

    def delete_claim(self, claim_id: str, *, actor: str) -> dict[str, Any]:
        """Delete a claim; evidence that pointed at it stays, unlinked. Returns the row (for undo)."""
        with self.atomic():
            row = dict(self.t("claims").get(claim_id))
            self.db.execute("UPDATE evidence SET claim_id = NULL WHERE claim_id = ?", [claim_id])
            self.db.execute("UPDATE probe_asks SET claim_id = NULL WHERE claim_id = ?", [claim_id])
            self.db.execute("UPDATE judgment_calls SET claim_id = NULL WHERE claim_id = ?", [claim_id])
            self.db.execute("DELETE FROM claim_probes WHERE claim_id = ?", [claim_id])
            self.t("claims").delete(claim_id)
            self._renumber(row["candidate_id"], self._ids_in_order(row["candidate_id"]))
            self.audit(actor, "claim.delete", "claims", claim_id, old=row)
        return row

    def restore_claim(self, row: dict[str, Any], *, actor: str) -> None:
        with self.atomic():
            self.t("claims").insert(dict(row))
            self.move_claim(row["id"], int(row["position"]), actor=actor)
            self.audit(actor, "claim.restore", "claims", row["id"], new=row)

    def move_claim(self, claim_id: str, index: int, *, actor: str) -> None:
        with self.atomic():
            cand = self.t("claims").get(claim_id)["candidate_id"]
            ids = [i for i in self._ids_in_order(cand) if i != claim_id]
            index = max(0, min(len(ids), index))
            ids.insert(index, claim_id)
            self._renumber(cand, ids)
            self.audit(actor, "claim.move", "claims", claim_id, new={"index": index})

    def split_claim(self, claim_id: str, parts: Sequence[str], *, actor: str) -> list[str]:
        """Replace a claim by several, in its place; its evidence follows the first part."""
        texts = [p.strip() for p in parts if p.strip()]
        if len(texts) < 2:
            raise UserError("splitting a claim needs at least two non-empty parts")
        with self.atomic():
            old = self.claim(claim_id)
            cand, pos = old["candidate_id"], int(old["position"])
            new_ids = self.add_claims(cand, [{"text": t, "source": old["source"], "section": old["section"],
                                             "topics": old["topics"]} for t in texts])
            self.db.execute("UPDATE evidence SET claim_id = ? WHERE claim_id = ?", [new_ids[0], claim_id])
            self.db.execute("UPDATE probe_asks SET claim_id = ? WHERE claim_id = ?", [new_ids[0], claim_id])
            self.db.execute("UPDATE judgment_calls SET claim_id = ? WHERE claim_id = ?", [new_ids[0], claim_id])
            self.db.execute("UPDATE claim_probes SET claim_id = ? WHERE claim_id = ?", [new_ids[0], claim_id])
            self.t("claims").update(new_ids[0], {"status": old["status"]})
            self.t("claims").delete(claim_id)
            ids = [i for i in self._ids_in_order(cand) if i not in new_ids]
            ids[pos:pos] = new_ids
            self._renumber(cand, ids)
            self.audit(actor, "claim.split", "claims", claim_id, old={"text": old["text"]},
                       new={"ids": new_ids, "texts": texts})
        return new_ids

    def merge_claims(self, claim_ids: Sequence[str], *, actor: str, text: str | None = None) -> str:
        """Merge claims into the first one (in ledger order); the others' evidence moves to it."""
        if len(claim_ids) < 2:
            raise UserError("merging needs at least two claims")
        with self.atomic():
            rows = sorted((self.claim(c) for c in claim_ids), key=lambda r: r["position"])
            if len({r["candidate_id"] for r in rows}) != 1:
                raise UserError("only claims of the same candidate can be merged")
            keep = str(rows[0]["id"])
            merged = text.strip() if text else " ".join(r["text"].rstrip(".") + "." for r in rows)
            topics = list(dict.fromkeys(t for r in rows for t in r["topics"]))
            for r in rows[1:]:
                self.db.execute("UPDATE evidence SET claim_id = ? WHERE claim_id = ?", [keep, r["id"]])
                self.db.execute("UPDATE probe_asks SET claim_id = ? WHERE claim_id = ?", [keep, r["id"]])
                self.db.execute("UPDATE judgment_calls SET claim_id = ? WHERE claim_id = ?", [keep, r["id"]])
                self.db.execute("UPDATE claim_probes SET claim_id = ? WHERE claim_id = ?", [keep, r["id"]])
                self.t("claims").delete(r["id"])
            self.t("claims").update(keep, {"text": merged, "topics": _dumps(topics), "updated_at": self.now()})
            self._renumber(rows[0]["candidate_id"], self._ids_in_order(rows[0]["candidate_id"]))
            self.audit(actor, "claim.merge", "claims", keep, old={"texts": [r["text"] for r in rows]},
                       new={"text": merged})
        return keep

    def claim_status_history(self, claim_id: str) -> list[dict[str, Any]]:
        """Every status change of a claim: when, who, from, to, and the evidence that settled it."""
        out = []
        for e in self.audit_entries(claim_id):
            if e["action"] == "claim.status":
                new = json.loads(e["new"] or "{}")
                out.append({"at": e["at"], "actor": e["actor"], "from": json.loads(e["old"] or "{}").get("status"),
                            "to": new.get("status"), "evidence_id": new.get("evidence_id")})
        return out

    # ------------------------------------------------------------------ probes per claim
    def add_claim_probe(self, claim_id: str, *, text: str, criterion: str, topic: str = "", pinned: bool = True,
                        source_key: str | None = None, actor: str) -> str:
        pid = new_id()
        with self.atomic():
            row = {"id": pid, "claim_id": claim_id, "text": text.strip(), "criterion": criterion, "topic": topic,
                   "pinned": int(pinned), "source_key": source_key, "created_at": self.now()}
            self.t("claim_probes").insert(row)
            self.audit(actor, "probe.pin" if source_key else "probe.write", "claim_probes", pid, new=row)
        return pid

    def remove_claim_probe(self, probe_id: str, *, actor: str) -> None:
        with self.atomic():
            old = dict(self.t("claim_probes").get(probe_id))
            self.t("claim_probes").delete(probe_id)
            self.audit(actor, "probe.unpin", "claim_probes", probe_id, old=old)

    def claim_probes(self, claim_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.t("claim_probes").rows_where("claim_id = ?", [claim_id], order_by="created_at"))

    # ------------------------------------------------------------------ sessions
    def create_session(self, *, candidate_id: str, role_id: str | None, kit_id: str | None,
                       evaluator: str | None, status: str = "recording", audio_path: str | None = None,
                       sample_rate: int | None = None, model: str | None = None,
                       origin: str | None = None, session_id: str | None = None) -> str:
        if status not in SESSION_STATUSES:
            raise ValueError(status)
        sid = session_id or new_id()
        now = self.now()
        with self.atomic():
            self.t("sessions").insert({
                "id": sid, "candidate_id": candidate_id, "role_id": role_id, "kit_id": kit_id,
                "evaluator": evaluator, "status": status, "started_at": now, "ended_at": None,
                "duration_s": 0.0, "audio_path": audio_path, "sample_rate": sample_rate, "model": model,
                "origin": origin, "created_at": now,
            })
        return sid

    def update_session(self, session_id: str, **fields: Any) -> None:
        if "status" in fields and fields["status"] not in SESSION_STATUSES:
            raise ValueError(fields["status"])
        with self.atomic():
            self.t("sessions").update(session_id, fields)

    def session(self, session_id: str) -> dict[str, Any]:
        with self._lock:
            rows = list(self.db.query(
                "SELECT s.*, c.name AS candidate, r.name AS role FROM sessions s "
                "JOIN candidates c ON c.id = s.candidate_id LEFT JOIN roles r ON r.id = s.role_id "
                "WHERE s.id = ?", [session_id]))
        if not rows:
            raise UserError(f"no session {session_id!r}")
        return rows[0]

    def resolve_session(self, ref: str) -> str:
        """A full id, or an unambiguous prefix of one (as shown by `interviewer sessions`)."""
        with self._lock:
            rows = [r[0] for r in self.db.execute("SELECT id FROM sessions WHERE id LIKE ? || '%' LIMIT 2",
                                                  [ref.strip()]).fetchall()]
        if not rows:
            raise UserError(f"no session matches {ref!r} (see `interviewer sessions`)")
        if len(rows) > 1:
            raise UserError(f"session id {ref!r} is ambiguous: give more characters")
        return str(rows[0])

    def audio_file(self, session: dict[str, Any], key: str = "audio_path") -> Path | None:
        """The session's recording (track 1, or `key="audio_path2"`), inside the data dir; None when there is
        none, or when the stored path leads outside the data dir (never read: see `interviewer.core.files.data_path`)."""
        try:
            return data_path(self.root, session.get(key), what="recording")
        except OutsideDataDirError:
            return None

    def sessions(self, *, status: str | None = None) -> list[dict[str, Any]]:
        """Every session in the public JSON shape of `interviewer sessions --format json`."""
        sql = (
            "SELECT s.id, c.name AS candidate, r.name AS role, s.status, s.started_at, s.duration_s, "
            "s.audio_path, s.evaluator, "
            "(SELECT count(*) FROM segments g WHERE g.session_id = s.id) AS segments, "
            "(SELECT count(*) FROM evidence e WHERE e.session_id = s.id) AS evidence "
            "FROM sessions s JOIN candidates c ON c.id = s.candidate_id LEFT JOIN roles r ON r.id = s.role_id "
        )
        args: list[Any] = []
        if status:
            sql += "WHERE s.status = ? "
            args.append(status)
        sql += "ORDER BY s.started_at"
        with self._lock:
            rows = list(self.db.query(sql, args))
        out = []
        for r in rows:
            audio = self.audio_file(r)
            out.append({"id": r["id"], "candidate": r["candidate"], "role": r["role"], "status": r["status"],
                        "started_at": r["started_at"], "duration_s": round(float(r["duration_s"] or 0), 3),
                        "audio_path": str(audio) if audio else None, "segments": r["segments"],
                        "evidence": r["evidence"], "evaluator": r["evaluator"]})
        return out

    # ------------------------------------------------------------------ segments
    def add_segment(self, session_id: str, seg: Segment) -> str:
        sid = new_id()
        with self.atomic():
            self.t("segments").insert({
                "id": sid, "session_id": session_id, "start": seg.start, "end": seg.end, "text": seg.text,
                "speaker": seg.speaker, "words": _dumps([w.to_dict() for w in seg.words]),
                "confidence": seg.confidence, "created_at": self.now(),
            })
            self.t("sessions").update(session_id, {"duration_s": max(seg.end, self._duration(session_id))})
        return sid

    def set_segment_speaker(self, segment_id: str, speaker: str, confidence: float | None) -> bool:
        """Label one segment's speaker (voice attribution, a reviewer's reassignment); returns whether it exists."""
        with self.atomic():
            if not list(self.t("segments").rows_where("id = ?", [segment_id], limit=1)):
                return False
            self.t("segments").update(segment_id, {"speaker": speaker, "confidence": confidence})
        return True

    def delete_segment(self, segment_id: str, *, actor: str, reason: str) -> bool:
        """Remove one segment (e.g. the microphone's echo of the call); the audit log keeps what it said."""
        with self.atomic():
            rows = list(self.t("segments").rows_where("id = ?", [segment_id], limit=1))
            if not rows:
                return False
            self.t("segments").delete(segment_id)
            self.audit(actor, "segment.delete", "segments", segment_id,
                       old={"start": rows[0]["start"], "end": rows[0]["end"], "text": rows[0]["text"],
                            "speaker": rows[0]["speaker"], "reason": reason})
        return True

    def revise_segment(self, segment_id: str, seg: Segment, *, expected_text: str | None = None,
                       actor: str = "live transcription") -> bool:
        """Replace one segment's times, text and words in place (a live second pass): same id, same row,
        so the full-text index follows (triggers) and nothing pointing at it moves. Quotes of evidence
        overlapping the old or new range are re-read (the audit log keeps the old quotes).

        With `expected_text`, the revision applies only while the row still has that text: a correction
        somebody made in the meantime is never overwritten. Returns whether the row was changed."""
        with self.atomic():
            rows = list(self.t("segments").rows_where("id = ?", [segment_id], limit=1))
            if not rows:
                return False
            old = rows[0]
            if expected_text is not None and old["text"] != expected_text:
                return False
            session_id = old["session_id"]
            self.t("segments").update(segment_id, {
                "start": seg.start, "end": seg.end, "text": seg.text,
                "words": _dumps([w.to_dict() for w in seg.words])})
            self.t("sessions").update(session_id, {"duration_s": max(seg.end, self._duration(session_id))})
            lo, hi = min(seg.start, float(old["start"])), max(seg.end, float(old["end"]))
            overlapping = self.db.execute(
                'SELECT id, start, "end", quote FROM evidence WHERE session_id = ? AND start <= ? AND "end" >= ?',
                [session_id, hi, lo]).fetchall()
            if overlapping:
                segments = self.segments(session_id)
                for eid, e_start, e_end, quote in overlapping:
                    new = words_in_range(segments, float(e_start), float(e_end))
                    if new != quote:
                        self.update_evidence(eid, actor=actor, quote=new)
        return True

    def _duration(self, session_id: str) -> float:
        return float(self.t("sessions").get(session_id)["duration_s"] or 0.0)

    def add_segments(self, session_id: str, segments: Sequence[Segment]) -> None:
        with self.atomic():
            for seg in segments:
                self.add_segment(session_id, seg)

    def sessions_to_catch_up(self) -> list[str]:
        """Live sessions whose polishing was put off and not yet caught up (see interviewer.live.catchup)."""
        with self._lock:
            return [r[0] for r in self.db.execute(
                "SELECT id FROM sessions WHERE catch_up = 1 AND status IN ('complete', 'recovered') "
                "ORDER BY started_at").fetchall()]

    def segment_rows(self, session_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = list(self.t("segments").rows_where("session_id = ?", [session_id], order_by="start"))
        for r in rows:
            r["words"] = json.loads(r["words"])
        return rows

    def segments(self, session_id: str) -> list[Segment]:
        return [
            Segment(r["start"], r["end"], r["text"], r["speaker"],
                    tuple(Word(w["start"], w["end"], w["word"], w.get("prob", 1.0)) for w in r["words"]),
                    r.get("confidence"))
            for r in self.segment_rows(session_id)
        ]

    def last_segment_end(self, session_id: str) -> float:
        with self._lock:
            v = self.db.execute('SELECT max("end") FROM segments WHERE session_id = ?', [session_id]).fetchone()[0]
        return float(v or 0.0)

    # ------------------------------------------------------------------ evidence
    def add_evidence(self, *, session_id: str, start: float, end: float, criterion: str | None,
                     evaluator: str | None, claim_id: str | None = None, probe_id: str | None = None,
                     polarity: str = "supports", note: str = "", quote: str | None = None) -> str:
        if polarity not in POLARITIES:
            raise UserError(f"polarity must be one of: {', '.join(POLARITIES)}")
        start, end = check_range(start, end)
        eid = new_id()
        with self.atomic():
            if quote is None:
                quote = words_in_range(self.segments(session_id), start, end)
            row = {"id": eid, "session_id": session_id, "start": start, "end": end, "quote": quote,
                   "criterion": criterion, "claim_id": claim_id, "probe_id": probe_id, "polarity": polarity,
                   "note": note, "evaluator": evaluator, "created_at": self.now()}
            self.t("evidence").insert(row)
            self.audit(evaluator or "unknown", "evidence.add", "evidence", eid, new=row)
        return eid

    def delete_evidence(self, evidence_id: str, *, actor: str) -> None:
        with self.atomic():
            old = dict(self.t("evidence").get(evidence_id))
            self.t("evidence").delete(evidence_id)
            self.audit(actor, "evidence.delete", "evidence", evidence_id, old=old)

    def evidence(self, session_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.t("evidence").rows_where("session_id = ?", [session_id], order_by="start"))

    def update_evidence(self, evidence_id: str, *, actor: str, **fields: Any) -> None:
        allowed = {"start", "end", "quote", "criterion", "claim_id", "probe_id", "polarity", "note"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"cannot update evidence fields {sorted(unknown)}")
        if "polarity" in fields and fields["polarity"] not in POLARITIES:
            raise UserError(f"polarity must be one of: {', '.join(POLARITIES)}")
        with self.atomic():
            old = dict(self.t("evidence").get(evidence_id))
            if "start" in fields or "end" in fields:
                fields["start"], fields["end"] = check_range(fields.get("start", old["start"]),
                                                             fields.get("end", old["end"]))
            self.t("evidence").update(evidence_id, fields)
            self.audit(actor, "evidence.update", "evidence", evidence_id,
                       old={k: old[k] for k in fields}, new=fields)

    def restore_evidence(self, row: dict[str, Any], *, actor: str) -> None:
        """Put back an evidence row exactly as it was (undo of a delete)."""
        with self.atomic():
            self.t("evidence").insert(dict(row))
            self.audit(actor, "evidence.restore", "evidence", row["id"], new=row)

    # ------------------------------------------------------------------ probes asked
    def add_probe_ask(self, *, session_id: str, probe_key: str, probe_text: str, at_s: float,
                      claim_id: str | None = None, criterion: str | None = None,
                      evaluator: str | None = None) -> str:
        """A probe asked at `at_s`; it is also a judgment call (`add_call`) whose answer runs until the next
        call (at most 90 s) unless its end is set."""
        at_s = check_time(at_s, "the moment a probe was asked")
        pid = new_id()
        with self.atomic():
            self.t("probe_asks").insert({"id": pid, "session_id": session_id, "probe_key": probe_key,
                                         "probe_text": probe_text, "claim_id": claim_id, "at_s": at_s,
                                         "created_at": self.now()})
            self.add_call(session_id=session_id, kind="probe", key=probe_key, text=probe_text,
                          criterion=criterion or self._probe_criterion(session_id, probe_key), start=at_s,
                          claim_id=claim_id, probe_ask_id=pid, evaluator=evaluator)
        return pid

    def delete_probe_ask(self, ask_id: str) -> None:
        with self.atomic():
            for (cid,) in self.db.execute("SELECT id FROM judgment_calls WHERE probe_ask_id = ?", [ask_id]).fetchall():
                self.delete_call(cid, actor="undo")
            self.t("probe_asks").delete(ask_id)

    def probe_asks(self, session_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.t("probe_asks").rows_where("session_id = ?", [session_id], order_by="at_s"))

    def rate(self, *, session_id: str, criterion: str, evaluator: str, score: int,
             evidence_ids: Sequence[str] = (), reason: str = "") -> str:
        """Save (or change) one evaluator's score for one criterion of a session.

        A score needs at least one linked evidence item of that session, or a written reason why there is
        none. Every change is kept in the audit log (who, when, old, new)."""
        if score not in (1, 2, 3, 4):
            raise UserError(f"a score is 1, 2, 3 or 4 (got {score})")
        evaluator = evaluator.strip()
        if not evaluator:
            raise UserError("a rating needs the evaluator's name")
        reason = reason.strip()
        ids = list(dict.fromkeys(evidence_ids))
        if not ids and not reason:
            raise UserError("a rating needs at least one linked evidence item, or a written reason why there is "
                            "none (--reason)")
        with self.atomic():
            known = {e["id"] for e in self.evidence(session_id)}
            missing = [i for i in ids if i not in known]
            if missing:
                raise UserError(f"evidence {missing[0]!r} is not part of this session")
            now = self.now()
            rows = list(self.t("ratings").rows_where("session_id = ? AND criterion = ? AND evaluator = ?",
                                                     [session_id, criterion, evaluator]))
            new = {"score": score, "reason": reason, "evidence_ids": _dumps(ids)}
            if rows:
                rid = str(rows[0]["id"])
                old = {k: rows[0][k] for k in new}
                self.t("ratings").update(rid, {**new, "updated_at": now})
                self.audit(evaluator, "rating.change", "ratings", rid, old=old, new=new)
            else:
                rid = new_id()
                self.t("ratings").insert({"id": rid, "session_id": session_id, "criterion": criterion,
                                          "evaluator": evaluator, **new, "created_at": now, "updated_at": now})
                self.audit(evaluator, "rating.add", "ratings", rid, new={"criterion": criterion, **new})
        return rid

    def visible_ratings(self, session_id: str, viewer: str) -> list[dict[str, Any]]:
        """Blind rating: another evaluator's score for a criterion shows only once the viewer has rated it."""
        rows = self.ratings(session_id)
        mine = {r["criterion"] for r in rows if r["evaluator"] == viewer}
        return [r for r in rows if r["evaluator"] == viewer or r["criterion"] in mine]

    def all_ratings(self, role: str | None = None) -> list[dict[str, Any]]:
        sql = ("SELECT r.*, s.candidate_id, c.name AS candidate, ro.name AS role FROM ratings r "
               "JOIN sessions s ON s.id = r.session_id JOIN candidates c ON c.id = s.candidate_id "
               "LEFT JOIN roles ro ON ro.id = s.role_id")
        args: list[Any] = []
        if role:
            sql += " WHERE ro.name = ? COLLATE NOCASE"
            args.append(role)
        with self._lock:
            rows = list(self.db.query(sql + " ORDER BY s.started_at, r.criterion, r.evaluator", args))
        for r in rows:
            r["evidence_ids"] = json.loads(r["evidence_ids"])
        return rows

    def ratings(self, session_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = list(self.t("ratings").rows_where("session_id = ?", [session_id], order_by="criterion"))
        for r in rows:
            r["evidence_ids"] = json.loads(r["evidence_ids"])
        return rows

    def export_session(self, session_id: str) -> dict[str, Any]:
        """Everything stored about one session, as plain JSON-able data."""
        session = self.session(session_id)
        audio = self.audio_file(session)
        return {
            "format": "interviewer-session",
            "version": 1,
            "session": {**session, "audio_file": str(audio) if audio else None},
            "candidate": self.candidate(session["candidate_id"]),
            "consent": self.consents(session_id),
            "claims": self.claims(session["candidate_id"]),
            "segments": self.segment_rows(session_id),
            "evidence": self.evidence(session_id),
            "probe_asks": self.probe_asks(session_id),
            "ratings": self.ratings(session_id),
            "judgment_calls": [{**c, "ratings": self.call_ratings(c["id"])} for c in self.calls(session_id)],
        }

    # ------------------------------------------------------------------ consent
    def record_consent(self, *, candidate_id: str, session_id: str | None, method: str, confirmed_by: str,
                       notice_text: str = DEFAULT_NOTICE, notice_version: str = DEFAULT_NOTICE_VERSION) -> str:
        if method not in CONSENT_METHODS:
            raise UserError(f"consent method must be one of: {', '.join(CONSENT_METHODS)}")
        cid = new_id()
        with self.atomic():
            row = {"id": cid, "session_id": session_id, "candidate_id": candidate_id,
                   "notice_version": notice_version, "notice_text": notice_text, "method": method,
                   "confirmed_by": confirmed_by, "confirmed_at": self.now()}
            self.t("consents").insert(row)
            self.audit(confirmed_by, "consent.record", "consents", cid, new=row)
        return cid

    def mark_spoken_consent(self, session_id: str, start: float, end: float, *, actor: str) -> dict[str, Any]:
        """Tag the moment on the recording where the candidate consented out loud: stored on the session's
        consent record with the words said then (from the committed transcript)."""
        start, end = check_time(start, "the start"), check_time(end, "the end")
        if end <= start:
            raise UserError(f"the consent moment needs 0 <= start < end (got {start:g}..{end:g})")
        with self.atomic():
            rows = sorted(self.consents(session_id), key=lambda c: c["confirmed_at"])
            if not rows:
                raise UserError("this session has no consent record to attach the spoken consent to")
            row = rows[-1]
            quote = words_in_range(self.segments(session_id), start, end)
            new = {"spoken_start": round(start, 3), "spoken_end": round(end, 3), "spoken_quote": quote}
            self.t("consents").update(row["id"], new)
            self.audit(actor, "consent.spoken", "consents", row["id"],
                       old={k: row.get(k) for k in new}, new=new)
        return {**row, **new}

    def set_spoken_consent(self, consent_id: str, values: dict[str, Any], *, actor: str) -> None:
        """Put back a consent record's spoken moment (undo of `mark_spoken_consent`)."""
        keys = ("spoken_start", "spoken_end", "spoken_quote")
        with self.atomic():
            row = dict(self.t("consents").get(consent_id))
            new = {k: values.get(k) for k in keys}
            self.t("consents").update(consent_id, new)
            self.audit(actor, "consent.spoken", "consents", consent_id, old={k: row.get(k) for k in keys}, new=new)

    def consents(self, session_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.t("consents").rows_where("session_id = ?", [session_id]))

    # ------------------------------------------------------------------ judgment calls
    def _probe_criterion(self, session_id: str, key: str) -> str | None:
        row = self.db.execute("SELECT p.criterion FROM probes p JOIN sessions s ON s.kit_id = p.kit_id "
                              "WHERE s.id = ? AND p.key = ?", [session_id, key]).fetchone()
        if row is None:
            row = self.db.execute("SELECT criterion FROM claim_probes WHERE id = ?", [key]).fetchone()
        return str(row[0]) if row else None

    def add_call(self, *, session_id: str, kind: str, key: str, text: str, criterion: str | None, start: float,
                 end: float | None = None, claim_id: str | None = None, probe_ask_id: str | None = None,
                 scenario_use_id: str | None = None, evaluator: str | None = None) -> str:
        """A judgment call: a probe or scenario card asked at `start`, the candidate's answer until `end`
        (None: until the next call, at most 90 s). A probe about a claim records how deep the follow-ups
        went: 0 for the first probe of the claim in the session, 1 for the first follow-up, 2 for the second."""
        if kind not in CALL_KINDS:
            raise UserError(f"a judgment call is a {' or a '.join(CALL_KINDS)}, not {kind!r}")
        if not key.strip():
            raise UserError("a judgment call needs the key of its probe or scenario card")
        _check_span(start, end)
        cid = new_id()
        with self.atomic():
            self.session(session_id)
            depth = 0
            if claim_id:
                depth = int(self.db.execute("SELECT count(*) FROM judgment_calls WHERE session_id = ? AND "
                                            "claim_id = ? AND start <= ?", [session_id, claim_id, start]).fetchone()[0])
            now = self.now()
            row = {"id": cid, "session_id": session_id, "kind": kind, "key": key.strip(), "text": text.strip(),
                   "criterion": criterion, "start": round(float(start), 3),
                   "end": None if end is None else round(float(end), 3), "claim_id": claim_id, "depth": depth,
                   "probe_ask_id": probe_ask_id, "scenario_use_id": scenario_use_id, "evaluator": evaluator,
                   "created_at": now, "updated_at": now}
            self.t("judgment_calls").insert(row)
            self.audit(evaluator or "unknown", "call.add", "judgment_calls", cid, new=row)
        return cid

    def update_call(self, call_id: str, *, actor: str, **fields: Any) -> None:
        """Move the answer span (start, end) or change the criterion; every change is audited."""
        allowed = {"start", "end", "criterion"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"cannot update judgment call fields {sorted(unknown)}")
        with self.atomic():
            old = self.call(call_id)
            start = fields.get("start", old["start"])
            end = fields.get("end", old["end"])
            _check_span(float(start), None if end is None else float(end))
            self.t("judgment_calls").update(call_id, {**fields, "updated_at": self.now()})
            self.audit(actor, "call.update", "judgment_calls", call_id, old={k: old[k] for k in fields}, new=fields)

    def delete_call(self, call_id: str, *, actor: str) -> dict[str, Any]:
        """Delete a call and the scores given to it (both kept in the audit log); returns the row."""
        with self.atomic():
            row = self.call(call_id)
            for r in self.call_ratings(call_id):
                self.t("call_ratings").delete(r["id"])
                self.audit(actor, "call_rating.delete", "call_ratings", r["id"], old=r)
            self.t("judgment_calls").delete(call_id)
            self.audit(actor, "call.delete", "judgment_calls", call_id, old=row)
        return row

    def restore_call(self, row: dict[str, Any], *, actor: str) -> None:
        """Put back a call exactly as it was (redo after an undo)."""
        with self.atomic():
            self.t("judgment_calls").insert(dict(row))
            self.audit(actor, "call.restore", "judgment_calls", row["id"], new=row)

    def call(self, call_id: str) -> dict[str, Any]:
        with self._lock:
            rows = list(self.t("judgment_calls").rows_where("id = ?", [call_id], limit=1))
        if not rows:
            raise UserError(f"no judgment call {call_id!r}")
        return dict(rows[0])

    def resolve_call(self, ref: str) -> str:
        """A full call id, or an unambiguous prefix of one."""
        with self._lock:
            rows = [r[0] for r in self.db.execute("SELECT id FROM judgment_calls WHERE id LIKE ? || '%' LIMIT 2",
                                                  [ref.strip()]).fetchall()]
        if not rows or not ref.strip():
            raise UserError(f"no judgment call matches {ref!r} (`interviewer ask` prints a call's id)")
        if len(rows) > 1:
            raise UserError(f"judgment call id {ref!r} is ambiguous: give more characters")
        return str(rows[0])

    def calls(self, session_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self.t("judgment_calls").rows_where("session_id = ?", [session_id],
                                                                       order_by="start, created_at")]

    def call_span(self, call: dict[str, Any]) -> tuple[float, float]:
        """The answer's span: its end, or until the next call of the session, at most 90 s (and not past the
        end of the recording)."""
        start = float(call["start"])
        if call.get("end") is not None:
            return start, float(call["end"])
        with self._lock:
            nxt = self.db.execute("SELECT min(start) FROM judgment_calls WHERE session_id = ? AND start > ?",
                                  [call["session_id"], start]).fetchone()[0]
            duration = self._duration(call["session_id"])
        end = start + ANSWER_WINDOW_S
        if nxt is not None:
            end = min(end, float(nxt))
        if duration > start:
            end = min(end, duration)
        return start, round(end, 3)

    def rate_call(self, call_id: str, *, evaluator: str, score: int, evidence_ids: Sequence[str] = (),
                  reason: str = "") -> str:
        """One evaluator's 1-4 score for one judgment call, against its criterion's anchors. It needs evidence
        inside the answer span or a written reason; every change is in the audit log."""
        if score not in (1, 2, 3, 4):
            raise UserError(f"a score is 1, 2, 3 or 4 (got {score})")
        evaluator = evaluator.strip()
        if not evaluator:
            raise UserError("a score needs the evaluator's name")
        reason = reason.strip()
        ids = list(dict.fromkeys(evidence_ids))
        if not ids and not reason:
            raise UserError("a score needs at least one evidence item inside the answer, or a written reason "
                            "(--reason)")
        with self.atomic():
            call = self.call(call_id)
            start, end = self.call_span(call)
            known = {e["id"]: e for e in self.evidence(call["session_id"])}
            for i in ids:
                e = known.get(i)
                if e is None:
                    raise UserError(f"evidence {i!r} is not part of this call's session")
                if float(e["start"]) < start - 0.5 or float(e["end"]) > end + 0.5:
                    raise UserError(f"evidence {i[:8]} ({float(e['start']):.1f}-{float(e['end']):.1f} s) lies outside "
                                    f"the answer ({start:.1f}-{end:.1f} s)")
            now = self.now()
            rows = list(self.t("call_ratings").rows_where("call_id = ? AND evaluator = ?", [call_id, evaluator]))
            new = {"score": score, "reason": reason, "evidence_ids": _dumps(ids)}
            if rows:
                rid = str(rows[0]["id"])
                self.t("call_ratings").update(rid, {**new, "updated_at": now})
                self.audit(evaluator, "call_rating.change", "call_ratings", rid,
                           old={k: rows[0][k] for k in new}, new=new)
            else:
                rid = new_id()
                self.t("call_ratings").insert({"id": rid, "call_id": call_id, "evaluator": evaluator, **new,
                                               "created_at": now, "updated_at": now})
                self.audit(evaluator, "call_rating.add", "call_ratings", rid, new={"call": call_id, **new})
        return rid

    def call_ratings(self, call_id: str) -> list[dict[str, Any]]:
        with self._lock:
            rows = [dict(r) for r in self.t("call_ratings").rows_where("call_id = ?", [call_id], order_by="evaluator")]
        for r in rows:
            r["evidence_ids"] = json.loads(r["evidence_ids"])
        return rows

    def visible_call_ratings(self, call_id: str, viewer: str) -> list[dict[str, Any]]:
        """Blind: other evaluators' scores of a call show only once the viewer has scored it."""
        rows = self.call_ratings(call_id)
        if any(r["evaluator"] == viewer for r in rows):
            return rows
        return []

    def role_core(self, role: str) -> list[dict[str, Any]]:
        """The judgment calls every candidate for the role gets, in order."""
        with self._lock:
            return [dict(r) for r in self.db.query(
                "SELECT k.kind, k.key, k.position FROM role_core_calls k JOIN roles r ON r.id = k.role_id "
                "WHERE r.name = ? COLLATE NOCASE ORDER BY k.position", [role.strip()])]

    def set_role_core(self, role: str, items: Sequence[tuple[str, str]], *, actor: str) -> None:
        """Fix the role's shared core: (kind, key) pairs, replacing the previous set."""
        for kind, _key in items:
            if kind not in CALL_KINDS:
                raise UserError(f"a core call is a {' or a '.join(CALL_KINDS)}, not {kind!r}")
        with self.atomic():
            rid = self.get_or_create_role(role)
            old = self.role_core(role)
            self.db.execute("DELETE FROM role_core_calls WHERE role_id = ?", [rid])
            now = self.now()
            for i, (kind, key) in enumerate(dict.fromkeys(items)):
                self.t("role_core_calls").insert({"id": new_id(), "role_id": rid, "kind": kind, "key": key,
                                                  "position": i, "created_at": now})
            self.audit(actor, "role.core", "roles", rid, old=old, new=[list(x) for x in items])


def _check_span(start: float, end: float | None) -> None:
    if not (math.isfinite(start) and start >= 0):
        raise UserError(f"a judgment call starts at 0 s or later (got {start:g})")
    if end is not None and not (math.isfinite(end) and end > start):
        raise UserError(f"the answer must end after it starts (got {start:g}..{end:g})")
