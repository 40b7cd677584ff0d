"""The typed rows the store hands to the rest of the program (frozen dataclasses, one per row shape).

Each record is built from a database row with `from_row(row)` and turned back into exactly that row's dict
with `to_dict()` (same keys, same order, same values): the JSON the CLI prints and the bundles it exports are
made from `to_dict()`, so they stay byte-identical. A column a later migration adds, which the record does
not name yet, is kept aside (`extra`) and comes back in `to_dict()`: an old reader never breaks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

# RowRecord.field_names, per record class
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


@dataclass(frozen=True, slots=True)
class RowRecord:
    """`from_row` and `to_dict` for the frozen dataclasses below: `columns` (the row's columns, in order) and
    `extra` (columns the record does not name) come last, by keyword only."""

    columns: tuple[str, ...] = field(default=(), repr=False, compare=False, kw_only=True)
    extra: tuple[tuple[str, Any], ...] = field(default=(), repr=False, compare=False, kw_only=True)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The record's own fields, in order (without `columns` and `extra`); worked out once per class."""
        names = _FIELD_NAMES.get(cls)
        if names is None:
            names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls)
                                              if f.name not in ("columns", "extra"))
        return names

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """The record of one row; a column the record does not name is kept aside; a field the row lacks is
        None (a column a query did not select)."""
        names = cls.field_names()
        values = {name: row.get(name) for name in names}
        extra = tuple((k, v) for k, v in row.items() if k not in values)
        return cls(**values, columns=tuple(row), extra=extra)

    def to_dict(self) -> dict[str, Any]:
        """The row as a plain dict: its columns in their order (the record's field order when it was not
        built from a row)."""
        extra = dict(self.extra)
        keys = self.columns or self.field_names()
        return {k: extra[k] if k in extra else getattr(self, k) for k in keys}

    def get(self, name: str, default: Any = None) -> Any:
        """A column by name (a field or an extra column), or `default`: for the few readers that take a
        column's name as data."""
        if name in self.field_names():
            return getattr(self, name)
        return dict(self.extra).get(name, default)


@dataclass(frozen=True, slots=True)
class CandidateRecord(RowRecord):
    """One row of `candidates`."""

    id: str
    name: str
    email: str | None
    resume_path: str | None
    resume_text: str | None
    created_at: str


@dataclass(frozen=True, slots=True)
class SessionRecord(RowRecord):
    """One row of `sessions`, with its candidate's and role's names (`Store.session`)."""

    id: str
    candidate_id: str
    role_id: str | None
    kit_id: str | None
    evaluator: str | None
    status: str
    started_at: str
    ended_at: str | None
    duration_s: float
    audio_path: str | None
    sample_rate: int | None
    model: str | None
    origin: str | None
    created_at: str
    notes: str
    audio_path2: str | None
    speakers: str
    catch_up: int
    speaker_rule: str
    candidate: str
    role: str | None


@dataclass(frozen=True, slots=True)
class SessionListing(RowRecord):
    """One session as `interviewer sessions --format json` lists it (`Store.sessions`)."""

    id: str
    candidate: str
    role: str | None
    status: str
    started_at: str
    duration_s: float
    audio_path: str | None
    segments: int
    evidence: int
    evaluator: str | None


@dataclass(frozen=True, slots=True)
class ClaimRecord(RowRecord):
    """One row of `claims`, its topics read from their JSON."""

    id: str
    candidate_id: str
    text: str
    source: str | None
    section: str | None
    position: int
    status: str
    topics: list[str]
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class EvidenceRecord(RowRecord):
    """One row of `evidence`: a tagged time range of a session, its quote, criterion, claim and note."""

    id: str
    session_id: str
    start: float
    end: float
    quote: str
    criterion: str | None
    claim_id: str | None
    probe_id: str | None
    polarity: str
    note: str
    evaluator: str | None
    created_at: str
    scenario_use_id: str | None


@dataclass(frozen=True, slots=True)
class RatingRecord(RowRecord):
    """One row of `ratings`: an evaluator's blind 1-4 score for one criterion of a session, its evidence ids read
    from their JSON. `Store.all_ratings` adds the session's candidate and role (None where a query has not)."""

    id: str
    session_id: str
    criterion: str
    evaluator: str
    score: int
    reason: str
    evidence_ids: list[str]
    created_at: str
    updated_at: str
    candidate_id: str | None = None
    candidate: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class CallRecord(RowRecord):
    """One row of `judgment_calls`: a probe or scenario card asked at `start`, the answer until `end` (None: until
    the next call, at most 90 s; `Store.call_span`)."""

    id: str
    session_id: str
    kind: str
    key: str
    text: str
    criterion: str | None
    start: float
    end: float | None
    claim_id: str | None
    depth: int
    probe_ask_id: str | None
    scenario_use_id: str | None
    evaluator: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class CallRatingRecord(RowRecord):
    """One row of `call_ratings`: an evaluator's blind 1-4 score of a judgment call, its evidence ids read from
    their JSON."""

    id: str
    call_id: str
    evaluator: str
    score: int
    reason: str
    evidence_ids: list[str]
    created_at: str
    updated_at: str
