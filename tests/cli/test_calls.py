"""`interviewer ask`, `rate-call`, `calls --role` and `calibration --by-call` on a real data dir."""

from __future__ import annotations

import json

from interviewer.notes.store.database import Store
from tests.notes.ratings.test_calls import ANSWERS, ROLE, SCENARIO, _session


def _three_sessions(data_dir) -> dict[str, str]:
    with Store(data_dir.db_path) as store:
        return {name: _session(store, name) for name in ANSWERS}


def test_ask_rate_and_the_board_from_the_command_line(run_cli, data_dir):
    sessions = _three_sessions(data_dir)
    scores = {"Ann": (3, 3), "Bo": (4, 2), "Cy": (1, 1)}
    ids = {}
    for name, sid in sessions.items():
        r = run_cli("ask", sid[:8], "--scenario", SCENARIO, "--start", "10", "--end", "34")
        assert r.code == 0, r.err
        ids[name] = r.out.strip()
        ev = run_cli("tag", sid, "--criterion", "judgment", "--start", "16", "--end", "29", "--evaluator", "Ada")
        r = run_cli("rate-call", ids[name], "--score", str(scores[name][0]), "--evaluator", "Ada",
                    "--evidence", ev.out.strip())
        assert r.code == 0, r.err
        assert json.loads(r.out) == {"call": ids[name], "evaluator": "Ada", "score": scores[name][0]}
        r = run_cli("rate-call", ids[name][:12], "--score", str(scores[name][1]), "--evaluator", "Ben",
                    "--reason", "weighed noise against cost")
        assert json.loads(r.out) == {"call": ids[name], "evaluator": "Ben", "score": scores[name][1]}  # blind
    r = run_cli("calls", "--role", ROLE, "--format", "json")
    assert r.code == 0, r.err
    [row] = json.loads(r.out)
    assert [(a["candidate"], a["call"], a["quote"], a["scores"]) for a in row["answers"]] == [
        (n, ids[n], ANSWERS[n], {"Ada": scores[n][0], "Ben": scores[n][1]}) for n in ("Ann", "Bo", "Cy")]
    text = run_cli("calls", "--role", ROLE)
    assert "sc-06" in text.out and "Ada 4, Ben 2" in text.out

    r = run_cli("calibration", "--role", ROLE, "--by-call", "--format", "json")
    assert r.code == 0, r.err
    report = json.loads(r.out)
    assert {"overall_alpha", "criteria", "evaluators", "flags", "calls"} <= set(report)
    [c] = report["calls"]
    assert (c["key"], c["items"]) == (SCENARIO, 3) and isinstance(c["alpha"], float)
    assert report["evaluators"]["Ada"]["call_offset"] > 0 > report["evaluators"]["Ben"]["call_offset"]
    plain = run_cli("calibration", "--role", ROLE, "--format", "json")
    assert "calls" not in json.loads(plain.out)
    text = run_cli("calibration", "--role", ROLE, "--by-call")
    assert "over 3 answers" in text.out and "SPLIT sc-06 Bo" in text.out


def test_ask_and_rate_call_refuse_bad_input_in_one_line(run_cli, data_dir):
    sid = _three_sessions(data_dir)["Ann"]
    for argv, words in [
        (("ask", sid, "--probe", "nope", "--start", "1"), "no probe 'nope'"),
        (("ask", sid, "--probe", "jd-04", "--start", "10", "--end", "5"), "must come after"),
        (("ask", sid, "--probe", "jd-04", "--start", "-3"), "0 seconds or more"),
        (("ask", sid, "--probe", "jd-04", "--start", "nan"), "0 seconds or more"),
        (("ask", "zzzz", "--probe", "jd-04", "--start", "1"), "no session matches"),
        (("rate-call", "zzzz", "--score", "3", "--evaluator", "Ada", "--reason", "x"), "no judgment call"),
        (("calls", "--role", "Nobody"), "no sessions for role"),
    ]:
        r = run_cli(*argv)
        assert r.code == 2, argv
        assert words in r.err and "Traceback" not in r.err, r.err
        assert sum("error" in line for line in r.err.splitlines()) == 1, r.err
    cid = run_cli("ask", sid, "--probe", "jd-04", "--start", "10", "--end", "30").out.strip()
    r = run_cli("rate-call", cid, "--score", "3", "--evaluator", "Ada")
    assert r.code == 2 and "written reason" in r.err


def test_core_sets_and_prints_a_roles_shared_core(run_cli):
    r = run_cli("core", "--role", ROLE, "--scenario", "sc-06", "sc-09", "--probe", "jd-04", "--format", "json")
    assert r.code == 0, r.err
    assert [(x["kind"], x["key"], x["criterion"]) for x in json.loads(r.out)] == [
        ("scenario", "sc-06", "judgment"), ("scenario", "sc-09", "judgment"), ("probe", "jd-04", "judgment")]
    assert "sc-09" in run_cli("core", "--role", ROLE.lower()).out
    bad = run_cli("core", "--role", ROLE, "--scenario", "sc-99")
    assert bad.code == 2 and "no scenario card 'sc-99'" in bad.err
    assert "sc-06" in run_cli("core", "--role", ROLE).out  # a refused change leaves the core as it was


def test_the_default_kit_validates_with_its_scenario_cards(run_cli):
    from interviewer.notes.prompts.kits import default_kit_path

    r = run_cli("kit", "validate", str(default_kit_path()))
    assert r.code == 0, r.err
    assert r.out.strip().endswith("23 topics, 9 scenario cards")
