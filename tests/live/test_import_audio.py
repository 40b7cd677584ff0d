"""import-audio and transcribe on careless input, and import-audio killed (issue 22, finding 10): a truncated or
header-only WAV is said to be truncated, a file without audio is refused, and `kill -9` during an import never
leaves a 0 s "recovered" session. A fake transcriber stands in for Whisper (what is tested is the bookkeeping)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from interviewer import app
from interviewer.audio.decode import decode_file
from interviewer.audio.transcriber import FileTranscript
from interviewer.cli import main as cli
from interviewer.core.config import DataDir
from interviewer.core.transcript import Segment
from interviewer.notes.store.database import Store
from tests.conftest import ROOT


class FakeTranscriber:
    label = "fake"

    def transcribe_file(self, path, *, beam_size=None, vault=None, speaker=""):
        audio = decode_file(path, vault=vault)
        return FileTranscript([Segment(0.0, audio.duration_s, "the whole file said this", speaker)],
                              audio.duration_s, audio.truncated, audio.problem, self.label, beam_size or 1)

    def transcribe_array(self, audio, *, offset=0.0, speaker="", **kwargs):
        if not len(audio):
            return []
        return [Segment(offset, offset + len(audio) / 16000, "recovered words from the tail", speaker)]


def run(dd: DataDir, *argv: str) -> tuple[int, str, str]:
    sv = app.build_services(DataDir(dd.root).ensure())  # as every start does (`cli.data_dir_from`)
    sv.make_transcriber = lambda *a, **k: FakeTranscriber()
    sv.out, sv.err = io.StringIO(), io.StringIO()
    code = cli.execute(cli.parse(list(argv)), sv)  # the services carry the data dir
    return code, sv.out.getvalue(), sv.err.getvalue()


def wav(path: Path, seconds: float) -> Path:
    rng = np.random.default_rng(7)
    sf.write(path, (rng.standard_normal(int(16000 * seconds)) * 0.1).astype(np.float32), 16000, subtype="PCM_16")
    return path


@pytest.fixture
def dd(tmp_path: Path) -> DataDir:
    return DataDir(tmp_path / "data").ensure()


def sessions(dd: DataDir) -> list[dict]:
    return json.loads(run(dd, "sessions", "--format", "json")[1])


IMPORT = ("import-audio", "--candidate", "Kay", "--consent", "verbal")


def test_finding_10_a_truncated_wav_is_said_to_be_truncated_and_its_valid_part_kept(dd, tmp_path):
    full = wav(tmp_path / "full.wav", 10.0)
    cut = tmp_path / "cut.wav"
    cut.write_bytes(full.read_bytes()[:44 + 16000 * 2 * 3])  # the header still says 10 s
    code, out, err = run(dd, "transcribe", str(cut))
    assert code == 0 and "the whole file said this" in out
    assert f"{cut} is truncated: 3.0 s of the 10.0 s its header declares" in err
    code, out, err = run(dd, IMPORT[0], str(cut), *IMPORT[1:])
    assert code == 0, err
    assert f"{cut} is truncated" in err
    [row] = sessions(dd)
    assert row["status"] == "complete" and row["duration_s"] == pytest.approx(3.0, abs=0.01)


@pytest.mark.parametrize("kind", ["header-only", "no frames"])
def test_finding_10_a_file_without_audio_is_refused(dd, tmp_path, kind):
    path = tmp_path / "empty.wav"
    if kind == "header-only":
        path.write_bytes(wav(tmp_path / "full.wav", 2.0).read_bytes()[:44])
    else:
        sf.write(path, np.zeros(0, dtype=np.float32), 16000, subtype="PCM_16")
    for argv in (("transcribe", str(path)), (IMPORT[0], str(path), *IMPORT[1:])):
        code, out, err = run(dd, *argv)
        assert code == 2 and out == ""
        assert err.startswith(f"interviewer: error: {path}: has no audio") and err.count("\n") == 1
    assert sessions(dd) == []
    assert not list(dd.audio_dir.iterdir())


KILL = """
import os, shutil, signal, sys
from pathlib import Path
from interviewer import app
from interviewer.cli import main as cli
from interviewer.core.config import DataDir
from tests.live.test_import_audio import FakeTranscriber

root, audio, when = sys.argv[1:]
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
class Killed(FakeTranscriber):
    transcribe_file = die
def half_copy(src, dst, *args, **kwargs):
    if isinstance(dst, (str, Path)):
        Path(dst).write_bytes(Path(src).read_bytes()[:2000])
    else:
        dst.write(src.read(2000)); dst.flush()
    die()
if when == "copy":
    shutil.copyfileobj = half_copy
    shutil.copyfile = half_copy
sv = app.build_services(DataDir(Path(root)).ensure())
sv.make_transcriber = lambda *a, **k: Killed() if when == "transcribe" else FakeTranscriber()
cli.execute(cli.parse(["import-audio", audio, "--candidate", "Kay", "--consent", "verbal", "--data-dir", root]), sv)
"""


def kill_import(dd: DataDir, audio: Path, when: str) -> None:
    proc = subprocess.run([sys.executable, "-c", KILL, str(dd.root), str(audio), when], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, check=False)
    assert proc.returncode == -9, proc.stderr


def test_finding_10_import_killed_while_transcribing_is_finished_from_the_copied_audio(dd, tmp_path):
    audio = wav(tmp_path / "talk.wav", 2.0)
    kill_import(dd, audio, "transcribe")
    code, out, _ = run(dd, "recover")
    assert code == 0 and "recovered session" in out
    [row] = sessions(dd)
    assert row["status"] == "recovered"
    assert row["duration_s"] == pytest.approx(2.0, abs=0.01)
    assert row["segments"] == 1
    assert Path(row["audio_path"]).read_bytes() == audio.read_bytes()
    assert not list(dd.audio_dir.glob("*.lock"))


def test_finding_10_import_killed_while_copying_fails_with_a_reason_and_leaves_no_temp_file(dd, tmp_path):
    audio = wav(tmp_path / "talk.wav", 2.0)
    kill_import(dd, audio, "copy")
    code, out, _ = run(dd, "recover")
    assert code == 0
    assert "could not recover" in out and "stopped before its audio was copied" in out
    [row] = sessions(dd)
    assert row["status"] == "failed" and row["segments"] == 0
    assert list(dd.audio_dir.iterdir()) == []  # the half copy was a temporary file: swept at the next start
    store = Store(dd.db_path)
    try:
        [entry] = [e for e in store.audit_entries(row["id"]) if e["action"] == "session.failed"]
        assert "stopped before its audio was copied" in json.loads(entry["new"])["reason"]
    finally:
        store.close()
