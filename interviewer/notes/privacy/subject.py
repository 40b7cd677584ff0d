"""The data subject of an erasure or an access request: one person's rows, as the schema's foreign keys and the
audit log tie them together."""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.notes.privacy.lookup import match_candidates
from interviewer.notes.privacy.mentions import Mentions
from interviewer.notes.store.audit_trail import MIN_LINK_TEXT, AuditEntry, entries_about, read_entries
from interviewer.notes.store.database import Store
from interviewer.notes.store.ownership import Ownership, Unlink, descendants, live_ids, owned
from interviewer.notes.store.privacy_queries import segment_texts
from interviewer.notes.store.records import CandidateRecord


@dataclass(frozen=True)
class Subject:
    """One person's rows, as the schema's foreign keys and the audit log tie them together."""

    candidates: list[CandidateRecord]
    ownership: Ownership
    audit: list[AuditEntry]
    mentions: Mentions  # their ids, names and email
    names: Mentions  # their names and email only

    @property
    def owned(self) -> dict[str, frozenset[str]]:
        return self.ownership.rows

    @property
    def unlinks(self) -> tuple[Unlink, ...]:
        return self.ownership.unlinks

    @property
    def sessions(self) -> list[str]:
        return sorted(self.owned.get("sessions", ()))


def find_subject(store: Store, name: str) -> Subject:
    """The candidate(s) called `name` (UserError if none) and everything of theirs. Call it holding the
    store's writer (`interviewer.notes.store.maintenance.writer`) across what is done with it."""
    cands = match_candidates(store, name)
    cids = [str(c.id) for c in cands]
    ownership = owned(store, {"candidates": set(cids)})
    rows = ownership.rows
    names = [str(c.name) for c in cands] + [str(c.email) for c in cands if c.email]
    mentions = Mentions(cids + sorted(rows.get("sessions", ())) + sorted(rows.get("claims", ())), names)
    entries = read_entries(store)
    texts = segment_texts(store, sorted(rows.get("sessions", ())))
    tables = descendants(store, "candidates")
    audit = entries_about(
        entries, row_ids=set().union(*rows.values()), owned_tables=tables,
        texts={t for t in texts if len(t) >= MIN_LINK_TEXT}, live_ids=live_ids(store, tables),
        named=[e.id for e in entries if mentions(e.old, e.new)])
    return Subject(cands, ownership, audit, mentions, Mentions([], names))
