"""Whole-file transcription in bounded memory (interviewer.audio.longform; issue 22, finding 5: a 3-hour file
took 3.0 GB in `transcribe` and 3.7 GB in `import-audio`)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from interviewer.audio.decode import SAMPLE_RATE, DecodeStatus, decode_file, decode_tail, iter_blocks
from interviewer.audio.longform import VAD_BATCH, VAD_WINDOW, StreamingVad, speech_chunks, voiced_audio
from tests.conftest import JFK, JFK_TEXT, ROOT, wer


def long_audio(path: Path, seconds: float, *, every: float, until: float | None = None) -> list[float]:
    """A FLAC of digital silence with the JFK clip starting every `every` seconds (up to `until`); the clip's
    start times."""
    clip = decode_file(JFK).samples
    step = int(every * SAMPLE_RATE)
    block = np.zeros(step, dtype=np.float32)
    block[:len(clip)] = clip[:step]
    silent = np.zeros(step, dtype=np.float32)
    total = int(seconds * SAMPLE_RATE)
    starts = []
    with sf.SoundFile(str(path), "w", SAMPLE_RATE, 1, format="FLAC", subtype="PCM_16") as out:
        written = 0
        while written < total:
            n = min(step, total - written)
            speak = until is None or written < until * SAMPLE_RATE
            out.write((block if speak else silent)[:n])
            if speak:
                starts.append(written / SAMPLE_RATE)
            written += n
    return starts


def test_streamed_vad_gives_faster_whispers_whole_file_speech_chunks(tmp_path):
    """Across a batch boundary of Silero's 10,000 windows, with a last window more than 448 samples long (the
    zeroed context of faster-whisper's last window shows there): the same probabilities and chunks."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps, get_vad_model

    clip = decode_file(JFK).samples
    boundary = VAD_BATCH * VAD_WINDOW
    audio = np.zeros(boundary + 40 * SAMPLE_RATE + 500, dtype=np.float32)
    for at in (3 * SAMPLE_RATE, boundary - 5 * SAMPLE_RATE, boundary + 20 * SAMPLE_RATE):
        audio[at:at + len(clip)] = clip[:len(audio) - at]
    audio[-500:] = clip[SAMPLE_RATE:SAMPLE_RATE + 500]  # speech in the last, partial window
    path = tmp_path / "vad.flac"
    sf.write(str(path), audio, SAMPLE_RATE, format="FLAC", subtype="PCM_16")
    audio = decode_file(path).samples

    vad = StreamingVad()
    for block in iter_blocks(path, block=7 * SAMPLE_RATE + 13):  # blocks that align with nothing
        vad.feed(block)
    probs = vad.finish()
    whole = get_vad_model()(np.pad(audio, (0, VAD_WINDOW - len(audio) % VAD_WINDOW))).reshape(-1)
    assert len(probs) == len(whole) > VAD_BATCH
    np.testing.assert_array_equal(probs, whole)
    chunks = speech_chunks(probs, vad.samples)
    assert chunks == get_speech_timestamps(audio, VadOptions())
    assert len(chunks) >= 3  # the three copies (a pause in one may split it)


def test_voiced_audio_is_the_chunks_concatenated(tmp_path):
    audio = np.arange(10_000, dtype=np.float32)
    chunks = [{"start": 5, "end": 1_200}, {"start": 1_500, "end": 1_501}, {"start": 4_000, "end": 9_999}]
    got = np.concatenate(list(voiced_audio(iter(np.array_split(audio, 17)), chunks)))
    np.testing.assert_array_equal(got, np.concatenate([audio[c["start"]:c["end"]] for c in chunks]))


def test_decode_tail_is_the_end_of_the_whole_file(tmp_path):
    """Recovery decodes a crashed recording's untranscribed tail, not the hours before it."""
    whole = decode_file(JFK).samples
    for start in (0, 1, SAMPLE_RATE * 10 - 7, SAMPLE_RATE * 10, len(whole) - 1, len(whole), len(whole) + 5):
        np.testing.assert_array_equal(decode_tail(JFK, start), whole[start:])


def test_iter_blocks_reports_a_truncated_file(tmp_path):
    path = tmp_path / "cut.flac"
    long_audio(path, 30, every=30)
    data = path.read_bytes()
    cut = tmp_path / "cut-short.flac"
    cut.write_bytes(data[:len(data) // 2])
    status = DecodeStatus()
    blocks = list(iter_blocks(cut, block=SAMPLE_RATE, status=status))
    assert sum(len(b) for b in blocks) == status.samples > 0
    assert status.truncated and status.problem
    assert all(len(b) == SAMPLE_RATE for b in blocks[:-1])


def _whole_file(transcriber, path: Path) -> list:
    """faster-whisper's own whole-file transcription with its VAD filter, the file held whole (the old way)."""
    from interviewer.audio.transcriber import _segment

    raw, _ = transcriber._model.transcribe(decode_file(path).samples, beam_size=5, word_timestamps=True,
                                           vad_filter=True, language=transcriber.language)
    return [s for s in (_segment(r, 0.0, "") for r in raw) if s is not None]


@pytest.mark.slow
def test_streamed_transcription_is_whole_file_transcription(transcriber, tmp_path):
    """Three different recordings in 400 s of silence (two Silero batches, several voiced stretches, windows
    across them): the same segments, times, words and probabilities as faster-whisper transcribing the whole
    file at once, each recording back at its time on the file's clock. (Different speech: a window of one
    sentence repeated makes Whisper fall back to sampling at a higher temperature, which is random, so not even
    two whole-file runs agree there.)"""
    from interviewer.audio.longform import PiecewiseMel, floor_and_scale, loudest_frame

    fixtures = ROOT / "tests" / "fixtures" / "audio"
    clips = [decode_file(fixtures / name).samples for name in ("jfk.flac", "lj050-0131.flac", "two_speakers.flac")]
    audio = np.zeros(400 * SAMPLE_RATE, dtype=np.float32)
    starts = (2, 110, 330)
    for at, clip in zip(starts, clips, strict=True):
        audio[at * SAMPLE_RATE:at * SAMPLE_RATE + len(clip)] = clip
    path = tmp_path / "mixed.flac"
    sf.write(str(path), audio, SAMPLE_RATE, format="FLAC", subtype="PCM_16")

    result = transcriber.transcribe_file(path, beam_size=5)
    assert result.segments == _whole_file(transcriber, path)
    assert result.duration_s == pytest.approx(400, abs=0.01)
    assert not result.truncated
    for at, clip in zip(starts, clips, strict=True):
        near = [s for s in result.segments if at - 1 <= s.start < at + len(clip) / SAMPLE_RATE]
        assert near and near[0].start == pytest.approx(at, abs=1.0)
    assert wer(JFK_TEXT, " ".join(s.text for s in result.segments if s.end < 20)) <= 0.10

    # The log-mel computed piecewise is the whole signal's, bit for bit.
    audio = decode_file(ROOT / "tests" / "fixtures" / "audio" / "two_speakers.flac").samples
    fe = transcriber.feature_extractor
    whole = fe(audio, chunk_length=30)
    mel = PiecewiseMel(fe)
    loudest = loudest_frame(mel, iter(np.array_split(audio, 7)))
    seek = 160 * 234
    first, log = mel.frames(audio[seek - 320:seek + 488_400], seek - 320, at_end=False)
    assert first == seek // 160
    np.testing.assert_array_equal(floor_and_scale(log, loudest)[:, :3051], whole[:, seek // 160:seek // 160 + 3051])
    first, log = mel.frames(audio[seek - 320:], seek - 320, at_end=True)  # the last window: to the end
    np.testing.assert_array_equal(floor_and_scale(log, loudest), whole[:, seek // 160:])


def _peak_rss_mb(argv: list[str]) -> tuple[float, str]:
    """The real program in a subprocess: its peak resident memory (ru_maxrss, from wait4) and its stdout."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        proc = subprocess.Popen([sys.executable, "-m", "interviewer", *argv], cwd=ROOT, env=env, stdout=out,
                                stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        assert proc.returncode == 0, err.read()
        return usage.ru_maxrss / 1024, out.read()


def speech_then_silence(path: Path, seconds: float) -> None:
    """The three recordings of tests/fixtures/audio one after another (a minute of different speech: no window
    makes Whisper fall back to random sampling), then digital silence up to `seconds`."""
    fixtures = ROOT / "tests" / "fixtures" / "audio"
    gap = np.zeros(2 * SAMPLE_RATE, dtype=np.float32)
    speech = np.concatenate([part for name in ("jfk.flac", "lj050-0131.flac", "two_speakers.flac")
                             for part in (decode_file(fixtures / name).samples, gap)])
    silence = np.zeros(60 * SAMPLE_RATE, dtype=np.float32)
    total = int(seconds * SAMPLE_RATE)
    with sf.SoundFile(str(path), "w", SAMPLE_RATE, 1, format="FLAC", subtype="PCM_16") as out:
        out.write(speech)
        written = len(speech)
        while written < total:
            n = min(len(silence), total - written)
            out.write(silence[:n])
            written += n


@pytest.mark.slow
def test_memory_does_not_grow_with_the_files_length(tmp_path):
    """`transcribe`, `import-audio` and `refine` of 2 minutes and of 20 minutes holding the same minute of
    speech, the rest silence. Whole-file transcription held the whole file several times over (about 4 MB per
    minute of audio for each copy): 18 minutes more cost hundreds of MB. Streamed, each command's peak is the
    same to within the noise of the allocator. (The same speech in both: the decoder's own memory grows over its
    first windows, and that is not the file's length.)"""
    peaks: dict[str, list[float]] = {"transcribe": [], "import-audio": [], "refine": []}
    transcripts = []
    for minutes in (2, 20):
        audio = tmp_path / f"{minutes}min.flac"
        speech_then_silence(audio, minutes * 60)
        data = ["--data-dir", str(tmp_path / f"data{minutes}")]
        peak, out = _peak_rss_mb(["transcribe", str(audio), "--format", "jsonl"])
        peaks["transcribe"].append(peak)
        transcripts.append(out)
        peak, out = _peak_rss_mb(["import-audio", str(audio), "--candidate", "Ann Example", "--consent", "written",
                                  *data])
        peaks["import-audio"].append(peak)
        peak, _ = _peak_rss_mb(["refine", out.strip().splitlines()[-1], *data])
        peaks["refine"].append(peak)
    assert transcripts[0] == transcripts[1], "the same speech, the same transcript"
    assert len(transcripts[1].splitlines()) >= 5
    for command, (short, long) in peaks.items():
        assert long - short < 40, f"{command}: peak RSS {short:.0f} MB for 2 min, {long:.0f} MB for 20 min"
