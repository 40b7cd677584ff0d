"""The data of the loop report: one candidate, every session, several evaluators."""

from __future__ import annotations

import pytest

from interviewer.core.errors import UserError
from interviewer.notes.reports.loop_data import loop_summary
from interviewer.notes.store.database import Store
from tests.notes.reports.loop_interviews import CLAIMS, NAME


@pytest.fixture
def store(loop_store: Store) -> Store:
    return loop_store


def test_loop_summary_data(store: Store) -> None:
    data = loop_summary(store, NAME.upper())
    assert data["evaluators"] == ["Ada", "Bo"]
    assert len(data["sessions"]) == 2
    by_text = {c["text"]: c for c in data["claims"]}
    assert by_text[CLAIMS[0]]["probed_by"] == "Ada" and by_text[CLAIMS[0]]["status"] == "verified"
    assert by_text[CLAIMS[1]]["probed_by"] == "Bo" and by_text[CLAIMS[1]]["status"] == "vague"
    assert [f["concrete"] for f in data["failures"]] == [True, False]
    cv = next(c for c in data["criteria"] if c["key"] == "claim-verification")
    assert {ev: [x["score"] for x in xs] for ev, xs in cv["scores"].items()} == {"Ada": [4], "Bo": [2]}
    assert cv["median"] == 2 and cv["median_anchor"]
    unverified = {u["text"] for u in data["unverified"]}
    assert CLAIMS[3] in unverified and CLAIMS[2] in unverified and CLAIMS[0] not in unverified
    sc = data["scenarios"][0]
    assert [e["key"] for e in sc["engaged"]] == ["data-residency"]
    assert "deadline" in {e["key"] for e in sc["not_engaged"]}
    with pytest.raises(UserError):
        loop_summary(store, "Nobody Here")
