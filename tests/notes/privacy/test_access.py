"""Subject access: everything held on one candidate, JSON and audio, and nothing of anyone else."""

from __future__ import annotations

import json
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from interviewer.core.config import DataDir
from interviewer.core.errors import UserError
from interviewer.notes.privacy.access import access_candidate
from interviewer.notes.store.database import Store
from tests.notes.privacy.planting import CANARY, NOW, OTHER, populate


def test_access_writes_json_and_audio_and_refuses_a_non_empty_dir(store: Store, dd: DataDir, tmp_path: Path):
    name = f"Zoë {CANARY.capitalize()}"
    ids = populate(store, dd, name, CANARY, started=NOW - timedelta(days=3))
    populate(store, dd, "Bob Keeper", OTHER, started=NOW, export=False)
    out = tmp_path / "sar"

    target = access_candidate(store, dd, name.lower(), out)

    assert target == out / "candidate.json"
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["format"] == "interviewer-subject-access"
    [person] = data["candidates"]
    assert person["candidate"]["name"] == name
    assert person["candidate"]["email"] == f"{CANARY}@example.org"
    assert [c["text"] for c in person["claims"]] == [f"Led the {CANARY} migration"]
    assert len(person["consents"]) == 1
    [session] = person["sessions"]
    assert session["session"]["id"] == ids["session"]
    assert session["segments"][0]["text"] == f"I rebuilt the {CANARY} pipeline by myself"
    assert session["evidence"][0]["note"] == f"asked about {CANARY} twice"
    assert session["ratings"][0]["reason"] == f"very solid on {CANARY}"
    assert sorted(data["other_records"]) == ["claim_assignments", "claim_probes", "constraint_ticks",
                                             "failure_stories", "scenario_uses"]
    assert data["other_records"]["constraint_ticks"][0]["quote"].strip() == f"I rebuilt the {CANARY} pipeline by myself"
    # The audit history, including rows deleted since (a claim, an evidence item, a corrected segment).
    actions = [e["action"] for e in data["audit_log"]]
    assert set(actions) >= {"consent.record", "evidence.add", "evidence.delete", "claim.status", "claim.edit",
                            "claim.delete", "segment.edit", "segments.replace", "rating.add", "rating.change",
                            "failure.save", "scenario.tick", "probe.write"}
    assert [e["old"]["text"] for e in data["audit_log"] if e["action"] == "claim.edit"] == [
        f"Owned the {CANARY} budget"]
    assert data["mentioned_elsewhere"] == []
    assert sorted(a["file"] for a in data["audio"]) == sorted([f"audio/{ids['session']}.wav",
                                                               f"audio/{ids['session']}.2.wav"])
    assert (out / "audio" / f"{ids['session']}.wav").read_bytes() == Path(ids["audio"]).read_bytes()
    assert OTHER not in target.read_text(encoding="utf-8")
    if os.name == "posix":
        assert stat.S_IMODE(out.stat().st_mode) == 0o700
        assert stat.S_IMODE(target.stat().st_mode) == 0o600

    with pytest.raises(UserError, match="not empty"):
        access_candidate(store, dd, name, out)
    with pytest.raises(UserError, match="no candidate named"):
        access_candidate(store, dd, "Nobody", tmp_path / "empty")
    assert not (tmp_path / "empty").exists()
    (tmp_path / "made").mkdir()
    assert access_candidate(store, dd, "bob keeper", tmp_path / "made").exists()
