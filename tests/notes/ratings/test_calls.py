"""Judgment calls: the record, scores per call, the calibration board and agreement per call."""

from __future__ import annotations

import json

import pytest

from interviewer.core.errors import UserError
from interviewer.notes import panel
from interviewer.notes.prompts.kits import default_kit_path, load_kit
from interviewer.notes.ratings import calls
from interviewer.notes.store import schema
from interviewer.notes.store.database import Store
from tests.builders import seg

ROLE = "Senior ML Engineer"
SCENARIO = "sc-06"
ANSWERS = {
    "Ann": "I would look at the failing queries by hand first and sort them by how often users hit them",
    "Bo": "Most of those misses are acceptable noise so I would fix only the ones that cost real tickets",
    "Cy": "We should rebuild the whole index from scratch with a better embedding model",
}
QUESTION = "Here is the scenario card please read it and tell me what you do"
THANKS = "Thank you that is helpful let us move on"


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "data" / "interviewer.sqlite3")
    yield s
    s.close()


def _session(store: Store, candidate: str, *, speakers: bool = True) -> str:
    kit_path = default_kit_path()
    kit_id = store.save_kit(load_kit(kit_path), kit_path.read_text(encoding="utf-8"))
    cand = store.get_or_create_candidate(candidate)
    sid = store.create_session(candidate_id=cand, role_id=store.get_or_create_role(ROLE), kit_id=kit_id,
                               evaluator="Ada", status="complete")
    who = ("interviewer", "candidate") if speakers else ("", "")
    store.add_segments(sid, [seg(10.0, 14.0, QUESTION, who[0]), seg(15.0, 30.0, ANSWERS[candidate], who[1]),
                             seg(31.0, 34.0, THANKS, who[0])])
    store.update_session(sid, duration_s=40.0)
    return sid


def three_candidates(store: Store) -> dict[str, str]:
    """Three candidates for one role, the same scenario asked to each; two evaluators score every answer."""
    scores = {"Ann": (3, 3), "Bo": (4, 2), "Cy": (1, 1)}
    out = {}
    for name in ANSWERS:
        sid = _session(store, name)
        cid = calls.ask(store, sid, kind="scenario", key=SCENARIO, start=10.0, end=34.0, evaluator="Ada")
        eid = store.add_evidence(session_id=sid, start=16.0, end=29.0, criterion="judgment", evaluator="Ada")
        ada, ben = scores[name]
        store.rate_call(cid, evaluator="Ada", score=ada, evidence_ids=[eid])
        store.rate_call(cid, evaluator="Ben", score=ben, reason="weighed the noise against the cost")
        out[name] = cid
    return out


def test_board_gives_each_candidates_words_and_both_scores(store):
    ids = three_candidates(store)
    [row] = calls.board(store, ROLE)
    assert set(row) == {"key", "kind", "text", "criterion", "answers"}
    assert (row["key"], row["kind"], row["criterion"]) == (SCENARIO, "scenario", "judgment")
    assert [a["candidate"] for a in row["answers"]] == ["Ann", "Bo", "Cy"]
    for a in row["answers"]:
        assert set(a) == {"call", "candidate", "session", "start", "end", "quote", "scores"}
        assert a["quote"] == ANSWERS[a["candidate"]]  # the candidate's words only: no question, no thanks
        assert a["call"] == ids[a["candidate"]]
        assert (a["start"], a["end"]) == (10.0, 34.0)
    assert row["answers"][1]["scores"] == {"Ada": 4, "Ben": 2}


def test_without_speaker_labels_every_word_in_the_span_is_the_answer(store):
    sid = _session(store, "Ann", speakers=False)
    cid = calls.ask(store, sid, kind="scenario", key=SCENARIO, start=10.0, end=34.0)
    answer = calls.call_answer(store, store.call(cid))
    assert answer["quote"] == f"{QUESTION} {ANSWERS['Ann']} {THANKS}"


def test_a_call_asked_to_one_candidate_only_is_not_on_the_board(store):
    sid = _session(store, "Ann")
    calls.ask(store, sid, kind="probe", key="jd-04", start=10.0)
    _session(store, "Bo")
    assert calls.board(store, ROLE) == []


def test_by_call_alpha_rests_on_its_items_and_warns_when_few(store):
    three_candidates(store)
    report = calls.by_call(store, ROLE)
    [c] = report["calls"]
    assert c["key"] == SCENARIO and c["items"] == 3
    assert isinstance(c["alpha"], float) and -1.0 <= c["alpha"] < 1.0
    assert "too few" in c["warning"]
    assert report["criteria"]["judgment"]["items"] == 3
    # Ada is a point above Ben on Bo's answer, level elsewhere: +2/3 over three shared answers.
    assert report["evaluators"]["Ada"] == {"offset": pytest.approx(0.667, abs=1e-3), "n": 3, "scored": 3}
    assert [s["candidate"] for s in report["splits"]] == ["Bo"]


def test_scores_need_evidence_inside_the_answer_or_a_reason_and_are_blind(store):
    sid = _session(store, "Ann")
    cid = calls.ask(store, sid, kind="probe", key="jd-04", start=10.0, end=30.0)
    outside = store.add_evidence(session_id=sid, start=31.0, end=34.0, criterion="judgment", evaluator="Ada")
    with pytest.raises(UserError, match="outside the answer"):
        store.rate_call(cid, evaluator="Ada", score=3, evidence_ids=[outside])
    with pytest.raises(UserError, match="written reason"):
        store.rate_call(cid, evaluator="Ada", score=3)
    with pytest.raises(UserError, match="1, 2, 3 or 4"):
        store.rate_call(cid, evaluator="Ada", score=0, reason="x")
    store.rate_call(cid, evaluator="Ada", score=3, reason="committed and named the cost")
    assert store.visible_call_ratings(cid, "Ben") == []
    store.rate_call(cid, evaluator="Ben", score=2, reason="no cheap experiment")
    assert {r.evaluator: r.score for r in store.visible_call_ratings(cid, "Ben")} == {"Ada": 3, "Ben": 2}
    assert [e["action"] for e in store.audit_entries(cid)] == ["call.add"]


def test_live_asks_and_scenario_cards_are_calls(store):
    sid = _session(store, "Ann")
    claim = store.add_claims(store.session(sid).candidate_id, [{"text": "Cut latency by half"}])[0]
    first = store.add_probe_ask(session_id=sid, probe_key="cv-02", probe_text="baseline?", at_s=5.0, claim_id=claim)
    store.add_probe_ask(session_id=sid, probe_key="cv-13", probe_text="recall?", at_s=12.0, claim_id=claim)
    third = store.add_probe_ask(session_id=sid, probe_key="jd-04", probe_text="re-ranker?", at_s=20.0, claim_id=claim)
    rows = store.calls(sid)
    assert [(c.key, c.criterion, c.depth) for c in rows] == [
        ("cv-02", "claim-verification", 0), ("cv-13", "claim-verification", 1), ("jd-04", "judgment", 2)]
    assert store.call_span(rows[0]) == (5.0, 12.0)  # until the next call
    assert store.call_span(rows[2]) == (20.0, 40.0)  # at most 90 s, not past the recording
    store.delete_probe_ask(third)  # undo of the A key
    assert [c.key for c in store.calls(sid)] == ["cv-02", "cv-13"]
    card = next(s for s in panel.scenarios(load_kit()) if s["id"] == SCENARIO)
    use = panel.open_scenario(store, sid, card, 22.0)
    panel.close_scenario(store, use, 37.5)
    sc = [c for c in store.calls(sid) if c.kind == "scenario"]
    assert [(c.key, c.start, c.end, c.criterion) for c in sc] == [(SCENARIO, 22.0, 37.5, "judgment")]
    assert first in {c.probe_ask_id for c in store.calls(sid)}


def test_span_edits_are_checked_and_audited(store):
    sid = _session(store, "Ann")
    cid = calls.ask(store, sid, kind="probe", key="jd-04", start=10.0)
    store.update_call(cid, actor="Ada", start=15.0, end=30.0)
    assert calls.call_answer(store, store.call(cid))["quote"] == ANSWERS["Ann"]
    with pytest.raises(UserError, match="end after it starts"):
        store.update_call(cid, actor="Ada", end=12.0)
    with pytest.raises(UserError, match="no probe 'nope'"):
        calls.ask(store, sid, kind="probe", key="nope", start=1.0)
    with pytest.raises(UserError, match="no scenario card"):
        calls.ask(store, sid, kind="scenario", key="jd-04", start=1.0)
    assert [e["action"] for e in store.audit_entries(cid)] == ["call.add", "call.update"]


def test_migration_turns_earlier_asks_and_scenario_uses_into_calls(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = Store(path, migrate_to=6)
    kit_path = default_kit_path()
    kit_id = old.save_kit(load_kit(kit_path), kit_path.read_text(encoding="utf-8"))
    cand = old.get_or_create_candidate("Ann")
    sid = old.create_session(candidate_id=cand, role_id=None, kit_id=kit_id, evaluator="Ada", status="complete")
    old.t("probe_asks").insert({"id": "a1", "session_id": sid, "probe_key": "jd-02", "probe_text": "labels?",
                                "claim_id": None, "at_s": 3.0, "created_at": old.now()})
    old.t("scenario_uses").insert({"id": "u1", "session_id": sid, "scenario_key": "sc-01", "title": "EU",
                                   "opened_s": 8.0, "closed_s": 20.0, "created_at": old.now()})
    old.close()
    new = Store(path)
    try:
        assert new.user_version == schema.SCHEMA_VERSION
        rows = new.calls(sid)
        assert [(c.kind, c.key, c.criterion, c.start, c.end) for c in rows] == [
            ("probe", "jd-02", "judgment", 3.0, None), ("scenario", "sc-01", None, 8.0, 20.0)]
        assert json.loads(json.dumps(new.export_session(sid)))["judgment_calls"][0]["probe_ask_id"] == "a1"
    finally:
        new.close()


def test_comparison_pdf_board_section_shows_the_same(store, tmp_path):
    from pypdf import PdfReader

    from interviewer.notes.reports.compare_report import compare_pdf

    three_candidates(store)
    out = compare_pdf(store, ROLE, tmp_path / "compare.pdf")
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(out).pages)
    board = text[text.index("Judgment calls side by side"):]
    assert "Retrieval failures: fix or accept?" in board and "sc-06" in board
    for words in ANSWERS.values():
        assert words in board  # each candidate's answer, in their own words
    assert QUESTION not in board and THANKS not in board
    for name in ANSWERS:
        assert name in board
    assert "Ada 4" in board and "Ben 2" in board and "split by 2" in board and "the panel splits" in board
    assert "over 3 answers" in board and "too few" in board


def test_alpha_is_undefined_without_variation_among_paired_scores():
    from interviewer.notes.ratings.calibration import ordinal_alpha

    nan = float("nan")
    assert ordinal_alpha([[3.0, 1.0, 4.0], [3.0, nan, nan]]) is None  # one shared answer, scored alike
    assert ordinal_alpha([[3.0, 1.0, 4.0], [3.0, 2.0, 4.0]]) is not None


def test_calls_and_their_scores_travel_in_bundles_and_are_erased_with_the_candidate(store, tmp_path):
    from interviewer.core.config import DataDir
    from interviewer.notes.privacy.access import access_candidate
    from interviewer.notes.privacy.erasure import erase_candidate
    from interviewer.notes.store.bundle import export_bundle, import_bundle

    ids = three_candidates(store)
    sid = store.call(ids["Ann"]).session_id
    export_bundle(store, [sid], tmp_path / "ann.zip")
    other = Store(tmp_path / "other" / "interviewer.sqlite3")
    try:
        report = import_bundle(other, tmp_path / "ann.zip")
        assert report.added["judgment_calls"] == 1 and report.added["call_ratings"] == 2
        assert {r.evaluator: r.score for r in other.call_ratings(ids["Ann"])} == {"Ada": 3, "Ben": 3}
    finally:
        other.close()
    held = access_candidate(store, DataDir(store.root), "Ann", tmp_path / "access")
    text = held.read_text(encoding="utf-8")
    assert ids["Ann"] in text and "weighed the noise against the cost" in text  # subject access covers them
    erase_candidate(store, DataDir(store.root), "Ann")
    assert store.db.execute("SELECT count(*) FROM judgment_calls WHERE id = ?", [ids["Ann"]]).fetchone()[0] == 0
    assert store.db.execute("SELECT count(*) FROM call_ratings WHERE call_id = ?", [ids["Ann"]]).fetchone()[0] == 0
    assert [a["candidate"] for a in calls.board(store, ROLE)[0]["answers"]] == ["Bo", "Cy"]


def test_the_loop_report_says_how_deep_the_follow_ups_went_on_each_claim(store, tmp_path):
    from pypdf import PdfReader

    from interviewer.notes.reports.loop_data import loop_summary
    from interviewer.notes.reports.loop_report import loop_pdf

    sid = _session(store, "Ann")
    cand = store.session(sid).candidate_id
    deep, shallow, _untouched = store.add_claims(cand, [{"text": "Cut latency by half"}, {"text": "Led on-call"},
                                                        {"text": "Wrote the eval harness"}])
    for at, key in ((5.0, "cv-02"), (12.0, "cv-13"), (20.0, "cv-10")):
        store.add_probe_ask(session_id=sid, probe_key=key, probe_text=key, at_s=at, claim_id=deep)
    calls.ask(store, sid, kind="probe", key="fa-14", start=25.0, claim_id=shallow)
    with pytest.raises(UserError, match="after the end of the recording"):
        calls.ask(store, sid, kind="probe", key="fa-14", start=400.0)
    data = loop_summary(store, "Ann")
    assert [c["follow_ups"] for c in data["claims"]] == [2, 0, None]
    text = " ".join(" ".join((p.extract_text() or "").split())
                    for p in PdfReader(loop_pdf(store, "Ann", tmp_path / "loop.pdf")).pages)
    assert "2 follow-ups" in text and "asked, no follow-up" in text


def test_calibration_pdf_shows_agreement_per_call_and_the_debriefs_agenda(store, tmp_path):
    from pypdf import PdfReader

    from interviewer.notes.reports.calibration_report import calibration_pdf

    three_candidates(store)
    out = calibration_pdf(store, ROLE, tmp_path / "calibration.pdf")
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(out).pages)
    section = text[text.index("Agreement on judgment calls"):]
    alpha = calls.by_call(store, ROLE)["calls"][0]["alpha"]
    assert f"scenario sc-06: Retrieval failures: fix or accept? {alpha:.2f} 3" in section
    assert "the debrief's agenda): sc-06 Bo (Ada 4, Ben 2)" in section


def test_editing_the_claim_ledger_keeps_the_calls_that_follow_a_claim_up(store):
    sid = _session(store, "Ann")
    cand = store.session(sid).candidate_id
    a, b, c = store.add_claims(cand, [{"text": "Cut latency"}, {"text": "Led on-call"}, {"text": "Wrote evals"}])
    for at, claim in ((5.0, a), (8.0, b), (11.0, c)):
        store.add_probe_ask(session_id=sid, probe_key="cv-02", probe_text="baseline?", at_s=at, claim_id=claim)
    [first, *_] = store.split_claim(a, ["Cut latency", "by half"], actor="Ada")
    keep = store.merge_claims([first, b], actor="Ada")
    store.delete_claim(c, actor="Ada")
    assert [x.claim_id for x in store.calls(sid)] == [keep, keep, None]


def test_retention_of_a_transcript_also_removes_the_written_scores_of_its_calls(store):
    from datetime import UTC, datetime, timedelta

    from interviewer.core.config import DataDir
    from interviewer.notes.privacy.retention import apply_retention
    from interviewer.notes.privacy.retention_policy import RetentionPolicy

    ids = three_candidates(store)
    later = datetime.now(UTC) + timedelta(days=200)
    report = apply_retention(store, DataDir(store.root), now=later, dry_run=False,
                             policy=RetentionPolicy(audio_days=None, transcript_days=90))
    assert report.actions
    for cid in ids.values():
        assert store.call_ratings(cid) == []  # "weighed the noise against the cost" is gone with the transcript
        assert store.call(cid).key == SCENARIO  # the call itself (what was asked, when) stays
    assert not any("weighed the noise" in (e["new"] or "") for e in store.audit_entries())
