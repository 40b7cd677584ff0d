"""The streaming transcriber on real speech with the real bundled model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from interviewer.audio.decode import SAMPLE_RATE
from interviewer.audio.recorder import Recorder
from interviewer.audio.streaming import StreamConfig, StreamingTranscriber
from tests.conftest import FIXTURES, wer
from tests.fakes import SlowTranscriber, load, silence

TWO = FIXTURES / "audio" / "two_speakers.flac"
REF = json.loads((FIXTURES / "audio" / "two_speakers.json").read_text())
REF_TEXT = " ".join(t["text"] for t in REF["turns"]).replace("1,800", "1800")


def run_stream(transcriber, audio, *, config=None, reader=None, block=800, speaker="cand"):
    commits, tentative = [], []
    st = StreamingTranscriber(transcriber, speaker=speaker, on_commit=commits.append,
                              on_tentative=lambda text, a, b: tentative.append((text, a, b)),
                              config=config, reader=reader)
    for i in range(0, len(audio), block):
        st.feed(audio[i:i + block])
    st.finish(timeout=300)
    assert st.error is None
    return st, commits, tentative


@pytest.mark.slow
def test_commits_match_reference_with_words_and_speaker(transcriber):
    _, commits, _ = run_stream(transcriber, load(TWO), config=StreamConfig(beam_size=5))
    text = " ".join(s.text for s in commits).replace("1,800", "1800")
    assert wer(REF_TEXT, text) <= 0.08
    assert all(s.speaker == "cand" for s in commits)
    for s in commits:
        assert s.words
        assert s.start <= s.words[0].start + 0.05
        assert s.words[-1].end <= s.end + 0.05
    # Each reference turn is covered by a commit that starts near it: the clock is the audio clock.
    for turn in REF["turns"]:
        assert any(abs(s.start - turn["start"]) < 0.6 for s in commits), turn
    assert [s.start for s in commits] == sorted(s.start for s in commits)


@pytest.mark.slow
def test_five_minutes_of_silence_and_noise_give_no_words(transcriber):
    noise = load(FIXTURES / "audio" / "noise.flac")
    audio = np.concatenate([silence(60), np.tile(noise, 9)[: 180 * SAMPLE_RATE], silence(60)])
    assert len(audio) / SAMPLE_RATE >= 300
    st, commits, tentative = run_stream(transcriber, audio, block=4000)
    assert commits == []
    assert tentative == []
    assert st.backlog_s == 0


@pytest.mark.slow
def test_utterances_never_exceed_thirty_seconds(transcriber):
    audio = load(TWO)
    # Remove the pauses between turns: about 33 s of speech with no gap long enough to end an utterance.
    speech = np.concatenate([audio[int(t["start"] * SAMPLE_RATE):int(t["end"] * SAMPLE_RATE)]
                             for t in REF["turns"]])
    audio = np.concatenate([speech, speech[: 12 * SAMPLE_RATE], silence(1)])
    _, commits, _ = run_stream(transcriber, audio, config=StreamConfig(max_utterance_s=28.0))
    assert commits
    # Whisper may split an utterance into several segments; group them back by the utterance boundaries.
    assert max(s.end for s in commits) - min(s.start for s in commits) > 30
    spans = []
    for s in commits:
        if spans and s.start - spans[-1][1] < 0.01 and s.end - spans[-1][0] <= 30.5:
            spans[-1][1] = s.end
        else:
            spans.append([s.start, s.end])
    assert all(b - a <= 30.0 for a, b in spans), spans
    assert wer(REF_TEXT, " ".join(s.text for s in commits).replace("1,800", "1800")) < 0.6


@pytest.mark.slow
def test_slow_transcriber_loses_no_audio(transcriber, tmp_path):
    """A transcriber several times slower than real time, a queue of one second: the recording has every
    sample and the transcript still covers every turn, read back from the recording."""
    audio = load(TWO)
    rec = Recorder(tmp_path / "rec.wav")
    slow = SlowTranscriber(transcriber, delay=1.5)
    commits = []
    st = StreamingTranscriber(slow, speaker="c", on_commit=commits.append,
                              config=StreamConfig(queue_max_s=1.0, beam_size=1), reader=rec.read)
    for i in range(0, len(audio), 800):
        block = audio[i:i + 800]
        rec.write(block)
        st.feed(block)
    assert st.backlog_s > 5  # the transcriber is far behind, the capture side did not wait
    st.finish(timeout=300)
    rec.close()
    assert st.error is None
    assert rec.frames == len(audio)
    text = " ".join(s.text for s in commits).replace("1,800", "1800")
    assert wer(REF_TEXT, text) <= 0.2
    assert commits[-1].end > REF["turns"][-1]["end"] - 1.0


@pytest.mark.slow
def test_tentative_text_refreshes_while_speaking(transcriber):
    """Fed at real-time pace, tentative updates arrive at least every 1.5 s of a long utterance."""
    import time

    audio = load(TWO)
    turn = REF["turns"][3]  # the longest candidate answer
    clip = audio[int((turn["start"] - 0.5) * SAMPLE_RATE):int((turn["end"] + 1.0) * SAMPLE_RATE)]
    commits, tentative = [], []
    st = StreamingTranscriber(transcriber, speaker="c", on_commit=commits.append,
                              on_tentative=lambda text, a, b: tentative.append((text, a, b, time.monotonic())))
    t0 = time.monotonic()
    for i in range(0, len(clip), 800):
        due = t0 + i / SAMPLE_RATE
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        st.feed(clip[i:i + 800])
    st.finish(timeout=60)
    assert commits
    assert len(tentative) >= 2
    ends = [0.5] + [b for _, _, b, _ in tentative]
    speech_end = turn["end"] - turn["start"] + 0.5
    gaps = np.diff([e for e in ends if e <= speech_end] + [speech_end - 1.0])
    assert max(gaps) <= 1.5 + 0.1, ends
    assert any("300" in text or "myself" in text for text, *_ in tentative)
