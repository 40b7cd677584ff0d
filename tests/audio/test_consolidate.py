"""Consolidation: whole-file transcription's windows decoded as the audio comes, words given back live."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

from interviewer.audio.consolidate import LOOK_AHEAD, WINDOW, Consolidation, ConsolidationJob, SpeechTimeline
from interviewer.audio.decode import SAMPLE_RATE
from interviewer.audio.streaming import StreamingTranscriber
from interviewer.transcript import Segment, Word
from tests.conftest import ROOT, wer
from tests.fakes import load

DEMO = ROOT / "resources" / "demo" / "interview.flac"
DEMO_REF = " ".join(t["text"] for t in json.loads(DEMO.with_suffix(".json").read_text())["turns"])
S = SAMPLE_RATE
P = int(0.4 * S)  # the pad


def ramp(n: int) -> np.ndarray:
    """Audio whose every sample says where it was on the clock."""
    return np.arange(n, dtype=np.float32)


def test_timeline_pads_merges_close_stretches_and_maps_back_to_the_clock():
    clock = ramp(60 * S)
    tl = SpeechTimeline()

    def audio_of(a, b):
        return clock[a:b]

    tl.add(5 * S, 8 * S, audio_of, available=9 * S)        # -> [4.6, 8.4)
    tl.add(9 * S, 10 * S, audio_of, available=11 * S)      # 1 s later: merged, the gap kept -> [4.6, 10.4)
    tl.add(20 * S, 21 * S, audio_of, available=22 * S)     # 10 s later: its own piece [19.6, 21.4)
    first, second = (5 * S - P, 10 * S + P), (20 * S - P, 21 * S + P)
    n1 = first[1] - first[0]
    assert tl.length == n1 + second[1] - second[0]
    got = tl.slice(0, tl.length)
    assert got[0] == first[0] and got[n1 - 1] == first[1] - 1
    assert got[n1] == second[0]                               # the long silence is left out
    assert np.all(np.diff(got[:n1]) == 1)                     # nothing in between dropped or doubled
    assert tl.to_clock(0.0) == pytest.approx(4.6)
    assert tl.to_clock(6.0) == pytest.approx(19.8)
    # As faster-whisper's own VAD filter would have cut them (speech_pad 400 ms, min_silence 2 s).
    chunks = [{"start": first[0], "end": first[1]}, {"start": second[0], "end": second[1]}]
    assert np.array_equal(np.concatenate(collect_chunks(clock, chunks)[0]), got)
    # Only what a merge could still need is asked to be kept.
    assert tl.needs_from(22 * S) == second[1]
    assert tl.needs_from(24 * S) is None
    tl.forget_before(6 * S)
    assert tl.slice(6 * S, 1)[0] == second[0] + (6 * S - n1)
    assert tl.to_clock(6.5) == pytest.approx(20.3)


def test_timeline_leaves_out_audio_no_longer_held_rather_than_shift_it():
    clock = ramp(20 * S)
    tl = SpeechTimeline()
    tl.add(5 * S, 8 * S, lambda a, b: clock[max(a, 5 * S):b], available=9 * S)  # the pad before is gone
    assert tl.length == 3 * S + P
    assert tl.to_clock(0.0) == pytest.approx(5.0)


def test_consolidation_gives_words_back_only_once_no_later_window_can_claim_them():
    cons = Consolidation()
    clock = ramp(100 * S)
    cons.timeline.add(0, 95 * S, lambda a, b: clock[a:b], available=100 * S)
    assert cons.due()
    job = cons.job()
    assert not cons.due() and len(job.audio) == WINDOW + LOOK_AHEAD and job.prompt == []
    words = [Word(1.0, 1.4, " one", 0.9), Word(27.0, 27.5, " two", 0.9)]
    frontier = cons.take(job, words, int(27.6 * S), [7, 8], reset_prompt=False)
    assert frontier == pytest.approx(27.6)
    assert cons.seek == int(27.6 * S) and cons.tokens == [7, 8]
    assert [w.word for w in cons.words_before(2.0)] == [" one"]
    assert [w.word for w in cons.words] == [" two"]
    assert cons.job().prompt == [7, 8]
    # A window decoded at a high temperature does not prompt the next (as whole-file transcription).
    cons.take(ConsolidationJob(cons.seek, np.zeros(1, np.float32), [], final=False), [], S, [9], reset_prompt=True)
    assert cons.tokens == []
    # Fallen far behind: it goes on from the recent audio and forgets what it had not given back.
    clock_from = cons.skip_to_recent(WINDOW)
    assert clock_from == pytest.approx(cons.timeline.length / S - 30) and cons.words == [] and cons.skipped_s > 0


@pytest.mark.slow
def test_window_by_window_decoding_matches_whole_file_transcription(transcriber):
    """`transcribe_window` on the audio whole-file transcription decodes (its VAD's speech, concatenated),
    going on from where each window says the next starts, gives whole-file transcription's text; and it
    decodes one window, never the next."""
    audio = load(DEMO)
    speech = np.concatenate(collect_chunks(audio, get_speech_timestamps(audio, VadOptions()))[0])
    offline = " ".join(s.text for s in transcriber.transcribe_file(DEMO, beam_size=5).segments)
    encoded = []
    inner = transcriber.encoder
    transcriber.encoder = lambda features: encoded.append(1) or inner(features)
    try:
        seek, tokens, text, windows = 0, [], [], 0
        while seek < len(speech):
            before = len(encoded)
            w = transcriber.transcribe_window(speech[seek:seek + WINDOW + LOOK_AHEAD], prompt=tokens[-223:] or None)
            assert len(encoded) - before == 1  # one window encoded (and decoded), not the leftover after it
            assert 0 < w.consumed <= WINDOW and all(s.end <= 30.0 for s in w.segments)
            seek += w.consumed
            tokens = [] if w.reset_prompt else tokens + w.tokens
            text += [s.text for s in w.segments]
            windows += 1
    finally:
        transcriber.encoder = inner
    assert windows >= len(speech) / WINDOW
    # As accurate as whole-file transcription, and nearly the same words: a window's log-mel range is its own,
    # not the file's, which moves a word here and there (on the demo 12 of 305, as many right as wrong).
    assert wer(DEMO_REF, " ".join(text)) <= wer(DEMO_REF, offline) + 0.01
    assert wer(offline, " ".join(text)) <= 0.06


def replay(transcriber, audio, *, config=None):
    """Fed in capture-sized blocks, each once the worker has taken in the last (as fast as it keeps up)."""
    commits, revisions = [], []
    st = StreamingTranscriber(transcriber, speaker="mix", on_commit=commits.append,
                              on_revise=lambda i, seg: revisions.append((i, seg)), config=config)
    for i in range(0, len(audio), 1600):
        st.feed(audio[i:i + 1600])
        deadline = time.monotonic() + 60
        while not st.settled and time.monotonic() < deadline:
            time.sleep(0.002)
    st.finish(timeout=300)
    assert st.error is None
    return st, commits, revisions


def text_of(segments: list[Segment]) -> str:
    return " ".join(s.text for s in sorted(segments, key=lambda s: s.start))


@pytest.mark.slow
def test_live_transcript_is_consolidated_to_whole_file_quality(transcriber):
    audio = load(DEMO)
    st, commits, revisions = replay(transcriber, audio)
    offline = transcriber.transcribe_file(DEMO, beam_size=5).segments
    assert st._cons is not None and st._cons.windows >= 4 and st.consolidated > 0
    assert 0 < st.consolidate_decode_max_s < 60
    final = text_of(st.committed)
    assert wer(DEMO_REF, final) <= wer(DEMO_REF, text_of(offline)) + 0.01
    assert wer(text_of(offline), final) <= 0.06
    assert wer(DEMO_REF, final) <= wer(DEMO_REF, text_of(commits))  # no worse than the first pass it revised
    # Every revision went to the listener, in place: same number of segments, each in its stretch.
    assert len(st.committed) == len(commits)
    for i, seg in revisions:
        assert 0 <= i < len(commits)
        assert abs(seg.start - commits[i].start) < 1.5
    for i, seg in enumerate(st.committed):
        assert seg is commits[i] or any(r is seg for _, r in revisions)


class BrokenWindows:
    """A real transcriber whose second-pass decoder fails every consolidation window."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.label = inner.label
        self.calls = 0

    def transcribe_array(self, audio, **kwargs):
        return self.inner.transcribe_array(audio, **kwargs)

    def second_pass(self):
        return self

    def transcribe_window(self, audio, **kwargs):
        self.calls += 1
        raise RuntimeError("out of memory")


@pytest.mark.slow
def test_a_failing_consolidation_leaves_the_live_transcript_standing(transcriber):
    audio = load(DEMO)[: 70 * S]
    broken = BrokenWindows(transcriber)
    st, commits, _ = replay(broken, audio)
    assert broken.calls >= 2 and st.consolidations_dropped == broken.calls and st.consolidated == 0
    assert len(st.committed) == len(commits) and st._cons.next_segment == len(commits)
