"""Writing a PDF safely: a bad path is one sentence, a failed export leaves the old file and no temp file."""

from __future__ import annotations

import pytest

from interviewer.core.errors import UserError
from interviewer.notes.reports import session_report
from interviewer.notes.reports.session_report import session_pdf


def test_bad_output_path_is_a_user_error_and_leaves_nothing(store, tmp_path):
    sid = store.built["Zoë Ðặng"]["session"]
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(UserError, match="cannot write"):
        session_pdf(store, sid, blocker / "report.pdf")
    with pytest.raises(UserError, match="is a directory"):
        session_pdf(store, sid, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "not-a-dir"]


def test_failed_export_keeps_the_old_file_and_no_temp(store, tmp_path, monkeypatch):
    sid = store.built["Zoë Ðặng"]["session"]
    out = tmp_path / "exports" / "report.pdf"
    out.parent.mkdir()
    out.write_bytes(b"previous report")

    def boom(*a, **k):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(session_report, "session_story", boom)
    with pytest.raises(RuntimeError, match="drawing failed"):
        session_pdf(store, sid, out)
    assert out.read_bytes() == b"previous report"
    assert [p.name for p in out.parent.iterdir()] == ["report.pdf"]
