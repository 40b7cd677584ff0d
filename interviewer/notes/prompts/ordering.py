"""What the live window shows next for a claim: its prompts in order and the newest follow-up cues.

The prompts for the selected claim: first the probes pinned to it (one's own, or the kit's reworded), then the
probes made for the claim (the kit's bank by topic and questions built from the claim) that are not pinned
already, then the first two bank probes of each criterion not listed yet. The cues: the newest four, newest
first. Qt-free: the window only draws the lists.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from interviewer.core.transcript import Segment
from interviewer.notes.claims.model import Claim
from interviewer.notes.prompts.cues import Cue, follow_up_cues
from interviewer.notes.prompts.kits import Kit
from interviewer.notes.prompts.probes import probes_for_claim

BANK_PER_CRITERION = 2  # bank probes listed for each criterion after the claim's own
CUES_SHOWN = 4


@dataclass(frozen=True)
class PromptItem:
    """One line of the prompt list. `key`: the pinned row's id, the bank probe's id, or a key made from the claim
    and the question's words; `source`: "pinned", "claim" or "bank"."""

    key: str
    text: str
    criterion: str
    source: str


@dataclass(frozen=True)
class PinnedProbe:
    """A probe pinned to a claim (the store's claim_probes row): `source_key` is the prompt it rewords, if any."""

    id: str
    text: str
    criterion: str
    source_key: str | None = None


class ClaimRow(Protocol):
    """What the prompts read of a stored claim (`interviewer.notes.store.records.ClaimRecord`)."""

    @property
    def text(self) -> str: ...
    @property
    def source(self) -> str | None: ...
    @property
    def section(self) -> str | None: ...
    @property
    def position(self) -> int: ...
    @property
    def topics(self) -> list[str]: ...
    @property
    def status(self) -> str: ...


def claim_from_row(row: ClaimRow) -> Claim:
    """The store's claim row as a `Claim` (the probes and cues read its text, section, position and topics)."""
    return Claim(row.text, row.source or "", row.section or "", row.position, tuple(row.topics))


def claim_probe_key(claim_id: str, text: str) -> str:
    """A stable key for a question built from a claim (it has no bank id)."""
    return f"claim:{claim_id}:{zlib.crc32(text.encode()):08x}"


def prompts_for(kit: Kit, claim: Claim | None = None, claim_id: str | None = None,
                pinned: Iterable[PinnedProbe] = ()) -> list[PromptItem]:
    """The prompt list for the selected claim (`claim` None: no claim selected, the bank probes only)."""
    items: list[PromptItem] = []
    pinned_keys: set[str] = set()
    if claim is not None:
        for row in pinned:
            items.append(PromptItem(row.id, row.text, row.criterion, "pinned"))
            if row.source_key:
                pinned_keys.add(row.source_key)
        for cp in probes_for_claim(claim, kit):
            key = cp.probe_id or claim_probe_key(claim_id or "", cp.text)
            if key not in pinned_keys:
                items.append(PromptItem(key, cp.text, cp.criterion, "claim"))
    seen = {p.key for p in items} | pinned_keys
    items.extend(PromptItem(probe.id, probe.text, crit.key, "bank") for crit in kit.criteria
                 for probe in kit.probes_for(crit.key)[:BANK_PER_CRITERION] if probe.id not in seen)
    return items


def criterion_index(kit: Kit, criterion: str) -> int:
    """The criterion's place in the kit (its colour and name in the list); 0 for one the kit does not have."""
    keys = [c.key for c in kit.criteria]
    return keys.index(criterion) if criterion in keys else 0


def cues_to_show(lines: Sequence[Segment], kit: Kit, claim_rows: Sequence[ClaimRow], *,
                 elapsed_s: float, planned_s: float, asked_keys: Collection[str]) -> list[Cue]:
    """The newest follow-up cues, newest first; a claim whose status is no longer "unprobed" counts as probed."""
    claims = [claim_from_row(c) for c in claim_rows]
    probed = {i for i, c in enumerate(claim_rows) if c.status != "unprobed"}
    cues = follow_up_cues(lines, kit, claims, elapsed_s=elapsed_s, planned_s=planned_s,
                          probed_claim_indices=probed, asked_probe_ids=asked_keys)
    return cues[-CUES_SHOWN:][::-1]
