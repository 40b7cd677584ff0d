"""The catch-up: whole-file words given back to live segments by time, with the live passes' guard."""

from __future__ import annotations

import pytest

from interviewer.audio.catchup import give_back, runs
from interviewer.core.transcript import Segment, Word
from tests.conftest import FIXTURES, normalise


def seg(start: float, end: float, *words: str) -> Segment:
    step = (end - start) / max(1, len(words))
    ws = tuple(Word(start + k * step, start + (k + 1) * step, f" {w}", 0.9) for k, w in enumerate(words))
    return Segment(start, end, " ".join(words), "mic", ws)


def test_runs_are_at_most_thirty_seconds():
    live = [seg(t, t + 4, "a") for t in range(0, 100, 5)]
    spans = runs(live)
    assert spans[0] == (0, 6) and all(live[b - 1].end - live[a].start <= 30 for a, b in spans)
    assert [a for a, _ in spans[1:]] == [b for _, b in spans[:-1]]  # contiguous, nothing left out


def test_whole_file_words_replace_the_live_ones_by_time_and_ids_stay():
    live = [seg(0, 2, "and", "so", "am", "I"), seg(3, 5, "ask", "knot")]
    whole = [seg(0.1, 2.1, "and", "so", "my", "fellow"), seg(3.0, 4.8, "ask", "not")]
    changed = give_back(live, whole)
    assert set(changed) == {0, 1}
    assert changed[0].text == "and so my fellow" and changed[1].text == "ask not"
    assert changed[0].speaker == "mic"
    assert give_back(live, live) == {}  # nothing to change


def test_a_stretch_the_whole_file_decode_skipped_keeps_the_live_words():
    live = [seg(0, 10, *["word"] * 20), seg(40, 45, "second", "run")]
    whole = [seg(0, 10, "only", "two"), seg(40, 45, "second", "one")]
    changed = give_back(live, whole)
    assert 0 not in changed  # 2 words for 20: a dropout, not a better transcript
    assert changed[1].text == "second one"


@pytest.mark.slow
def test_live_segments_caught_up_read_as_the_whole_file_transcription(transcriber):
    """Everything polished later (a very slow machine): the live first pass plus the catch-up reads as the
    whole-file transcription of the same audio."""
    import numpy as np

    from interviewer.audio.decode import SAMPLE_RATE, decode_file
    from interviewer.audio.pace import Pace
    from interviewer.audio.streaming import StreamingTranscriber

    path = FIXTURES / "audio" / "two_speakers.flac"
    audio = decode_file(path).samples
    commits: list[Segment] = []
    st = StreamingTranscriber(transcriber, speaker="mic", on_commit=commits.append,
                              pace=Pace(commit_decode_s=10.0, clock=lambda: 0.0))
    for i in range(0, len(audio), 1600):
        st.feed(audio[i:i + 1600])
    st.feed(np.zeros(SAMPLE_RATE, dtype=np.float32))
    st.finish(timeout=300)
    assert st.error is None and st.needs_catch_up and st.revisions == 0 and st.consolidated == 0
    whole = transcriber.transcribe_file(path, beam_size=5).segments
    final = list(commits)
    for k, s in give_back(commits, list(whole)).items():
        final[k] = s
    assert normalise(" ".join(s.text for s in final)) == normalise(" ".join(s.text for s in whole))
