"""The speaker model (issue 17, item 6): resemblyzer's pretrained voice encoder read and run without torch, its
embeddings telling this project's real and synthesised voices apart."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from interviewer.audio import voices
from interviewer.audio.decode import decode_file
from interviewer.core.errors import AudioError
from tests.conftest import FIXTURES, ROOT

AUDIO = FIXTURES / "audio"
SR = voices.SAMPLE_RATE


@pytest.fixture(scope="module")
def enc() -> voices.VoiceEncoder:
    return voices.encoder()


def clip(name: str, start: float, end: float) -> np.ndarray:
    return decode_file(AUDIO / name).samples[int(start * SR):int(end * SR)]


def test_the_model_loads_and_runs_without_torch():
    code = ("import sys; from interviewer.audio import voices; import numpy as np; "
            "e = voices.encoder().embed(np.random.default_rng(1).standard_normal(32000).astype('float32') * 0.1); "
            "assert e.shape == (256,) and abs(float(np.linalg.norm(e)) - 1) < 1e-4, e.shape; "
            "assert 'torch' not in sys.modules and 'librosa' not in sys.modules; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], check=False, cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_the_weights_are_the_packaged_encoder_s(enc):
    path = voices.model_path()
    assert path is not None and path.name == "pretrained.pt" and path.stat().st_size > 16_000_000
    state = voices.read_torch_state(path)
    assert state["lstm.weight_ih_l0"].shape == (1024, 40)
    assert state["lstm.weight_hh_l2"].shape == (1024, 256)
    assert state["linear.weight"].shape == (256, 256)
    assert all(np.isfinite(v).all() for v in state.values())


def test_mel_filters_are_slaney_triangles():
    fb = voices.mel_filters()
    assert fb.shape == (40, 201) and (fb >= 0).all()
    peaks = fb.argmax(axis=1)
    assert (np.diff(peaks) >= 0).all() and peaks[0] < 3 and peaks[-1] > 180  # 0..8 kHz, ascending
    # Slaney normalisation: every triangle has the same area (2 / its width in Hz, times its width / 2 = 1 per
    # Hz of bin spacing): the wide high filters are lower than the narrow low ones
    assert fb[-1].max() < fb[5].max()


def test_a_tone_lands_in_the_band_of_its_frequency():
    t = np.arange(SR) / SR
    mel = voices.mel_spectrogram((0.1 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32))
    assert mel.shape == (101, 40)
    band = int(mel[50].argmax())
    centres = voices.mel_filters().argmax(axis=1) * SR / voices.N_FFT
    assert abs(centres[band] - 1000) < 120


def test_same_voice_is_nearer_than_another_voice_on_real_recordings(enc):
    jfk_a, jfk_b = enc.embed(clip("jfk.flac", 0.3, 5.5)), enc.embed(clip("jfk.flac", 5.5, 10.6))
    lj_a, lj_b = enc.embed(clip("lj050-0131.flac", 0, 3.8)), enc.embed(clip("lj050-0131.flac", 3.8, 7.6))
    same = min(voices.similarity(jfk_a, jfk_b), voices.similarity(lj_a, lj_b))
    other = max(voices.similarity(a, b) for a in (jfk_a, jfk_b) for b in (lj_a, lj_b))
    assert same > 0.7 and other < 0.6 and same - other > 0.2, (same, other)


def test_same_voice_is_nearer_on_the_synthesised_interview(enc):
    import json

    ref = json.loads((AUDIO / "two_voices.json").read_text())
    embs = [(t["speaker"], enc.embed(clip("two_voices.flac", t["start"], t["end"]))) for t in ref["turns"]]
    for i, (spk, e) in enumerate(embs):
        others = [(s2, voices.similarity(e, e2)) for j, (s2, e2) in enumerate(embs) if j != i]
        nearest = max(others, key=lambda x: x[1])
        assert nearest[0] == spk, (i, spk, others)


def test_a_voice_print_is_near_its_speaker_and_needs_enough_speech(enc):
    profile, seconds = voices.voice_print(decode_file(AUDIO / "evaluator_voice.flac").samples)
    assert 12 < seconds < 19
    import json

    ref = json.loads((AUDIO / "two_voices.json").read_text())
    sims = {t["speaker"]: voices.similarity(profile, enc.embed(clip("two_voices.flac", t["start"], t["end"])))
            for t in ref["turns"][:2]}
    assert sims["interviewer"] > 0.75 and sims["interviewer"] - sims["candidate"] > 0.15, sims
    with pytest.raises(AudioError, match="needs at least 4 s"):
        voices.voice_print(clip("jfk.flac", 0.3, 3.0))
    with pytest.raises(AudioError, match="needs at least 4 s"):
        voices.voice_print(np.zeros(SR * 10, np.float32))


def test_a_missing_model_is_one_sentence(tmp_path: Path):
    with pytest.raises(AudioError, match="not a readable speaker model") as info:
        voices.VoiceEncoder.load(tmp_path / "nothing.pt")
    assert "\n" not in str(info.value)
    (tmp_path / "bad.pt").write_bytes(b"not a model")
    with pytest.raises(AudioError, match="not a readable speaker model"):
        voices.VoiceEncoder.load(tmp_path / "bad.pt")


def test_a_model_file_that_would_run_code_is_refused(tmp_path: Path, capsys):
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    path = tmp_path / "evil.pt"
    with path.open("wb") as f:
        for header in (0x1950A86A20F9469CFC6C, 1001, {"little_endian": True}):
            pickle.dump(header, f, protocol=2)
        pickle.dump({"model_state": Evil()}, f, protocol=2)
    with pytest.raises(AudioError, match=r"unexpected global \w+\.print"):
        voices.VoiceEncoder.load(path)
    assert "pwned" not in capsys.readouterr().out
