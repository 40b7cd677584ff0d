"""Fixtures of the privacy tests: a fresh data dir and its store (secure_delete off, as SQLite's default)."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.core.config import DataDir
from interviewer.notes.store.database import Store
from tests.notes.privacy.planting import NOW


@pytest.fixture
def dd(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "data").ensure()


@pytest.fixture
def store(dd: DataDir):
    s = Store(dd.db_path, clock=lambda: NOW)
    # Some SQLite builds (Debian's) default to secure_delete=ON; SQLite's own default is OFF. Test with OFF so
    # that the privacy code is what keeps deleted bytes out of the file.
    s.db.execute("PRAGMA secure_delete=OFF")
    yield s
    s.close()
