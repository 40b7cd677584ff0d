"""One owner of the database: no module outside `interviewer/notes/store/` touches a connection.

import-linter cannot see attribute access, so this scans the source: `store.db`, `store.t(...)`, a `.conn`,
another object's `._lock`, or `db.execute(...)` / `conn.query(...)` outside the store package fail the test,
naming the file and line."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "interviewer"
STORE = PACKAGE / "notes" / "store"
REACHES = re.compile(r"\.db\b|\.t\(|\.conn\b|(?<!self)\._lock\b|\b(?:db|conn|cursor)\.(?:execute|query)\(")

def reaches(path: Path) -> list[str]:
    """`file:line: code` of every line of `path` that touches a connection (comments aside)."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        code = line.split("#", 1)[0]
        if REACHES.search(code):
            out.append(f"{path.relative_to(ROOT).as_posix()}:{n}: {line.strip()}")
    return out


def outside_store() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if STORE not in p.parents)


def test_the_scan_sees_every_way_in():
    samples = ["rows = store.db.execute('SELECT 1')", "store.t('evidence').get(eid)", "with store._lock:",
               "window.store.db.conn.commit()", "for r in db.query(sql):", "cur = conn.execute(sql)"]
    assert all(REACHES.search(s) for s in samples)
    assert not any(REACHES.search(s) for s in ["with self._lock:", "store.evidence_item(eid)",
                                               "store.atomic()", "cli.execute(args, services)"])


def test_nothing_outside_the_store_package_touches_the_connection():
    assert outside_store(), "the scan found no source files"
    found = [hit for p in outside_store()
             for hit in reaches(p)]
    assert not found, "outside interviewer/notes/store, move these queries into the store package:\n" + \
        "\n".join(found)
