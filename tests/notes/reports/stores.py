"""The stores the report tests read: a role of three candidates (`store`), one candidate's loop (`loop_store`).
Fixtures imported by tests/notes/reports/conftest.py and by the CLI's report tests (tests/cli/test_reports.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from interviewer.core.config import DataDir
from interviewer.notes.store.database import Store
from tests.notes.reports.loop_interviews import build_loop
from tests.notes.reports.role_interviews import Clock, build_role


@pytest.fixture
def store(tmp_path):
    clock = Clock()
    s = Store(tmp_path / "data" / "db.sqlite3", clock=clock)
    s.built = build_role(s, clock)  # type: ignore[attr-defined]
    yield s
    s.close()


@pytest.fixture
def loop_store(data_dir: DataDir) -> Iterator[Store]:
    s = Store(data_dir.db_path)
    s.built = build_loop(s)  # type: ignore[attr-defined]
    yield s
    s.close()
