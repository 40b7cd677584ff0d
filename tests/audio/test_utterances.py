"""Where utterances begin and end, on a scripted VAD: the audio's own values are the speech probabilities."""

from __future__ import annotations

import numpy as np

from interviewer.audio.decode import SAMPLE_RATE as S
from interviewer.audio.pace import Pace
from interviewer.audio.stream_config import StreamConfig
from interviewer.audio.utterances import WINDOW, Utterance, Utterances


def scripted_vad(block: np.ndarray) -> np.ndarray:
    """Each 512-sample window's mean is its speech probability (blocks come in whole windows)."""
    return block.reshape(-1, WINDOW).mean(axis=1).astype(np.float32)


def windows(*runs: tuple[int, float]) -> np.ndarray:
    """Runs of (number of windows, probability)."""
    return np.concatenate([np.full(n * WINDOW, p, np.float32) for n, p in runs])


def track(config: StreamConfig | None = None) -> tuple[Utterances, list[tuple[str, object]]]:
    events: list[tuple[str, object]] = []
    utts = Utterances(config or StreamConfig(), Pace(adaptive=False), scripted_vad,
                      on_begin=lambda at: events.append(("begin", at)),
                      on_pause=lambda start, end: events.append(("pause", (start, end))),
                      on_end=lambda utt: events.append(("end", utt)))
    return utts, events


def test_an_utterance_begins_with_its_pre_pad_and_ends_after_a_pause_with_its_pad():
    utts, events = track()
    utts.take(windows((32, 0.0), (64, 0.9), (64, 0.0)))
    speech_from, speech_to = 32 * WINDOW, 96 * WINDOW
    first_voiced = speech_from + WINDOW
    assert events[0] == ("begin", first_voiced)
    start = first_voiced - WINDOW - int(0.6 * S)            # the pre-pad
    end = speech_to + int(0.35 * S)                         # the pad after the last voiced window
    pauses = [e for kind, e in events if kind == "pause"]
    assert pauses and set(pauses) == {(start, end)}         # told while the pause lasts, before it ends it
    ends = [e for kind, e in events if kind == "end"]
    assert ends == [Utterance(start, end, speech_from - int(0.15 * S), speech_to)]
    assert ends[0].voiced_s == (speech_to - start) / S
    assert utts.start is None and utts.last_end == end
    assert [kind for kind, _ in events][-1] == "end"        # no pause after the end


def test_a_long_utterance_is_split_at_its_quietest_moment_and_the_next_begins_there():
    utts, events = track()
    # 30 s of speech with a soft dip (still above the silence threshold) at about 25 s.
    utts.take(windows((32, 0.0), (781, 0.9), (3, 0.4), (154, 0.9), (64, 0.0)))
    ends = [e for kind, e in events if kind == "end"]
    assert len(ends) == 2
    split = (32 + 781 + 1) * WINDOW + WINDOW // 2           # the middle of the dip's middle window
    assert ends[0].end == split and ends[1].start == split
    begins = [at for kind, at in events if kind == "begin"]
    assert len(begins) == 2 and begins[1] > split           # the next one begins at once, where the VAD is
    assert (ends[0].end - ends[0].start) / S <= StreamConfig().max_utterance_s


def test_silence_and_noise_below_the_threshold_are_no_utterance():
    utts, events = track()
    utts.take(windows((100, 0.0), (50, 0.45), (100, 0.1)))
    assert events == []
    utts.drain()
    assert events == []


def test_the_end_of_the_stream_ends_the_utterance_in_progress():
    utts, events = track()
    utts.take(windows((32, 0.0), (40, 0.9)))
    utts.drain()
    assert events[-1] == ("end", Utterance(33 * WINDOW - WINDOW - int(0.6 * S), 72 * WINDOW,
                                           32 * WINDOW - int(0.15 * S), 72 * WINDOW))


def test_audio_no_pass_needs_is_forgotten_and_what_one_needs_is_kept():
    utts, _ = track()
    audio = windows((32, 0.0), (40, 0.9), (400, 0.0))
    utts.take(audio)
    utts.trim(keep_from=2 * WINDOW)                          # a pass still needs nearly all of it
    assert utts.buf_start == 0
    assert np.array_equal(utts.audio(32 * WINDOW, 72 * WINDOW), audio[32 * WINDOW:72 * WINDOW])
    utts.trim(keep_from=None)
    keep = len(audio) - S - int(0.6 * S) - WINDOW           # the last second and a pre-pad
    assert utts.buf_start == keep
    assert len(utts.audio(0, 72 * WINDOW)) == 0
    assert np.array_equal(utts.audio(keep, len(audio)), audio[keep:])
    assert len(utts.padded(keep, len(audio))) == len(audio) - keep + int(0.45 * S)
