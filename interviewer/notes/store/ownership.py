"""Who owns what: the rows that belong to a candidate (or to one session), read from the schema's foreign keys.

What belongs to an owner is read from the schema's foreign keys rather than from a list of tables, so that a
table a later migration adds is covered: a row belongs to the owner when it references an owned row through a
NOT NULL foreign key, or when every foreign key it has set points at owned rows. A row that belongs to someone
else but points at an owned row through a nullable key (evidence of another session linked to this
candidate's claim) is kept and unlinked.

Also here: the owned rows read back whole (subject access), deleted (erasure), and the text cells of every
table that a predicate says mention someone. Callers hold `maintenance.writer(store)` across a walk and what
they do with it, so that no other thread's write lands in between.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any

from interviewer.notes.store.database import Store

CHUNK = 500  # bound on SQL parameters per statement


def chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def marks(items: Sequence[str]) -> str:
    return ",".join("?" * len(items))


@dataclass(frozen=True)
class ForeignKey:
    table: str
    column: str
    parent: str
    notnull: bool


@dataclass(frozen=True)
class Unlink:
    """A row of someone else that points at an owned row through a nullable key: the key is set to NULL."""

    table: str
    column: str
    key: str


@dataclass(frozen=True)
class Ownership:
    """Every row that belongs to the seed rows, by table (seeds included, tables in the order found), and the
    links from other rows to them that have to be set to NULL."""

    rows: dict[str, frozenset[str]]
    unlinks: tuple[Unlink, ...]


@dataclass(frozen=True)
class TextCell:
    """One text cell of one row: its table, its key, its column and its text."""

    table: str
    id: str
    column: str
    text: str


def tables(store: Store) -> list[str]:
    """Ordinary tables: not SQLite's, not virtual (FTS) tables or their shadow tables, not the audit log."""
    rows = [(str(n), str(s or "")) for n, s in store.db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall()]
    virtual = [n for n, sql in rows if sql.upper().startswith("CREATE VIRTUAL")]
    return [n for n, _ in rows if n != "audit_log" and n not in virtual
            and not any(n.startswith(v + "_") for v in virtual)]


def columns(store: Store, table: str) -> dict[str, tuple[str, bool]]:
    """Column name -> (declared type, NOT NULL)."""
    return {str(r[1]): (str(r[2] or "").upper(), bool(r[3]))
            for r in store.db.execute(f'PRAGMA table_info("{table}")')}


def foreign_keys(store: Store) -> list[ForeignKey]:
    out: list[ForeignKey] = []
    for t in tables(store):
        cols = columns(store, t)
        out.extend(ForeignKey(t, str(r[3]), str(r[2]), cols.get(str(r[3]), ("", False))[1])
                   for r in store.db.execute(f'PRAGMA foreign_key_list("{t}")').fetchall())
    return out


def row_key(store: Store, table: str) -> str:
    """How a row of `table` is named in SQL: its `id` column, else its rowid."""
    return '"id"' if "id" in columns(store, table) else "rowid"


def descendants(store: Store, root: str) -> set[str]:
    """Tables whose rows can belong to a row of `root`, root included."""
    fks = foreign_keys(store)
    found, todo = {root}, [root]
    while todo:
        parent = todo.pop()
        for fk in fks:
            if fk.parent == parent and fk.table not in found:
                found.add(fk.table)
                todo.append(fk.table)
    return found


def live_ids(store: Store, names: Iterable[str]) -> set[str]:
    """The ids of every row now in these tables (lower case)."""
    out: set[str] = set()
    for t in names:
        if "id" in columns(store, t):
            out.update(str(r[0]).lower() for r in store.db.execute(f'SELECT id FROM "{t}"'))
    return out


def owned(store: Store, seeds: Mapping[str, Set[str]]) -> Ownership:
    """Every row that belongs to the seed rows, by table (seeds included), and the links from other rows to
    them that have to be set to NULL."""
    db = store.db
    fks = foreign_keys(store)
    by_table: dict[str, list[ForeignKey]] = {}
    for fk in fks:
        by_table.setdefault(fk.table, []).append(fk)
    found: dict[str, set[str]] = {t: set(ids) for t, ids in seeds.items()}
    referring: dict[str, dict[str, dict[str, Any]]] = {}
    changed = True
    while changed:
        changed = False
        for table, tfks in by_table.items():
            key = row_key(store, table)
            cols = ", ".join(f'"{fk.column}"' for fk in tfks)
            rows: dict[str, dict[str, Any]] = {}
            for fk in tfks:
                parents = sorted(found.get(fk.parent, ()))
                for part in chunks(parents):
                    for r in db.execute(f'SELECT {key}, {cols} FROM "{table}" WHERE "{fk.column}" IN '
                                        f"({marks(part)})", list(part)).fetchall():
                        rows[str(r[0])] = {fk2.column: r[i + 1] for i, fk2 in enumerate(tfks)}
            referring[table] = rows
            mine = found.setdefault(table, set())
            for k, values in rows.items():
                if k in mine:
                    continue
                refs = [fk for fk in tfks if values[fk.column] is not None]
                hits = [fk for fk in refs if str(values[fk.column]) in found.get(fk.parent, ())]
                if any(fk.notnull for fk in hits) or (hits and len(hits) == len(refs)):
                    mine.add(k)
                    changed = True
    unlinks = tuple(Unlink(table, fk.column, k)
                    for table, rows in referring.items() for k, values in rows.items()
                    if k not in found.get(table, ())
                    for fk in by_table[table]
                    if values[fk.column] is not None and str(values[fk.column]) in found.get(fk.parent, ()))
    return Ownership({t: frozenset(ids) for t, ids in found.items() if ids}, unlinks)


def owned_rows(store: Store, table: str, keys: Set[str]) -> list[dict[str, Any]]:
    """The whole rows of `table` with these keys, as the table holds them (any table: no fixed shape)."""
    key = row_key(store, table)
    rows: list[dict[str, Any]] = []
    for part in chunks(sorted(keys)):
        rows += [dict(r) for r in store.db.query(f'SELECT * FROM "{table}" WHERE {key} IN ({marks(part)})',
                                                 list(part))]
    return rows


def delete_owned(store: Store, ownership: Ownership) -> dict[str, int]:
    """Inside an open transaction: unlink the other rows from the owned ones, then delete the owned rows (foreign
    keys checked at commit, so the order is free). Returns how many rows went, by table."""
    db = store.db
    if not db.conn.in_transaction:
        raise RuntimeError("owned rows can only be deleted inside a transaction")
    db.execute("PRAGMA defer_foreign_keys=ON")  # checked at commit: the order of deletes is free
    for u in ownership.unlinks:
        db.execute(f'UPDATE "{u.table}" SET "{u.column}" = NULL WHERE {row_key(store, u.table)} = ?', [u.key])
    counts: dict[str, int] = {}
    for table, keys in ownership.rows.items():
        n = 0
        for part in chunks(sorted(keys)):
            n += db.execute(f'DELETE FROM "{table}" WHERE {row_key(store, table)} IN ({marks(part)})',
                            list(part)).rowcount
        counts[table] = n
    return counts


def text_cells(store: Store, mentions: Callable[[str], bool],
               skip: Mapping[str, Set[str]]) -> list[TextCell]:
    """Text cells of every table (but the audit log and the rows in `skip`) for which `mentions` is true."""
    out: list[TextCell] = []
    for table in tables(store):
        cols = [c for c, (typ, _) in columns(store, table).items() if typ in ("TEXT", "")]
        if not cols:
            continue
        key = row_key(store, table)
        mine = skip.get(table, set())
        sel = ", ".join(f'"{c}"' for c in cols)
        for r in store.db.execute(f'SELECT {key}, {sel} FROM "{table}"'):
            k = str(r[0])
            if k in mine:
                continue
            for c, v in zip(cols, r[1:], strict=True):
                if isinstance(v, str) and mentions(v):
                    out.append(TextCell(table, k, c, v))
    return out
