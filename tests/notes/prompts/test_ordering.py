"""What the live window lists next for a claim: pinned probes first, then the claim's own, then the bank; the
newest cues first."""

from __future__ import annotations

import zlib

import pytest

from interviewer.core.transcript import Segment
from interviewer.notes.prompts.cues import UNTOUCHED, follow_up_cues
from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.prompts.ordering import (
    BANK_PER_CRITERION,
    CUES_SHOWN,
    PinnedProbe,
    PromptItem,
    claim_from_row,
    claim_probe_key,
    criterion_index,
    cues_to_show,
    prompts_for,
)
from interviewer.notes.prompts.probes import probes_for_claim
from interviewer.notes.store.records import ClaimRecord

ROW = ClaimRecord.from_row({"id": "c1", "candidate_id": "k1", "text": "Cut p95 retrieval latency from 900 ms to 200 ms",
                            "source": None, "section": None, "position": 1, "status": "unprobed",
                            "topics": ["latency"], "created_at": "", "updated_at": ""})


@pytest.fixture(scope="module")
def kit():
    return load_kit()


def test_without_a_claim_the_bank_lists_two_probes_of_each_criterion_in_kit_order(kit):
    items = prompts_for(kit)
    expected = [(p.id, c.key) for c in kit.criteria for p in kit.probes_for(c.key)[:BANK_PER_CRITERION]]
    assert [(p.key, p.criterion) for p in items] == expected
    assert {p.source for p in items} == {"bank"}
    assert len(items) == BANK_PER_CRITERION * len(kit.criteria)


def test_a_claim_lists_its_own_probes_before_the_bank_without_repeating_one(kit):
    claim = claim_from_row(ROW)
    items = prompts_for(kit, claim, "c1")
    own = probes_for_claim(claim, kit)
    assert [p.text for p in items[:len(own)]] == [cp.text for cp in own]
    assert {p.source for p in items[:len(own)]} == {"claim"}
    assert {p.source for p in items[len(own):]} == {"bank"}
    keys = [p.key for p in items]
    assert len(keys) == len(set(keys))  # a bank probe already listed for the claim is not listed again
    for cp, item in zip(own, items, strict=False):  # built questions get a stable key from the claim and words
        assert item.key == (cp.probe_id or f"claim:c1:{zlib.crc32(cp.text.encode()):08x}")


def test_pinned_probes_come_first_and_hide_the_prompt_they_reword(kit):
    claim = claim_from_row(ROW)
    before = prompts_for(kit, claim, "c1")
    reworded = before[1]
    pinned = [PinnedProbe("p1", "My own question", "judgment"),
              PinnedProbe("p2", "The second prompt, reworded", reworded.criterion, source_key=reworded.key)]
    items = prompts_for(kit, claim, "c1", pinned)
    assert items[:2] == [PromptItem("p1", "My own question", "judgment", "pinned"),
                         PromptItem("p2", "The second prompt, reworded", reworded.criterion, "pinned")]
    assert reworded.key not in [p.key for p in items]
    assert len(items) == len(before) + 1  # two pinned, one of them in place of the prompt it rewords


def test_pinned_probes_need_a_selected_claim(kit):
    assert prompts_for(kit, None, None, [PinnedProbe("p1", "x", "judgment")]) == prompts_for(kit)


def test_claim_probe_key_is_stable_and_depends_on_the_words():
    assert claim_probe_key("c1", "How was it measured?") == claim_probe_key("c1", "How was it measured?")
    assert claim_probe_key("c1", "How was it measured?") != claim_probe_key("c1", "Who measured it?")
    assert claim_probe_key("c1", "a").startswith("claim:c1:")


def test_criterion_index_falls_back_to_the_first(kit):
    assert criterion_index(kit, kit.criteria[2].key) == 2
    assert criterion_index(kit, "not-in-the-kit") == 0


def test_claim_from_row_reads_the_store_row():
    claim = claim_from_row(ROW)
    assert (claim.text, claim.source, claim.section, claim.position, claim.topics) == (
        ROW.text, "", "", 1, ("latency",))


def test_cues_show_the_newest_first_and_at_most_four(kit):
    lines = [Segment(10.0 * i, 10.0 * i + 8.0, text, "candidate") for i, text in enumerate([
        "We had some data drift in the ranking model.",
        "Latency was a big issue for us at the time.",
        "Then we did some stuff with the labelling and so on.",
        "There was a hallucination problem in the answers.",
        "We rolled back the model, more or less, kind of.",
        "The cost of the monitoring went up a lot."])]
    shown = cues_to_show(lines, kit, [ROW], elapsed_s=60.0, planned_s=3600.0, asked_keys=set())
    every = follow_up_cues(lines, kit, [claim_from_row(ROW)], elapsed_s=60.0, planned_s=3600.0,
                           probed_claim_indices=set(), asked_probe_ids=set())
    assert len(every) > CUES_SHOWN  # enough to be cut
    assert shown == every[-CUES_SHOWN:][::-1]
    assert [c.start for c in shown] == sorted((c.start for c in shown), reverse=True)


def test_a_probed_claim_gets_no_untouched_claim_cue(kit):
    late = 0.9 * 3600.0  # far into the interview: an unprobed claim is called out
    lines = [Segment(late - 5.0, late - 1.0, "Fine.", "candidate")]
    unprobed = cues_to_show(lines, kit, [ROW], elapsed_s=late, planned_s=3600.0, asked_keys=set())
    probed = cues_to_show(lines, kit, [ClaimRecord.from_row({**ROW.to_dict(), "status": "verified"})], elapsed_s=late, planned_s=3600.0,
                          asked_keys=set())
    assert [(c.kind, c.claim_index) for c in unprobed if c.kind == UNTOUCHED] == [(UNTOUCHED, 0)]
    assert all(c.kind != UNTOUCHED for c in probed)
