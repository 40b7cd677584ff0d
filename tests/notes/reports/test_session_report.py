"""The session report PDF, named and anonymised, read back."""

from __future__ import annotations

import json

from pypdf import PdfReader

from interviewer.core.transcript import mmss
from interviewer.notes.reports.anonymise import pseudonym
from interviewer.notes.reports.session_data import session_summary
from interviewer.notes.reports.session_report import session_pdf
from tests.notes.reports.role_interviews import CRITERION_NAMES, flat, pdf_text, plain_bytes


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
    ev = {e.id: e for e in store.evidence(zoe["session"])}
    assert mmss(ev[zoe["evidence"]["jd-01"]].start) in text
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


def test_a_quote_over_question_and_answer_shows_the_question_apart_in_the_pdf(tmp_path):
    from interviewer.core.transcript import Segment, Word
    from interviewer.notes.review.editing import to_markdown
    from interviewer.notes.store.database import Store

    def said(start: float, text: str, speaker: str) -> Segment:
        words = text.split()
        return Segment(start, start + 2.0, text, speaker,
                       tuple(Word(start + i * 0.3, start + (i + 1) * 0.3, " " + w, 0.9) for i, w in enumerate(words)),
                       0.9)  # told apart by voice

    store = Store(tmp_path / "db.sqlite3")
    try:
        cand = store.get_or_create_candidate("Zoë Ðặng")
        sid = store.create_session(candidate_id=cand, role_id=None, kit_id=None, evaluator="Ada", status="complete")
        store.add_segments(sid, [said(1.0, "Why did the migration stall?", "interviewer"),
                                 said(4.0, "The schema lock held every write.", "candidate")])
        store.add_evidence(session_id=sid, start=0.5, end=6.5, criterion="judgment", evaluator="Ada")
        [item] = session_summary(store, sid)["criteria"][1]["quotes"]
        assert (item["quote"], item["context"], item["speaker"]) == (
            "The schema lock held every write.", "Why did the migration stall?", "candidate")
        text = flat(" ".join(pdf_text(session_pdf(store, sid, tmp_path / "s.pdf"))))
        assert "Q: Why did the migration stall? “The schema lock held every write.”" in text
        md = to_markdown(store, sid)
        assert "> _Q: Why did the migration stall?_\n>\n> **Evidence**" in md
        assert "**judgment** (supports): “The schema lock held every write.”\n" in md
    finally:
        store.close()
