"""`Store`: all reads and writes of one data directory's database, the one owner of its connections.

`Store` is the store's core (`core.StoreCore`: connections, lifecycle, migrations, transactions, audit log)
composed with one mixin per table family, each in its own module:

| module | tables |
| --- | --- |
| `people` | candidates, roles (THE name rule: `values.name_key`) |
| `kits` | kits, criteria, probes |
| `claims` | claims, claim_probes |
| `sessions` | sessions |
| `segments` | segments (the transcript) |
| `evidence` | evidence |
| `revisions` | rewriting a transcript's words; THE re-reading of evidence quotes |
| `consent` | consents |
| `calls` | judgment_calls, call_ratings, role_core_calls |
| `ratings` | probe_asks, ratings |

Queries for one consumer live in store modules of their own (`search`, `panel_rows`), as functions taking
the store. Nothing outside this package touches a connection (tests/notes/store/test_owner.py checks it).
"""

from __future__ import annotations

from typing import Any

from interviewer.notes.store.claims import Claims
from interviewer.notes.store.consent import Consent
from interviewer.notes.store.kits import Kits
from interviewer.notes.store.ratings import Ratings
from interviewer.notes.store.revisions import Revisions


class Store(Ratings, Revisions, Consent, Claims, Kits):
    """All reads and writes of one data directory's database."""

    def export_session(self, session_id: str) -> dict[str, Any]:
        """Everything stored about one session, as plain JSON-able data (one snapshot)."""
        with self.reading():
            return self._export_session(session_id)

    def _export_session(self, session_id: str) -> dict[str, Any]:
        session = self.session(session_id)
        audio = self.audio_file(session)
        return {
            "format": "interviewer-session",
            "version": 1,
            "session": {**session.to_dict(), "audio_file": str(audio) if audio else None},
            "candidate": self.candidate(session.candidate_id).to_dict(),
            "consent": self.consents(session_id),
            "claims": [c.to_dict() for c in self.claims(session.candidate_id)],
            "segments": self.segment_rows(session_id),
            "evidence": [e.to_dict() for e in self.evidence(session_id)],
            "probe_asks": self.probe_asks(session_id),
            "ratings": [r.to_dict() for r in self.ratings(session_id)],
            "judgment_calls": [{**c.to_dict(), "ratings": [r.to_dict() for r in self.call_ratings(c.id)]}
                               for c in self.calls(session_id)],
        }
