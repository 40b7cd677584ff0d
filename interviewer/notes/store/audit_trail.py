"""The audit log read as a history of rows, and its two deliberate rewrites.

The audit log is append-only (triggers refuse UPDATE and DELETE). Erasure and retention are the two deliberate
exceptions: inside their own transaction they drop those triggers, remove (erasure) or redact (retention) the
entries that hold the candidate's data, and recreate the triggers from the exact SQL that was stored, before the
transaction commits (`delete_entries`, `rewrite_entries`).

`entries_about` finds the entries about a set of rows, including rows deleted long ago.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from interviewer.notes.store.database import Store
from interviewer.notes.store.maintenance import writer
from interviewer.notes.store.ownership import chunks, marks
from interviewer.notes.store.schema import MIGRATION_1, statements

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# A segment's audit entries name the segment, not its session; once a re-transcription has replaced the
# segment, the entries are tied to the session only by their text. Shorter texts ("Okay.") are too common.
MIN_LINK_TEXT = 12


@dataclass(frozen=True)
class AuditEntry:
    """One audit entry as the privacy duties read it: the ids (`uuids`, lower case) its JSON names, and the
    segment texts it holds (`texts`, long enough to tie it to a session)."""

    id: str
    table: str
    action: str
    row_id: str | None
    old: str | None
    new: str | None
    uuids: frozenset[str]
    texts: frozenset[str]


def json_or_none(raw: str | None) -> Any:
    """An entry's `old` or `new` parsed; None when empty or not JSON."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


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
    return {t for t in out if len(t) >= MIN_LINK_TEXT}


def read_entries(store: Store) -> list[AuditEntry]:
    """Every entry of the audit log, oldest first."""
    out = []
    for aid, table, action, row_id, old, new in store.db.execute(
            "SELECT id, table_name, action, row_id, old, new FROM audit_log ORDER BY at, id").fetchall():
        texts: set[str] = set()
        if table == "segments" or action == "segments.replace":
            texts = _segment_texts(json_or_none(old)) | _segment_texts(json_or_none(new))
        out.append(AuditEntry(str(aid), str(table), str(action), None if row_id is None else str(row_id), old,
                              new, frozenset(u.lower() for u in _UUID.findall(f"{old or ''} {new or ''}")),
                              frozenset(texts)))
    return out


def entries_about(entries: Sequence[AuditEntry], *, row_ids: Set[str], owned_tables: Set[str], texts: Set[str],
                  live_ids: Set[str], named: Iterable[str] = ()) -> list[AuditEntry]:
    """The audit entries about the owned rows, including rows deleted long ago: an entry is about them if its
    row is one of them, if its JSON names one of them (or, `named`, one of these entry ids), or if it is about
    a segment that no longer exists and has the text of one of theirs. The row of an entry found joins the
    owned rows when it no longer exists (a claim deleted last month was still the candidate's; a live row of
    someone else stays theirs), until nothing changes. `live_ids`: every id now in `owned_tables`."""
    known = {i.lower() for i in row_ids}
    found_texts = set(texts)
    flagged = set(named)
    found: dict[str, AuditEntry] = {}
    changed = True
    while changed:
        changed = False
        for e in entries:
            if e.id in found:
                continue
            hit = (e.id in flagged or (e.row_id is not None and e.row_id.lower() in known) or bool(e.uuids & known)
                   or (e.table == "segments" and (e.row_id or "").lower() not in live_ids
                       and bool(e.texts & found_texts)))
            if hit:
                found[e.id] = e
                changed = True
                if e.row_id is not None and e.table in owned_tables and e.row_id.lower() not in live_ids:
                    known.add(e.row_id.lower())
                found_texts |= e.texts
    return [e for e in entries if e.id in found]


def history(store: Store, ids: Set[str]) -> list[dict[str, Any]]:
    """The audit entries with these ids as the log holds them, oldest first, `old` and `new` parsed when JSON."""
    with writer(store):
        rows = [dict(r) for r in store.t("audit_log").rows_where(order_by="at, id") if r["id"] in ids]
    for entry in rows:
        for k in ("old", "new"):
            parsed = json_or_none(entry[k])
            if parsed is not None:
                entry[k] = parsed
    return rows


def _trigger_sql() -> list[str]:
    """The audit log's guard triggers as schema.py creates them (used if the database has lost them)."""
    return [s for s in statements(MIGRATION_1) if s.upper().startswith("CREATE TRIGGER AUDIT_LOG_")]


@contextmanager
def _writable(store: Store) -> Iterator[None]:
    """Inside an open transaction: drop the audit log's append-only triggers, and recreate them from the exact
    SQL the database stored before the transaction can commit. If the body fails, the rollback restores them."""
    db = store.db
    if not db.conn.in_transaction:
        raise RuntimeError("the audit log can only be opened inside a transaction")
    saved = [(str(n), str(s)) for n, s in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log' "
        "ORDER BY name").fetchall()]
    for name, _ in saved:
        db.execute(f'DROP TRIGGER "{name}"')
    yield
    restore = [sql for _, sql in saved] or _trigger_sql()
    for sql in restore:
        db.execute(sql)
    left = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                      "AND tbl_name = 'audit_log'").fetchone()[0]
    if left < len(restore):
        raise RuntimeError("the audit log's append-only triggers were not restored")


def rewrite_entries(store: Store, entries: Sequence[AuditEntry]) -> None:
    """Inside an open transaction: store the `old` and `new` of these entries (redacted copies of the ones the
    log holds), the append-only triggers lifted for just this."""
    if not entries:
        return
    with _writable(store):
        store.db.conn.executemany("UPDATE audit_log SET old = ?, new = ? WHERE id = ?",
                                  [(e.old, e.new, e.id) for e in entries])


def delete_entries(store: Store, ids: Sequence[str]) -> None:
    """Inside an open transaction: delete the entries with these ids, the append-only triggers lifted for just
    this."""
    if not ids:
        return
    with _writable(store):
        for part in chunks(ids):
            store.db.execute(f"DELETE FROM audit_log WHERE id IN ({marks(part)})", list(part))
