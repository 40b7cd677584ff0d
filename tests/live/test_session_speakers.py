"""Live attribution on one source (issue 17, item 2): each committed segment of a one-microphone session is
labelled `interviewer` or `candidate` on the attributor's own thread, as a revision of the same segment id;
with the evaluator's profile from the first lines, blind once both voices have been heard. The transcriber is
the real bundled Whisper; the source is pushed by hand (tests.fakes.PushSource)."""

from __future__ import annotations

import json

import pytest

from interviewer.audio.decode import decode_file
from interviewer.core.transcript import CANDIDATE, INTERVIEWER, Segment
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


def joined_turns(pause_s: float = 0.12, joined: int = 4):
    """two_voices with turn `joined` (the interviewer's third question) and the answer after it said with a
    pause too short for the first pass to end the line (one committed line, both voices), the other turns as
    they were; returns the samples and the turns' new times."""
    import numpy as np

    samples = decode_file(AUDIO / "two_voices.flac").samples
    sr = 16000
    pieces, turns, t = [np.zeros(int(0.7 * sr), np.float32)], [], 0.7
    for i, turn in enumerate(TURNS):
        wav = samples[int(turn["start"] * sr):int(turn["end"] * sr)]
        turns.append({**turn, "start": t, "end": t + len(wav) / sr})
        gap = pause_s if i == joined else 0.7
        pieces += [wav, np.zeros(int(gap * sr), np.float32)]
        t += (len(wav) + int(gap * sr)) / sr
    return np.concatenate(pieces), turns


@pytest.mark.slow
def test_a_line_holding_both_voices_is_split_at_the_change(store, data_dir, transcriber):
    samples, turns = joined_turns()
    question, answer = turns[4], turns[5]
    events: dict[str, list] = {"segments": [], "revised": [], "errors": []}
    evidence: list[str] = []

    def on_segment(seg_id, seg):
        events["segments"].append((seg_id, seg))
        if seg.start < answer["start"] < seg.end and not evidence:  # tagged the moment the line is committed
            evidence.append(store.add_evidence(session_id=session.session_id, start=seg.start,
                                               end=seg.end, criterion=None, evaluator="Ada"))

    listener = Listener(segment=on_segment, revised=lambda sid, seg: events["revised"].append((sid, seg)),
                        error=events["errors"].append)
    src = PushSource("laptop mic")
    session = LiveSession(store=store, data_dir=data_dir, transcriber=transcriber, tracks=[Track(src, "laptop mic")],
                          spec=SessionSpec(candidate="Kay", consent="verbal", evaluator="Ada"), listener=listener,
                          free_bytes=lambda p: 10**12, attribute_speakers=True)
    sid = session.start()
    src.push(samples)
    session.stop()
    assert not events["errors"] and session.attributor.error is None

    # the first pass committed the question and its answer as one line ...
    merged = [(i, s) for i, s in events["segments"] if s.start < answer["start"] < s.end]
    assert len(merged) == 1, [s.text for _, s in events["segments"]]
    merged_id, line = merged[0]
    assert "afterwards" in line.text.lower() and "runbook" in line.text.lower()
    # ... and the attributor split it: the question keeps the line's id (a revision), the answer is a new line
    assert session.attributor.splits >= 1
    stored = {s.text: s for s in store.segments(sid)}
    first = store.segment(merged_id)
    assert first is not None and "afterwards" in first["text"].lower() and "runbook" not in first["text"].lower()
    assert first["speaker"] == INTERVIEWER
    rest = [s for s in stored.values() if s.start >= first["end"] - 0.01 and s.start < answer["end"]
            and "runbook" in s.text.lower()]
    assert len(rest) == 1 and rest[0].speaker == CANDIDATE
    # words keep their times: the two parts hold the line's words, the answer's after the question's
    assert all(w.start >= question["start"] - 0.5 for w in rest[0].words)
    assert rest[0].words[0].start >= json.loads(first["words"])[-1]["end"] - 0.01
    # the listener heard it: the line revised under its id, the answer as a committed line of its own
    assert any(i == merged_id and "runbook" not in s.text.lower() and s.speaker == INTERVIEWER
               for i, s in events["revised"])
    new_ids = {i for i, s in events["segments"] if "runbook" in s.text.lower() and i != merged_id}
    assert len(new_ids) == 1
    # the evidence tagged over the whole line now quotes the candidate's words only (the question is context)
    quote = next(e for e in store.evidence(sid) if e.id == evidence[0]).quote
    assert "runbook" in quote.lower() and "afterwards" not in quote.lower()
    # and the whole session is still attributed right, word by word
    words = [(w, s.speaker) for s in store.segments(sid) for w in s.words]
    right = sum(min(turns, key=lambda t: 0 if t["start"] <= (w.start + w.end) / 2 <= t["end"] else
                    min(abs((w.start + w.end) / 2 - t["start"]), abs((w.start + w.end) / 2 - t["end"])))["speaker"]
                == spk for w, spk in words)
    assert right / len(words) >= 0.98


def test_split_at_cuts_a_line_by_its_words_middles():
    from interviewer.core.transcript import Word
    from interviewer.live.session import split_at

    tokens = ["why", "so?", "because", "it", "was"]
    words = tuple(Word(float(i), i + 0.8, (" " if i else "") + w, 0.9) for i, w in enumerate(tokens))
    seg = Segment(0.0, 4.8, "why so? because it was", "laptop mic", words)
    labels = [Segment(0.0, 1.9, "x", INTERVIEWER, (), 0.9), Segment(2.0, 4.8, "y", CANDIDATE, (), 0.7)]
    first, rest = split_at(seg, [1.95], labels)
    assert (first.text, first.speaker, first.start, first.end) == ("why so?", INTERVIEWER, 0.0, 1.8)
    assert (rest.text, rest.speaker, rest.confidence, rest.start, rest.end) == (
        "because it was", CANDIDATE, 0.7, 2.0, 4.8)
    assert first.words + rest.words == words
    assert split_at(seg, [9.0], labels) is None  # the cut past the last word: a part without words
