"""A reviewer corrects who said what: reassign one line's speaker, or swap the two speakers of a whole session,
with undo. Every quote of evidence that depends on it follows (quotes hold the candidate's words only where
lines were told apart by voice: `interviewer.core.transcript.words_in_range`); the audit log keeps each change, and
undo replays the last one not yet undone backwards."""

from __future__ import annotations

import json
from typing import Any

from interviewer.core.errors import UserError
from interviewer.core.transcript import CANDIDATE, INTERVIEWER
from interviewer.notes.store.database import Store

SIDES = (INTERVIEWER, CANDIDATE)
CHANGE = "speakers.change"
UNDO = "speakers.undo"


def _apply(store: Store, session_id: str, labels: dict[str, tuple[str, float | None]], *, actor: str,
           action: str, undoes: str | None = None) -> dict[str, str]:
    """Set each segment's (speaker, confidence); returns the quotes that changed."""
    rows = {r["id"]: r for r in store.segment_rows(session_id)}
    old = {sid: (rows[sid]["speaker"], rows[sid]["confidence"]) for sid in labels if sid in rows}
    if not old:
        return {}
    with store.atomic():
        for sid, (speaker, conf) in labels.items():
            if sid in rows:
                store.set_segment_speaker(sid, speaker, conf)
        lo = min(float(rows[s]["start"]) for s in old)
        hi = max(float(rows[s]["end"]) for s in old)
        changed = {q.evidence_id: q.new for q in store.refresh_quotes(session_id, lo, hi, actor=actor)}
        store.audit(actor, action, "sessions", session_id,
                    old={"segments": {s: list(v) for s, v in old.items()}},
                    new={"segments": {s: list(labels[s]) for s in old}, "quotes": changed,
                         **({"undoes": undoes} if undoes else {})})
    return changed


def reassign(store: Store, segment_id: str, speaker: str, *, actor: str) -> dict[str, str]:
    """Give one line to `speaker` (interviewer or candidate): the reviewer's word, so confidence 1."""
    if speaker not in SIDES:
        raise UserError(f"a line's speaker is one of: {', '.join(SIDES)}")
    rows = store.segments_matching(segment_id)
    if len(rows) != 1:
        raise UserError(f"no single transcript line with id {segment_id!r}")
    return _apply(store, rows[0]["session_id"], {rows[0]["id"]: (speaker, 1.0)}, actor=actor, action=CHANGE)


def swap(store: Store, session_id: str, *, actor: str) -> dict[str, str]:
    """Swap interviewer and candidate on every line of the session (the voices were named the wrong way)."""
    other = {INTERVIEWER: CANDIDATE, CANDIDATE: INTERVIEWER}
    labels = {r["id"]: (other[r["speaker"]], r["confidence"]) for r in store.segment_rows(session_id)
              if r["speaker"] in other}
    if not labels:
        raise UserError(f"session {session_id[:8]} has no interviewer or candidate lines to swap")
    return _apply(store, session_id, labels, actor=actor, action=CHANGE)


def undo(store: Store, session_id: str, *, actor: str) -> dict[str, str]:
    """Undo the session's last speaker change not yet undone (the undo itself is audited)."""
    # in insertion order (rowid): two changes may share a timestamp
    entries = store.audit_trail(session_id, (CHANGE, UNDO))
    undone = {json.loads(e.new or "{}").get("undoes") for e in entries if e.action == UNDO}
    for entry in reversed(entries):
        if entry.action == CHANGE and entry.id not in undone:
            before: dict[str, Any] = json.loads(entry.old or "{}")["segments"]
            labels = {s: (str(v[0]), None if v[1] is None else float(v[1])) for s, v in before.items()}
            return _apply(store, session_id, labels, actor=actor, action=UNDO, undoes=entry.id)
    raise UserError(f"session {session_id[:8]} has no speaker change to undo")
