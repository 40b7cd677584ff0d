"""The practitioner panel's tables, for `interviewer.notes.panel`: evaluators (what each has shipped, their
voice profile), the plan's claim assignments, failure stories, scenario cards used and the constraints an
answer engaged. The rules (who probes what, what a story lacks) stay in the panel module; these functions
only read and write rows. Writes run inside one transaction (the caller's, or their own)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from interviewer.notes.store.core import StoreCore
from interviewer.notes.store.values import new_id


# ---------------------------------------------------------------------------------------------- evaluators
def evaluator_named(store: StoreCore, name: str) -> dict[str, Any] | None:
    """The evaluator called `name` (any ASCII case), or None."""
    with store.reading() as db:
        rows = [dict(r) for r in db.table("evaluators").rows_where("name = ? COLLATE NOCASE", [name])]
    return rows[0] if rows else None


def save_evaluator(store: StoreCore, evaluator_id: str | None, name: str, fields: dict[str, Any], *,
                   at: str) -> str:
    """Update an evaluator's `fields`, or add one (no id) with nothing shipped unless `fields` says so."""
    with store.atomic():
        if evaluator_id is not None:
            store.t("evaluators").update(evaluator_id, {**fields, "updated_at": at})
            return evaluator_id
        eid = new_id()
        store.t("evaluators").insert({"id": eid, "name": name, "role": "", "shipped": "[]", "note": "", **fields,
                                      "created_at": at, "updated_at": at})
        return eid


def evaluator_rows(store: StoreCore) -> list[dict[str, Any]]:
    with store.reading() as db:
        return [dict(r) for r in db.table("evaluators").rows_where(order_by="name")]


# ---------------------------------------------------------------------------------------------- the plan
def replace_assignment(store: StoreCore, claim_id: str, evaluator_id: str | None, *, topics: Sequence[str],
                       source: str) -> None:
    """Give the claim to this evaluator (None: to nobody), replacing any earlier assignment."""
    with store.atomic():
        store.db.execute("DELETE FROM claim_assignments WHERE claim_id = ?", [claim_id])
        if evaluator_id is not None:
            store.t("claim_assignments").insert({"id": new_id(), "claim_id": claim_id, "evaluator_id": evaluator_id,
                                                 "topics": json.dumps(list(topics)), "source": source,
                                                 "created_at": store.now()})


def saved_assignments(store: StoreCore) -> dict[str, str]:
    """{claim id: evaluator name} of every saved assignment."""
    with store.reading() as db:
        return {str(c): str(n) for c, n in db.execute(
            "SELECT a.claim_id, e.name FROM claim_assignments a JOIN evaluators e ON e.id = a.evaluator_id")}


# ---------------------------------------------------------------------------------------------- failure stories
def failure_story(store: StoreCore, story_id: str) -> dict[str, Any]:
    with store.reading() as db:
        return dict(db.table("failure_stories").get(story_id))


def save_failure_story_row(store: StoreCore, story_id: str | None, *, session_id: str, fields: dict[str, str],
                           evidence_ids: Sequence[str], evaluator: str | None, at: str) -> str:
    """Update a story's fields and evidence (as given: merged by the caller), or add one (no id)."""
    with store.atomic():
        if story_id is not None:
            store.t("failure_stories").update(story_id, {"fields": json.dumps(fields),
                                                         "evidence_ids": json.dumps(list(evidence_ids)),
                                                         "updated_at": at})
            return story_id
        sid = new_id()
        store.t("failure_stories").insert({"id": sid, "session_id": session_id, "fields": json.dumps(fields),
                                           "evidence_ids": json.dumps(list(evidence_ids)),
                                           "evaluator": evaluator, "created_at": at, "updated_at": at})
        return sid


def failure_story_rows(store: StoreCore, session_id: str) -> list[dict[str, Any]]:
    with store.reading() as db:
        return [dict(r) for r in db.table("failure_stories").rows_where("session_id = ?", [session_id],
                                                                        order_by="created_at")]


def failure_story_fields(store: StoreCore) -> dict[str, dict[str, str]]:
    """{session id: the fields of its failure story} over every session (the last story of a session wins)."""
    with store.reading() as db:
        rows = db.execute("SELECT session_id, fields FROM failure_stories").fetchall()
    return {str(sid): json.loads(fields) for sid, fields in rows}


# ---------------------------------------------------------------------------------------------- scenarios
def add_scenario_use(store: StoreCore, session_id: str, key: str, title: str, opened_s: float) -> str:
    uid = new_id()
    with store.atomic():
        store.t("scenario_uses").insert({"id": uid, "session_id": session_id, "scenario_key": key, "title": title,
                                         "opened_s": opened_s, "closed_s": None, "created_at": store.now()})
    return uid


def close_scenario_use(store: StoreCore, use_id: str, closed_s: float) -> None:
    with store.atomic():
        store.t("scenario_uses").update(use_id, {"closed_s": closed_s})


def scenario_use(store: StoreCore, use_id: str) -> dict[str, Any]:
    with store.reading() as db:
        return dict(db.table("scenario_uses").get(use_id))


def latest_open_scenario_use(store: StoreCore, session_id: str) -> str | None:
    """The id of the session's most recently opened scenario card still open, or None."""
    with store.reading() as db:
        rows = list(db.table("scenario_uses").rows_where("session_id = ? AND closed_s IS NULL", [session_id],
                                                         order_by="opened_s"))
    return str(rows[-1]["id"]) if rows else None


def replace_constraint_tick(store: StoreCore, use_id: str, constraint_key: str, *, evidence_id: str | None,
                            quote: str) -> str:
    """Mark a constraint as engaged by the answer (replacing an earlier mark of the same constraint)."""
    tid = new_id()
    with store.atomic():
        store.db.execute("DELETE FROM constraint_ticks WHERE scenario_use_id = ? AND constraint_key = ?",
                         [use_id, constraint_key])
        store.t("constraint_ticks").insert({"id": tid, "scenario_use_id": use_id, "constraint_key": constraint_key,
                                            "evidence_id": evidence_id, "quote": quote, "created_at": store.now()})
    return tid


def scenario_use_rows(store: StoreCore, session_id: str) -> list[dict[str, Any]]:
    """The session's scenario uses in the order they were opened, each with its `ticks` (constraint rows)."""
    with store.reading() as db:
        uses = [dict(r) for r in db.table("scenario_uses").rows_where("session_id = ?", [session_id],
                                                                      order_by="opened_s")]
        for u in uses:
            u["ticks"] = [dict(t) for t in db.table("constraint_ticks").rows_where("scenario_use_id = ?", [u["id"]])]
    return uses
