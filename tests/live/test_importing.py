"""Importing a recording as a use case, without the command line: a real SQLite store and real audio files; a fake
transcriber stands in for Whisper (what is tested is the bookkeeping, the copy and what the caller is told)."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.core.config import DataDir
from interviewer.core.errors import UserError
from interviewer.live.importing import check_audio, copy_in, import_recording
from interviewer.notes.store.database import Store
from tests.live.test_import_audio import FakeTranscriber, wav


@pytest.fixture
def dd(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "data").ensure()


def run_import(dd: DataDir, audio: Path, warnings: list[str], loads: list[int]):
    def load():
        loads.append(1)
        return FakeTranscriber()

    return import_recording(lambda: Store(dd.db_path), dd, load, audio=audio, candidate="Kay", role="SRE",
                            consent="written", evaluator="Ada", beam=1, warn=warnings.append)


def test_a_recording_is_copied_transcribed_and_stored_as_a_complete_session(dd, tmp_path):
    audio = wav(tmp_path / "talk.WAV", 2.0)
    warnings: list[str] = []
    loads: list[int] = []
    sid = run_import(dd, audio, warnings, loads)
    assert warnings == [] and loads == [1]
    with Store(dd.db_path) as store:
        session = store.session(sid)
        assert (session.status, session.origin, session.evaluator) == ("complete", "import", "Ada")
        assert session.duration_s == pytest.approx(2.0, abs=0.01)
        assert session.audio_path == f"audio/{sid}.wav"
        assert [s.text for s in store.segments(sid)] == ["the whole file said this"]
        [consent] = store.consents(sid)
        assert (consent["method"], consent["confirmed_by"]) == ("written", "Ada")
    assert (dd.root / "audio" / f"{sid}.wav").read_bytes() == audio.read_bytes()
    assert sorted(p.name for p in dd.audio_dir.iterdir()) == [f"{sid}.wav"]  # no lock or temporary file left


def test_a_truncated_recording_is_stored_and_the_caller_warned(dd, tmp_path):
    full = wav(tmp_path / "full.wav", 10.0)
    cut = tmp_path / "cut.wav"
    cut.write_bytes(full.read_bytes()[:44 + 16000 * 2 * 3])  # the header still says 10 s
    warnings: list[str] = []
    sid = run_import(dd, cut, warnings, [])
    assert warnings == [(f"{cut} is truncated: 3.0 s of the 10.0 s its header declares are in the file; "
                        "stored the 3.0 s that are")]
    with Store(dd.db_path) as store:
        assert store.session(sid).duration_s == pytest.approx(3.0, abs=0.01)


def test_a_file_without_audio_is_refused_before_a_model_is_loaded(dd, tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(wav(tmp_path / "full.wav", 2.0).read_bytes()[:44])
    loads: list[int] = []
    with pytest.raises(UserError, match="has no audio") as caught:
        run_import(dd, empty, [], loads)
    assert str(caught.value).startswith(f"{empty}: ")
    assert loads == []
    assert not list(dd.audio_dir.iterdir())
    with pytest.raises(UserError, match="has no audio"):
        check_audio(empty)


def test_an_odd_suffix_is_not_carried_into_the_data_dir(dd, tmp_path):
    audio = wav(tmp_path / "talk.wav", 1.0).rename(tmp_path / "talk.w a v;rm")
    sid = run_import(dd, audio, [], [])
    with Store(dd.db_path) as store:
        assert store.session(sid).audio_path == f"audio/{sid}.audio"


def test_copy_in_renames_a_complete_copy_into_place(tmp_path):
    src = wav(tmp_path / "src.wav", 1.0)
    target = tmp_path / "into" / "copy.wav"
    target.parent.mkdir()
    copy_in(src, target, None)
    assert target.read_bytes() == src.read_bytes()
    assert [p.name for p in target.parent.iterdir()] == ["copy.wav"]
