"""Judgment calls: a probe or scenario card asked at a moment of a session, the candidate's answer after it,
each evaluator's blind 1-4 score of the answer, and the core calls every candidate for a role gets."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from interviewer.core.errors import UserError
from interviewer.notes.store.evidence import Evidence
from interviewer.notes.store.people import People
from interviewer.notes.store.records import CallRatingRecord, CallRecord
from interviewer.notes.store.values import dumps, new_id

CALL_KINDS = ("probe", "scenario")
ANSWER_WINDOW_S = 90.0  # a call without an end: its answer runs until the next call, at most this long


def _check_span(start: float, end: float | None) -> None:
    if not (math.isfinite(start) and start >= 0):
        raise UserError(f"a judgment call starts at 0 s or later (got {start:g})")
    if end is not None and not (math.isfinite(end) and end > start):
        raise UserError(f"the answer must end after it starts (got {start:g}..{end:g})")


class Calls(Evidence, People):
    """The `judgment_calls`, `call_ratings` and `role_core_calls` tables."""

    def _probe_criterion(self, session_id: str, key: str) -> str | None:
        with self.reading() as db:
            row = db.execute("SELECT p.criterion FROM probes p JOIN sessions s ON s.kit_id = p.kit_id "
                             "WHERE s.id = ? AND p.key = ?", [session_id, key]).fetchone()
            if row is None:
                row = db.execute("SELECT criterion FROM claim_probes WHERE id = ?", [key]).fetchone()
        return str(row[0]) if row else None

    def add_call(self, *, session_id: str, kind: str, key: str, text: str, criterion: str | None, start: float,
                 end: float | None = None, claim_id: str | None = None, probe_ask_id: str | None = None,
                 scenario_use_id: str | None = None, evaluator: str | None = None) -> str:
        """A judgment call: a probe or scenario card asked at `start`, the candidate's answer until `end`
        (None: until the next call, at most 90 s). A probe about a claim records how deep the follow-ups
        went: 0 for the first probe of the claim in the session, 1 for the first follow-up, 2 for the second."""
        if kind not in CALL_KINDS:
            raise UserError(f"a judgment call is a {' or a '.join(CALL_KINDS)}, not {kind!r}")
        if not key.strip():
            raise UserError("a judgment call needs the key of its probe or scenario card")
        _check_span(start, end)
        cid = new_id()
        with self.atomic():
            self.session(session_id)
            depth = 0
            if claim_id:
                depth = int(self.db.execute("SELECT count(*) FROM judgment_calls WHERE session_id = ? AND "
                                            "claim_id = ? AND start <= ?", [session_id, claim_id, start]).fetchone()[0])
            now = self.now()
            row = {"id": cid, "session_id": session_id, "kind": kind, "key": key.strip(), "text": text.strip(),
                   "criterion": criterion, "start": round(float(start), 3),
                   "end": None if end is None else round(float(end), 3), "claim_id": claim_id, "depth": depth,
                   "probe_ask_id": probe_ask_id, "scenario_use_id": scenario_use_id, "evaluator": evaluator,
                   "created_at": now, "updated_at": now}
            self.t("judgment_calls").insert(row)
            self.audit(evaluator or "unknown", "call.add", "judgment_calls", cid, new=row)
        return cid

    def update_call(self, call_id: str, *, actor: str, **fields: Any) -> None:
        """Move the answer span (start, end) or change the criterion; every change is audited."""
        allowed = {"start", "end", "criterion"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"cannot update judgment call fields {sorted(unknown)}")
        with self.atomic():
            old = self.call(call_id)
            start = fields.get("start", old.start)
            end = fields.get("end", old.end)
            _check_span(float(start), None if end is None else float(end))
            self.t("judgment_calls").update(call_id, {**fields, "updated_at": self.now()})
            self.audit(actor, "call.update", "judgment_calls", call_id, old={k: getattr(old, k) for k in fields}, new=fields)

    def end_open_calls(self, scenario_use_id: str, at_s: float) -> None:
        """The scenario card closed at `at_s`: its calls still open (no end) and started before then end there."""
        with self.atomic():
            for (cid, start) in self.db.execute('SELECT id, start FROM judgment_calls WHERE scenario_use_id = ? '
                                                'AND "end" IS NULL', [scenario_use_id]).fetchall():
                if at_s > float(start):
                    self.t("judgment_calls").update(cid, {"end": round(at_s, 3), "updated_at": self.now()})

    def delete_call(self, call_id: str, *, actor: str) -> dict[str, Any]:
        """Delete a call and the scores given to it (both kept in the audit log); returns the row."""
        with self.atomic():
            row = self.call(call_id).to_dict()
            for r in self.call_ratings(call_id):
                self.t("call_ratings").delete(r.id)
                self.audit(actor, "call_rating.delete", "call_ratings", r.id, old=r.to_dict())
            self.t("judgment_calls").delete(call_id)
            self.audit(actor, "call.delete", "judgment_calls", call_id, old=row)
        return row

    def restore_call(self, row: dict[str, Any], *, actor: str) -> None:
        """Put back a call exactly as it was (redo after an undo)."""
        with self.atomic():
            self.t("judgment_calls").insert(dict(row))
            self.audit(actor, "call.restore", "judgment_calls", row["id"], new=row)

    def call(self, call_id: str) -> CallRecord:
        with self.reading() as db:
            rows = list(db.table("judgment_calls").rows_where("id = ?", [call_id], limit=1))
        if not rows:
            raise UserError(f"no judgment call {call_id!r}")
        return CallRecord.from_row(rows[0])

    def resolve_call(self, ref: str) -> str:
        """A full call id, or an unambiguous prefix of one."""
        with self.reading() as db:
            rows = [r[0] for r in db.execute("SELECT id FROM judgment_calls WHERE id LIKE ? || '%' LIMIT 2",
                                             [ref.strip()]).fetchall()]
        if not rows or not ref.strip():
            raise UserError(f"no judgment call matches {ref!r} (`interviewer ask` prints a call's id)")
        if len(rows) > 1:
            raise UserError(f"judgment call id {ref!r} is ambiguous: give more characters")
        return str(rows[0])

    def calls(self, session_id: str) -> list[CallRecord]:
        with self.reading() as db:
            return [CallRecord.from_row(r) for r in db.table("judgment_calls").rows_where(
                "session_id = ?", [session_id], order_by="start, created_at")]

    def call_span(self, call: CallRecord) -> tuple[float, float]:
        """The answer's span: its end, or until the next call of the session, at most 90 s (and not past the
        end of the recording)."""
        start = float(call.start)
        if call.end is not None:
            return start, float(call.end)
        with self.reading() as db:
            nxt = db.execute("SELECT min(start) FROM judgment_calls WHERE session_id = ? AND start > ?",
                             [call.session_id, start]).fetchone()[0]
            duration = self._duration(call.session_id)
        end = start + ANSWER_WINDOW_S
        if nxt is not None:
            end = min(end, float(nxt))
        if duration > start:
            end = min(end, duration)
        return start, round(end, 3)

    def rate_call(self, call_id: str, *, evaluator: str, score: int, evidence_ids: Sequence[str] = (),
                  reason: str = "") -> str:
        """One evaluator's 1-4 score for one judgment call, against its criterion's anchors. It needs evidence
        inside the answer span or a written reason; every change is in the audit log."""
        if score not in (1, 2, 3, 4):
            raise UserError(f"a score is 1, 2, 3 or 4 (got {score})")
        evaluator = evaluator.strip()
        if not evaluator:
            raise UserError("a score needs the evaluator's name")
        reason = reason.strip()
        ids = list(dict.fromkeys(evidence_ids))
        if not ids and not reason:
            raise UserError("a score needs at least one evidence item inside the answer, or a written reason "
                            "(--reason)")
        with self.atomic():
            call = self.call(call_id)
            start, end = self.call_span(call)
            known = {e.id: e for e in self.evidence(call.session_id)}
            for i in ids:
                e = known.get(i)
                if e is None:
                    raise UserError(f"evidence {i!r} is not part of this call's session")
                if float(e.start) < start - 0.5 or float(e.end) > end + 0.5:
                    raise UserError(f"evidence {i[:8]} ({float(e.start):.1f}-{float(e.end):.1f} s) lies outside "
                                    f"the answer ({start:.1f}-{end:.1f} s)")
            now = self.now()
            rows = list(self.t("call_ratings").rows_where("call_id = ? AND evaluator = ?", [call_id, evaluator]))
            new = {"score": score, "reason": reason, "evidence_ids": dumps(ids)}
            if rows:
                rid = str(rows[0]["id"])
                self.t("call_ratings").update(rid, {**new, "updated_at": now})
                self.audit(evaluator, "call_rating.change", "call_ratings", rid,
                           old={k: rows[0][k] for k in new}, new=new)
            else:
                rid = new_id()
                self.t("call_ratings").insert({"id": rid, "call_id": call_id, "evaluator": evaluator, **new,
                                               "created_at": now, "updated_at": now})
                self.audit(evaluator, "call_rating.add", "call_ratings", rid, new={"call": call_id, **new})
        return rid

    def call_ratings(self, call_id: str) -> list[CallRatingRecord]:
        with self.reading() as db:
            rows = list(db.table("call_ratings").rows_where("call_id = ?", [call_id], order_by="evaluator"))
        return [CallRatingRecord.from_row({**r, "evidence_ids": json.loads(r["evidence_ids"])}) for r in rows]

    def visible_call_ratings(self, call_id: str, viewer: str) -> list[CallRatingRecord]:
        """Blind: other evaluators' scores of a call show only once the viewer has scored it."""
        rows = self.call_ratings(call_id)
        if any(r.evaluator == viewer for r in rows):
            return rows
        return []

    def role_core(self, role: str) -> list[dict[str, Any]]:
        """The judgment calls every candidate for the role gets, in order."""
        with self.reading() as db:
            return [dict(r) for r in db.query(
                "SELECT k.kind, k.key, k.position FROM role_core_calls k JOIN roles r ON r.id = k.role_id "
                "WHERE r.name = ? COLLATE NOCASE ORDER BY k.position", [role.strip()])]

    def set_role_core(self, role: str, items: Sequence[tuple[str, str]], *, actor: str) -> None:
        """Fix the role's shared core: (kind, key) pairs, replacing the previous set."""
        for kind, _key in items:
            if kind not in CALL_KINDS:
                raise UserError(f"a core call is a {' or a '.join(CALL_KINDS)}, not {kind!r}")
        with self.atomic():
            rid = self.get_or_create_role(role)
            old = self.role_core(role)
            self.db.execute("DELETE FROM role_core_calls WHERE role_id = ?", [rid])
            now = self.now()
            for i, (kind, key) in enumerate(dict.fromkeys(items)):
                self.t("role_core_calls").insert({"id": new_id(), "role_id": rid, "kind": kind, "key": key,
                                                  "position": i, "created_at": now})
            self.audit(actor, "role.core", "roles", rid, old=old, new=[list(x) for x in items])
