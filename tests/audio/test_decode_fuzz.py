"""The audio decoder fuzzed with hypothesis (issue 22): damaged WAV, FLAC and random bytes give their decodable
part or one sentence naming the file, never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.audio.decode import SAMPLE_RATE, DecodeStatus, decode_file, iter_blocks, probe
from interviewer.core.errors import AudioError
from tests.conftest import JFK
from tests.notes.claims.test_reader_limits import mutated, one_sentence


def _encoded(fmt: str, subtype: str, rate: int = 22_050) -> bytes:
    t = np.arange(int(0.4 * rate)) / rate
    buf = io.BytesIO()
    sf.write(buf, (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), rate, format=fmt, subtype=subtype)
    return buf.getvalue()


SEEDS = [_encoded("WAV", "PCM_16"), _encoded("WAV", "FLOAT"), _encoded("FLAC", "PCM_16"),
         JFK.read_bytes()[:40_000]]


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(data=st.one_of(st.binary(max_size=4000), st.sampled_from(SEEDS).flatmap(mutated)),
       suffix=st.sampled_from([".wav", ".flac", ".mp3", ".audio"]))
def test_fuzz_audio_decoder(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    try:
        probe(path)
        audio = decode_file(path)
    except AudioError as exc:
        one_sentence(exc, path)
        return
    assert audio.samples.dtype == np.float32
    assert np.isfinite(audio.samples).all(), "NaN or infinity from a float WAV is made silence"
    status = DecodeStatus()
    blocks = list(iter_blocks(path, block=SAMPLE_RATE // 4, status=status))
    assert sum(len(b) for b in blocks) == status.samples == len(audio.samples)
    if audio.truncated:
        assert audio.problem and "\n" not in audio.problem
