"""The practitioner panel: claims matched to evaluators who shipped them, failure archaeology, scenarios."""

from __future__ import annotations

import pytest

from interviewer.core.errors import UserError
from interviewer.core.transcript import Segment, Word
from interviewer.notes import panel
from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.store.database import Store

CLAIMS = [
    ("Cut p95 retrieval latency from 900 ms to 200 ms", ["retrieval", "latency"]),
    ("Designed drift monitoring for 14 features", ["data-drift", "monitoring"]),
    ("Ran the nightly evaluation harness", ["evaluation"]),
    ("Set up a labelling programme with a vendor", ["labelling"]),
    ("Moved inference into the EU region", ["data-residency"]),
]


@pytest.fixture
def env(tmp_path):
    s = Store(tmp_path / "db.sqlite3")
    kit = load_kit()
    cand = s.get_or_create_candidate("Zoë")
    s.add_claims(cand, [{"text": t, "topics": topics} for t, topics in CLAIMS])
    panel.add_evaluator(s, kit, "Ada", role="Staff MLE", shipped={"retrieval": "built the RAG stack",
                                                                   "latency": "p95 budgets", "evaluation": "evals"})
    panel.add_evaluator(s, kit, "Bo", shipped={"data-drift": "drift alerts", "monitoring": "on-call dashboards",
                                               "evaluation": "nightly eval for 40 teams"})
    yield s, kit, cand
    s.close()


def test_every_matchable_claim_goes_to_a_practitioner_and_the_rest_are_flagged(env):
    s, kit, cand = env
    result = panel.plan(s, kit, cand)
    by_claim = {a["claim"]: a["evaluator"] for a in result["assignments"]}
    assert by_claim[CLAIMS[0][0]] == "Ada"
    assert by_claim[CLAIMS[1][0]] == "Bo"
    assert by_claim[CLAIMS[2][0]] in {"Ada", "Bo"}
    unmatched = {u["claim"]: u for u in result["unmatched"]}
    assert set(unmatched) == {CLAIMS[3][0], CLAIMS[4][0]}
    assert unmatched[CLAIMS[3][0]]["message"] == "no practitioner on this panel for: labelling"
    for a in result["assignments"]:
        shipped = {e["name"]: set(e["topics"]) for e in panel.evaluators(s)}[a["evaluator"]]
        assert shipped & set(a["topics"]), a
    assert set(result) == {"assignments", "unmatched"}
    assert all({"claim", "evaluator", "topics"} <= set(a) for a in result["assignments"])
    assert all({"claim", "topics"} <= set(u) for u in result["unmatched"])


def test_plan_edits_stick_and_drive_your_claims(env):
    s, kit, cand = env
    claim_id = s.claims(cand)[2].id
    panel.assign(s, claim_id, "Bo")
    assert claim_id in panel.claims_for(s, kit, cand, "Bo")
    assert claim_id not in panel.claims_for(s, kit, cand, "Ada")
    with pytest.raises(UserError, match="no evaluator"):
        panel.assign(s, claim_id, "Nobody")


def test_unknown_topic_is_refused_with_the_known_ones(env):
    s, kit, _ = env
    with pytest.raises(UserError) as err:
        panel.add_evaluator(s, kit, "Cy", shipped={"astrology": ""})
    assert "astrology" in str(err.value)
    assert "retrieval" in str(err.value)


def test_failure_story_completeness(env):
    s, _, cand = env
    sid = s.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="Ada")
    assert not panel.has_concrete_failure_story(s, sid)
    story = panel.save_failure_story(s, sid, {"what_broke": "ticket model degraded"}, evaluator="Ada")
    [row] = panel.failure_stories(s, sid)
    assert row["filled"] == 1
    assert "How it was detected, and by whom" in row["missing"]
    assert not row["concrete"]
    ev = s.add_evidence(session_id=sid, start=60, end=80, criterion="failure-archaeology", evaluator="Ada")
    panel.save_failure_story(s, sid, {"detection": "a support lead", "own_role": "traced it", "fix": "retrained",
                                      "time_unnoticed": "19 days"}, evidence_ids=[ev], story_id=story)
    [row] = panel.failure_stories(s, sid)
    assert row["concrete"]
    assert row["evidence_ids"] == [ev]
    assert row["missing"] == ["Their first hypothesis, and why it was wrong", "Dead ends on the way",
                              "The data they looked at (logs, examples, metrics)", "The diagnosis path",
                              "What changed afterwards", "What they did not see coming, and why"]
    assert row["texture"] == []  # every "concrete" part is there, and none of the diagnosis's texture
    panel.save_failure_story(s, sid, {"first_hypothesis": "a bad deploy, ruled out by rollback",
                                      "dead_ends": "two days on the feature store"}, story_id=story)
    [row] = panel.failure_stories(s, sid)
    assert row["texture"] == ["Their first hypothesis, and why it was wrong", "Dead ends on the way"]
    assert row["texture_missing"] == ["The data they looked at (logs, examples, metrics)",
                                      "What they did not see coming, and why"]
    assert panel.has_concrete_failure_story(s, sid)
    with pytest.raises(UserError):
        panel.save_failure_story(s, sid, {"vibes": "x"})


def test_scenario_evidence_and_constraint_ticks(env):
    s, kit, cand = env
    sid = s.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="Ada")
    s.add_segment(sid, Segment(10, 14, "keep the logs in Europe", "c",
                               tuple(Word(10 + i, 11 + i, " " + w, 1) for i, w in enumerate(["keep", "the", "logs", "in"]))))
    sc = panel.scenarios(kit)[0]
    assert {c["key"] for c in sc["constraints"]} <= set(panel.CONSTRAINT_KEYS)
    assert sc["title"] in panel.scenario_text(sc)
    use = panel.open_scenario(s, sid, sc, 9.0)
    ev = s.add_evidence(session_id=sid, start=10, end=14, criterion="production-constraints", evaluator="Ada")
    assert panel.link_evidence_to_open_scenario(s, sid, ev) == use
    panel.tick_constraint(s, use, "data-residency", evidence_id=ev)
    panel.tick_constraint(s, use, "cost-ceiling", start=10, end=12)
    panel.close_scenario(s, use, 20.0)
    later = s.add_evidence(session_id=sid, start=30, end=31, criterion="judgment", evaluator="Ada")
    assert panel.link_evidence_to_open_scenario(s, sid, later) is None
    [u] = panel.scenario_uses(s, sid)
    assert u["evidence"] == [ev]
    ticks = {t["constraint_key"]: t for t in u["ticks"]}
    assert ticks["data-residency"]["evidence_id"] == ev
    assert ticks["data-residency"]["quote"] == "keep the logs in"
    assert ticks["cost-ceiling"]["quote"] == "keep the"
