"""Blind attribution on one mixed recording (issue 17, item 3): two voices found without enrolment, named by
the evaluator's profile or by who asks the questions, a segment split where the voice changes, a confidence on
every label. Segments here are the fixtures' reference turns (what a transcriber would give, with words spread
evenly): what is tested is the attribution; tests/live/test_attribution.py runs it behind import-audio and refine."""

from __future__ import annotations

import json

import numpy as np
import pytest

from interviewer.audio import speakers, voices
from interviewer.audio.decode import decode_file
from interviewer.core.transcript import CANDIDATE, INTERVIEWER, Segment, Word
from tests.conftest import FIXTURES

AUDIO = FIXTURES / "audio"
SR = voices.SAMPLE_RATE


def with_words(start: float, end: float, text: str) -> Segment:
    tokens = text.split()
    step = (end - start) / len(tokens)
    words = tuple(Word(start + i * step, start + (i + 1) * step, (" " if i else "") + t, 0.9)
                  for i, t in enumerate(tokens))
    return Segment(start, end, text, "", words)


def reference(name: str) -> tuple[np.ndarray, list[dict]]:
    return decode_file(AUDIO / f"{name}.flac").samples, json.loads((AUDIO / f"{name}.json").read_text())["turns"]


def words_right(result: speakers.Attribution, turns: list[dict]) -> float:
    """Share of the reference's words (by their middle) that fall in a segment of the right speaker."""
    right = total = 0
    for t in turns:
        for w in with_words(t["start"], t["end"], t["text"]).words:
            mid = (w.start + w.end) / 2
            got = [s.speaker for s in result.segments if s.start <= mid <= s.end]
            right += got[:1] == [t["speaker"]]
            total += 1
    return right / total


def time_right(result: speakers.Attribution, truth: list[tuple[str, float, float]]) -> float:
    right = sum(max(0.0, min(s.end, e) - max(s.start, b)) for spk, b, e in truth for s in result.segments
                if s.speaker == spk)
    return right / sum(e - b for _, b, e in truth)


def test_synthesised_interview_blind_words_right_and_the_rule_said():
    samples, turns = reference("two_voices")
    result = speakers.attribute(samples, [with_words(t["start"], t["end"], t["text"]) for t in turns])
    assert words_right(result, turns) >= 0.98
    assert result.rule == speakers.RULE_QUESTIONS and "asks the questions" in result.detail
    assert {s.speaker for s in result.segments} == {INTERVIEWER, CANDIDATE}
    assert all(s.confidence is not None and 0 <= s.confidence <= 1 for s in result.segments)
    assert result.separation < 0.85


def test_synthesised_interview_with_a_profile_is_named_by_the_profile():
    samples, turns = reference("two_voices")
    profile, _ = voices.voice_print(decode_file(AUDIO / "evaluator_voice.flac").samples)
    # no question marks: only the profile can name the interviewer
    segs = [with_words(t["start"], t["end"], t["text"].replace("?", ".")) for t in turns]
    result = speakers.attribute(samples, segs, profile=profile, profile_name="Ada")
    assert result.rule == speakers.RULE_PROFILE and "Ada's voice profile" in result.detail
    assert words_right(result, turns) >= 0.98


def test_a_segment_spanning_two_speakers_is_split_at_the_change():
    samples, turns = reference("two_voices")
    segs = [with_words(t["start"], t["end"], t["text"]) for t in turns]
    a, b = segs[2], segs[3]  # the interviewer's question and the candidate's answer as one segment
    merged = Segment(a.start, b.end, f"{a.text} {b.text}", "", a.words + b.words)
    result = speakers.attribute(samples, [*segs[:2], merged, *segs[4:]])
    assert words_right(result, turns) >= 0.98
    parts = [s for s in result.segments if a.start <= s.start < b.end]
    assert [s.speaker for s in parts] == [INTERVIEWER, CANDIDATE]
    assert parts[0].text.startswith("How did you find") and parts[1].text.startswith("I read")
    assert abs(parts[0].end - a.end) < 0.8 and parts[1].words[0].word.strip() == "I"


def real_conversation() -> tuple[np.ndarray, list[Segment], list[tuple[str, float, float]], np.ndarray]:
    """Two real voices (JFK, an LJ Speech reader) taking turns; JFK's last 3 s are kept apart as his profile."""
    jfk = decode_file(AUDIO / "jfk.flac").samples
    lj = decode_file(AUDIO / "lj050-0131.flac").samples
    gap = np.zeros(int(0.6 * SR), np.float32)
    pieces = [(INTERVIEWER, jfk[int(0.3 * SR):int(3.6 * SR)], "And so my fellow Americans, ask not"),
              (CANDIDATE, lj[:int(3.8 * SR)], "a reading of the report to the commission"),
              (INTERVIEWER, jfk[int(3.6 * SR):int(7.4 * SR)], "what your country can do for you"),
              (CANDIDATE, lj[int(3.8 * SR):], "and the rest of the same passage read aloud")]
    audio: list[np.ndarray] = []
    segs, truth, t = [], [], 0.0
    for spk, wav, text in pieces:
        end = t + len(wav) / SR
        segs.append(with_words(t, end, text))
        truth.append((spk, t, end))
        audio += [wav, gap]
        t = end + len(gap) / SR
    profile = voices.encoder().embed(jfk[int(7.4 * SR):int(10.6 * SR)])
    return np.concatenate(audio), segs, truth, profile


def test_real_voices_blind_and_with_a_profile():
    samples, segs, truth, profile = real_conversation()
    blind = speakers.attribute(samples, segs)
    # no question marks: blind, the two voices are separated but cannot be named by questions
    separated = time_right(blind, truth)
    assert max(separated, 1 - separated) >= 0.85
    assert blind.rule == speakers.RULE_FIRST
    named = speakers.attribute(samples, segs, profile=profile, profile_name="JFK")
    assert named.rule == speakers.RULE_PROFILE and time_right(named, truth) >= 0.9


def test_a_profile_matching_neither_voice_falls_back_and_says_so():
    samples, turns = reference("two_voices")
    jfk = decode_file(AUDIO / "jfk.flac").samples
    stranger = voices.encoder().embed(jfk[int(0.3 * SR):int(10.6 * SR)])
    result = speakers.attribute(samples, [with_words(t["start"], t["end"], t["text"]) for t in turns],
                                profile=stranger, profile_name="Zed")
    assert result.rule == speakers.RULE_QUESTIONS and "Zed's voice profile matched neither voice" in result.detail
    assert words_right(result, turns) >= 0.98


def test_the_kits_probes_name_the_interviewer_without_question_marks():
    samples, turns = reference("two_voices")
    segs = [with_words(t["start"], t["end"], t["text"].replace("?", ".")) for t in turns]
    probes = ["Walk me through the last outage you handled", "What did you change afterwards"]
    result = speakers.attribute(samples, segs, probes=probes)
    assert result.rule == speakers.RULE_QUESTIONS and words_right(result, turns) >= 0.98


def test_a_short_segment_is_uncertain_never_a_silent_guess():
    samples, turns = reference("two_voices")
    segs = [with_words(t["start"], t["end"], t["text"]) for t in turns]
    blip = Segment(turns[1]["end"] + 0.2, turns[1]["end"] + 0.5, "mm", "", ())  # 0.3 s of near silence
    result = speakers.attribute(samples, [*segs, blip])
    short = [s for s in result.segments if s.text == "mm"]
    assert len(short) == 1 and short[0].uncertain and short[0].to_dict()["confidence"] < 0.5
    assert sum(s.uncertain for s in result.segments) == 1


@pytest.mark.parametrize("segments", [[], [Segment(0.0, 0.0, "", "")]])
def test_no_speech_changes_nothing(segments):
    result = speakers.attribute(np.zeros(SR, np.float32), segments)
    assert [s.speaker for s in result.segments] == [""] * len(segments)


def test_one_voice_alone_is_not_split_in_two_and_is_said_uncertain():
    samples, turns = reference("two_voices")
    answers = [with_words(t["start"], t["end"], t["text"]) for t in turns if t["speaker"] == CANDIDATE]
    result = speakers.attribute(samples, answers)
    assert result.rule == speakers.RULE_ONE_VOICE and result.separation > speakers.ONE_VOICE_ABOVE
    assert len(result.segments) == len(answers)
    assert {s.speaker for s in result.segments} == {CANDIDATE} and all(s.uncertain for s in result.segments)
    profile, _ = voices.voice_print(decode_file(AUDIO / "evaluator_voice.flac").samples)
    questions = [with_words(t["start"], t["end"], t["text"]) for t in turns if t["speaker"] == INTERVIEWER]
    named = speakers.attribute(samples, questions, profile=profile, profile_name="Ada")
    assert named.rule == speakers.RULE_PROFILE and {s.speaker for s in named.segments} == {INTERVIEWER}
    assert not any(s.uncertain for s in named.segments)


def test_cues_fire_on_the_candidates_voice_only():
    """Downstream (issue 17, item 5): once one microphone's lines are told apart, a cost cue raised by the
    interviewer's own "$4,000" is gone, and the candidate's words still raise theirs."""
    from interviewer.notes.prompts.cues import TOPIC, follow_up_cues
    from interviewer.notes.prompts.kits import load_kit

    kit = load_kit()
    question = with_words(0.0, 4.0, "We spent $4,000 a month on GPU inference cost, how would you cut it?")
    answer = with_words(4.5, 9.0, "I would cut the GPU inference cost with batching and a smaller model.")
    one_label = [Segment(question.start, question.end, question.text, "laptop mic", question.words)]
    assert [c for c in follow_up_cues(one_label, kit) if c.kind == TOPIC]  # one voice: the question raises one
    asked = Segment(question.start, question.end, question.text, INTERVIEWER, question.words, 0.9)
    assert not [c for c in follow_up_cues([asked], kit) if c.kind == TOPIC]
    answered = Segment(answer.start, answer.end, answer.text, CANDIDATE, answer.words, 0.9)
    after = [c for c in follow_up_cues([asked, answered], kit) if c.kind == TOPIC]
    assert after and all(c.start >= answer.start for c in after)


def test_live_a_line_holding_both_voices_is_split_once_two_voices_are_known():
    """LiveAttributor: the question and its reply committed as one line are given to `on_split` as two labelled
    parts at the change (words keep their times); the parts then carry their own keys; without `on_split` the
    line is labelled whole."""
    samples, turns = reference("two_voices")
    segs = [with_words(t["start"], t["end"], t["text"]) for t in turns]
    a, b = segs[4], segs[5]
    merged = Segment(a.start, b.end, f"{a.text} {b.text}", "", a.words + b.words)
    commits = [*segs[:4], merged, *segs[6:]]
    for splitting in (True, False):
        labels: dict[object, Segment] = {}
        splits: list[tuple[object, list[Segment]]] = []

        def on_split(key, parts, splits=splits):
            splits.append((key, parts))
            return [f"{key}.{k}" for k in range(1, len(parts))]

        att = speakers.LiveAttributor(lambda s, n: samples[s:s + n], labels.__setitem__, enc=voices.encoder(),
                                      on_split=on_split if splitting else None)
        for i, seg in enumerate(commits):
            att.add(i, seg)
        att.finish()
        assert att.error is None
        if not splitting:
            assert not splits and att.splits == 0 and 4 in labels
            continue
        assert att.splits == 1 and [key for key, _ in splits] == [4]
        first, rest = splits[0][1]
        assert (first.speaker, rest.speaker) == (INTERVIEWER, CANDIDATE)
        assert first.words + rest.words == merged.words  # every word, its times kept
        assert abs(rest.start - b.start) < 0.8 and first.start == merged.start and rest.end == merged.end
        assert att.summary()["interviewer_segments"] + att.summary()["candidate_segments"] == len(commits) + 1


def test_live_accent_only_voices_are_one_voice_and_left_unlabelled():
    """Without a profile, two voices that differ by accent only (two_speakers) are one voice to the model: the
    live attributor labels no line, and its summary says so (not an empty rule)."""
    samples, turns = reference("two_speakers")
    labels: dict[object, Segment] = {}
    att = speakers.LiveAttributor(lambda s, n: samples[s:s + n], labels.__setitem__, enc=voices.encoder())
    for i, t in enumerate(turns):
        att.add(i, with_words(t["start"], t["end"], t["text"]))
    att.finish()
    assert att.error is None and not labels
    assert att.summary()["rule"] == speakers.RULE_ONE_VOICE
