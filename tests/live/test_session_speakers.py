"""Live attribution on one source (issue 17, item 2): each committed segment of a one-microphone session is
labelled `interviewer` or `candidate` on the attributor's own thread, as a revision of the same segment id;
with the evaluator's profile from the first lines, blind once both voices have been heard. The transcriber is
the real bundled Whisper; the source is pushed by hand (tests.fakes.PushSource)."""

from __future__ import annotations

import json

import pytest

from interviewer.audio.decode import decode_file
from interviewer.core.transcript import CANDIDATE, INTERVIEWER
from interviewer.live.session import Listener, LiveSession, SessionSpec, Track
from interviewer.notes import panel
from interviewer.notes.store.database import Store
from tests.conftest import FIXTURES
from tests.fakes import PushSource

AUDIO = FIXTURES / "audio"
TURNS = json.loads((AUDIO / "two_voices.json").read_text())["turns"]


@pytest.fixture
def store(data_dir):
    s = Store(data_dir.db_path)
    yield s
    s.close()


def live(store, data_dir, transcriber, *, attribute=True):
    events: dict[str, list] = {"segments": [], "revised": [], "errors": []}
    listener = Listener(segment=lambda sid, seg: events["segments"].append((sid, seg)),
                        revised=lambda sid, seg: events["revised"].append((sid, seg)),
                        error=events["errors"].append)
    src = PushSource("laptop mic")
    session = LiveSession(store=store, data_dir=data_dir, transcriber=transcriber, tracks=[Track(src, "laptop mic")],
                          spec=SessionSpec(candidate="Kay", consent="verbal", evaluator="Ada"), listener=listener,
                          free_bytes=lambda p: 10**12, attribute_speakers=attribute)
    sid = session.start()
    src.push(decode_file(AUDIO / "two_voices.flac").samples)
    session.stop()
    return session, sid, events


def words_right(store: Store, sid: str) -> float:
    words = [(w, s.speaker) for s in store.segments(sid) for w in s.words]
    right = 0
    for w, spk in words:
        mid = (w.start + w.end) / 2
        truth = min(TURNS, key=lambda t: 0 if t["start"] <= mid <= t["end"] else
                    min(abs(mid - t["start"]), abs(mid - t["end"])))
        right += truth["speaker"] == spk
    return right / len(words)


@pytest.mark.slow
def test_live_blind_labels_both_voices_as_revisions(store, data_dir, transcriber):
    session, sid, events = live(store, data_dir, transcriber)
    assert not events["errors"]
    assert words_right(store, sid) >= 0.98
    committed = {seg_id for seg_id, _ in events["segments"]}
    labelled = {seg_id: seg.speaker for seg_id, seg in events["revised"] if seg.confidence is not None}
    assert set(labelled) == committed  # every line labelled, each as a revision of its own id
    assert set(labelled.values()) == {INTERVIEWER, CANDIDATE}
    rule = json.loads(store.session(sid).speaker_rule)
    assert rule["rule"] == "questions" and rule["live"] is True
    assert session.attributor.cpu_s > 0


@pytest.mark.slow
def test_live_with_a_profile(store, data_dir, transcriber):
    from interviewer.audio.voices import MODEL_LABEL, voice_print

    emb, seconds = voice_print(decode_file(AUDIO / "evaluator_voice.flac").samples)
    panel.set_voice_profile(store, "Ada", emb.tolist(), seconds=seconds, model=MODEL_LABEL)
    _, sid, events = live(store, data_dir, transcriber)
    assert words_right(store, sid) >= 0.98
    assert json.loads(store.session(sid).speaker_rule)["rule"] == "profile"
    # from the first line on: the interviewer's opening question is labelled before the candidate speaks
    first_id = events["segments"][0][0]
    assert any(seg_id == first_id and seg.speaker == INTERVIEWER for seg_id, seg in events["revised"])


@pytest.mark.slow
def test_without_attribution_the_track_label_stays(store, data_dir, transcriber):
    _, sid, events = live(store, data_dir, transcriber, attribute=False)
    assert {s.speaker for s in store.segments(sid)} == {"laptop mic"}
    assert all(seg.confidence is None for _, seg in events["revised"])
