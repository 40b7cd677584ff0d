"""PDF reports: a session (named and anonymised), a role's candidates side by side, calibration; the CLI glue."""

from __future__ import annotations

import argparse
import io
import json
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from interviewer.cli.reports import add_pdf_options, export_pdf
from interviewer.core.errors import UserError
from interviewer.core.transcript import Segment, Word, mmss
from interviewer.notes.prompts.kits import default_kit_path, load_kit
from interviewer.notes.reports import documents as reports
from interviewer.notes.reports.documents import (
    anonymiser,
    calibration_pdf,
    calibration_summary,
    compare_pdf,
    comparison,
    pseudonym,
    session_pdf,
    session_summary,
)
from interviewer.notes.store.database import Store

ROLE = "ML Engineer"
CRITERIA = ("claim-verification", "judgment", "failure-archaeology", "production-constraints")
CRITERION_NAMES = ("Claim verification", "Judgment", "Failure archaeology", "Production constraints")
PROBE_FOR = {"cv-02": "claim-verification", "jd-01": "judgment", "fa-01": "failure-archaeology",
             "pc-01": "production-constraints", "sc-02": None}
QUESTIONS = {
    "intro": "Thanks for joining. Could you introduce yourself briefly?",
    "cv-02": "You mention a latency improvement. What was the baseline, at which percentile, measured where?",
    "jd-01": "A new model scores three points higher offline, but your two most vocal users say it feels worse. "
             "The vendor retires the old model in six weeks. What do you do?",
    "fa-01": "Tell me about a model failure you were directly involved in. What broke, and who noticed first?",
    "pc-01": "All customer data must stay in the EU and the strongest hosted model is only in a US region. "
             "You have eight weeks. What do you build?",
    "sc-02": "How would you explain this trade-off to the head of risk?",
}
ASK_AT = {"intro": 5.0, "cv-02": 190.0, "jd-01": 760.0, "fa-01": 1445.0, "pc-01": 2250.0, "sc-02": 2500.0}

PEOPLE = {
    "Zoë Ðặng": {
        "email": "zoe.dang@example.com", "day": 3,
        "claims": ["Cut p95 retrieval latency from 900 ms to 200 ms",
                   "Built the evaluation harness described in Ðặng et al. (2024)",
                   "Led the migration of ranking to GPU serving"],
        "answers": {
            "intro": "Hi, I'm Zoë Ðặng. I work on retrieval and ranking for a second-hand marketplace.",
            "cv-02": "The baseline was 900 milliseconds at p95, measured at the service boundary over a week of "
                     "production traffic. I rewrote the candidate generation step myself and we reached 200 "
                     "milliseconds at p95 on the same week of replayed traffic.",
            "jd-01": "I would first ask which users and which queries feel worse. Then I would run a blind side by "
                     "side on fifty real queries, keep the old model behind a flag until the vendor deadline, "
                     "and revert if the blind test agrees with the users.",
            "fa-01": "Our label pipeline drifted for three weeks before anyone noticed. I was on call and the "
                     "precision dashboard was flat because it sampled the wrong week. I found the join bug and "
                     "added a freshness alert that has fired twice since.",
            "pc-01": "Honestly I would just use the best hosted model and sort out the legal side later.",
        },
        "scores": {"claim-verification": (4, 3), "judgment": (3, 3), "failure-archaeology": (4, 3),
                   "production-constraints": (1, 2)},
        "probes": ["intro", "cv-02", "jd-01", "fa-01", "pc-01"],
    },
    "Ravi Menon": {
        "email": None, "day": 5,
        "claims": ["Reduced inference cost by 60 percent", "Shipped a fraud model to 12 markets"],
        "answers": {
            "intro": "I'm Ravi, I lead a small applied ML team working on payments risk.",
            "cv-02": "We got latency down a lot, I think it was about half. The team measured it, I am not sure "
                     "which percentile they used.",
            "jd-01": "It depends on many things. Probably I would go with the benchmark because numbers do not lie.",
            "fa-01": "A fraud model started flagging every transaction from one bank after a schema change. "
                     "Support noticed within two hours, I rolled back and we added a schema contract test.",
            "pc-01": "I would run an open model in the EU region on two GPUs, estimate about three thousand euros "
                     "a month, and defer the fine tuning until after launch.",
        },
        "scores": {"claim-verification": (2, 1), "judgment": (1, 2), "failure-archaeology": (3, 3),
                   "production-constraints": (3, 4)},
        "probes": ["intro", "cv-02", "jd-01", "fa-01", "pc-01"],
    },
    "Grace Okafor": {
        "email": None, "day": 9,
        "claims": ["Designed the offline evaluation suite used by four teams"],
        "answers": {
            "intro": "Hello, I'm Grace. I build evaluation tooling for language model products.",
            "jd-01": "I would ask what worse means to them, sample their transcripts, and agree a decision date "
                     "with the product owner before the vendor deadline.",
            "fa-01": "We shipped a summariser that hallucinated dosage numbers; a pharmacist caught it in the "
                     "pilot. I traced it to truncated context and we added a numeric consistency check.",
            "pc-01": "Keep everything in the EU with a smaller open model, and spend the eight weeks on an "
                     "evaluation set the risk team signs off.",
            "sc-02": "I would show the head of risk three concrete failure examples and what each option costs.",
        },
        "scores": {"claim-verification": (3, 3), "judgment": (4, 3), "failure-archaeology": (3, 2),
                   "production-constraints": (3, 3)},
        "probes": ["intro", "jd-01", "fa-01", "pc-01", "sc-02"],
    },
}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _segment(start: float, text: str, speaker: str) -> Segment:
    words = text.split()
    step = 0.42
    ws = tuple(Word(start + i * step, start + (i + 1) * step - 0.04, " " + w, 0.95) for i, w in enumerate(words))
    return Segment(start, start + len(words) * step, text, speaker, ws)


def build_role(store: Store, clock: Clock | None = None) -> dict[str, dict[str, object]]:
    """Three candidates for one role, each interviewed by Ada (Bo rates too): claims, consent, probe asks,
    evidence, ratings and claim statuses. Returns {name: {"session", "candidate", "evidence": {key: id}}}."""
    kit = load_kit()
    kit_id = store.save_kit(kit, default_kit_path().read_text(encoding="utf-8"))
    role_id = store.get_or_create_role(ROLE)
    out: dict[str, dict[str, object]] = {}
    for name, p in PEOPLE.items():
        if clock is not None:
            clock.now = datetime(2026, 3, int(p["day"]), 9, 30, tzinfo=UTC)
        cand = store.get_or_create_candidate(name, email=p["email"])
        claim_ids = store.add_claims(cand, [{"text": t} for t in p["claims"]])
        sid = store.create_session(candidate_id=cand, role_id=role_id, kit_id=kit_id, evaluator="Ada",
                                   status="complete")
        store.record_consent(candidate_id=cand, session_id=sid, method="verbal", confirmed_by="Ada")
        segs: list[Segment] = []
        spans: dict[str, tuple[float, float]] = {}
        for key in p["probes"]:
            q = _segment(ASK_AT[key], QUESTIONS[key], "interviewer")
            a = _segment(q.end + 1.5, p["answers"][key], "candidate")
            segs += [q, a]
            spans[key] = (a.start, a.end)
            if key != "intro":
                store.add_probe_ask(session_id=sid, probe_key=key, probe_text=QUESTIONS[key], at_s=ASK_AT[key])
        store.add_segments(sid, segs)
        store.update_session(sid, duration_s=2700.0, notes=f"{name.split()[0]} asked about the on-call rota.")
        ev: dict[str, str] = {}
        for key, (a, b) in spans.items():
            crit = PROBE_FOR.get(key)
            if key == "intro":
                ev[key] = store.add_evidence(session_id=sid, start=a, end=b, criterion=None, evaluator="Ada",
                                             note=f"{name.split()[0]} joined five minutes late")
                continue
            if crit is None:
                continue
            weak = min(p["scores"][crit]) <= 1
            ev[key] = store.add_evidence(session_id=sid, start=a, end=b, criterion=crit, evaluator="Ada",
                                         polarity="concern" if weak else "supports",
                                         claim_id=claim_ids[0] if key == "cv-02" else None)
            # a second, shorter item from Bo on the first half of the answer
            ev[key + "-bo"] = store.add_evidence(session_id=sid, start=a, end=(a + b) / 2, criterion=crit,
                                                 evaluator="Bo", polarity="supports" if not weak else "concern")
        for crit, (ada, bo) in p["scores"].items():
            linked = [v for k, v in ev.items() if PROBE_FOR.get(k.removesuffix("-bo")) == crit]
            if linked:
                store.rate(session_id=sid, criterion=crit, evaluator="Ada", score=ada, evidence_ids=linked[:1])
                store.rate(session_id=sid, criterion=crit, evaluator="Bo", score=bo, evidence_ids=linked[1:] or linked)
            else:
                store.rate(session_id=sid, criterion=crit, evaluator="Ada", score=ada,
                           reason="no latency claim was probed")
                store.rate(session_id=sid, criterion=crit, evaluator="Bo", score=bo,
                           reason="claims came up only in passing")
        # Each answer to the judgment probe is scored on its own (the calibration board), as the session was.
        for call in store.calls(sid):
            if call["key"] == "jd-01":
                ada, bo = p["scores"]["judgment"]
                store.rate_call(call["id"], evaluator="Ada", score=ada, evidence_ids=[ev["jd-01"]])
                store.rate_call(call["id"], evaluator="Bo", score=bo, reason="same reading as the session score")
        if "cv-02" in ev:
            status = "verified" if p["scores"]["claim-verification"][0] >= 3 else "contradicted"
            store.set_claim_status(claim_ids[0], status, actor="Ada", evidence_id=ev["cv-02"])
        if len(claim_ids) > 1:
            store.set_claim_status(claim_ids[1], "vague", actor="Bo")
            if "jd-01" in ev:
                store.update_evidence(ev["jd-01-bo"], actor="Bo", claim_id=claim_ids[1])
        out[name] = {"session": sid, "candidate": cand, "evidence": ev, "claims": claim_ids}
    return out


@pytest.fixture
def store(tmp_path):
    clock = Clock()
    s = Store(tmp_path / "data" / "db.sqlite3", clock=clock)
    s.built = build_role(s, clock)  # type: ignore[attr-defined]
    yield s
    s.close()


def pdf_text(path: Path) -> list[str]:
    return [unicodedata.normalize("NFC", page.extract_text() or "") for page in PdfReader(path).pages]


def plain_bytes(path: Path) -> bytes:
    """A PDF's bytes outside its stream bodies, plus its page content streams decoded. Stream bodies are
    compressed and ASCII85-encoded: random letters that spell a short word like "Zoe" by chance (one font
    subset in twenty did), which says nothing about what the file holds."""
    raw = path.read_bytes()
    outside = re.sub(rb"stream\r?\n.*?endstream", b"", raw, flags=re.DOTALL)
    pages = b"".join(c.get_data() for page in PdfReader(path).pages if (c := page.get_contents()) is not None)
    return outside + pages


def flat(text: str) -> str:
    return " ".join(text.split())


# ============================================================================================ session report
def test_session_summary_data(store):
    zoe = store.built["Zoë Ðặng"]
    s = session_summary(store, zoe["session"])
    assert s["candidate"]["name"] == "Zoë Ðặng"
    assert s["role"] == ROLE
    assert s["evaluators"] == ["Ada", "Bo"]
    assert s["consent"][0]["method"] == "verbal"
    assert [c["key"] for c in s["criteria"]] == list(CRITERIA)
    cv = s["criteria"][0]
    assert cv["scores"] == {"Ada": 4, "Bo": 3}
    assert cv["ratings"][0]["anchor"].startswith("As 3, and volunteers caveats")
    # evidence linked to a rating comes first; every quote carries time and speaker
    assert cv["quotes"][0]["linked"] is True
    assert all(q["speaker"] == "candidate" and q["time"] == mmss(q["start"]) for q in cv["quotes"])
    # Bo's item repeats the first half of Ada's: one quote, both taggers, both ratings behind it
    assert len(cv["quotes"]) == 1
    assert cv["quotes"][0]["taggers"] == ["Ada", "Bo"]
    assert cv["quotes"][0]["linked_by"] == ["Ada", "Bo"]
    assert cv["evidence_count"] == 2
    ledger = {c["text"]: c for c in s["claims"]}
    verified = ledger["Cut p95 retrieval latency from 900 ms to 200 ms"]
    assert verified["status"] == "verified"
    assert verified["evidence"]["id"] == zoe["evidence"]["cv-02"]
    vague = ledger["Built the evaluation harness described in Ðặng et al. (2024)"]
    assert vague["status"] == "vague"
    assert vague["evidence"]["id"] == zoe["evidence"]["jd-01-bo"]  # no evidence in the history: linked evidence
    assert ledger["Led the migration of ranking to GPU serving"]["evidence"] is None
    assert {c["criterion"] for c in s["concerns"]} == {"production-constraints"}
    assert [n["note"] for n in s["notes"]] == ["Zoë joined five minutes late"]
    assert s["claim_counts"]["verified"] == 1
    assert any("Production constraints" in h for h in s["headlines"])
    json.dumps(s)  # JSON-able


def test_session_pdf_shows_what_happened(store, tmp_path):
    zoe = store.built["Zoë Ðặng"]
    out = session_pdf(store, zoe["session"], tmp_path / "out" / "zoe.pdf")
    assert out.read_bytes().startswith(b"%PDF")
    pages = pdf_text(out)
    first, text = flat(pages[0]), flat(" ".join(pages))
    assert "Zoë Ðặng" in first
    for needle in ("ML Engineer", "2026-03-03", "45:00", "verbal", "Ada", "Bo", "What happened", "Scores"):
        assert needle in first, needle
    for name in CRITERION_NAMES:
        assert name in first, name
        assert name in text
    # evaluators' scores, the rubric anchor for them, the quotes with their mm:ss time and speaker
    assert "Ada 4" in first and "Bo 3" in first
    assert "Ada gave 4" in text and "Bo gave 3" in text
    assert "volunteers caveats unprompted" in text
    assert "blind side by side on fifty real queries" in text
    ev = {e["id"]: e for e in store.evidence(zoe["session"])}
    assert mmss(ev[zoe["evidence"]["jd-01"]]["start"]) in text
    assert "candidate" in text
    assert "− concern" in text and "+ supports" in text
    # claim ledger, concerns and notes
    assert "Claim ledger" in text and "verified" in text and "vague" in text and "unprobed" in text
    assert "Cut p95 retrieval latency from 900 ms to 200 ms" in text
    assert "sort out the legal side later" in text
    assert "joined five minutes late" in text and "asked about the on-call rota" in text
    meta = PdfReader(out).metadata
    assert meta.title == "Interview report: Zoë Ðặng"
    assert f"interviewer-candidate:{zoe['candidate']}".encode() in out.read_bytes()


def test_anonymised_session_has_no_name_anywhere(store, tmp_path):
    zoe = store.built["Zoë Ðặng"]
    label = pseudonym(zoe["candidate"])
    assert label == f"Candidate {zoe['candidate'][:6]}"
    data = session_summary(store, zoe["session"], anonymise=True)
    dumped = json.dumps(data, ensure_ascii=False)
    for bad in ("Zoë", "Ðặng", "zoe.dang@example.com", "Zoe", "Dang"):
        assert bad not in dumped, bad
    assert data["candidate"]["name"] == label
    out = session_pdf(store, zoe["session"], tmp_path / "anon.pdf", anonymise=True)
    text = flat(" ".join(pdf_text(out)))
    for bad in ("Zoë", "Ðặng", "Zoe", "Dang", "zoe.dang", "Ð", "ặ"):
        assert bad not in text, bad
    assert label in text
    assert f"I'm {label}" in text  # inside the quote
    assert f"described in {label} et al." in text  # inside a claim
    assert f"{label} joined five minutes late" in text  # inside a note
    raw = plain_bytes(out)
    assert label.encode() in raw  # the scan sees the text drawn on the pages (ASCII is drawn as itself)
    for form in ("Zoë Ðặng", "Zoë", "Ðặng", "Zoe", "Dang"):
        for enc in ("utf-8", "utf-16-be", "latin-1"):
            try:
                needle = form.encode(enc)
            except UnicodeEncodeError:
                continue
            assert needle not in raw, (form, enc)
    meta = PdfReader(out).metadata
    assert label in meta.title
    assert all("Zo" not in str(v) and "Dang" not in str(v) for v in meta.values())
    # the named report is unchanged by the anonymised one
    assert "Zoë Ðặng" in " ".join(pdf_text(session_pdf(store, zoe["session"], tmp_path / "named.pdf")))


def test_anonymiser_matches_parts_accents_and_case():
    scrub = anonymiser("Zoë Ðặng", "zoe.dang@example.com", "Candidate ab12cd")
    assert scrub("ZOË ĐẶNG said") == "Candidate ab12cd said"
    assert scrub("zoe dang, Zoe and Dang; mail zoe.dang@example.com") == (
        "Candidate ab12cd, Candidate ab12cd and Candidate ab12cd; mail Candidate ab12cd")
    decomposed = unicodedata.normalize("NFD", "Zoë")
    assert scrub(f"{decomposed} spoke") == "Candidate ab12cd spoke"
    assert scrub("Zoetrope and Dangerous") == "Zoetrope and Dangerous"  # whole words only


# ============================================================================================ comparison
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


def test_compare_pdf(store, tmp_path):
    out = compare_pdf(store, ROLE, tmp_path / "compare.pdf")
    pages = pdf_text(out)
    first, text = flat(pages[0]), flat(" ".join(pages))
    for name in PEOPLE:
        assert name in first, name
    for name in CRITERION_NAMES:
        assert name in first
    assert "Ada 4" in first and "Bo 1" in first
    assert "Claim ledger" in text and "contradicted" in text
    assert "Judgment calls side by side" in text
    assert "It depends on many things" in text
    assert "blind side by side on fifty real queries" in text
    assert "agree a decision date" in text
    assert "three concrete failure examples" not in text  # sc-02: one candidate only
    assert mmss(ASK_AT["jd-01"]) in text


# ============================================================================================ calibration
def test_calibration_pdf(store, tmp_path):
    data = calibration_summary(store, ROLE)
    assert data["overall_alpha"] is not None
    assert [c["key"] for c in data["criteria"]] == list(CRITERIA)
    out = calibration_pdf(store, ROLE, tmp_path / "cal.pdf")
    text = flat(" ".join(pdf_text(out)))
    assert "Calibration: ML Engineer" in text
    assert "α" in text
    assert f"{data['overall_alpha']:.2f}" in text
    for name in CRITERION_NAMES:
        assert name in text
    assert "Ada" in text and "Bo" in text
    off = data["evaluators"]["Ada"]["offset"]
    assert f"{off:+.2f}" in text
    assert "Flags" in text


# ============================================================================================ writing safely
def test_bad_output_path_is_a_user_error_and_leaves_nothing(store, tmp_path):
    sid = store.built["Zoë Ðặng"]["session"]
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(UserError, match="cannot write"):
        session_pdf(store, sid, blocker / "report.pdf")
    with pytest.raises(UserError, match="is a directory"):
        session_pdf(store, sid, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "not-a-dir"]


def test_failed_export_keeps_the_old_file_and_no_temp(store, tmp_path, monkeypatch):
    sid = store.built["Zoë Ðặng"]["session"]
    out = tmp_path / "exports" / "report.pdf"
    out.parent.mkdir()
    out.write_bytes(b"previous report")

    def boom(*a, **k):
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(reports, "session_story", boom)
    with pytest.raises(RuntimeError, match="drawing failed"):
        session_pdf(store, sid, out)
    assert out.read_bytes() == b"previous report"
    assert [p.name for p in out.parent.iterdir()] == ["report.pdf"]


# ============================================================================================ CLI glue
class FakeServices:
    def __init__(self) -> None:
        self.out = io.StringIO()

    def print(self, *args: object) -> None:
        print(*args, file=self.out)


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="interviewer")
    sub = parser.add_subparsers(dest="command")
    p = sub.add_parser("export")
    p.add_argument("session", nargs="?")
    p.add_argument("--json", type=Path, default=None)
    add_pdf_options(p)
    return parser.parse_args(["export", *argv])


def test_cli_writes_each_report(store, tmp_path):
    sv = FakeServices()
    sid = store.built["Ravi Menon"]["session"]
    out = tmp_path / "ravi.pdf"
    assert export_pdf(parse(sid[:8], "--pdf", str(out)), sv, store) is True
    assert "Ravi Menon" in " ".join(pdf_text(out))
    assert sv.out.getvalue().strip() == str(out)
    out = tmp_path / "ravi-anon.pdf"
    assert export_pdf(parse(sid, "--pdf", str(out), "--anonymise"), sv, store) is True
    assert "Ravi" not in " ".join(pdf_text(out))
    out = tmp_path / "cmp.pdf"
    assert export_pdf(parse("--role", ROLE, "--compare", "--pdf", str(out)), sv, store) is True
    assert "Grace Okafor" in " ".join(pdf_text(out))
    out = tmp_path / "cal.pdf"
    assert export_pdf(parse("--role", ROLE, "--calibration", "--pdf", str(out)), sv, store) is True
    assert "Calibration" in " ".join(pdf_text(out))
    # nothing PDF-related asked: not handled here
    assert export_pdf(parse(sid, "--json", str(tmp_path / "x.json")), sv, store) is False


@pytest.mark.parametrize(("argv", "message"), [
    (["--role", ROLE, "--compare"], "--pdf"),
    (["SID", "--anonymise"], "--pdf"),
    (["--pdf", "OUT"], "which session"),
    (["SID", "--pdf", "OUT", "--compare"], "not both"),
    (["--role", ROLE, "--compare", "--calibration", "--pdf", "OUT"], "one of --compare or --calibration"),
    (["--compare", "--pdf", "OUT"], "--role"),
    (["--role", ROLE, "--pdf", "OUT"], "--compare or --calibration"),
    (["--role", ROLE, "--compare", "--anonymise", "--pdf", "OUT"], "--anonymise"),
    (["SID", "--role", ROLE, "--pdf", "OUT"], "--role"),
])
def test_cli_refuses_bad_combinations(store, tmp_path, argv, message):
    sid = store.built["Ravi Menon"]["session"]
    argv = [sid if a == "SID" else str(tmp_path / "o.pdf") if a == "OUT" else a for a in argv]
    with pytest.raises(UserError, match=message):
        export_pdf(parse(*argv), FakeServices(), store)
    assert not (tmp_path / "o.pdf").exists()


def test_a_note_is_not_counted_as_evidence(store, tmp_path):
    """issue 21 #9: a note (no criterion) was counted as a "supporting evidence item" in the PDF."""
    zoe = store.built["Zoë Ðặng"]
    sid = zoe["session"]
    before = session_summary(store, sid)
    store.add_evidence(session_id=sid, start=1.0, end=2.0, criterion=None, evaluator="Ada",
                       note="asked about the rollback")
    after = session_summary(store, sid)
    n_notes = sum(1 for e in store.evidence(sid) if not e["criterion"]) - 1
    n_evidence = sum(1 for e in store.evidence(sid) if e["criterion"])
    counted = next(h for h in before["headlines"] if "evidence items tagged" in h)
    assert counted.startswith(f"{n_evidence} evidence items tagged")
    evidence_part = counted.split(";")[0].rstrip(".")
    [now] = [h for h in after["headlines"] if "evidence items tagged" in h]
    assert now == f"{evidence_part}; {n_notes + 1} note{'s' if n_notes else ''} (not evidence)."
    text = flat(" ".join(pdf_text(session_pdf(store, sid, tmp_path / "s.pdf"))))
    assert now in text
