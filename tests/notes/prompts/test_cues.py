"""Follow-up cues from a transcript: topics just mentioned, vague answers, claims nobody has asked about."""

from __future__ import annotations

import dataclasses

import pytest

from interviewer.core.transcript import Segment, Word
from interviewer.notes.claims.model import Claim
from interviewer.notes.prompts.cues import (
    TOPIC,
    UNTOUCHED,
    VAGUE,
    Cue,
    follow_up_cues,
    topic_cues,
    untouched_claim_cues,
    vagueness_cues,
)
from interviewer.notes.prompts.kits import Kit, default_kit_path, load_kit, parse_kit

KIT = """
[kit]
name = "small"
version = 1
topics = ["data-drift", "latency", "labelling", "hallucination", "rollback", "cost", "monitoring"]

[[criteria]]
key = "claim-verification"
name = "Claim verification"
definition = "Backs a claim."
anchors = { 1 = "a", 2 = "b", 3 = "c", 4 = "d" }

[[criteria]]
key = "failure-archaeology"
name = "Failure archaeology"
definition = "Reconstructs a failure."
anchors = { 1 = "a", 2 = "b", 3 = "c", 4 = "d" }

[[probes]]
id = "mon-1"
criterion = "claim-verification"
topics = ["monitoring", "data-drift"]
text = "What do your monitors alert on?"

[[probes]]
id = "drift-1"
criterion = "failure-archaeology"
topics = ["data-drift", "monitoring"]
text = "How long did the drift go unnoticed, and who noticed?"

[[probes]]
id = "drift-2"
criterion = "claim-verification"
topics = ["data-drift"]
text = "What exactly did the drift check compute?"

[[probes]]
id = "lat-1"
criterion = "claim-verification"
topics = ["latency"]
text = "At which percentile, measured where?"

[[probes]]
id = "label-1"
criterion = "claim-verification"
topics = ["labelling"]
text = "What was the agreement between annotators, and what did you do with disagreements?"

[[probes]]
id = "hall-1"
criterion = "failure-archaeology"
topics = ["hallucination"]
text = "How did you count a hallucination, and who judged?"

[[probes]]
id = "roll-1"
criterion = "failure-archaeology"
topics = ["rollback"]
text = "How long did the rollback take?"

[[probes]]
id = "cost-1"
criterion = "claim-verification"
topics = ["cost"]
text = "Walk me through the bill before and after."
"""


def kit() -> Kit:
    return parse_kit(KIT, "cues.toml")


def seg(start: float, text: str, speaker: str = "candidate", *, timed: bool = False) -> Segment:
    end = start + max(1.0, 0.4 * len(text.split()))
    words: tuple[Word, ...] = ()
    if timed:
        words = tuple(Word(start + 0.4 * i, start + 0.4 * i + 0.3, " " + w, 0.9) for i, w in enumerate(text.split()))
    return Segment(start, end, text, speaker, words)


def ask(start: float, text: str) -> Segment:
    return seg(start, text, "evaluator")


# ------------------------------------------------------------------ vagueness

VAGUE_ANSWERS = [
    "Yeah so we kind of improved the pipeline and it got better, stuff like that.",
    "We basically moved everything over and it was a lot faster after that, pretty much.",
    "Honestly we just sort of iterated on the model until things got better, and so on.",
]


@pytest.mark.parametrize("answer", VAGUE_ANSWERS)
def test_a_vague_answer_gets_a_cue(answer: str) -> None:
    cues = vagueness_cues([ask(0, "What did you change in the ranking pipeline?"), seg(5, answer)])
    assert len(cues) == 1
    cue = cues[0]
    assert cue.kind == VAGUE
    assert cue.start == 5
    assert "no number" in cue.text
    assert 'said "we"' in cue.text, "plural 'we' with no 'I' is called out"
    assert cue.quote and cue.quote.strip("…") in answer


CONCRETE_ANSWERS = [
    "I rewrote the ranking service and p95 went from 900 to 200 milliseconds",
    "We moved the feature store to Redis, and I wrote the migration script myself; reads dropped to 4 ms.",
    "I personally built the labelling queue and we got agreement up to 0.8 kappa over two months.",
    "The cache hit rate went from forty percent to ninety percent once I changed the key format.",
]


@pytest.mark.parametrize("answer", CONCRETE_ANSWERS)
def test_a_concrete_answer_does_not(answer: str) -> None:
    assert vagueness_cues([ask(0, "What changed?"), seg(5, answer)]) == []


def test_hedges_without_we_ask_only_for_a_number() -> None:
    answer = "I think it got better, kind of a lot better after I changed the thresholds on the classifier."
    cues = vagueness_cues([seg(0, answer)])
    assert len(cues) == 1
    assert "no number" in cues[0].text
    assert 'said "we"' not in cues[0].text


def test_we_without_i_over_a_long_answer_asks_about_ownership() -> None:
    answer = ("We built the retrieval service on top of the search cluster and then we moved the whole support "
              "bot onto it when the team was ready for the launch.")
    cues = vagueness_cues([seg(0, answer)])
    assert len(cues) == 1
    assert 'said "we"' in cues[0].text


def test_a_short_reply_is_not_an_answer_to_judge() -> None:
    assert vagueness_cues([seg(0, "Yeah, sort of, we did.")]) == []


def test_the_evaluator_is_never_judged() -> None:
    assert vagueness_cues([ask(0, "So we kind of want to know, basically, how it got better, stuff like that?")]) == []


def test_an_answer_spans_consecutive_candidate_segments() -> None:
    segments = [ask(0, "Tell me about the rollout."),
                seg(4, "We kind of rolled it out region by region,"),
                seg(7, "and it got better for people, stuff like that."),
                ask(12, "By how much?"),
                seg(14, "Conversion went up 3 percent and I measured it with a holdout.")]
    cues = vagueness_cues(segments)
    assert len(cues) == 1
    assert (cues[0].start, cues[0].end) == (4, segments[2].end)


def test_a_number_later_in_the_same_answer_makes_it_concrete() -> None:
    segments = [seg(4, "We kind of rolled it out region by region,"),
                seg(7, "and stuff got better, conversion went up 3 percent.")]
    assert vagueness_cues(segments) == []


def test_candidate_speaker_label_can_be_named() -> None:
    segments = [Segment(0, 5, VAGUE_ANSWERS[0], "S1"), Segment(5, 9, VAGUE_ANSWERS[1], "S2")]
    cues = vagueness_cues(segments, candidate_speaker="s2")
    assert [c.start for c in cues] == [5]


def test_unlabelled_transcripts_split_answers_at_long_pauses() -> None:
    segments = [Segment(0, 4, VAGUE_ANSWERS[0]), Segment(10, 14, CONCRETE_ANSWERS[0])]
    cues = vagueness_cues(segments)
    assert [c.start for c in cues] == [0]


# ------------------------------------------------------------------ topics just mentioned

def test_a_topic_mention_suggests_a_bank_probe_for_it() -> None:
    segments = [ask(0, "What happened after launch?"),
                seg(5, "After the holiday we saw drift in the input features, so I retrained weekly.", timed=True)]
    cues = topic_cues(segments, kit())
    assert len(cues) == 1
    cue = cues[0]
    assert cue.kind == TOPIC
    assert cue.quote == "drift"
    assert cue.probe_id == "drift-1", "a probe whose main topic is drift comes before one that only mentions it"
    assert cue.text == "How long did the drift go unnoticed, and who noticed?"
    # the time is the word's, not the segment's
    drift_word = next(w for w in segments[1].words if w.word.strip() == "drift")
    assert (cue.start, cue.end) == (drift_word.start, drift_word.end)


@pytest.mark.parametrize(("answer", "probe_id", "quote"), [
    ("p95 went from 900 to 200 milliseconds", "lat-1", "p95 … milliseconds"),
    ("the annotators disagreed on a third of the labels", "label-1", "annotators"),
    ("it started to hallucinate prices", "hall-1", "hallucinate"),
    ("we had to roll back within the hour", "roll-1", "roll back"),
    ("the cost doubled in a week", "cost-1", "cost"),
])
def test_each_topic_triggers_its_probe(answer: str, probe_id: str, quote: str) -> None:
    cues = topic_cues([seg(0, answer)], kit())
    assert [(c.probe_id, c.quote) for c in cues] == [(probe_id, quote)]
    assert (cues[0].start, cues[0].end) == (0, seg(0, answer).end)


def test_no_topic_no_cue() -> None:
    assert topic_cues([seg(0, "I enjoyed the team and the office was nice.")], kit()) == []


def test_weak_hints_do_not_trigger_a_cue() -> None:
    # "production" and "metrics" hint at topics but are not enough to suggest a probe mid-interview
    assert topic_cues([seg(0, "It went to production and the metrics were fine.")], kit()) == []


def test_the_evaluator_mentioning_a_topic_is_not_a_trigger() -> None:
    assert topic_cues([ask(0, "Did you ever see drift or latency problems?")], kit()) == []


def test_asked_probes_are_not_suggested_again() -> None:
    segments = [seg(0, "We saw drift every spring.")]
    assert [c.probe_id for c in topic_cues(segments, kit(), asked_probe_ids={"drift-1"})] == ["drift-2"]
    assert topic_cues(segments, kit(), asked_probe_ids={"drift-1", "drift-2", "mon-1"}) == []


def test_one_cue_per_topic_at_its_latest_mention() -> None:
    segments = [seg(0, "There was drift in spring."), ask(5, "And then?"), seg(9, "More drift in autumn.")]
    cues = topic_cues(segments, kit())
    assert [(c.probe_id, c.start) for c in cues] == [("drift-1", 9)]


def test_two_topics_in_one_answer_suggest_two_different_probes() -> None:
    cues = topic_cues([seg(0, "Drift alerts fired and monitoring caught it.")], kit())
    assert sorted(c.probe_id or "" for c in cues) == ["drift-1", "mon-1"]


# ------------------------------------------------------------------ claims not yet touched

CLAIMS = [
    Claim("Rebuilt the product search ranking service in PyTorch, cutting p95 latency from 900 ms to 200 ms.",
          "", "", 0),
    Claim("Set up drift monitoring on 40 input features with Evidently and Grafana alerts.", "", "", 1),
    Claim("Cut monthly GPU spend from $42k to $15k by switching training to spot instances.", "", "", 2),
]
TALK = [ask(0, "Tell me about the ranking service rewrite."),
        seg(5, "I rebuilt the ranking service in PyTorch and p95 latency dropped a lot."),
        ask(20, "And the Evidently setup?"),
        seg(25, "The drift monitoring covered the input features and sent Grafana alerts.")]


def test_before_half_time_nothing_is_untouched() -> None:
    assert untouched_claim_cues(CLAIMS, TALK, elapsed_s=1000, planned_s=2700, probed_claim_indices=()) == []


def test_after_half_time_claims_nobody_discussed_are_cued() -> None:
    cues = untouched_claim_cues(CLAIMS, TALK, elapsed_s=1400, planned_s=2700, probed_claim_indices=())
    assert [c.claim_index for c in cues] == [2]
    cue = cues[0]
    assert cue.kind == UNTOUCHED
    assert cue.quote.startswith("Cut monthly GPU spend")
    assert (cue.start, cue.end) == (1400, 1400)
    assert cue.probe_id is None


def test_probed_claims_are_not_cued() -> None:
    cues = untouched_claim_cues(CLAIMS, [], elapsed_s=2000, planned_s=2700, probed_claim_indices=[0, 2])
    assert [c.claim_index for c in cues] == [1]


def test_a_claim_sharing_only_generic_words_is_still_untouched() -> None:
    talk = [seg(0, "The team worked on the model and the data for the service in production.")]
    cues = untouched_claim_cues(CLAIMS, talk, elapsed_s=2000, planned_s=2700, probed_claim_indices=())
    assert [c.claim_index for c in cues] == [0, 1, 2]


def test_no_plan_no_untouched_cues() -> None:
    assert untouched_claim_cues(CLAIMS, [], elapsed_s=2000, planned_s=0, probed_claim_indices=()) == []


# ------------------------------------------------------------------ everything together

def test_follow_up_cues_combines_and_orders_by_time() -> None:
    segments = [ask(0, "How did the drift work go?"),
                seg(4, "We kind of fixed the drift stuff and it got better, things like that."),
                ask(12, "How fast is it?"),
                seg(15, "I measured p95 at 120 milliseconds on 3 replicas.")]
    cues = follow_up_cues(segments, kit(), CLAIMS, elapsed_s=1500, planned_s=2700)
    kinds = [c.kind for c in cues]
    assert kinds.count(VAGUE) == 1
    assert {c.probe_id for c in cues if c.kind == TOPIC} == {"drift-1", "lat-1"}
    assert {c.claim_index for c in cues if c.kind == UNTOUCHED} == {0, 1, 2}, "p95 alone does not cover claim 0"
    assert [c.start for c in cues] == sorted(c.start for c in cues)


def test_follow_up_cues_never_repeats_a_probe_or_a_claim() -> None:
    segments = [seg(0, "There was drift."), seg(30, "Drift again, and the drift monitoring missed it.")]
    cues = follow_up_cues(segments, kit(), CLAIMS, elapsed_s=2000, planned_s=2700)
    probe_ids = [c.probe_id for c in cues if c.probe_id]
    claim_ids = [c.claim_index for c in cues if c.claim_index is not None]
    assert len(probe_ids) == len(set(probe_ids)) > 0
    assert len(claim_ids) == len(set(claim_ids)) > 0


def test_follow_up_cues_default_elapsed_is_the_end_of_the_transcript() -> None:
    early = follow_up_cues([seg(0, "Hello there, nice to meet you all today.")], kit(), CLAIMS, planned_s=2700)
    assert [c for c in early if c.kind == UNTOUCHED] == []
    late = follow_up_cues([seg(1500, "Hello there, nice to meet you all today.")], kit(), CLAIMS, planned_s=2700)
    assert {c.claim_index for c in late if c.kind == UNTOUCHED} == {0, 1, 2}


def test_cues_are_advice_not_scores() -> None:
    fields = {f.name for f in dataclasses.fields(Cue)}
    assert fields == {"kind", "text", "quote", "start", "end", "probe_id", "claim_index"}
    for cue in follow_up_cues([seg(0, VAGUE_ANSWERS[0]), seg(20, "we saw drift")], kit(), CLAIMS,
                              elapsed_s=2000, planned_s=2700):
        assert not any(ch.isdigit() for ch in cue.kind)
        assert cue.text


def test_default_kit_topic_cues_when_present() -> None:
    kits = [kit()] + ([load_kit()] if default_kit_path().is_file() else [])
    for k in kits:
        cues = topic_cues([seg(0, "The model started to hallucinate and we had to roll back.")], k)
        topics_hit = {t for c in cues for p in k.probes if p.id == c.probe_id for t in p.topics}
        assert {"hallucination", "rollback"} <= topics_hit
