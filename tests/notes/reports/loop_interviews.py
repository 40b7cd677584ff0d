"""One candidate's loop, for the report tests: two sessions run by Ada and Bo, a panel plan, a failure story and a
production-constraint scenario."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from pypdf import PdfReader

from interviewer.core.transcript import Segment, Word
from interviewer.notes import panel
from interviewer.notes.prompts.kits import default_kit_path, load_kit
from interviewer.notes.store.database import Store

NAME = "Zoë Ðặng"
CLAIMS = ["Cut p95 retrieval latency from 900 ms to 200 ms",
          "Led the migration of ranking to GPU serving",
          "Kept customer data in EU regions for a support assistant",
          "Wrote the company's origami folding guide"]
STORY = {"what_broke": "The label pipeline drifted for three weeks",
         "detection": "I noticed it while on call, the precision dashboard was flat",
         "own_role": "I owned the join that caused it",
         "fix": "I fixed the join and added a freshness alert"}
QUOTE = "we would keep every prompt and log inside the Frankfurt region"


def _segment(start: float, text: str, speaker: str) -> Segment:
    words = text.split()
    ws = tuple(Word(start + i * 0.4, start + (i + 1) * 0.4 - 0.05, " " + w, 0.95) for i, w in enumerate(words))
    return Segment(start, start + len(words) * 0.4, text, speaker, ws)


def build_loop(store: Store) -> dict[str, object]:
    kit = load_kit()
    kit_id = store.save_kit(kit, default_kit_path().read_text(encoding="utf-8"))
    role_id = store.get_or_create_role("ML Engineer")
    cand = store.get_or_create_candidate(NAME, email="zoe@example.com")
    claim_ids = store.add_claims(cand, [{"text": CLAIMS[0], "topics": ["latency"]},
                                        {"text": CLAIMS[1], "topics": ["deployment"]},
                                        {"text": CLAIMS[2], "topics": ["data-residency"]},
                                        {"text": CLAIMS[3], "topics": []}])
    panel.add_evaluator(store, kit, "Ada", shipped={"latency": "search latency work",
                                                    "data-residency": "EU hosting"})
    panel.add_evaluator(store, kit, "Bo", shipped={"deployment": "GPU serving migration"})
    panel.save_plan(store, panel.propose_plan(store, kit, cand))

    s1 = store.create_session(candidate_id=cand, role_id=role_id, kit_id=kit_id, evaluator="Ada", status="complete")
    store.add_segments(s1, [_segment(10.0, "The baseline was 900 ms at p95 measured at the boundary", "candidate"),
                            _segment(40.0, "Our label pipeline drifted for three weeks before anyone saw", "candidate")])
    store.update_session(s1, duration_s=600.0)
    e1 = store.add_evidence(session_id=s1, start=10.0, end=14.0, criterion="claim-verification", evaluator="Ada",
                            claim_id=claim_ids[0])
    store.set_claim_status(claim_ids[0], "verified", actor="Ada", evidence_id=e1)
    store.rate(session_id=s1, criterion="claim-verification", evaluator="Ada", score=4, evidence_ids=[e1])
    store.rate(session_id=s1, criterion="judgment", evaluator="Ada", score=3, reason="one scenario only")
    panel.save_failure_story(store, s1, STORY, evaluator="Ada")

    s2 = store.create_session(candidate_id=cand, role_id=role_id, kit_id=kit_id, evaluator="Bo", status="complete")
    store.add_segments(s2, [_segment(5.0, "I think the GPU work was mostly the platform team", "candidate"),
                            _segment(30.0, f"For the assistant {QUOTE} and cap the spend", "candidate")])
    store.update_session(s2, duration_s=600.0)
    e2 = store.add_evidence(session_id=s2, start=5.0, end=8.0, criterion="claim-verification", evaluator="Bo",
                            polarity="concern", claim_id=claim_ids[1])
    store.set_claim_status(claim_ids[1], "vague", actor="Bo", evidence_id=e2)
    store.rate(session_id=s2, criterion="claim-verification", evaluator="Bo", score=2, evidence_ids=[e2])
    store.rate(session_id=s2, criterion="production-constraints", evaluator="Bo", score=3, reason="engaged EU")
    card = panel.scenarios(kit)[0]
    use = panel.open_scenario(store, s2, card, 25.0)
    e3 = store.add_evidence(session_id=s2, start=30.0, end=36.0, criterion="production-constraints", evaluator="Bo")
    panel.tick_constraint(store, use, "data-residency", evidence_id=e3, actor="Bo")
    panel.close_scenario(store, use, 60.0)
    return {"candidate": cand, "claims": claim_ids, "sessions": [s1, s2], "card": card}


def flat(path: Path) -> str:
    text = " ".join(unicodedata.normalize("NFC", p.extract_text() or "") for p in PdfReader(path).pages)
    return " ".join(text.split())

