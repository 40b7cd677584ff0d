"""An evaluator's voice profile, the one code path of `evaluator voice` and the setup dialog: record from a source
(a real recording replayed), stop early keeping what was heard, a failing source said in its own words, too little
speech stored nowhere."""

from __future__ import annotations

import threading

import pytest

from interviewer.audio.decode import SAMPLE_RATE
from interviewer.audio.sources import FileSource
from interviewer.audio.voices import EMBEDDING_SIZE
from interviewer.core.errors import AudioError, UserError
from interviewer.live import enrolment
from interviewer.notes import panel
from interviewer.notes.store.database import Store
from tests.conftest import FIXTURES, JFK
from tests.fakes import PushSource, load

VOICE = FIXTURES / "audio" / "evaluator_voice.flac"


@pytest.fixture
def store(data_dir):
    s = Store(data_dir.db_path)
    yield s
    s.close()


def test_records_up_to_the_length_asked_and_stores_the_profile(store):
    heard: list[enrolment.Heard] = []
    samples = enrolment.record_voice(FileSource(VOICE, speed=0), 8.0, on_block=heard.append)
    assert len(samples) == 8 * SAMPLE_RATE
    assert heard and heard[-1].seconds >= 8.0 and max(h.level for h in heard) > -40
    seconds = enrolment.save_voice_profile(store, "Ada", samples, where="mic")
    assert 4 <= seconds <= 8.5
    assert len(panel.voice_profile(store, "Ada") or []) == EMBEDDING_SIZE
    summary = enrolment.voice_profile_summary(store, "ada")  # any case, as the store finds evaluators
    assert summary is not None and summary["seconds"] == round(seconds, 1) and summary["recorded_at"]
    assert enrolment.voice_profile_summary(store, "Bob") is None


def test_stop_keeps_what_was_heard():
    source = PushSource()
    stop = threading.Event()
    got: list = []
    worker = threading.Thread(target=lambda: got.append(enrolment.record_voice(source, 20.0, stop=stop)))
    worker.start()
    while source.on_audio is None:
        threading.Event().wait(0.01)
    source.push(load(JFK)[:3 * SAMPLE_RATE])
    stop.set()
    worker.join(10)
    assert len(got[0]) == 3 * SAMPLE_RATE and source.stopped.is_set()


def test_a_source_that_fails_at_once_is_its_own_sentence():
    class Broken(PushSource):
        def start(self, on_audio, on_end) -> None:
            on_end(AudioError("the input device 'USB Mic' was unplugged"))

    with pytest.raises(AudioError, match="unplugged"):
        enrolment.record_voice(Broken(), 5.0)


def test_too_little_speech_stores_nothing(store):
    with pytest.raises(UserError, match=r"^short\.wav: has .* at least 4 s"):
        enrolment.save_voice_profile(store, "Ada", load(JFK)[:2 * SAMPLE_RATE], where="short.wav")
    with pytest.raises(UserError, match="name"):
        enrolment.save_voice_profile(store, " ", load(VOICE), where="x")
    assert panel.evaluators(store) == []
