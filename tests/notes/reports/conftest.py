"""The stores the report tests read (tests/notes/reports/stores.py); `data_dir` is the suite's (tests/conftest.py)."""

from tests.notes.reports.stores import loop_store, store  # noqa: F401 - fixtures
