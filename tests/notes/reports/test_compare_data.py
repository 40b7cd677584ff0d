"""The data of the comparison report: a role's candidates side by side, and the judgment calls they shared."""

from __future__ import annotations

import json

import pytest

from interviewer.core.errors import UserError
from interviewer.core.transcript import mmss
from interviewer.notes.reports.compare_data import comparison
from tests.notes.reports.role_interviews import ASK_AT, PEOPLE


def test_comparison_data(store):
    data = comparison(store, "ml engineer")  # any case
    assert [c["name"] for c in data["candidates"]] == list(PEOPLE)
    zoe = data["candidates"][0]
    assert zoe["scores"]["judgment"] == {"Ada": [3], "Bo": [3]}
    assert zoe["evidence"]["judgment"] == {"supports": 2, "concern": 0}
    assert zoe["claims"]["verified"] == 1 and zoe["claims"]["unprobed"] == 1 and zoe["claims"]["total"] == 3
    assert data["candidates"][1]["claims"]["contradicted"] == 1
    probes = {p["key"]: p for p in data["probes"]}
    assert set(probes) == {"cv-02", "jd-01", "fa-01", "pc-01"}  # sc-02 was asked to one candidate only
    assert [a["scores"] for a in probes["cv-02"]["answers"]] == [{}, {}]  # scores of the answer, not the session
    assert [a["candidate"] for a in probes["cv-02"]["answers"]] == ["Zoë Ðặng", "Ravi Menon"]
    jd = probes["jd-01"]
    assert jd["criterion"] == "judgment"
    assert [a["scores"] for a in jd["answers"]] == [{"Ada": 3, "Bo": 3}, {"Ada": 1, "Bo": 2},
                                                    {"Ada": 4, "Bo": 3}]
    # the answer is the candidate's words after the ask, not the question itself
    assert jd["answers"][1]["answer"].startswith("It depends on many things")
    assert "vendor retires" not in jd["answers"][1]["answer"]
    assert jd["answers"][0]["time"] == mmss(ASK_AT["jd-01"])
    assert "Judgment: highest Grace Okafor (3.5), lowest Ravi Menon (1.5)." in data["highlights"]
    assert "Contradicted resume claims: Ravi Menon (1)." in data["highlights"]
    json.dumps(data)
    with pytest.raises(UserError, match="no sessions for role"):
        comparison(store, "Data Engineer")
