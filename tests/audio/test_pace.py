"""Who decodes when: the first pass first, optional work around it, levels from the machine's speed."""

from __future__ import annotations

import threading

from interviewer.audio.pace import MESSAGES, LoadStatus, Pace, PaceConfig


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_optional_work_does_not_start_while_a_first_pass_decode_is_pending():
    pace = Pace()
    assert pace.may_start()
    with pace.first_pass():
        assert not pace.may_start()
        assert not pace.wait_turn(0.05)  # gives up after its timeout, never starts meanwhile
    assert pace.may_start()
    assert pace.wait_turn(0.05)


def test_a_waiting_second_pass_starts_as_soon_as_the_commit_is_done():
    pace = Pace()
    entered, release, started = threading.Event(), threading.Event(), threading.Event()

    def first_pass() -> None:
        with pace.first_pass():
            entered.set()
            release.wait(10)

    fp = threading.Thread(target=first_pass)
    fp.start()
    assert entered.wait(10)
    waiter = threading.Thread(target=lambda: pace.wait_turn(30) and started.set())
    waiter.start()
    assert not started.wait(0.3)  # still held back by the pending commit
    release.set()
    assert started.wait(10)
    fp.join()
    waiter.join()


def test_a_backlog_over_the_bound_pauses_optional_work_and_says_the_transcript_is_catching_up():
    seen: list[LoadStatus] = []
    pace = Pace(PaceConfig(backlog_bound_s=1.5), on_status=seen.append)
    pace.backlog(0.2)
    assert pace.may_start() and pace.preview_interval_s > 0
    pace.backlog(3.0)
    assert not pace.may_start()
    assert pace.preview_interval_s == 0
    assert seen[-1].state == "behind" and seen[-1].message == "Transcript catching up…"
    assert pace.deferred  # what was held back is caught up after the interview
    pace.backlog(0.1)
    assert pace.may_start()
    assert seen[-1].state == "ok" and seen[-1].message == ""


def test_levels_follow_the_commit_decode_time_up_at_once_and_down_after_a_calm_stretch():
    clock = Clock()
    seen: list[LoadStatus] = []
    cfg = PaceConfig(busy_s=0.45, slow_s=0.9, calm_s=20.0, smoothing=1.0)
    pace = Pace(cfg, clock=clock, on_status=seen.append, commit_decode_s=0.2)
    assert pace.level == "ok" and pace.second_pass_live and pace.consolidation_live
    assert pace.preview_interval_s == cfg.preview_interval_s[0]

    pace.commit_decoded(0.6)
    assert pace.level == "busy"
    assert pace.second_pass_live and not pace.consolidation_live
    assert pace.preview_interval_s == cfg.preview_interval_s[1]

    pace.commit_decoded(1.5)
    assert pace.level == "slow"
    assert not pace.second_pass_live and pace.preview_interval_s == 0
    assert seen[-1].message == MESSAGES["slow"] and "Previews paused" in seen[-1].message
    assert seen[-1].to_event()["event"] == "load" and seen[-1].to_event()["second_pass"] == "after"

    # Fast again: it stays slow until the calm stretch has lasted calm_s, then steps down one level.
    pace.commit_decoded(0.2)
    clock.now = 10.0
    pace.commit_decoded(0.2)
    assert pace.level == "slow"
    clock.now = 21.0
    pace.commit_decoded(0.2)
    assert pace.level == "busy"
    clock.now = 42.0
    pace.commit_decoded(0.2)
    assert pace.level == "ok"
    assert pace.deferred and pace.max_level == 2
    assert [s.state for s in seen] == ["busy", "slow", "busy", "ok"]  # reported once per change


def test_a_slow_start_is_known_before_the_first_commit():
    pace = Pace(commit_decode_s=2.0)
    assert pace.level == "slow" and pace.deferred
    status = pace.announce()
    assert status.state == "slow" and not status.previews


# ---------------------------------------------------------------- the live path around the gate
import json  # noqa: E402
import time  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import numpy as np  # noqa: E402

from interviewer.audio.decode import SAMPLE_RATE  # noqa: E402
from interviewer.audio.stream_config import StreamConfig  # noqa: E402
from interviewer.audio.streaming import StreamingTranscriber  # noqa: E402
from interviewer.core.transcript import Segment, Word  # noqa: E402
from tests.conftest import FIXTURES  # noqa: E402
from tests.fakes import load, silence  # noqa: E402

TWO = FIXTURES / "audio" / "two_speakers.flac"
TURNS = json.loads((FIXTURES / "audio" / "two_speakers.json").read_text())["turns"]


def words_for(audio, offset: float, tag: str) -> list[Segment]:
    """Two words spread over the audio given: a decode that costs nothing."""
    end = offset + max(0.2, len(audio) / SAMPLE_RATE - 0.5)
    mid = (offset + end) / 2
    words = (Word(offset, mid, f" {tag}", 0.9), Word(mid, end, " words", 0.9))
    return [Segment(offset, end, f"{tag} words", "", words)]


class Decoders:
    """First pass, previews and second pass without a model; every call recorded as (kind, time)."""

    def __init__(self) -> None:
        self.label = "fake"
        self.calls: list[tuple[str, float]] = []
        self.first_pass_gate = threading.Event()
        self.first_pass_gate.set()
        self.in_first_pass = threading.Event()

    def transcribe_array(self, audio, **kw):
        self.in_first_pass.set()
        assert self.first_pass_gate.wait(60)
        self.calls.append(("first", time.monotonic()))
        return words_for(audio, kw.get("offset", 0.0), "first")

    def _optional(self, kind):
        def decode(audio, **kw):
            self.calls.append((kind, time.monotonic()))
            return words_for(audio, kw.get("offset", 0.0), kind)
        return SimpleNamespace(transcribe_array=decode, label="fake")

    def sibling(self, role):
        return self._optional("preview" if role == "previews" else role)

    def second_pass(self):
        return self._optional("second")

    def kinds(self) -> set[str]:
        return {k for k, _ in self.calls}


def feed_paced(st: StreamingTranscriber, audio, block: int = 800) -> None:
    """Each block once the worker has taken in the last and every second pass has landed."""
    for i in range(0, len(audio), block):
        st.feed(audio[i:i + block])
        while not st.settled and st.is_alive():
            time.sleep(0.002)


def test_while_a_commit_decodes_no_preview_or_second_pass_starts_and_they_go_on_after_it():
    """The test holds the gate as a long commit decode would, while a whole interview is fed: the worker
    keeps committing (the first pass never waits), previews are skipped and second-pass windows wait; once
    the gate opens, the second pass runs."""
    dec = Decoders()
    commits: list[Segment] = []
    st = StreamingTranscriber(dec, speaker="c", on_commit=commits.append, on_tentative=lambda *a: None,
                              on_revise=lambda i, s: None, config=StreamConfig(consolidate=False, revise_window_s=4.0))
    held = st.pace.first_pass()
    held.__enter__()
    try:
        audio = np.concatenate([load(TWO), silence(3)])
        for i in range(0, len(audio), 800):
            st.feed(audio[i:i + 800])
            # Roughly real time (a worker further behind skips previews): previews are asked for as someone
            # speaks.
            while st.backlog_s > 0.2:
                time.sleep(0.002)
        deadline = time.monotonic() + 60
        while (not st._queue.empty() or st.pace.shed == 0) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(commits) >= len(TURNS) - 1  # the first pass went on
        assert st.pace.shed > 0  # previews were asked for, waited their interval, and were skipped
        assert dec.kinds() == {"first"}  # nothing optional started
    finally:
        held.__exit__(None, None, None)
        st.finish(timeout=60)
    assert st.error is None
    assert "second" in dec.kinds()  # the waiting second-pass windows ran once the gate opened


def test_on_a_slow_machine_optional_work_is_shed_and_resumes_when_it_is_fast_again():
    dec = Decoders()
    audio = load(TWO)
    st: StreamingTranscriber | None = None
    # The pace's clock is the audio clock, so the outcome does not depend on how busy this machine is.
    pace = Pace(PaceConfig(calm_s=6.0, smoothing=1.0), clock=lambda: st.fed_s if st else 0.0, commit_decode_s=3.0)
    st = StreamingTranscriber(dec, speaker="c", on_commit=lambda s: None, on_tentative=lambda *a: None,
                              on_revise=lambda i, s: None, pace=pace,
                              config=StreamConfig(consolidate=False, revise_window_s=4.0, revise_idle_close_s=0.5))
    assert pace.level == "slow"
    feed_paced(st, audio[:int(4 * SAMPLE_RATE)])
    assert "second" not in dec.kinds() and "preview" not in dec.kinds()  # both put off while slow
    feed_paced(st, np.concatenate([audio[int(4 * SAMPLE_RATE):], silence(2)]))
    st.finish(timeout=60)
    assert st.error is None
    assert st.shed > 0 and st.needs_catch_up  # what was put off is caught up after the interview
    assert pace.max_level == 2 and pace.level in ("busy", "ok")  # fast decodes brought it down
    assert "second" in dec.kinds()  # and the second pass runs live again


def test_on_a_slow_machine_the_first_pass_does_not_speculate_and_commits_long_answers_in_pieces():
    from tests.conftest import ROOT

    demo = json.loads((ROOT / "resources" / "demo" / "interview.json").read_text())["turns"]

    def run(pace: Pace) -> tuple[int, list[Segment]]:
        dec = Decoders()
        commits: list[Segment] = []
        st = StreamingTranscriber(dec, speaker="c", on_commit=commits.append, pace=pace,
                                  config=StreamConfig(revise_beam=None, consolidate=False))
        feed_paced(st, np.concatenate([load(ROOT / "resources" / "demo" / "interview.flac"), silence(2)]))
        st.finish(timeout=60)
        assert st.error is None
        return sum(k == "first" for k, _ in dec.calls), commits

    decodes, commits = run(Pace(commit_decode_s=3.0, clock=lambda: 0.0))  # slow, and it stays slow
    assert decodes == len(commits)  # one decode per commit: none speculative, none wasted
    fast_decodes, fast_commits = run(Pace(adaptive=False))
    assert fast_decodes >= len(fast_commits)  # a machine keeping up speculates (some decodes are reused)
    longest = max(demo, key=lambda t: t["end"] - t["start"])
    assert longest["end"] - longest["start"] > 15  # the interview has a long answer...
    assert max(s.end - s.start for s in commits) < max(s.end - s.start for s in fast_commits)  # ...cut in pieces
    assert len(commits) > len(fast_commits)
