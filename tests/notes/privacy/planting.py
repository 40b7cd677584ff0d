"""A candidate with data planted in every table, file and audit entry, and how to look for it byte by byte.

Shared by the privacy tests (tests/notes/privacy) and the privacy commands' tests (tests/cli/test_privacy.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import soundfile as sf

from interviewer.core.config import DataDir
from interviewer.core.transcript import Segment, Word
from interviewer.notes import panel
from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.review import editing as review
from interviewer.notes.store.database import Store

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CANARY = "qzcanary7731"  # ends in digits: the FTS porter stemmer keeps it whole
OTHER = "otherkeep5512"
SAID = "qzsaid3391"


def seg(start: float, end: float, text: str, speaker: str = "candidate") -> Segment:
    words = text.split()
    step = (end - start) / len(words)
    return Segment(start, end, text, speaker,
                   tuple(Word(start + i * step, start + (i + 1) * step, " " + w, 0.9) for i, w in enumerate(words)))


def write_wav(path: Path, title: str, seconds: float = 0.25) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(len(title))
    with sf.SoundFile(path, "w", samplerate=16000, channels=1, subtype="PCM_16") as f:
        f.title = title  # metadata in the WAV: the canary is in the audio file's bytes too
        f.write((rng.standard_normal(int(16000 * seconds)) * 0.1).astype("float32"))


def files_with(root: Path, needle: str) -> list[str]:
    """Every file under root whose raw bytes contain needle (any ASCII case; UTF-8 or UTF-16)."""
    forms = [needle.lower().encode("utf-8"), needle.lower().encode("utf-16-le"), needle.lower().encode("utf-16-be")]
    hits = []
    for p in sorted(root.rglob("*")):
        if p.is_file():
            data = p.read_bytes().lower()
            if any(f in data for f in forms):
                hits.append(str(p.relative_to(root)))
    return hits


def populate(store: Store, dd: DataDir, name: str, token: str, *, started: datetime,
             status: str = "complete", export: bool = True, said: str | None = None) -> dict[str, str]:
    """One candidate with a session holding every kind of row (the panel's and the review's included), two
    audio tracks and an export, and a history in the audit log: a corrected then re-transcribed segment, a
    deleted evidence item, a deleted claim, a changed rating. `token` is planted in what is the candidate's
    own (name, email, resume, claims) and, unless `said` is given, in what the session holds (transcript,
    evidence quotes and notes, session notes, ratings, failure story, scenario quote, audio metadata)."""
    said = said or token
    # Long texts replaced by short ones leave their old overflow pages on SQLite's free list, bytes intact.
    cid = store.get_or_create_candidate(name, email=f"{token}@example.org", resume_text=f"Resume {token} " * 2000)
    store.get_or_create_candidate(name, resume_text=f"Resume {token}")
    [claim] = store.add_claims(cid, [{"text": f"Led the {token} migration", "section": "Acme",
                                      "topics": ["latency"]}])
    gone_claim = store.add_claim(cid, f"Owned the {token} budget", actor="Ada")
    store.edit_claim(gone_claim, f"Owned the {token} budget and hiring", actor="Ada")
    store.delete_claim(gone_claim, actor="Ada")
    store.add_claim_probe(claim, text=f"How did the {token} migration end?", criterion="depth", actor="Ada")
    panel.add_evaluator(store, load_kit(), "Ada", shipped={})
    panel.assign(store, claim, "Ada")
    sid = store.create_session(candidate_id=cid, role_id=store.get_or_create_role("Engineer"), kit_id=None,
                               evaluator="Ada", status="recording")
    rel1, rel2 = Path("audio") / f"{sid}.wav", Path("audio") / f"{sid}.2.wav"
    write_wav(dd.root / rel1, f"mic {said}")
    write_wav(dd.root / rel2, f"remote {said}")
    (dd.audio_dir / f"{sid}.lock").write_bytes(b"")  # left behind by a crash, not held
    store.record_consent(candidate_id=cid, session_id=sid, method="verbal", confirmed_by="Ada")
    store.add_segments(sid, [seg(0.0, 2.0, f"I rebuilt the {said} pipeline myself"),
                             seg(2.5, 4.0, "and measured latency every day")])
    # A correction, then a re-transcription: the correction's audit entries now name a segment that is gone.
    review.edit_segment_text(store, store.segment_rows(sid)[0]["id"], f"I rebuilt the {said} pipeline alone",
                             actor="Ada")
    review.replace_segments(store, sid, [seg(0.0, 2.0, f"I rebuilt the {said} pipeline by myself"),
                                         seg(2.5, 4.0, "and measured latency every day")], actor="Ada")
    use = panel.open_scenario(store, sid, {"id": "outage", "title": "Outage drill"}, 0.0)
    eid = store.add_evidence(session_id=sid, start=0.0, end=2.0, criterion="depth", evaluator="Ada",
                             claim_id=claim, note=f"draft {said} " * 2000)
    store.update_evidence(eid, actor="Ada", note=f"asked about {said} twice")
    panel.link_evidence_to_open_scenario(store, sid, eid)
    panel.tick_constraint(store, use, "deadline", evidence_id=eid, actor="Ada")
    dropped = store.add_evidence(session_id=sid, start=2.5, end=4.0, criterion="depth", evaluator="Ada",
                                 note=f"first take on {said}")
    store.update_evidence(dropped, actor="Ada", note=f"second take on {said}")
    store.delete_evidence(dropped, actor="Ada")
    panel.save_failure_story(store, sid, {"what_broke": f"the {said} cache fell over"}, evidence_ids=[eid],
                             evaluator="Ada")
    store.set_claim_status(claim, "verified", actor="Ada", evidence_id=eid)
    store.add_probe_ask(session_id=sid, probe_key="p1", probe_text="Walk me through it", at_s=1.0, claim_id=claim)
    store.rate(session_id=sid, criterion="depth", evaluator="Ada", score=3, evidence_ids=[eid],
               reason=f"solid on {said}")
    store.rate(session_id=sid, criterion="depth", evaluator="Ada", score=4, evidence_ids=[eid],
               reason=f"very solid on {said}")
    store.update_session(sid, status=status, audio_path=rel1.as_posix(), audio_path2=rel2.as_posix(),
                         started_at=started.isoformat(timespec="milliseconds"), notes=f"follow up {said}",
                         duration_s=4.0)
    if export:
        (dd.exports_dir / f"{sid}.json").write_text(json.dumps(store.export_session(sid), ensure_ascii=False),
                                                    encoding="utf-8")
        with (dd.exports_dir / "shortlist.txt").open("a", encoding="utf-8") as f:
            f.write(f"{name}: strong\n")
    return {"candidate": cid, "session": sid, "claim": claim, "evidence": eid, "audio": str(dd.root / rel1),
            "audio2": str(dd.root / rel2), "gone_claim": gone_claim, "dropped": dropped}


def leave_in_free_pages(store: Store, session_id: str, text: str) -> None:
    """The evaluator pasted a long note, then cut it: the old overflow pages go to SQLite's free list with
    their bytes intact (secure_delete off), where only a VACUUM or zeroing reaches them."""
    store.update_session(session_id, notes=f"{text} " * 20000)
    store.update_session(session_id, notes=text)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert store.db.execute("PRAGMA freelist_count").fetchone()[0] > 20
