"""The crash-safe recorder: readable while being written, repairable after a crash, honest on a full disk."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import av
import numpy as np
import pytest
import soundfile as sf

from interviewer.audio.recorder import DiskFullError, Recorder, check_headroom, repair_wav
from interviewer.core.errors import AudioError
from tests.conftest import ROOT


def tone(seconds: float, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * 16000)) / 16000
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_file_is_valid_while_recording(tmp_path):
    rec = Recorder(tmp_path / "a.wav")
    audio = tone(1.5)
    for i in range(0, len(audio), 800):
        rec.write(audio[i:i + 800])
    # Not closed: a crash now must leave a readable file with every sample written so far.
    info = sf.info(str(tmp_path / "a.wav"))
    assert info.frames == len(audio)
    assert info.samplerate == 16000
    with av.open(str(tmp_path / "a.wav")) as c:
        decoded = sum(f.samples for f in c.decode(audio=0))
    assert decoded == len(audio)
    back = rec.read(8000, 1600)
    assert np.allclose(back, audio[8000:9600], atol=1 / 16000)
    rec.close()
    data, _ = sf.read(str(tmp_path / "a.wav"), dtype="float32")
    assert np.allclose(data, audio, atol=1 / 16000)


def test_never_overwrites_a_recording(tmp_path):
    (tmp_path / "a.wav").write_bytes(b"precious")
    with pytest.raises(AudioError, match="refusing to overwrite"):
        Recorder(tmp_path / "a.wav")
    assert (tmp_path / "a.wav").read_bytes() == b"precious"


@pytest.mark.parametrize("cut", [0, 20, 44, 45, 1000, 16001])
def test_repair_after_cut_anywhere(tmp_path, cut):
    path = tmp_path / "a.wav"
    rec = Recorder(path)
    rec.write(tone(1.0))
    rec.close()
    raw = path.read_bytes()
    path.write_bytes(raw[:cut])
    frames = repair_wav(path)
    assert frames == max(0, (cut - 44) // 2)
    assert sf.info(str(path)).frames == frames


def test_repair_extends_header_over_unreported_data(tmp_path):
    path = tmp_path / "a.wav"
    rec = Recorder(path)
    rec.write(tone(1.0))
    rec.close()
    with path.open("ab") as f:  # data that reached the disk after the last header patch
        f.write(np.zeros(1601, dtype="<i2").tobytes() + b"\x01")
    assert repair_wav(path) == 16000 + 1601
    assert sf.info(str(path)).frames == 17601


def test_headroom_refuses_low_disk(tmp_path):
    with pytest.raises(AudioError, match="30 minutes"):
        check_headroom(tmp_path, 10_000_000)
    check_headroom(tmp_path, 10**11)


def test_disk_full_keeps_what_was_written(tmp_path):
    """A file-size limit stands in for a full disk (the kernel answers EFBIG like ENOSPC)."""
    script = textwrap.dedent(f"""
        import resource, sys, numpy as np
        sys.path.insert(0, {str(ROOT)!r})
        from interviewer.audio.recorder import Recorder, DiskFullError
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
        rec = Recorder(__import__('pathlib').Path({str(tmp_path / 'full.wav')!r}))
        block = (0.1 * np.ones(1600)).astype(np.float32)
        try:
            for _ in range(1000):
                rec.write(block)
        except DiskFullError as exc:
            print("FULL", rec.frames, exc)
        rec.close()
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("FULL")
    frames = int(out.stdout.split()[1])
    assert "disk is full" in out.stdout
    assert frames > 40_000
    assert sf.info(str(tmp_path / "full.wav")).frames == frames
    assert DiskFullError.__mro__[1] is AudioError
