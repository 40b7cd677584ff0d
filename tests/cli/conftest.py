"""The report stores (tests/notes/reports/stores.py), for the CLI's report tests."""

from tests.notes.reports.stores import loop_store, store  # noqa: F401 - fixtures
