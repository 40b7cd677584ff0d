"""Review after the interview: search, word corrections with undo, transcript replacement, exports."""

from __future__ import annotations

import argparse
import io
import itertools
import json

import pytest

from interviewer import app
from interviewer.cli import review as cli_review
from interviewer.core.errors import UserError
from interviewer.core.transcript import Segment, Word, words_in_range
from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.review import editing as review
from interviewer.notes.store.database import Store
from tests.builders import fixed_clock, seg


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "db.sqlite3", clock=fixed_clock)
    yield s
    s.close()


def make_session(store: Store, candidate: str, segments: list[Segment], *, role: str | None = "ML Engineer",
                 evaluator: str = "Ada") -> str:
    cand = store.get_or_create_candidate(candidate)
    role_id = store.get_or_create_role(role) if role else None
    kit_id = store.save_kit(load_kit(), "kit = 1")
    sid = store.create_session(candidate_id=cand, role_id=role_id, kit_id=kit_id, evaluator=evaluator,
                               status="complete")
    store.add_segments(sid, segments)
    return sid


@pytest.fixture
def two_sessions(store):
    a = make_session(store, "Zoë Ðặng", [
        seg(0.0, 2.0, "Tell me about the latency work.", "interviewer"),
        seg(2.5, 4.0, "We cut p95 latency from 900 ms to 200 ms."),
        seg(4.5, 7.0, "I measured it every day with a dashboard."),
    ])
    b = make_session(store, "Sam Okafor", [
        seg(0.0, 3.0, "How did you test the data pipeline?", "interviewer"),
        seg(63.0, 66.0, "Mostly unit tests and a nightly latency check."),
    ])
    return a, b


# ---------------------------------------------------------------------------------------------- search
def test_search_finds_session_time_and_marks_words(store, two_sessions):
    a, b = two_sessions
    hits = review.search(store, "p95 latency")
    assert len(hits) == 1
    [hit] = hits
    assert set(hit) == {"session", "candidate", "start", "end", "text", "snippet"}
    assert hit["session"] == a
    assert hit["candidate"] == "Zoë Ðặng"
    assert (hit["start"], hit["end"]) == (2.5, 4.0)
    assert hit["text"] == "We cut p95 latency from 900 ms to 200 ms."
    assert hit["snippet"] == "We cut [p95] [latency] from 900 ms to 200 ms."

    sessions = {h["session"] for h in review.search(store, "latency")}
    assert sessions == {a, b}
    # Stemming: "measuring" finds "measured".
    [hit] = review.search(store, "measuring")
    assert hit["start"] == 4.5
    assert "[measured]" in hit["snippet"]
    # Prefix search with a trailing star.
    [hit] = review.search(store, "dash*")
    assert "[dashboard]" in hit["snippet"]


def test_search_ranks_by_bm25(store):
    sid = make_session(store, "Ranker", [
        seg(0.0, 9.0, "we talked about many things like teams hiring budgets roadmaps and also kafka once"),
        seg(10.0, 12.0, "kafka kafka everywhere"),
    ])
    hits = review.search(store, "kafka")
    assert [h["start"] for h in hits] == [10.0, 0.0]
    assert all(h["session"] == sid for h in hits)
    assert len(review.search(store, "kafka", limit=1)) == 1


def test_search_ranks_only_the_newest_matches_of_a_very_common_word(store, monkeypatch):
    make_session(store, "Pool", [
        seg(0.0, 1.0, "kafka kafka kafka"),          # the best match, stored first
        seg(2.0, 9.0, "one mention of kafka among many other words here"),
        seg(10.0, 12.0, "kafka twice kafka"),
    ])
    assert review.search(store, "kafka", limit=1)[0]["start"] == 0.0
    monkeypatch.setattr(review, "RANK_POOL", 2)
    assert review.search(store, "kafka", limit=1)[0]["start"] == 10.0
    assert len(review.search(store, "kafka", limit=3)) == 3  # the pool is never smaller than the limit


FTS_SYNTAX = [
    '"latency', 'latency"', "latency AND", "AND", "OR NOT", "NEAR(latency", "latency)", "col:latency",
    "text:latency", "^latency", "-latency", "+", "*", "**", '"', "''", "O'Brien", "p95 - latency",
    "{latency}", "latency*", "ümlaut", "   ", "", "\\", "latency; DROP TABLE segments",
]


def test_search_tolerates_fts_syntax(store, two_sessions):
    for query in FTS_SYNTAX:
        hits = review.search(store, query)  # never an FTS5 syntax error
        assert all("latency" in h["text"].lower() for h in hits), query
    assert len(review.search(store, '"latency')) == 3
    assert len(review.search(store, "NEAR(latency")) == 0  # "near" is a word like any other
    assert len(review.search(store, "col:latency")) == 0
    assert len(review.search(store, "-latency")) == 3


def test_search_operators_are_plain_words(store):
    make_session(store, "Ops", [seg(0.0, 2.0, "salt and pepper"), seg(3.0, 5.0, "salt or vinegar")])
    assert [h["start"] for h in review.search(store, "salt AND pepper")] == [0.0]
    assert [h["start"] for h in review.search(store, '"salt OR')] == [3.0]


# ---------------------------------------------------------------------------------------------- editing
def _row(store, segment_id):
    [row] = list(store.t("segments").rows_where("id = ?", [segment_id]))
    return {**row, "words": json.loads(row["words"])}


def _segment_id(store, sid, start):
    return next(r["id"] for r in store.segment_rows(sid) if r["start"] == start)


def test_edit_same_word_count_keeps_every_word_time(store, two_sessions):
    a, _ = two_sessions
    seg_id = _segment_id(store, a, 4.5)
    before = _row(store, seg_id)
    old = review.edit_segment_text(store, seg_id, "I measured it every night with a Grafana.", actor="Ada")
    after = _row(store, seg_id)
    assert (after["start"], after["end"]) == (4.5, 7.0)
    assert after["text"] == "I measured it every night with a Grafana."
    assert [(w["start"], w["end"]) for w in after["words"]] == [(w["start"], w["end"]) for w in before["words"]]
    assert [w["word"].strip() for w in after["words"]] == ["I", "measured", "it", "every", "night", "with", "a", "Grafana."]
    assert set(after["words"][0]) == {"start", "end", "word", "prob"}
    assert old["text"] == before["text"] == "I measured it every day with a dashboard."
    # The search index follows the edit.
    assert review.search(store, "grafana")[0]["start"] == 4.5
    assert review.search(store, "dashboard") == []  # the old word is gone


def test_edit_different_word_count_keeps_the_segment_span(store, two_sessions):
    a, _ = two_sessions
    seg_id = _segment_id(store, a, 2.5)
    before = _row(store, seg_id)
    review.edit_segment_text(store, seg_id, "We cut the p95 latency from 900 milliseconds down to 200 ms.",
                             actor="Ada")
    after = _row(store, seg_id)
    words = after["words"]
    assert (after["start"], after["end"]) == (2.5, 4.0)
    assert words[0]["start"] == before["words"][0]["start"]
    assert words[-1]["end"] == before["words"][-1]["end"]
    assert all(w["start"] <= w["end"] for w in words)
    assert all(x["end"] <= y["start"] + 1e-9 for x, y in itertools.pairwise(words))
    # Kept words keep their time: "latency" is where it was.
    old_latency = next(w for w in before["words"] if w["word"].strip() == "latency")
    new_latency = next(w for w in words if w["word"].strip() == "latency")
    assert (new_latency["start"], new_latency["end"]) == (old_latency["start"], old_latency["end"])


def test_retime_words_inserted_word_shares_neighbour_time():
    old = [Word(0.0, 0.5, " we", 0.9), Word(0.5, 1.0, " cut", 0.8), Word(1.0, 1.5, " latency", 0.7)]
    new = review.retime_words(old, ["we", "cut", "the", "latency"], 0.0, 1.5)
    assert [w.word for w in new] == [" we", " cut", " the", " latency"]
    assert (new[0].start, new[0].end) == (0.0, 0.5)
    assert (new[3].start, new[3].end) == (1.0, 1.5)
    assert new[1].start == 0.5
    assert new[2].end == 1.0
    assert new[1].end == new[2].start
    # Removing a word leaves the others where they were.
    fewer = review.retime_words(old, ["we", "latency"], 0.0, 1.5)
    assert [(w.start, w.end) for w in fewer] == [(0.0, 0.5), (1.0, 1.5)]
    # No old word times: spread over the segment.
    spread = review.retime_words([], ["a", "bb"], 2.0, 3.0)
    assert spread[0].start == 2.0
    assert spread[-1].end == 3.0


def test_retime_words_random_edits_stay_ordered_inside_the_span():
    import random

    rng = random.Random(1)
    vocab = ["a", "b", "c", "the", "latency", "kafka", "p95"]
    for _ in range(300):
        t, old = rng.uniform(0, 5), []
        for _ in range(rng.randint(1, 10)):
            gap, dur = rng.choice([0.0, 0.0, 0.2]), rng.uniform(0.0, 0.6)
            old.append(Word(round(t + gap, 3), round(t + gap + dur, 3), " " + rng.choice(vocab), 0.9))
            t += gap + dur
        tokens = [w.word.strip() for w in old]
        for _ in range(rng.randint(0, 4)):
            r = rng.random()
            if r < 0.4:
                tokens.insert(rng.randint(0, len(tokens)), rng.choice(vocab))
            elif r < 0.7 and len(tokens) > 1:
                tokens.pop(rng.randrange(len(tokens)))
            else:
                tokens[rng.randrange(len(tokens))] = rng.choice(vocab)
        new = review.retime_words(old, tokens, old[0].start, old[-1].end)
        assert [w.word.strip() for w in new] == tokens
        assert all(w.start <= w.end + 1e-9 for w in new)
        assert all(a.end <= b.start + 1e-6 for a, b in itertools.pairwise(new))
        assert new[0].start >= old[0].start - 1e-9
        assert new[-1].end <= old[-1].end + 1e-9


def test_edit_is_audited_refreshes_quotes_and_undoes(store, two_sessions):
    a, _ = two_sessions
    seg_id = _segment_id(store, a, 2.5)
    eid = store.add_evidence(session_id=a, start=2.5, end=4.0, criterion="claim-verification", evaluator="Ada")
    original_quote = store.evidence(a)[0].quote
    assert original_quote == "We cut p95 latency from 900 ms to 200 ms."
    old = review.edit_segment_text(store, seg_id, "We cut P95 latency from 950 ms to 200 ms.", actor="Bea")

    [entry] = [e for e in store.audit_entries(seg_id) if e["action"] == "segment.edit"]
    assert entry["actor"] == "Bea"
    assert json.loads(entry["old"])["text"] == "We cut p95 latency from 900 ms to 200 ms."
    assert json.loads(entry["new"])["text"] == "We cut P95 latency from 950 ms to 200 ms."
    [ev] = store.evidence(a)
    assert ev.id == eid
    assert (ev.start, ev.end) == (2.5, 4.0)
    assert ev.quote == "We cut P95 latency from 950 ms to 200 ms."
    assert any(e["action"] == "evidence.update" and json.loads(e["old"])["quote"] == original_quote
               for e in store.audit_entries(eid))

    before_edit = {**old, "words": json.loads(old["words"])}
    review.restore_segment(store, old, actor="Bea")
    assert _row(store, seg_id) == before_edit
    assert store.evidence(a)[0].quote == original_quote
    assert [e["action"] for e in store.audit_entries(seg_id)] == ["segment.edit", "segment.restore"]


def test_edit_rejects_empty_text_and_unknown_segment(store, two_sessions):
    a, _ = two_sessions
    seg_id = _segment_id(store, a, 2.5)
    with pytest.raises(UserError):
        review.edit_segment_text(store, seg_id, "   ", actor="Ada")
    with pytest.raises(UserError):
        review.edit_segment_text(store, "nope", "text", actor="Ada")
    # Unchanged text writes nothing.
    review.edit_segment_text(store, seg_id, "We cut p95 latency from 900 ms to 200 ms.", actor="Ada")
    assert store.audit_entries(seg_id) == []


# ---------------------------------------------------------------------------------------------- replacing
def test_replace_segments_keeps_evidence_and_rereads_quotes(store, two_sessions):
    a, b = two_sessions
    e1 = store.add_evidence(session_id=a, start=2.5, end=4.0, criterion="claim-verification", evaluator="Ada",
                            note="check the baseline")
    e2 = store.add_evidence(session_id=a, start=4.5, end=7.0, criterion="ownership", evaluator="Ada",
                            polarity="concern")
    before = {e.id: e for e in store.evidence(a)}
    new = [
        seg(0.0, 2.0, "Tell me about the latency work.", "interviewer"),
        seg(2.4, 4.1, "We cut p99 latency from 900 ms to 200 ms."),
        seg(4.5, 5.5, "I measured it"),
        seg(5.5, 7.0, "every day with a dashboard."),
    ]
    report = review.replace_segments(store, a, new, actor="Ada", model="small.en")

    after = {e.id: e for e in store.evidence(a)}
    assert set(after) == {e1, e2}
    for eid in (e1, e2):
        assert (after[eid].start, after[eid].end) == (before[eid].start, before[eid].end)
        assert after[eid].quote == words_in_range(store.segments(a), after[eid].start, after[eid].end)
        assert after[eid].note == before[eid].note
    assert "p99" in after[e1].quote
    assert after[e2].quote == before[e2].quote

    assert (report.segments_before, report.segments_after) == (3, 4)
    assert report.words_before == report.words_after == 24
    assert report.evidence == 2
    assert [(q.evidence_id, "p95" in q.old, "p99" in q.new) for q in report.quotes] == [(e1, True, True)]
    assert report.diff.substituted == 1
    assert report.diff.inserted == report.diff.deleted == 0
    assert report.diff.examples == [{"at": pytest.approx(2.4 + 2 * 1.7 / 10, abs=1e-3), "old": "p95",
                                     "new": "p99"}]
    assert json.loads(json.dumps(report.to_dict()))["diff"]["changed"] == 1
    assert any("p95 -> p99" in line.replace('"', "") for line in report.summary_lines())
    assert report.summary().startswith("3 -> 4 segments, 1 word(s) changed")

    assert len(store.segment_rows(a)) == 4
    assert len(store.segment_rows(b)) == 2  # other sessions untouched
    assert store.session(a).model == "small.en"
    assert review.search(store, "p99")[0]["session"] == a
    assert review.search(store, "p95") == []
    [entry] = [e for e in store.audit_entries(a) if e["action"] == "segments.replace"]
    assert [s["text"] for s in json.loads(entry["old"])["segments"]][1] == "We cut p95 latency from 900 ms to 200 ms."


def test_replace_segments_is_one_transaction(store, two_sessions, monkeypatch):
    a, _ = two_sessions
    store.add_evidence(session_id=a, start=2.5, end=4.0, criterion="claim-verification", evaluator="Ada")
    rows = store.segment_rows(a)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "update_evidence", boom)
    with pytest.raises(RuntimeError):
        review.replace_segments(store, a, [seg(2.5, 4.0, "something else entirely")], actor="Ada")
    assert store.segment_rows(a) == rows
    assert not [e for e in store.audit_entries(a) if e["action"] == "segments.replace"]


# ---------------------------------------------------------------------------------------------- exports
@pytest.fixture
def tagged(store, two_sessions):
    a, _ = two_sessions
    store.add_evidence(session_id=a, start=2.6, end=4.0, criterion="claim-verification", evaluator="Ada",
                       polarity="supports", note="numbers match the resume")
    store.add_evidence(session_id=a, start=5.0, end=7.0, criterion=None, evaluator="Ada", polarity="concern")
    return a


def test_export_srt_vtt_txt(store, tagged):
    srt = review.export_transcript(store, tagged, "srt")
    assert "2\n00:00:02,500 --> 00:00:04,000\ncandidate: We cut p95 latency from 900 ms to 200 ms.\n" in srt
    assert srt.startswith("1\n00:00:00,000 --> 00:00:02,000\ninterviewer: Tell me about the latency work.")
    vtt = review.export_transcript(store, tagged, "vtt")
    assert vtt.startswith("WEBVTT\n\n")
    assert "00:00:04.500 --> 00:00:07.000\ncandidate: I measured it every day with a dashboard." in vtt
    txt = review.export_transcript(store, tagged, "txt")
    assert txt.splitlines() == [
        "[00:00] interviewer: Tell me about the latency work.",
        "[00:02] candidate: We cut p95 latency from 900 ms to 200 ms.",
        "[00:04] candidate: I measured it every day with a dashboard.",
    ]
    with pytest.raises(UserError):
        review.export_transcript(store, tagged, "docx")


def test_export_markdown_has_header_and_inline_evidence(store, tagged):
    md = review.export_transcript(store, tagged, "md")
    lines = md.splitlines()
    assert lines[0] == "# Interview: Zoë Ðặng"
    for expected in ("- **Candidate:** Zoë Ðặng", "- **Role:** ML Engineer", "- **Date:** 2026-11-30 09:00 UTC",
                     "- **Evaluator:** Ada", "- **Duration:** 00:07"):
        assert expected in lines
    i = lines.index("**[00:02] candidate:** We cut p95 latency from 900 ms to 200 ms.")
    j = lines.index("**[00:04] candidate:** I measured it every day with a dashboard.")
    quoted = [k for k, line in enumerate(lines) if line.startswith("> ")]
    assert len(quoted) == 2
    first, second = (lines[k] for k in quoted)
    assert i < quoted[0] < j < quoted[1]
    crit_name = next(c.name for c in load_kit().criteria if c.key == "claim-verification")
    assert f"**{crit_name}** (supports)" in first
    assert "“p95 latency from 900 ms to 200 ms.”" in first or "p95 latency from 900 ms to 200 ms." in first
    assert "numbers match the resume" in first
    assert "(concern)" in second
    assert "with a dashboard." in second


def test_markdown_escapes_and_empty_session(store):
    sid = make_session(store, "Empty Person", [], role=None)
    store.add_evidence(session_id=sid, start=0.0, end=1.0, criterion=None, evaluator="Ada", note="no audio")
    md = review.to_markdown(store, sid)
    assert "- **Role:** -" in md
    assert "_No transcript._" in md
    assert "no audio" in md
    sid2 = make_session(store, "Star", [seg(0.0, 1.0, "use *args and __init__")])
    assert r"use \*args and \_\_init\_\_" in review.to_markdown(store, sid2)


# ---------------------------------------------------------------------------------------------- CLI
@pytest.fixture
def services(data_dir):
    sv = app.build_services(data_dir)
    sv.out, sv.err = io.StringIO(), io.StringIO()
    return sv


def _parser():
    parser = argparse.ArgumentParser(prog="interviewer")
    sub = parser.add_subparsers(dest="command")
    cli_review.register(sub)
    p = sub.add_parser("export")
    p.add_argument("session")
    cli_review.add_export_options(p)
    return parser


def test_cli_search_json_shape_and_text(services):
    with services.open_store() as s:
        a = make_session(s, "Zoë Ðặng", [seg(2.5, 4.0, "We cut p95 latency from 900 ms to 200 ms.")])
    args = _parser().parse_args(["search", '"p95 (latency', "--format", "json"])
    assert cli_review.COMMANDS["search"](args, services) == 0
    data = json.loads(services.out.getvalue())
    assert data == [{"session": a, "candidate": "Zoë Ðặng", "start": 2.5, "end": 4.0,
                     "text": "We cut p95 latency from 900 ms to 200 ms."}]

    services.out = io.StringIO()
    args = _parser().parse_args(["search", "latency", "--limit", "5"])
    assert cli_review.COMMANDS["search"](args, services) == 0
    out = services.out.getvalue()
    assert a[:8] in out
    assert "00:02" in out
    assert "[latency]" in out

    services.out = io.StringIO()
    args = _parser().parse_args(["search", "kubernetes", "--format", "json"])
    cli_review.COMMANDS["search"](args, services)
    assert json.loads(services.out.getvalue()) == []


def test_cli_export_formats(services, tmp_path):
    with services.open_store() as s:
        a = make_session(s, "Zoë Ðặng", [seg(2.5, 4.0, "We cut p95 latency from 900 ms to 200 ms.")])
        s.add_evidence(session_id=a, start=2.5, end=4.0, criterion="claim-verification", evaluator="Ada")
    out = tmp_path / "out"
    args = _parser().parse_args(["export", a[:8], "--srt", str(out / "t.srt"), "--md", str(out / "t.md"),
                                 "--vtt", str(out / "t.vtt"), "--txt", str(out / "t.txt")])
    with services.open_store() as s:
        assert cli_review.export_formats(args, services, s, s.resolve_session(args.session)) is True
    assert "00:00:02,500 --> 00:00:04,000" in (out / "t.srt").read_text(encoding="utf-8")
    assert "00:00:02.500 --> 00:00:04.000" in (out / "t.vtt").read_text(encoding="utf-8")
    assert (out / "t.txt").read_text(encoding="utf-8") == "[00:02] candidate: We cut p95 latency from 900 ms to 200 ms.\n"
    md = (out / "t.md").read_text(encoding="utf-8")
    assert "**[00:02] candidate:**" in md
    assert "> **Evidence**" in md
    assert services.out.getvalue().split() == [str(out / f) for f in ("t.txt", "t.srt", "t.vtt", "t.md")]

    nothing = _parser().parse_args(["export", a])
    with services.open_store() as s:
        assert cli_review.export_formats(nothing, services, s, a) is False
