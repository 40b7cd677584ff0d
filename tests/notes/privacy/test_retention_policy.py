"""The retention policy file: round trip, owner-only, refusals naming the file."""

from __future__ import annotations

import os
import stat

import pytest

from interviewer.core.config import DataDir
from interviewer.core.errors import UserError
from interviewer.notes.privacy.retention_policy import RetentionPolicy, load_policy, policy_path, save_policy


def test_policy_round_trip_and_refusals(dd: DataDir):
    assert load_policy(dd) == RetentionPolicy()
    save_policy(dd, RetentionPolicy(audio_days=30))
    assert load_policy(dd) == RetentionPolicy(audio_days=30, transcript_days=None)
    save_policy(dd, RetentionPolicy(audio_days=0, transcript_days=365))
    assert load_policy(dd) == RetentionPolicy(audio_days=0, transcript_days=365)
    if os.name == "posix":
        assert stat.S_IMODE(policy_path(dd).stat().st_mode) == 0o600
    for text, msg in (("audio_days = -1\n", "0 or more"), ("audio_days = 'x'\n", "whole number"),
                      ("audio_dayz = 3\n", "unknown setting"), ("audio_days = \n", "not valid TOML")):
        policy_path(dd).write_text(text, encoding="utf-8")
        with pytest.raises(UserError, match=msg) as exc:
            load_policy(dd)
        assert str(policy_path(dd)) in str(exc.value)
