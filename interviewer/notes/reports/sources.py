"""What every report starts from: a session's kit, the table of criteria, a role's sessions."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from typing import Any

from interviewer.core.errors import UserError
from interviewer.core.palette import criterion_colour
from interviewer.notes.prompts.kits import Kit, load_kit, parse_kit
from interviewer.notes.store.database import Store
from interviewer.notes.store.records import SessionRecord


def session_kit(store: Store, session: SessionRecord) -> Kit:
    """The kit a session ran with (its stored snapshot); the default kit when it has none or it is damaged."""
    kit_id = session.kit_id
    if kit_id:
        with suppress(Exception):  # a damaged snapshot must not stop a report: use the default kit
            return parse_kit(store.kit_toml(kit_id), f"kit {str(kit_id)[:8]}")
    return load_kit()


def criteria_table(kits: Iterable[Kit], extra_keys: Iterable[str]) -> list[dict[str, Any]]:
    """Criteria in kit order (first kit first), then keys that were rated or tagged but are in no kit."""
    out: dict[str, dict[str, Any]] = {}
    for kit in kits:
        for c in kit.criteria:
            if c.key not in out:
                out[c.key] = {"key": c.key, "name": c.name, "definition": c.definition,
                              "anchors": {int(k): v for k, v in c.anchors.items()}}
    for key in extra_keys:
        if key and key not in out:
            out[key] = {"key": key, "name": key.replace("-", " ").capitalize(), "definition": "", "anchors": {}}
    rows = list(out.values())
    for i, row in enumerate(rows):
        row["colour"] = criterion_colour(row["key"], i)
    return rows


def role_sessions(store: Store, role: str) -> list[SessionRecord]:
    """Every session of a role (any case); UserError naming the roles there are when it has none."""
    wanted = role.strip().casefold()
    rows = [r for r in store.sessions() if (r.role or "").casefold() == wanted]
    if not rows:
        known = sorted({r.role for r in store.sessions() if r.role})
        hint = f" (roles with sessions: {', '.join(known)})" if known else ""
        raise UserError(f"no sessions for role {role!r}{hint}")
    return [store.session(r.id) for r in rows]


def role_kits(store: Store, sessions: Iterable[SessionRecord]) -> list[Kit]:
    """The kits of these sessions, each once (sessions that share a kit id share its kit), first seen first."""
    kits: dict[str, Kit] = {}
    for s in sessions:
        kits.setdefault(s.kit_id or "", session_kit(store, s))
    return list(kits.values())
