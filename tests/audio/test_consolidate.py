"""Consolidation: whole-file transcription's windows decoded as the audio comes, words given back live."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

from interviewer.audio.consolidate import LOOK_AHEAD, WINDOW, Consolidation, ConsolidationJob, SpeechTimeline
from interviewer.audio.decode import SAMPLE_RATE
from interviewer.audio.stream_config import StreamConfig
from interviewer.audio.streaming import StreamingTranscriber
from interviewer.audio.transcriber import DecodedWindow
from interviewer.core.transcript import Segment, Word
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
    # A word across the seam of two pieces maps through the piece that holds its middle, both ends: it does
    # not span the 9 s of silence left out between them.
    seam = n1 / S
    assert tl.span_to_clock(seam - 0.1, seam + 0.15) == pytest.approx((19.6, 19.75))
    assert tl.span_to_clock(seam - 0.2, seam + 0.05) == pytest.approx((10.2, 10.4))
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


class ScriptedWindows:
    """A transcriber for driving consolidation by hand: the test decides what each window decoded."""

    label = "scripted"

    def transcribe_array(self, audio, **kwargs):
        return []

    def second_pass(self):
        return self

    def transcribe_window(self, audio, **kwargs):
        raise AssertionError("windows are decoded by the test")


def seg(start: float, words: str, step: float = 1.0) -> Segment:
    ws = tuple(Word(start + k * step, start + (k + 1) * step - 0.1, f" {w}", 0.9) for k, w in enumerate(words.split()))
    return Segment(ws[0].start, ws[-1].end, words, "mix", ws)


def stopped_stream(seconds: float, committed: list[Segment], **config):
    """A stream with its threads stopped, `seconds` of speech on its timeline and `committed` committed:
    its consolidation is then driven by the test, one window at a time, on the test's thread."""
    revisions = []
    st = StreamingTranscriber(ScriptedWindows(), speaker="mix", on_commit=lambda s: None,
                              on_revise=lambda i, s: revisions.append((i, s)), config=StreamConfig(**config))
    st.finish(timeout=30)
    st._rthread.join(30)  # the second-pass thread has taken its stop too (it runs at low priority)
    assert not st.is_alive() and st._cons is not None and not st._rthread.is_alive()
    zeros = np.zeros(int(seconds * S), np.float32)
    st._cons.timeline.add(0, len(zeros), lambda a, b: zeros[a:b], available=len(zeros))
    st.committed[:] = committed
    return st, revisions


def window(job, words: list[tuple[float, str]], consumed_s: float) -> DecodedWindow:
    """What a window decoded: words at seconds from the window's start."""
    ws = tuple(Word(t, t + 0.4, f" {w}", 0.9) for t, w in words)
    return DecodedWindow([Segment(ws[0].start, ws[-1].end, "".join(w.word for w in ws).strip(), "mix", ws)],
                         int(consumed_s * S), [1, 2, 3], reset_prompt=False)


def test_a_segment_reaching_into_a_failed_window_keeps_its_text_rather_than_get_half_of_it():
    a, s_, b = seg(1, "a b c"), seg(28, "p q r s t u v w x y", 0.5), seg(40, "d e f")
    st, revisions = stopped_stream(70, [a, s_, b])
    cons = st._cons
    st._apply_consolidation(cons.job(), None)  # the window [0, 30) failed
    assert st.consolidations_dropped == 1 and st.committed == [a, s_, b]
    job = cons.job()
    assert job.seek == 30 * S
    # The next window hears the end of the segment across the seam, and the next segment.
    st._apply_consolidation(job, window(job, [(0.5, "V"), (1.0, "W"), (1.5, "X"), (2.0, "Y"), (10, "D"),
                                              (11, "E"), (12, "F")], 30))
    assert st.committed[1] is s_                       # not "V W X Y"
    assert st.committed[2].text == "D E F" and [i for i, _ in revisions] == [2]
    assert cons.done == {2} and cons.next_segment == 3


def test_after_falling_behind_words_of_a_passed_over_segment_are_not_given_to_the_next():
    a, s_, b = seg(5, "a b"), seg(165, "e f g h i j k"), seg(180, "l m n")
    st, revisions = stopped_stream(200, [a, s_, b], consolidate_max_lag_s=120)
    cons = st._cons
    assert st._maybe_consolidate()                     # 200 s behind: it skips to the last 30 s
    job = st._jobs.get_nowait()
    assert job.seek == 200 * S - (WINDOW + LOOK_AHEAD) and cons.next_segment == 2 and st.consolidations_dropped == 1
    # The window starts inside the passed-over segment: its last words come back with the next segment's.
    st._apply_consolidation(job, window(job, [(0.0, "I"), (1.0, "J"), (2.0, "K"), (10.5, "L"), (11.5, "M"),
                                              (12.5, "N")], 30))
    assert st.committed[1] is s_
    assert st.committed[2].text == "L M N"             # not "I J K L M N"
    assert [i for i, _ in revisions] == [2]
