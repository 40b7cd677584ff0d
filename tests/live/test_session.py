"""A live session end to end through a pushed (fake) source: disk, transcriber and store are real."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import soundfile as sf

from interviewer.audio.decode import SAMPLE_RATE
from interviewer.audio.pace import Pace
from interviewer.audio.sources import FileSource
from interviewer.audio.stream_config import StreamConfig
from interviewer.core.errors import AudioError, UserError
from interviewer.live.session import Listener, LiveSession, SessionSpec, Track
from interviewer.notes.store.database import Store
from tests.conftest import FIXTURES
from tests.fakes import MarkedSecondPass, PushSource, SlowTranscriber, load, silence

TWO = FIXTURES / "audio" / "two_speakers.flac"


@pytest.fixture
def store(data_dir):
    s = Store(data_dir.db_path)
    yield s
    s.close()


def make(store, data_dir, transcriber, tracks, **kw):
    events = {"segments": [], "started": [], "stopped": [], "errors": []}
    listener = Listener(started=events["started"].append,
                        segment=lambda sid, seg: events["segments"].append(seg),
                        stopped=events["stopped"].append, error=events["errors"].append)
    spec = kw.pop("spec", SessionSpec(candidate="Zoë Ðặng", consent="verbal", evaluator="Ada", role="MLE"))
    # Not adaptive unless a test asks: what runs live must not depend on how busy this machine is.
    kw.setdefault("pace", Pace(adaptive=False))
    session = LiveSession(store=store, data_dir=data_dir, transcriber=transcriber, tracks=tracks, spec=spec,
                          listener=listener, free_bytes=kw.pop("free_bytes", lambda p: 10**12), **kw)
    return session, events


@pytest.mark.slow
def test_session_records_every_sample_and_stores_segments(store, data_dir, transcriber):
    src = PushSource("laptop mic")
    session, events = make(store, data_dir, transcriber, [Track(src, "laptop mic")])
    sid = session.start()
    assert store.session(sid).status == "recording"
    assert store.consents(sid)[0]["method"] == "verbal"
    audio = load(TWO)[: 20 * SAMPLE_RATE]
    src.push(audio)
    session.stop()
    row = store.session(sid)
    assert row.status == "complete"
    assert row.duration_s == pytest.approx(20.0, abs=0.01)
    wav = data_dir.root / row.audio_path
    data, rate = sf.read(str(wav), dtype="float32")
    assert rate == 16000
    assert len(data) == len(audio)  # complete to the sample
    assert np.allclose(data, audio, atol=2 / 32768)
    stored = store.segments(sid)
    assert len(stored) == len(events["segments"]) >= 4
    assert all(s.speaker == "laptop mic" for s in stored)
    assert "evaluation" in " ".join(s.text for s in stored).lower()
    assert events["started"] == [sid]
    assert events["stopped"] == ["stopped"]
    assert not (data_dir.audio_dir / f"{sid}.lock").exists()


def test_pause_and_resume(store, data_dir, transcriber):
    src = PushSource()
    session, _ = make(store, data_dir, transcriber, [Track(src, "mic")])
    sid = session.start()
    src.push(silence(1.0))
    session.pause()
    assert store.session(sid).status == "paused"
    src.push(silence(2.0))  # not recorded
    assert session.elapsed_s == pytest.approx(1.0)
    session.resume()
    assert store.session(sid).status == "recording"
    src.push(silence(0.5))
    session.stop()
    assert sf.info(str(data_dir.root / store.session(sid).audio_path)).frames == int(1.5 * SAMPLE_RATE)
    assert store.session(sid).status == "complete"


@pytest.mark.slow
def test_second_source_is_its_own_track_and_speaker(store, data_dir, transcriber):
    mic, remote = PushSource("mic"), PushSource("monitor")
    session, _ = make(store, data_dir, transcriber, [Track(mic, "interviewer"), Track(remote, "candidate")])
    sid = session.start()
    audio = load(TWO)
    turns = [(0.0, 3.6), (3.6, 10.5)]  # interviewer asks, candidate answers
    q = audio[: int(turns[0][1] * SAMPLE_RATE)]
    a = audio[int(turns[1][0] * SAMPLE_RATE):int(turns[1][1] * SAMPLE_RATE)]
    mic.push(np.concatenate([q, silence(len(a) / SAMPLE_RATE)]))
    remote.push(np.concatenate([silence(len(q) / SAMPLE_RATE), a]))
    session.stop()
    row = store.session(sid)
    assert row.audio_path2.endswith(".2.wav")
    assert sf.info(str(data_dir.root / row.audio_path2)).frames == len(q) + len(a)
    segs = store.segments(sid)
    by = {s.speaker: " ".join(x.text for x in segs if x.speaker == s.speaker).lower() for s in segs}
    assert "evaluation" in by["interviewer"]
    assert "every night" in by["candidate"]
    assert "every night" not in by["interviewer"]


def test_consent_is_required(store, data_dir, transcriber):
    with pytest.raises(UserError, match="consent"):
        make(store, data_dir, transcriber, [Track(PushSource(), "mic")],
             spec=SessionSpec(candidate="A", consent="", evaluator="e"))
    assert store.sessions() == []


def test_low_disk_refuses_before_anything_is_created(store, data_dir, transcriber):
    session, _ = make(store, data_dir, transcriber, [Track(PushSource(), "mic")], free_bytes=lambda p: 5_000_000)
    with pytest.raises(AudioError, match="30 minutes"):
        session.start()
    assert store.sessions() == []
    assert list(data_dir.audio_dir.iterdir()) == []


@pytest.mark.slow
def test_file_source_as_fast_as_possible_with_a_slow_transcriber(store, data_dir, transcriber):
    """The recording is complete to the sample even while the transcriber is far behind."""
    src = FileSource(TWO, speed=0)
    slow = SlowTranscriber(transcriber, delay=1.0)
    session, _ = make(store, data_dir, slow, [Track(src, "mic")])
    done = threading.Event()
    session.listener.stopped = lambda reason: done.set()
    sid = session.start()
    assert done.wait(300)
    assert session.stop_reason == "the audio source ended"
    row = store.session(sid)
    assert sf.info(str(data_dir.root / row.audio_path)).frames == len(load(TWO))
    assert row.status == "complete"
    assert len(store.segments(sid)) >= 6


class BrokenTranscriber:
    label = "broken"

    def transcribe_array(self, audio, **kwargs):
        raise RuntimeError("model crashed")


def test_a_crashed_transcriber_never_blocks_saving(store, data_dir):
    src = PushSource("mic")
    session, events = make(store, data_dir, BrokenTranscriber(), [Track(src, "mic")])
    sid = session.start()
    speechy = load(TWO)[: 8 * SAMPLE_RATE]
    src.push(speechy)  # speech makes the worker call the model, which raises
    for t in session.tracks:
        t.stream._thread.join(timeout=30)  # the worker has died
    src.push(silence(130.0))  # more than the queue holds: the capture side must not block
    assert session.wait(0) is False
    session.stop()
    assert session.wait(10)
    row = store.session(sid)
    assert row.status == "complete"
    assert sf.info(str(data_dir.root / row.audio_path)).frames == len(speechy) + 130 * SAMPLE_RATE
    assert any("transcription of mic stopped" in e for e in events["errors"])


class FakeInhibitor:
    def __init__(self) -> None:
        self.calls = []

    def acquire(self) -> bool:
        self.calls.append("acquire")
        return True

    def release(self) -> None:
        self.calls.append("release")


def test_sleep_is_inhibited_only_while_recording(store, data_dir, transcriber):
    inhibitor = FakeInhibitor()
    src = PushSource()
    session, _ = make(store, data_dir, transcriber, [Track(src, "mic")], inhibitor=inhibitor)
    session.start()
    assert inhibitor.calls == ["acquire"]
    src.push(silence(1.0))
    session.stop()
    assert inhibitor.calls == ["acquire", "release"]


def test_real_inhibitor_is_harmless_where_unavailable(monkeypatch):
    from interviewer.core.power import SleepInhibitor

    monkeypatch.setattr("shutil.which", lambda name: None)
    inh = SleepInhibitor()
    if inh.available:  # Windows has no external helper to hide
        return
    assert inh.acquire() is False
    assert not inh.active
    inh.release()


@pytest.mark.slow
def test_second_pass_revises_stored_segments_in_place(store, data_dir, transcriber):
    """Each revision rewrites its stored row (same id, no new rows), full-text search finds the new words,
    and evidence over the revised words re-reads its quote."""
    from interviewer.notes.review import editing as review

    src = PushSource("mic")
    session, _ = make(store, data_dir, MarkedSecondPass(transcriber), [Track(src, "mic")],
                           config=StreamConfig(revise_pending_max=1000, revise_max_lag_s=1e6, revise_finish_s=300))
    committed: list[tuple[str, str]] = []
    revised: list[tuple[str, str]] = []
    session.listener.segment = lambda seg_id, seg: committed.append((seg_id, seg.text))
    session.listener.revised = lambda seg_id, seg: revised.append((seg_id, seg.text))
    sid = session.start()
    audio = load(TWO)[: 20 * SAMPLE_RATE]
    src.push(audio[: 6 * SAMPLE_RATE])
    # Evidence over the whole stretch, tagged before the second pass can have run.
    eid = store.add_evidence(session_id=sid, start=0.0, end=20.0, criterion="judgment", evaluator="Ada")
    src.push(audio[6 * SAMPLE_RATE:])
    session.stop()
    rows = store.segment_rows(sid)
    assert [r["id"] for r in rows] == [seg_id for seg_id, _ in committed]
    assert not any("zebra" in text for _, text in committed)
    assert revised and {seg_id for seg_id, _ in revised} == {seg_id for seg_id, _ in committed}
    texts = {r["id"]: r["text"] for r in rows}
    for seg_id, text in revised:
        assert texts[seg_id] == text and text.endswith("zebra")
    hits = review.search(store, "zebra")
    assert len(hits) == len(rows) and {h["session"] for h in hits} == {sid}
    assert review.search(store, "evaluation")  # the first pass's words are still there
    [ev] = store.evidence(sid)
    assert ev.id == eid and ev.quote.split()
    assert all(word.endswith("-zebra") for word in ev.quote.split()), ev.quote
