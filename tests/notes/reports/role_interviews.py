"""A role with three interviewed candidates, for the report tests: Ada runs each session and Bo rates too."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader

from interviewer.core.transcript import Segment, Word
from interviewer.notes.prompts.kits import default_kit_path, load_kit
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
            if call.key == "jd-01":
                ada, bo = p["scores"]["judgment"]
                store.rate_call(call.id, evaluator="Ada", score=ada, evidence_ids=[ev["jd-01"]])
                store.rate_call(call.id, evaluator="Bo", score=bo, reason="same reading as the session score")
        if "cv-02" in ev:
            status = "verified" if p["scores"]["claim-verification"][0] >= 3 else "contradicted"
            store.set_claim_status(claim_ids[0], status, actor="Ada", evidence_id=ev["cv-02"])
        if len(claim_ids) > 1:
            store.set_claim_status(claim_ids[1], "vague", actor="Bo")
            if "jd-01" in ev:
                store.update_evidence(ev["jd-01-bo"], actor="Bo", claim_id=claim_ids[1])
        out[name] = {"session": sid, "candidate": cand, "evidence": ev, "claims": claim_ids}
    return out


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
