"""Probes asked during a session (each one also a judgment call) and each evaluator's blind 1-4 score per
criterion, linked to the evidence behind it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from interviewer.core.errors import UserError
from interviewer.notes.store.calls import Calls
from interviewer.notes.store.records import RatingRecord
from interviewer.notes.store.values import check_time, dumps, new_id


class Ratings(Calls):
    """The `probe_asks` and `ratings` tables."""

    def add_probe_ask(self, *, session_id: str, probe_key: str, probe_text: str, at_s: float,
                      claim_id: str | None = None, criterion: str | None = None,
                      evaluator: str | None = None) -> str:
        """A probe asked at `at_s`; it is also a judgment call (`add_call`) whose answer runs until the next
        call (at most 90 s) unless its end is set."""
        at_s = check_time(at_s, "the moment a probe was asked")
        pid = new_id()
        with self.atomic():
            self.t("probe_asks").insert({"id": pid, "session_id": session_id, "probe_key": probe_key,
                                         "probe_text": probe_text, "claim_id": claim_id, "at_s": at_s,
                                         "created_at": self.now()})
            self.add_call(session_id=session_id, kind="probe", key=probe_key, text=probe_text,
                          criterion=criterion or self._probe_criterion(session_id, probe_key), start=at_s,
                          claim_id=claim_id, probe_ask_id=pid, evaluator=evaluator)
        return pid

    def delete_probe_ask(self, ask_id: str) -> None:
        with self.atomic():
            for (cid,) in self.db.execute("SELECT id FROM judgment_calls WHERE probe_ask_id = ?", [ask_id]).fetchall():
                self.delete_call(cid, actor="undo")
            self.t("probe_asks").delete(ask_id)

    def probe_asks(self, session_id: str) -> list[dict[str, Any]]:
        with self.reading() as db:
            return list(db.table("probe_asks").rows_where("session_id = ?", [session_id], order_by="at_s"))

    def rate(self, *, session_id: str, criterion: str, evaluator: str, score: int,
             evidence_ids: Sequence[str] = (), reason: str = "") -> str:
        """Save (or change) one evaluator's score for one criterion of a session.

        A score needs at least one linked evidence item of that session, or a written reason why there is
        none. Every change is kept in the audit log (who, when, old, new)."""
        if score not in (1, 2, 3, 4):
            raise UserError(f"a score is 1, 2, 3 or 4 (got {score})")
        evaluator = evaluator.strip()
        if not evaluator:
            raise UserError("a rating needs the evaluator's name")
        reason = reason.strip()
        ids = list(dict.fromkeys(evidence_ids))
        if not ids and not reason:
            raise UserError("a rating needs at least one linked evidence item, or a written reason why there is "
                            "none (--reason)")
        with self.atomic():
            known = {e.id for e in self.evidence(session_id)}
            missing = [i for i in ids if i not in known]
            if missing:
                raise UserError(f"evidence {missing[0]!r} is not part of this session")
            now = self.now()
            rows = list(self.t("ratings").rows_where("session_id = ? AND criterion = ? AND evaluator = ?",
                                                     [session_id, criterion, evaluator]))
            new = {"score": score, "reason": reason, "evidence_ids": dumps(ids)}
            if rows:
                rid = str(rows[0]["id"])
                old = {k: rows[0][k] for k in new}
                self.t("ratings").update(rid, {**new, "updated_at": now})
                self.audit(evaluator, "rating.change", "ratings", rid, old=old, new=new)
            else:
                rid = new_id()
                self.t("ratings").insert({"id": rid, "session_id": session_id, "criterion": criterion,
                                          "evaluator": evaluator, **new, "created_at": now, "updated_at": now})
                self.audit(evaluator, "rating.add", "ratings", rid, new={"criterion": criterion, **new})
        return rid

    def visible_ratings(self, session_id: str, viewer: str) -> list[RatingRecord]:
        """Blind rating: another evaluator's score for a criterion shows only once the viewer has rated it."""
        rows = self.ratings(session_id)
        mine = {r.criterion for r in rows if r.evaluator == viewer}
        return [r for r in rows if r.evaluator == viewer or r.criterion in mine]

    def all_ratings(self, role: str | None = None) -> list[RatingRecord]:
        sql = ("SELECT r.*, s.candidate_id, c.name AS candidate, ro.name AS role FROM ratings r "
               "JOIN sessions s ON s.id = r.session_id JOIN candidates c ON c.id = s.candidate_id "
               "LEFT JOIN roles ro ON ro.id = s.role_id")
        args: list[Any] = []
        if role:
            sql += " WHERE ro.name = ? COLLATE NOCASE"
            args.append(role)
        with self.reading() as db:
            rows = list(db.query(sql + " ORDER BY s.started_at, r.criterion, r.evaluator", args))
        return [RatingRecord.from_row({**r, "evidence_ids": json.loads(r["evidence_ids"])}) for r in rows]

    def ratings(self, session_id: str) -> list[RatingRecord]:
        with self.reading() as db:
            rows = list(db.table("ratings").rows_where("session_id = ?", [session_id], order_by="criterion"))
        return [RatingRecord.from_row({**r, "evidence_ids": json.loads(r["evidence_ids"])}) for r in rows]
