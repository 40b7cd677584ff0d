"""Candidates and roles: created once per name, found by THE name rule (`values.name_key`)."""

from __future__ import annotations

from contextlib import suppress

from sqlite_utils.db import NotFoundError

from interviewer.core.errors import UserError
from interviewer.notes.store.core import StoreCore
from interviewer.notes.store.records import CandidateRecord
from interviewer.notes.store.values import name_key, new_id, normal_name


class People(StoreCore):
    """The `candidates` and `roles` tables."""

    def get_or_create_candidate(self, name: str, *, email: str | None = None,
                                resume_path: str | None = None, resume_text: str | None = None) -> str:
        name = normal_name(name)
        if not name:
            raise UserError("a candidate needs a name")
        with self.atomic():
            row = self.find_candidate(name)
            if row is not None:
                updates = {k: v for k, v in {"email": email, "resume_path": resume_path,
                                             "resume_text": resume_text}.items() if v is not None}
                if updates:
                    self.t("candidates").update(row.id, updates)
                return row.id
            cid = new_id()
            self.t("candidates").insert({"id": cid, "name": name, "email": email, "resume_path": resume_path,
                                         "resume_text": resume_text, "created_at": self.now()})
            return cid

    def candidates_named(self, name: str) -> list[CandidateRecord]:
        """Every candidate whose name is `name` by THE name rule (`values.name_key`: Unicode form, case and
        spacing aside), the oldest first. The store creates one candidate per name, so there is normally one."""
        key = name_key(name)
        if not key:
            return []
        with self.reading() as db:
            rows = [dict(r) for r in db.table("candidates").rows_where(order_by="created_at, rowid")]
        return [CandidateRecord.from_row(r) for r in rows if name_key(str(r["name"])) == key]

    def find_candidate(self, name: str) -> CandidateRecord | None:
        """The candidate called `name` (THE name rule; the oldest when several), or None."""
        rows = self.candidates_named(name)
        return rows[0] if rows else None

    def candidate(self, candidate_id: str) -> CandidateRecord:
        with self.reading() as db:
            return CandidateRecord.from_row(db.table("candidates").get(candidate_id))

    def resolve_candidate(self, ref: str) -> CandidateRecord:
        """A candidate by name (THE name rule), id, or unambiguous id prefix (4 characters or more);
        UserError naming some known candidates when none matches."""
        ref = (ref or "").strip()
        if not ref:
            raise UserError("name the candidate (--candidate NAME)")
        row = self.find_candidate(ref)
        if row is not None:
            return row
        with suppress(NotFoundError):
            return self.candidate(ref)
        with self.reading() as db:
            rows = ([dict(r) for r in db.table("candidates").rows_where("id LIKE ? || '%'", [ref], limit=2)]
                    if len(ref) >= 4 else [])
            known = [str(r["name"]) for r in db.table("candidates").rows_where(order_by="name", limit=12)]
        if len(rows) == 1:
            return CandidateRecord.from_row(rows[0])
        hint = f" (candidates: {', '.join(known)})" if known else ""
        raise UserError(f"no candidate {ref!r}{hint}")

    def get_or_create_role(self, name: str) -> str:
        name = normal_name(name)
        with self.atomic():
            rows = list(self.t("roles").rows_where("name = ? COLLATE NOCASE", [name], limit=1))
            if rows:
                return str(rows[0]["id"])
            rid = new_id()
            self.t("roles").insert({"id": rid, "name": name, "created_at": self.now()})
            return rid
