"""The demo's scripted evaluator (no model needed): tags, asks, the scenario card, and scores per call."""

from __future__ import annotations

import json

from interviewer.core.config import resource_path
from interviewer.live import demo
from interviewer.notes.ratings import calls
from interviewer.notes.store.database import Store
from tests.builders import seg


def test_scripted_demo_records_judgment_calls_with_both_evaluators_scores(tmp_path):
    store = Store(tmp_path / "db.sqlite3")
    try:
        setup = demo.prepare(store)
        sid = store.create_session(candidate_id=setup.candidate_id, role_id=store.get_or_create_role(demo.ROLE),
                                   kit_id=setup.kit_id, evaluator=demo.EVALUATOR, status="complete")
        turns = json.loads(resource_path("demo", "interview.json").read_text(encoding="utf-8"))["turns"]
        store.add_segments(sid, [seg(t["start"], t["end"], t["text"], demo.SPEAKER) for t in turns])
        tagger = demo.ScriptedTagger(store, store.claims(setup.candidate_id), setup.kit)
        tagger.start(sid)
        tagger.due(float("inf"))
        tagger.rate()
        rows = store.calls(sid)
        assert [(c.kind, c.key) for c in rows] == [
            ("probe", "cv-02"), ("probe", "cv-13"), ("probe", "cv-03"), ("probe", "fa-01"), ("scenario", "sc-01")]
        assert [c.depth for c in rows[:2]] == [0, 1]  # the recall question follows up the latency claim
        scored = {c.key: {r.evaluator: r.score for r in store.call_ratings(c.id)} for c in rows}
        assert scored["sc-01"] == {"Demo Evaluator": 3, "Rosa Ortiz": 2}
        assert scored["fa-01"] == {"Demo Evaluator": 4, "Rosa Ortiz": 3}
        answer = calls.call_answer(store, rows[4])
        assert (answer["span_start"], answer["span_end"]) == (83.2, 114.0)
        assert "European region" in answer["quote"]
    finally:
        store.close()
