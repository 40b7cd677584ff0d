"""The candidate summary across the loop: every session of one candidate, several evaluators, one PDF."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from interviewer.app import main
from interviewer.core.config import DataDir
from interviewer.core.errors import UserError
from interviewer.core.transcript import Segment, Word
from interviewer.notes import panel
from interviewer.notes.prompts.kits import default_kit_path, load_kit
from interviewer.notes.reports.documents import loop_pdf, loop_summary
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


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "data").ensure()


@pytest.fixture
def store(data_dir: DataDir) -> Iterator[Store]:
    s = Store(data_dir.db_path)
    s.built = build_loop(s)  # type: ignore[attr-defined]
    yield s
    s.close()


def flat(path: Path) -> str:
    text = " ".join(unicodedata.normalize("NFC", p.extract_text() or "") for p in PdfReader(path).pages)
    return " ".join(text.split())


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


def test_loop_pdf_contents(store: Store, tmp_path: Path) -> None:
    out = loop_pdf(store, NAME, tmp_path / "out" / "loop.pdf")
    assert out.exists() and not list(out.parent.glob("*.part"))
    text = flat(out)
    assert NAME in text
    for who in ("Ada", "Bo"):
        assert who in text
    for status in ("verified", "vague", "unprobed"):
        assert status in text
    for part in STORY.values():
        assert part in text
    assert "no concrete failure story" in text
    card = store.built["card"]  # type: ignore[attr-defined]
    assert card["title"] in text
    assert QUOTE in text
    assert "not engaged" in text
    assert "Claims nobody on the panel could verify" in text
    assert CLAIMS[3] in text
    meta = PdfReader(out).metadata
    assert meta is not None and f"interviewer-candidate:{store.built['candidate']}" in str(meta.get("/Keywords"))  # type: ignore[attr-defined]
    with pytest.raises(UserError):
        loop_pdf(store, "Nobody Here", tmp_path / "none.pdf")
    assert not (tmp_path / "none.pdf").exists()


def test_loop_pdf_anonymised(store: Store, tmp_path: Path) -> None:
    text = flat(loop_pdf(store, NAME, tmp_path / "anon.pdf", anonymise=True))
    assert "Ðặng" not in text and "Zoë" not in text
    assert f"Candidate {store.built['candidate'][:6]}" in text  # type: ignore[attr-defined]


def test_cli_candidate_export(store: Store, data_dir: DataDir, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli" / "loop.pdf"
    store.close()
    base = ["--pdf", str(out), "--data-dir", str(data_dir.root)]
    assert main(["export", "--candidate", NAME, *base]) == 0
    assert out.exists() and CLAIMS[0] in flat(out)
    assert main(["export", "--candidate", NAME, "--role", "ML Engineer", *base]) == 2
    sid = store.built["sessions"][0]  # type: ignore[attr-defined]
    assert main(["export", sid, "--candidate", NAME, *base]) == 2
    assert main(["export", "--candidate", "Nobody Here", *base]) == 2
    assert main(["export", "--candidate", NAME, "--data-dir", str(data_dir.root)]) == 2
    assert "--candidate" in capsys.readouterr().err
