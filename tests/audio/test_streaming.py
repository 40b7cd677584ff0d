"""The streaming transcriber on real speech with the real bundled model."""

from __future__ import annotations

import json
import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest

from interviewer.audio.decode import SAMPLE_RATE
from interviewer.audio.recorder import Recorder
from interviewer.audio.stream_config import StreamConfig
from interviewer.audio.streaming import StreamingTranscriber
from interviewer.core.transcript import Segment, Word
from tests.conftest import FIXTURES, wer
from tests.fakes import MarkedSecondPass, SlowTranscriber, load, silence

TWO = FIXTURES / "audio" / "two_speakers.flac"
REF = json.loads((FIXTURES / "audio" / "two_speakers.json").read_text())
REF_TEXT = " ".join(t["text"] for t in REF["turns"]).replace("1,800", "1800")


def run_stream(transcriber, audio, *, config=None, reader=None, block=800, speaker="cand", revisions=None,
               paced=False):
    """Feed `audio` in capture-sized blocks: all at once, or (`paced`) each once the worker has taken in the
    last and every second pass has landed - paced by the audio consumed, so the outcome (the revised text
    that prompts later decodes included) is the same however busy the machine is."""
    commits, tentative = [], []
    st = StreamingTranscriber(transcriber, speaker=speaker, on_commit=commits.append,
                              on_tentative=lambda text, a, b: tentative.append((text, a, b)),
                              on_revise=None if revisions is None else lambda i, seg: revisions.append((i, seg)),
                              config=config, reader=reader)
    for i in range(0, len(audio), block):
        st.feed(audio[i:i + block])
        while paced and not st.settled and st.is_alive():
            time.sleep(0.002)
    st.finish(timeout=300)
    assert st.error is None
    return st, commits, tentative


@pytest.mark.slow
def test_commits_match_reference_with_words_and_speaker(transcriber):
    _, commits, _ = run_stream(transcriber, load(TWO), config=StreamConfig(beam_size=5), paced=True)
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
    """Tentative updates come at least every 1.5 s of audio through a long utterance. Paced by the audio
    consumed (previews decoded in the worker, each block fed once the last is taken in), so the verdict does
    not depend on how busy the machine is; the wall-clock cadence is bench/latency.py's."""
    audio = load(TWO)
    turn = REF["turns"][3]  # the longest candidate answer
    clip = audio[int((turn["start"] - 0.5) * SAMPLE_RATE):int((turn["end"] + 1.0) * SAMPLE_RATE)]
    _, commits, tentative = run_stream(transcriber, clip, paced=True,
                                       config=StreamConfig(preview_in_thread=False, revise_beam=None))
    assert commits
    assert len(tentative) >= 2
    ends = [0.5] + [b for _, _, b in tentative]
    speech_end = turn["end"] - turn["start"] + 0.5
    gaps = np.diff([e for e in ends if e <= speech_end] + [speech_end - 1.0])
    assert max(gaps) <= 1.5 + 0.1, ends
    assert any("300" in text or "myself" in text for text, *_ in tentative)


class WithPreviews:
    """A first-pass transcriber whose preview decoder (`sibling("previews")`) calls `preview`."""

    def __init__(self, inner):
        self.inner, self.label = inner, inner.label

    def transcribe_array(self, audio, **kwargs):
        return self.inner.transcribe_array(audio, **kwargs)

    def preview(self, audio, **kwargs):
        return self.inner.transcribe_array(audio, **kwargs)

    def sibling(self, role):
        assert role == "previews"
        return SimpleNamespace(transcribe_array=self.preview)


class GatedPreviews(WithPreviews):
    """Previews that block on the first call until `gate` is set, recording the span of audio asked for."""

    def __init__(self, inner):
        super().__init__(inner)
        self.gate = threading.Event()
        self.waiting = threading.Event()
        self.stuck: tuple[float, float] | None = None

    def preview(self, audio, **kwargs):
        if self.stuck is None:
            self.stuck = (kwargs["offset"], kwargs["offset"] + len(audio) / SAMPLE_RATE)
            self.waiting.set()
            assert self.gate.wait(60)
        return super().preview(audio, **kwargs)


@pytest.mark.slow
def test_previews_on_their_own_thread_never_hold_up_commits_nor_outlive_them(transcriber):
    """While the preview decoder is stuck, utterances keep being committed; once let go, the preview it was
    decoding is not shown, its utterance being committed by then; later previews come through."""
    tr = GatedPreviews(transcriber)
    events: list[tuple[str, float]] = []
    st = StreamingTranscriber(tr, speaker="c", on_commit=lambda seg: events.append(("commit", seg.end)),
                              on_tentative=lambda text, a, b: events.append(("preview", b)),
                              config=StreamConfig(revise_beam=None))
    assert st._previewer is not None
    feed_paced(st, load(TWO))
    assert tr.waiting.wait(60)
    deadline = time.monotonic() + 120
    while sum(kind == "commit" for kind, _ in events) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sum(kind == "commit" for kind, _ in events) >= 4  # the worker went on without the preview
    assert tr.stuck is not None
    assert any(kind == "commit" and end >= tr.stuck[1] - 0.5 for kind, end in events)  # its utterance is done
    tr.gate.set()
    st.finish(timeout=300)
    assert st.error is None and st.preview_errors == 0
    assert not any(kind == "preview" and abs(b - tr.stuck[1]) < 1e-3 for kind, b in events)


class EmptyPreviews:
    """A transcriber without a preview decoder of its own, so previews are decoded by the worker in the order
    the audio comes (what is asked then depends on the audio alone, not on the machine's load): they hear
    nothing the first `empty` times, then the real thing; every preview request's end is kept."""

    def __init__(self, inner, empty):
        self.inner, self.label = inner, inner.label
        self.empty = empty
        self.ends: list[float] = []

    def transcribe_array(self, audio, **kwargs):
        if kwargs.get("word_timestamps") is not False:  # a first-pass decode
            return self.inner.transcribe_array(audio, **kwargs)
        self.ends.append(kwargs["offset"] + len(audio) / SAMPLE_RATE)
        return [] if len(self.ends) <= self.empty else self.inner.transcribe_array(audio, **kwargs)


def feed_paced(st, audio):
    """Feed no faster than the worker takes it in (a worker behind skips previews)."""
    for i in range(0, len(audio), 800):
        st.feed(audio[i:i + 800])
        deadline = time.monotonic() + 30
        while st.backlog_s > 0.2 and time.monotonic() < deadline:
            time.sleep(0.005)


@pytest.mark.slow
def test_a_preview_that_hears_nothing_is_asked_again_at_once_but_only_once(transcriber):
    audio = load(TWO)
    turn = REF["turns"][3]  # the longest candidate answer
    clip = audio[int((turn["start"] - 0.5) * SAMPLE_RATE):int((turn["end"] + 1.0) * SAMPLE_RATE)]
    interval = StreamConfig().tentative_interval_s
    tr = EmptyPreviews(transcriber, empty=2)
    tentative: list[float] = []
    st = StreamingTranscriber(tr, speaker="c", on_commit=lambda seg: None,
                              on_tentative=lambda text, a, b: tentative.append(b),
                              config=StreamConfig(revise_beam=None, preview_in_thread=False))
    feed_paced(st, clip)
    st.finish(timeout=120)
    assert st.error is None and len(tr.ends) >= 4 and tentative
    gaps = np.diff(tr.ends)
    assert gaps[0] < interval / 2, tr.ends  # the request after an empty preview comes at once...
    assert gaps[1] >= interval - 0.1, tr.ends  # ...but not after an empty retry (what it heard may be noise)
    assert min(tentative) > tr.ends[1]  # and the empty ones showed nothing


# ------------------------------------------------------------------------------------------- second pass
ALL_REVISED = {"revise_pending_max": 1000, "revise_max_lag_s": 1e6, "revise_finish_s": 300.0}


def words(text: str, start: float, step: float = 0.3) -> tuple[Word, ...]:
    return tuple(Word(start + i * step, start + (i + 1) * step, " " + w, 0.9) for i, w in enumerate(text.split()))


@pytest.mark.slow
def test_second_pass_revises_committed_segments_in_place(transcriber):
    marked = MarkedSecondPass(transcriber)
    revisions: list[tuple[int, Segment]] = []
    st, commits, _ = run_stream(marked, load(TWO), revisions=revisions, config=StreamConfig(**ALL_REVISED))
    assert len(commits) >= 4
    assert not any("zebra" in s.text for s in commits)  # commits are the fast first pass
    assert {beam for beam, _ in marked.calls} == {1, 5}
    # Every utterance was decoded again (nothing dropped with these bounds) and its segments revised.
    assert st.revisions_dropped == 0 and st.revisions_pending == 0
    indices = [i for i, _ in revisions]
    assert len(indices) == len(set(indices)) == st.revisions
    assert len(indices) >= len(commits) - 1  # a segment the second pass heard nothing in keeps its text
    for i, seg in revisions:
        assert seg.text.endswith("zebra")
        assert st.committed[i] is seg
        assert seg.speaker == "cand" and seg.words and all(w.word.endswith("-zebra") for w in seg.words)
        assert abs(seg.start - commits[i].start) < 1.0  # the same stretch of audio
    assert [s.start for s in st.committed] == sorted(s.start for s in st.committed)


@pytest.mark.slow
def test_second_pass_runs_between_utterances_and_prompts_what_follows(transcriber):
    """Fed utterance by utterance, the worker revises in the pause, and the next utterance is prompted with
    the revised text."""
    import time

    audio = load(TWO)
    marked = MarkedSecondPass(transcriber)
    revisions: list[tuple[int, Segment]] = []
    commits: list[Segment] = []
    st = StreamingTranscriber(marked, speaker="c", on_commit=commits.append,
                              on_revise=lambda i, seg: revisions.append((i, seg)))
    cut = int((REF["turns"][0]["end"] + 0.3) * SAMPLE_RATE)
    for chunk in (audio[:cut], silence(1.5)):
        for i in range(0, len(chunk), 800):
            st.feed(chunk[i:i + 800])
    deadline = time.monotonic() + 60
    while not revisions and time.monotonic() < deadline:
        time.sleep(0.05)
    assert revisions and revisions[0][0] == 0, "no revision while the worker was idle"
    seen = len(marked.calls)
    rest = audio[cut:]
    for i in range(0, len(rest), 800):
        st.feed(rest[i:i + 800])
    st.finish(timeout=300)
    assert st.error is None
    later_first_pass = [prompt for beam, prompt in marked.calls[seen:] if beam == 1 and prompt]
    assert later_first_pass and "zebra" in later_first_pass[0]


@pytest.mark.slow
def test_real_second_pass_is_at_least_as_accurate(transcriber):
    revisions: list[tuple[int, Segment]] = []
    # The second pass alone (consolidation, which also revises, has its own tests in test_consolidate.py).
    st, commits, _ = run_stream(transcriber, load(TWO), revisions=revisions,
                                config=StreamConfig(**ALL_REVISED, consolidate=False))
    assert st.consolidated == 0
    span = commits[-1].end - commits[0].start
    assert st.revisions_run >= span / 29 and st.revisions_dropped == 0  # windows of at most 29 s, all run
    assert revisions, "beam 5 changed nothing on the fixture"
    for i, seg in revisions:
        assert seg.text != commits[i].text
    first = " ".join(s.text for s in commits).replace("1,800", "1800")
    final = " ".join(s.text for s in st.committed).replace("1,800", "1800")
    assert wer(REF_TEXT, final) <= wer(REF_TEXT, first)


@pytest.mark.slow
def test_finish_never_hangs_on_slow_second_passes(transcriber):
    """Second passes slower than the audio: at most `revise_pending_max` wait, finish spends at most its
    budget (plus the one decode in flight) on them and drops the rest."""
    import time

    marked = MarkedSecondPass(transcriber, delay=3.0)
    commits: list[Segment] = []
    st = StreamingTranscriber(marked, speaker="c", on_commit=commits.append,
                              config=StreamConfig(revise_pending_max=2, revise_finish_s=1.0, revise_window_s=4.0))
    audio = load(TWO)
    for i in range(0, len(audio), 800):
        st.feed(audio[i:i + 800])
    deadline = time.monotonic() + 120
    while st.backlog_s > 0.1 and time.monotonic() < deadline:  # the first pass catches up, revisions between
        assert st.revisions_pending <= 2
        time.sleep(0.05)
    t0 = time.monotonic()
    st.finish(timeout=60)
    took = time.monotonic() - t0
    assert not st.is_alive() and st.error is None
    # The revision in flight, the last utterance, then revisions only until the 1 s budget is spent.
    assert took < 3.0 + 1.0 + 1.0 + 3.0 + 4.0, took
    assert st.revisions_pending == 0
    assert st.revisions_dropped >= 1
    assert st.revisions_run + st.revisions_dropped <= len(commits)


class Looping:
    """Wraps a real transcriber; every decode's last segment ends in a phrase repeated six times, the way
    Whisper loops (the second pass's, like the first pass's)."""

    def __init__(self, inner):
        self.inner, self.label = inner, inner.label

    def transcribe_array(self, audio, **kwargs):
        segs = self.inner.transcribe_array(audio, **kwargs)
        if not segs or not segs[-1].words:
            return segs
        last = segs[-1]
        t = last.words[-1].end
        loop = words(" ".join(["over and"] * 6), t, 0.05)
        return [*segs[:-1], Segment(last.start, loop[-1].end, last.text + " over and" * 6, last.speaker,
                                    last.words + loop)]


@pytest.mark.slow
def test_a_looping_decode_is_cut_in_the_first_pass_and_unused_in_the_second(transcriber):
    revisions: list[tuple[int, Segment]] = []
    st, commits, _ = run_stream(Looping(transcriber), load(TWO), revisions=revisions,
                                config=StreamConfig(**ALL_REVISED))
    assert len(commits) >= 4
    for seg in commits:  # one copy of the phrase is kept: it could have been said once
        assert seg.text.count("over and") <= 1
        assert sum(w.word.strip() == "over" for w in seg.words) <= 1
    assert st.revisions_run >= 1 and revisions == [] and st.revisions_dropped == st.revisions_run


class GatedSecondPass(MarkedSecondPass):
    """The second pass blocks until `gate` is set (and says when it has started waiting)."""

    def __init__(self, inner):
        super().__init__(inner)
        self.gate = threading.Event()
        self.waiting = threading.Event()

    def transcribe_array(self, audio, **kwargs):
        self.waiting.set()
        assert self.gate.wait(60)
        return super().transcribe_array(audio, **kwargs)


class WithSecondPass:
    """A first-pass transcriber whose `second_pass()` is the gated, marking one."""

    def __init__(self, inner):
        self.inner, self.label = inner, inner.label
        self.sibling = GatedSecondPass(inner)

    def transcribe_array(self, audio, **kwargs):
        return self.inner.transcribe_array(audio, **kwargs)

    def second_pass(self):
        return self.sibling


@pytest.mark.slow
def test_second_pass_on_its_own_thread_never_holds_up_the_first(transcriber):
    """While the second pass is stuck on its first window, the worker keeps committing; once it is let go,
    its revisions are applied by the worker, in place."""
    tr = WithSecondPass(transcriber)
    commits, revisions = [], []
    st = StreamingTranscriber(tr, speaker="cand", on_commit=commits.append,
                              on_revise=lambda i, seg: revisions.append((i, seg)),
                              config=StreamConfig(**ALL_REVISED, revise_window_s=5.0))
    assert st._reviser is tr.sibling
    audio = load(TWO)
    for i in range(0, len(audio), 800):
        st.feed(audio[i:i + 800])
    st.feed(np.zeros(16000 * 2, dtype=np.float32))
    assert tr.sibling.waiting.wait(60)  # a window went to the second pass, which is now stuck
    deadline = time.monotonic() + 120
    while len(commits) < 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(commits) >= 6 and not revisions  # the first pass went on without it
    tr.sibling.gate.set()
    st.finish(timeout=300)
    assert st.error is None
    assert revisions and st.revisions_pending == 0
    for i, seg in revisions:
        assert st.committed[i] is seg and seg.text.endswith("zebra")
        assert abs(seg.start - commits[i].start) < 1.0
