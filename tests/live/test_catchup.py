"""After Stop on a busy machine: what was put off is done on the recording, with progress, resumable."""

from __future__ import annotations

import json

import numpy as np
import pytest

from interviewer.audio.decode import SAMPLE_RATE
from interviewer.audio.pace import Pace
from interviewer.live.catchup import catch_up_session, pending
from interviewer.live.refine import Cancelled
from interviewer.live.session import Listener, LiveSession, SessionSpec, Track
from interviewer.notes.store.database import Store
from tests.conftest import FIXTURES, normalise
from tests.fakes import PushSource, load

TWO = FIXTURES / "audio" / "two_speakers.flac"


@pytest.fixture
def store(data_dir):
    s = Store(data_dir.db_path)
    yield s
    s.close()


def record_on_a_slow_machine(store, data_dir, transcriber):
    """A live session whose pace says the machine is very slow from the start: everything optional waits."""
    src = PushSource("mic")
    statuses = []
    session = LiveSession(store=store, data_dir=data_dir, transcriber=transcriber, tracks=[Track(src, "mic")],
                          spec=SessionSpec(candidate="Ann", consent="verbal", evaluator="Ada"),
                          listener=Listener(load=statuses.append), free_bytes=lambda p: 10**12,
                          pace=Pace(commit_decode_s=10.0, clock=lambda: 0.0, on_status=statuses.append))
    sid = session.start()
    src.push(np.concatenate([load(TWO), np.zeros(SAMPLE_RATE, dtype=np.float32)]))
    session.stop()
    return session, sid, statuses


@pytest.mark.slow
def test_the_catch_up_after_stop_brings_the_stored_transcript_to_whole_file_text(store, data_dir, transcriber):
    session, sid, statuses = record_on_a_slow_machine(store, data_dir, transcriber)
    assert statuses and statuses[0].state == "slow" and "Previews paused" in statuses[0].message
    assert session.needs_catch_up and pending(store) == [sid]
    ids_before = [r["id"] for r in store.segment_rows(sid)]
    ev = store.add_evidence(session_id=sid, start=0.0, end=60.0, criterion="judgment", evaluator="Ada")
    progress: list[float] = []
    revised: list[str] = []
    n = session.catch_up(progress=progress.append, on_revised=lambda seg_id, seg: revised.append(seg_id))
    assert progress[-1] == 1.0 and progress == sorted(progress)
    assert n == len(revised) and set(revised) <= set(ids_before)
    assert [r["id"] for r in store.segment_rows(sid)] == ids_before  # same rows, revised in place
    wav = data_dir.root / store.session(sid).audio_path
    whole = transcriber.transcribe_file(wav, beam_size=5).segments
    stored = " ".join(s.text for s in store.segments(sid))
    assert normalise(stored) == normalise(" ".join(s.text for s in whole))
    quote = next(e.quote for e in store.evidence(sid) if e.id == ev)
    assert normalise(quote) == normalise(stored)  # the quote re-read from the final words
    assert pending(store) == []


@pytest.mark.slow
def test_an_interrupted_catch_up_changes_nothing_and_goes_on_at_the_next_start(store, data_dir, transcriber,
                                                                              run_cli):
    import threading

    _, sid, _ = record_on_a_slow_machine(store, data_dir, transcriber)
    before = [r["text"] for r in store.segment_rows(sid)]
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        catch_up_session(store, sid, transcriber, cancel=stop)
    assert [r["text"] for r in store.segment_rows(sid)] == before and pending(store) == [sid]
    store.close()
    res = run_cli("recover")
    assert res.code == 0, res.err
    assert f"caught up session {sid[:8]}" in res.out
    again = Store(data_dir.db_path)
    try:
        assert pending(again) == []
    finally:
        again.close()


@pytest.mark.slow
def test_record_on_a_busy_machine_says_so_and_catches_up_before_its_stop_line(run_cli, monkeypatch):
    monkeypatch.setattr("interviewer.audio.pace.probe_speed", lambda tr: 10.0)  # a very slow machine
    monkeypatch.setattr("interviewer.live.session.probe_speed", lambda tr: 10.0)
    res = run_cli("record", "--source", f"file:{TWO}", "--candidate", "Ann", "--consent", "verbal",
                  "--evaluator", "Ada", "--beam", "1")
    assert res.code == 0, res.err
    rows = [json.loads(line) for line in res.out.splitlines()]
    assert rows[0]["event"] == "start"
    load_rows = [r for r in rows if r.get("event") == "load"]
    assert load_rows[0]["state"] == "slow" and "Previews paused" in load_rows[0]["message"]
    assert load_rows[0]["previews"] is False and load_rows[0]["second_pass"] == "after"
    catch = [k for k, r in enumerate(rows) if r.get("event") == "catch-up"]
    assert catch and rows[catch[-1]]["progress"] == 1.0
    finals = [k for k, r in enumerate(rows) if r.get("final") and not r.get("revised")]
    assert max(finals) < catch[0]  # the catch-up comes after the last committed line
    assert rows[-1]["event"] == "stop"
    assert all(set(r) == {"start", "end", "text", "speaker", "final", "id", "revised"}
               for r in rows if r.get("revised"))
