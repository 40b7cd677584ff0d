"""`doctor`: what a bug report needs."""

from __future__ import annotations

import json
from pathlib import Path


def test_doctor_reports_what_a_bug_report_needs(run_cli, data_dir):
    res = run_cli("doctor", "--format", "json")
    assert res.code == 0
    info = json.loads(res.out)
    assert info["interviewer"]["python"].startswith("3.")
    assert info["packages"]["faster-whisper"] != "not installed"
    assert Path(info["model"]["path"]).is_dir()
    assert info["data"]["dir"] == str(data_dir.root)
    assert info["data"]["free disk GB"] > 0
    assert isinstance(info["audio input devices"], list)
    text = run_cli("doctor")
    assert "model:" in text.out and "tiny.en" in text.out
