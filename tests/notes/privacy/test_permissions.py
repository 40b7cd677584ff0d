"""Owner-only permissions on a data dir."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from interviewer.core.config import DataDir
from interviewer.notes.privacy.permissions import restrict_permissions


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_restrict_permissions(dd: DataDir, tmp_path: Path):
    (dd.exports_dir / "deep").mkdir()
    f1 = dd.exports_dir / "deep" / "a.json"
    f1.write_text("{}", encoding="utf-8")
    f2 = dd.root / "retention.toml"
    f2.write_text("", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("x", encoding="utf-8")
    outside.chmod(0o644)
    (dd.root / "link").symlink_to(outside)
    for p in (f1, f2):
        p.chmod(0o644)
    for d in (dd.root, dd.exports_dir, dd.exports_dir / "deep", dd.audio_dir):
        d.chmod(0o755)

    assert restrict_permissions(dd) == 6

    for d in (dd.root, dd.exports_dir, dd.exports_dir / "deep", dd.audio_dir):
        assert stat.S_IMODE(d.stat().st_mode) == 0o700, d
    for p in (f1, f2):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644  # a symlink's target is not ours to change
    assert restrict_permissions(dd) == 0
