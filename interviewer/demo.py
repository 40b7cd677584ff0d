"""The demo: the bundled candidate, resume and sample interview, replayed through the live pipeline as if
it were a microphone. `run_headless` is the Qt-free flow behind `interviewer demo --headless --out DIR`;
the GUI demo drives the same session from the live window."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interviewer.audio.sources import FileSource
from interviewer.audio.streaming import StreamConfig
from interviewer.config import DataDir, resource_path
from interviewer.notes.claims import claims_from_file
from interviewer.notes.kits import Kit, default_kit_path, load_kit
from interviewer.notes.store import Store
from interviewer.session import Listener, LiveSession, SessionSpec, Track
from interviewer.transcript import Segment

CANDIDATE = "Zoë Ðặng"
ROLE = "Senior ML Engineer"
EVALUATOR = "Demo Evaluator"
SPEAKER = "sample interview"


@dataclass
class DemoSetup:
    kit: Kit
    kit_id: str
    candidate_id: str


def audio_path() -> Path:
    return resource_path("demo", "interview.flac")


def prepare(store: Store) -> DemoSetup:
    """The demo candidate with the claims of the demo resume, and the default kit, in the store."""
    kit_path = default_kit_path()
    kit = load_kit(kit_path)
    resume = resource_path("demo", "resume.md")
    claims = claims_from_file(resume, kit)
    with store.atomic():
        kit_id = store.save_kit(kit, kit_path.read_text(encoding="utf-8"))
        cand = store.get_or_create_candidate(CANDIDATE, resume_path=str(resume),
                                             resume_text=resume.read_text(encoding="utf-8"))
        if not store.claims(cand):
            store.add_claims(cand, [{"text": c.text, "source": c.source, "section": c.section,
                                     "topics": list(c.topics)} for c in claims])
    return DemoSetup(kit, kit_id, cand)


def scripted_tags() -> list[dict[str, Any]]:
    tags: list[dict[str, Any]] = json.loads(resource_path("demo", "tags.json").read_text(encoding="utf-8"))["tags"]
    return tags


class ScriptedTagger:
    """Adds the scripted evidence of `tags.json` once the audio clock passes each moment."""

    def __init__(self, store: Store, claims: list[dict[str, Any]]) -> None:
        self.store = store
        self.claims = claims
        self.pending = sorted(scripted_tags(), key=lambda t: t["at"])
        self.session_id: str | None = None
        self.added: list[str] = []

    def start(self, session_id: str) -> None:
        self.session_id = session_id

    def due(self, upto: float) -> int:
        """Tag every moment up to `upto` seconds; returns how many were added."""
        n = 0
        while self.session_id and self.pending and self.pending[0]["at"] <= upto:
            t = self.pending.pop(0)
            claim = next((c["id"] for c in self.claims
                          if t.get("claim") and t["claim"].lower() in c["text"].lower()), None)
            self.added.append(self.store.add_evidence(
                session_id=self.session_id, start=max(0.0, t["at"] - t["seconds"]), end=t["at"],
                criterion=t["criterion"], evaluator=EVALUATOR, claim_id=claim, polarity=t["polarity"],
                note=t.get("note", "")))
            n += 1
        return n


def run_headless(store: Store, data_dir: DataDir, transcriber: Any, out: Path, *, speed: float = 1.0,
                 beam: int = 5, progress: Any = None) -> dict[str, Any]:
    """Replay the sample interview through a live session, tag the scripted moments as their audio passes,
    and write the session export to `out`. Returns a summary."""
    setup = prepare(store)
    tagger = ScriptedTagger(store, store.claims(setup.candidate_id))
    done = threading.Event()

    def on_segment(seg_id: str, seg: Segment) -> None:
        if progress:
            progress(seg)
        tagger.due(seg.end + 1.0)

    listener = Listener(started=tagger.start, segment=on_segment, stopped=lambda reason: done.set())
    session = LiveSession(
        store=store, data_dir=data_dir, transcriber=transcriber,
        tracks=[Track(FileSource(audio_path(), name=SPEAKER, speed=speed), SPEAKER)],
        spec=SessionSpec(candidate=CANDIDATE, consent="verbal", evaluator=EVALUATOR, role=ROLE,
                         kit_id=setup.kit_id, candidate_id=setup.candidate_id),
        listener=listener, config=StreamConfig(beam_size=beam))
    sid = session.start()
    done.wait()
    tagger.due(float("inf"))
    out.mkdir(parents=True, exist_ok=True)
    export = store.export_session(sid)
    (out / "session.json").write_text(json.dumps(export, ensure_ascii=False, indent=1), encoding="utf-8")
    return {"session": sid, "segments": len(export["segments"]), "evidence": len(tagger.added),
            "out": str(out), "status": export["session"]["status"]}
