"""A candidate's claims (the resume's ledger) and the probes pinned or written for each claim.

Editing the ledger (add, edit, move, split, merge, delete) keeps every link that pointed at a claim: evidence,
probes asked, judgment calls and pinned probes follow a split or merge to the surviving claim, and are
unlinked (not deleted) with a deleted one. Every edit is in the audit log.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from interviewer.core.errors import UserError
from interviewer.notes.store.core import StoreCore
from interviewer.notes.store.records import ClaimRecord
from interviewer.notes.store.values import dumps, new_id

CLAIM_STATUSES = ("unprobed", "probing", "verified", "contradicted", "vague")
# Tables whose rows point at a claim (claim_id), which follow it through a split or a merge.
_LINKED = ("evidence", "probe_asks", "judgment_calls", "claim_probes")


class Claims(StoreCore):
    """The `claims` and `claim_probes` tables."""

    def add_claims(self, candidate_id: str, claims: Iterable[dict[str, Any]]) -> list[str]:
        ids: list[str] = []
        with self.atomic():
            start = self.db.execute("SELECT coalesce(max(position) + 1, 0) FROM claims WHERE candidate_id = ?",
                                    [candidate_id]).fetchone()[0]
            now = self.now()
            rows = []
            for i, c in enumerate(claims):
                cid = new_id()
                ids.append(cid)
                rows.append({"id": cid, "candidate_id": candidate_id, "text": c["text"],
                             "source": c.get("source"), "section": c.get("section"), "position": start + i,
                             "status": "unprobed", "topics": dumps(list(c.get("topics", []))),
                             "created_at": now, "updated_at": now})
            if rows:
                self.t("claims").insert_all(rows)
        return ids

    def claims(self, candidate_id: str) -> list[ClaimRecord]:
        with self.reading() as db:
            rows = list(db.table("claims").rows_where("candidate_id = ?", [candidate_id], order_by="position"))
        return [ClaimRecord.from_row({**r, "topics": json.loads(r["topics"])}) for r in rows]

    def set_claim_status(self, claim_id: str, status: str, *, actor: str,
                         evidence_id: str | None = None) -> None:
        if status not in CLAIM_STATUSES:
            raise UserError(f"unknown claim status {status!r} (one of: {', '.join(CLAIM_STATUSES)})")
        with self.atomic():
            old = self.t("claims").get(claim_id)["status"]
            self.t("claims").update(claim_id, {"status": status, "updated_at": self.now()})
            self.audit(actor, "claim.status", "claims", claim_id, old={"status": old},
                       new={"status": status, "evidence_id": evidence_id})

    def claim(self, claim_id: str) -> ClaimRecord:
        with self.reading() as db:
            row = dict(db.table("claims").get(claim_id))
        return ClaimRecord.from_row({**row, "topics": json.loads(row["topics"])})

    def _renumber(self, candidate_id: str, ordered_ids: list[str]) -> None:
        for i, cid in enumerate(ordered_ids):
            self.t("claims").update(cid, {"position": i})

    def _ids_in_order(self, candidate_id: str) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT id FROM claims WHERE candidate_id = ? ORDER BY position", [candidate_id]).fetchall()]

    def _relink(self, old_claim_id: str, new_claim_id: str | None) -> None:
        """Point every row linked to a claim at another one (None: unlink; pinned probes go with the claim)."""
        for table in _LINKED:
            if new_claim_id is None and table == "claim_probes":
                self.db.execute("DELETE FROM claim_probes WHERE claim_id = ?", [old_claim_id])
            else:
                self.db.execute(f"UPDATE {table} SET claim_id = ? WHERE claim_id = ?", [new_claim_id, old_claim_id])

    def add_claim(self, candidate_id: str, text: str, *, actor: str, index: int | None = None,
                  section: str = "", topics: Sequence[str] = ()) -> str:
        text = text.strip()
        if not text:
            raise UserError("a claim needs some text")
        with self.atomic():
            [cid] = self.add_claims(candidate_id, [{"text": text, "source": text, "section": section,
                                                     "topics": list(topics)}])
            if index is not None:
                self.move_claim(cid, index, actor=actor)
            self.audit(actor, "claim.add", "claims", cid, new={"text": text, "index": index})
        return cid

    def edit_claim(self, claim_id: str, text: str, *, actor: str) -> None:
        text = text.strip()
        if not text:
            raise UserError("a claim needs some text")
        with self.atomic():
            old = self.t("claims").get(claim_id)["text"]
            self.t("claims").update(claim_id, {"text": text, "updated_at": self.now()})
            self.audit(actor, "claim.edit", "claims", claim_id, old={"text": old}, new={"text": text})

    def delete_claim(self, claim_id: str, *, actor: str) -> dict[str, Any]:
        """Delete a claim; evidence that pointed at it stays, unlinked. Returns the row (for undo)."""
        with self.atomic():
            row = dict(self.t("claims").get(claim_id))
            self._relink(claim_id, None)
            self.t("claims").delete(claim_id)
            self._renumber(row["candidate_id"], self._ids_in_order(row["candidate_id"]))
            self.audit(actor, "claim.delete", "claims", claim_id, old=row)
        return row

    def restore_claim(self, row: dict[str, Any], *, actor: str) -> None:
        with self.atomic():
            self.t("claims").insert(dict(row))
            self.move_claim(row["id"], int(row["position"]), actor=actor)
            self.audit(actor, "claim.restore", "claims", row["id"], new=row)

    def move_claim(self, claim_id: str, index: int, *, actor: str) -> None:
        with self.atomic():
            cand = self.t("claims").get(claim_id)["candidate_id"]
            ids = [i for i in self._ids_in_order(cand) if i != claim_id]
            index = max(0, min(len(ids), index))
            ids.insert(index, claim_id)
            self._renumber(cand, ids)
            self.audit(actor, "claim.move", "claims", claim_id, new={"index": index})

    def split_claim(self, claim_id: str, parts: Sequence[str], *, actor: str) -> list[str]:
        """Replace a claim by several, in its place; its evidence follows the first part."""
        texts = [p.strip() for p in parts if p.strip()]
        if len(texts) < 2:
            raise UserError("splitting a claim needs at least two non-empty parts")
        with self.atomic():
            old = self.claim(claim_id)
            cand, pos = old.candidate_id, int(old.position)
            new_ids = self.add_claims(cand, [{"text": t, "source": old.source, "section": old.section,
                                             "topics": old.topics} for t in texts])
            self._relink(claim_id, new_ids[0])
            self.t("claims").update(new_ids[0], {"status": old.status})
            self.t("claims").delete(claim_id)
            ids = [i for i in self._ids_in_order(cand) if i not in new_ids]
            ids[pos:pos] = new_ids
            self._renumber(cand, ids)
            self.audit(actor, "claim.split", "claims", claim_id, old={"text": old.text},
                       new={"ids": new_ids, "texts": texts})
        return new_ids

    def merge_claims(self, claim_ids: Sequence[str], *, actor: str, text: str | None = None) -> str:
        """Merge claims into the first one (in ledger order); the others' evidence moves to it."""
        if len(claim_ids) < 2:
            raise UserError("merging needs at least two claims")
        with self.atomic():
            rows = sorted((self.claim(c) for c in claim_ids), key=lambda r: r.position)
            if len({r.candidate_id for r in rows}) != 1:
                raise UserError("only claims of the same candidate can be merged")
            keep = str(rows[0].id)
            merged = text.strip() if text else " ".join(r.text.rstrip(".") + "." for r in rows)
            topics = list(dict.fromkeys(t for r in rows for t in r.topics))
            for r in rows[1:]:
                self._relink(r.id, keep)
                self.t("claims").delete(r.id)
            self.t("claims").update(keep, {"text": merged, "topics": dumps(topics), "updated_at": self.now()})
            self._renumber(rows[0].candidate_id, self._ids_in_order(rows[0].candidate_id))
            self.audit(actor, "claim.merge", "claims", keep, old={"texts": [r.text for r in rows]},
                       new={"text": merged})
        return keep

    def claim_status_history(self, claim_id: str) -> list[dict[str, Any]]:
        """Every status change of a claim: when, who, from, to, and the evidence that settled it."""
        out = []
        for e in self.audit_entries(claim_id):
            if e["action"] == "claim.status":
                new = json.loads(e["new"] or "{}")
                out.append({"at": e["at"], "actor": e["actor"], "from": json.loads(e["old"] or "{}").get("status"),
                            "to": new.get("status"), "evidence_id": new.get("evidence_id")})
        return out

    # ------------------------------------------------------------------ probes per claim
    def add_claim_probe(self, claim_id: str, *, text: str, criterion: str, topic: str = "", pinned: bool = True,
                        source_key: str | None = None, actor: str) -> str:
        pid = new_id()
        with self.atomic():
            row = {"id": pid, "claim_id": claim_id, "text": text.strip(), "criterion": criterion, "topic": topic,
                   "pinned": int(pinned), "source_key": source_key, "created_at": self.now()}
            self.t("claim_probes").insert(row)
            self.audit(actor, "probe.pin" if source_key else "probe.write", "claim_probes", pid, new=row)
        return pid

    def remove_claim_probe(self, probe_id: str, *, actor: str) -> None:
        with self.atomic():
            old = dict(self.t("claim_probes").get(probe_id))
            self.t("claim_probes").delete(probe_id)
            self.audit(actor, "probe.unpin", "claim_probes", probe_id, old=old)

    def claim_probes(self, claim_id: str) -> list[dict[str, Any]]:
        with self.reading() as db:
            return list(db.table("claim_probes").rows_where("claim_id = ?", [claim_id], order_by="created_at"))

    def claim_probe(self, probe_id: str) -> dict[str, Any] | None:
        """One pinned or written probe by its id, or None."""
        with self.reading() as db:
            rows = [dict(r) for r in db.table("claim_probes").rows_where("id = ?", [probe_id], limit=1)]
        return rows[0] if rows else None
