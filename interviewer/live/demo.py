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
from interviewer.audio.stream_config import StreamConfig
from interviewer.core.config import DataDir, resource_path
from interviewer.core.transcript import Segment
from interviewer.core.vault import write_file
from interviewer.live.session import Listener, LiveSession, SessionSpec, Track
from interviewer.notes import panel
from interviewer.notes.prompts.claim_topics import tagged_claims_from_file
from interviewer.notes.prompts.kits import Kit, default_kit_path, load_kit
from interviewer.notes.store.database import Store
from interviewer.notes.store.records import ClaimRecord

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
    claims = tagged_claims_from_file(resume, kit)
    with store.atomic():
        kit_id = store.save_kit(kit, kit_path.read_text(encoding="utf-8"))
        cand = store.get_or_create_candidate(CANDIDATE, resume_path=str(resume),
                                             resume_text=resume.read_text(encoding="utf-8"))
        if not store.claims(cand):
            store.add_claims(cand, [{"text": c.text, "source": c.source, "section": c.section,
                                     "topics": list(c.topics)} for c in claims])
        # A two-evaluator panel; each claim goes to whoever shipped its topics.
        for person in script()["panel"]:
            panel.add_evaluator(store, kit, person["name"], role=person["role"], shipped=person["shipped"])
        panel.save_plan(store, panel.propose_plan(store, kit, cand))
    return DemoSetup(kit, kit_id, cand)


def script() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource_path("demo", "tags.json").read_text(encoding="utf-8"))
    return data


def scripted_tags() -> list[dict[str, Any]]:
    tags: list[dict[str, Any]] = script()["tags"]
    return tags


class ScriptedTagger:
    """Plays the demo evaluator: adds the scripted evidence of `tags.json` once the audio clock passes each
    moment, fills the failure story once it has been told, opens the scenario and ticks its constraints."""

    def __init__(self, store: Store, claims: list[ClaimRecord], kit: Kit | None = None) -> None:
        self.store = store
        self.claims = claims
        self.kit = kit or load_kit()
        data = script()
        self.pending = sorted(data["tags"], key=lambda t: t["at"])
        self.failure = dict(data["failure_story"])
        self.scenario = dict(data["scenario"])
        self.ticks = sorted(self.scenario.get("ticks", []), key=lambda t: t["at"])
        self.asks = sorted(data.get("asks", []), key=lambda a: a["at"])
        self.scenario_use: str | None = None
        self.session_id: str | None = None
        self.added: list[str] = []
        self.settled: set[str] = set()  # the claims whose status the script set

    def start(self, session_id: str) -> None:
        self.session_id = session_id

    def due(self, upto: float) -> int:
        """Tag every moment up to `upto` seconds; returns how many were added."""
        n = 0
        while self.session_id and self.asks and self.asks[0]["at"] <= upto:
            self._ask(self.asks.pop(0))
        while self.session_id and self.pending and self.pending[0]["at"] <= upto:
            t = self.pending.pop(0)
            claim = next((c.id for c in self.claims
                          if t.get("claim") and t["claim"].lower() in c.text.lower()), None)
            eid = self.store.add_evidence(
                session_id=self.session_id, start=max(0.0, t["at"] - t["seconds"]), end=t["at"],
                criterion=t["criterion"], evaluator=EVALUATOR, claim_id=claim, polarity=t["polarity"],
                note=t.get("note", ""))
            self.added.append(eid)
            panel.link_evidence_to_open_scenario(self.store, self.session_id, eid)
            if claim and t["criterion"] == "claim-verification":
                status = "contradicted" if t["polarity"] == "concern" else "verified"
                self.store.set_claim_status(claim, status, actor=EVALUATOR, evidence_id=eid)
                self.settled.add(claim)
            n += 1
            self._story_and_scenario(t["at"])
        if self.session_id:
            self._story_and_scenario(upto)
        return n

    def _ask(self, a: dict[str, Any]) -> None:
        """A probe marked as asked (the live window's A key): a judgment call whose answer runs to the next."""
        assert self.session_id is not None
        probe = next(p for p in self.kit.probes if p.id == a["probe"])
        claim = next((c.id for c in self.claims
                      if a.get("claim") and a["claim"].lower() in c.text.lower()), None)
        self.store.add_probe_ask(session_id=self.session_id, probe_key=probe.id, probe_text=probe.text,
                                 at_s=a["at"], claim_id=claim, criterion=probe.criterion, evaluator=EVALUATOR)

    def _story_and_scenario(self, upto: float) -> None:
        assert self.session_id is not None
        sc = self.scenario
        if self.scenario_use is None and sc.get("open", 1e9) <= upto:
            card = next(s for s in panel.scenarios(self.kit) if s["id"] == sc["id"])
            self.scenario_use = panel.open_scenario(self.store, self.session_id, card, sc["open"], EVALUATOR)
        while self.scenario_use and self.ticks and self.ticks[0]["at"] <= upto and self.added:
            tick = self.ticks.pop(0)
            panel.tick_constraint(self.store, self.scenario_use, tick["constraint"], evidence_id=self.added[-1],
                                  actor=EVALUATOR)
        if self.scenario_use and sc.get("close", 1e9) <= upto and not sc.get("closed"):
            panel.close_scenario(self.store, self.scenario_use, sc["close"])
            sc["closed"] = True
        if self.failure and self.failure["at"] <= upto:
            linked = [e for e in self.store.evidence(self.session_id) if e.criterion == "failure-archaeology"]
            panel.save_failure_story(self.store, self.session_id, self.failure["fields"],
                                     evidence_ids=[e.id for e in linked], evaluator=EVALUATOR)
            self.failure = {}

    def rate(self) -> int:
        """The two evaluators' scores, each linked to the scripted evidence (or with a written reason)."""
        assert self.session_id is not None
        n = 0
        for r in script()["ratings"]:
            ids = [self.added[i] for i in r.get("evidence", []) if i < len(self.added)]
            self.store.rate(session_id=self.session_id, criterion=r["criterion"], evaluator=r["evaluator"],
                            score=r["score"], evidence_ids=ids, reason=r.get("reason", ""))
            n += 1
        calls = {c.key: c.id for c in self.store.calls(self.session_id)}
        for r in script().get("call_ratings", []):
            if r["key"] in calls:
                ids = [self.added[i] for i in r.get("evidence", []) if i < len(self.added)]
                self.store.rate_call(calls[r["key"]], evaluator=r["evaluator"], score=r["score"], evidence_ids=ids,
                                     reason=r.get("reason", ""))
        return n


def run_headless(store: Store, data_dir: DataDir, transcriber: Any, out: Path, *, speed: float = 1.0,
                 beam: int = 5, progress: Any = None) -> dict[str, Any]:
    """Replay the sample interview through a live session, tag the scripted moments as their audio passes,
    and write the session export to `out`. Returns a summary."""
    setup = prepare(store)
    tagger = ScriptedTagger(store, store.claims(setup.candidate_id), setup.kit)
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
    session.wait()
    session.catch_up()  # what a busy machine put off (quotes of the scripted evidence re-read after it)
    tagger.due(float("inf"))
    ratings = tagger.rate()
    out.mkdir(parents=True, exist_ok=True)
    export = store.export_session(sid)
    export["failure_stories"] = panel.failure_stories(store, sid)
    export["scenarios"] = panel.scenario_uses(store, sid)
    export["plan"] = panel.plan(store, setup.kit, setup.candidate_id)
    write_file(store.vault, out / "session.json", json.dumps(export, ensure_ascii=False, indent=1).encode("utf-8"))
    from interviewer.notes.reports.calibration_report import calibration_pdf
    from interviewer.notes.reports.compare_report import compare_pdf
    from interviewer.notes.reports.session_report import session_pdf

    pdfs = [session_pdf(store, sid, out / "session.pdf"),
            session_pdf(store, sid, out / "session-anonymised.pdf", anonymise=True),
            compare_pdf(store, ROLE, out / "compare.pdf"),
            calibration_pdf(store, ROLE, out / "calibration.pdf")]
    return {"session": sid, "segments": len(export["segments"]), "evidence": len(tagger.added),
            "ratings": ratings, "calls": len(export["judgment_calls"]), "out": str(out),
            "status": export["session"]["status"],
            "pdfs": [str(p) for p in pdfs]}
