"""Interview kits as stored: a snapshot of each kit used (its TOML text, criteria and probes), so a session
is always read against the kit it was run with."""

from __future__ import annotations

import uuid

from interviewer.notes.prompts.kits import Kit
from interviewer.notes.store.core import StoreCore
from interviewer.notes.store.values import dumps


class Kits(StoreCore):
    """The `kits`, `criteria` and `probes` tables."""

    def save_kit(self, kit: Kit, toml_text: str) -> str:
        """Snapshot a kit; the same kit text always gets the same id, on every laptop."""
        kit_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "interviewer-kit:" + toml_text))
        with self.atomic():
            if self.t("kits").count_where("id = ?", [kit_id]):
                return kit_id
            self.t("kits").insert({"id": kit_id, "name": kit.name, "version": kit.version,
                                   "source": kit.source, "toml": toml_text, "created_at": self.now()})
            self.t("criteria").insert_all([
                {"id": str(uuid.uuid5(uuid.UUID(kit_id), "criterion:" + c.key)), "kit_id": kit_id,
                 "key": c.key, "name": c.name, "definition": c.definition,
                 "anchors": dumps({str(k): v for k, v in c.anchors.items()}), "position": i}
                for i, c in enumerate(kit.criteria)
            ])
            self.t("probes").insert_all([
                {"id": str(uuid.uuid5(uuid.UUID(kit_id), "probe:" + p.id)), "kit_id": kit_id, "key": p.id,
                 "criterion": p.criterion, "text": p.text, "topics": dumps(list(p.topics)), "position": i}
                for i, p in enumerate(kit.probes)
            ])
        return kit_id

    def kit_toml(self, kit_id: str) -> str:
        with self.reading() as db:
            return str(db.table("kits").get(kit_id)["toml"])

    def criteria_names(self, kit_id: str) -> dict[str, str]:
        """{criterion key: name} of a stored kit."""
        with self.reading() as db:
            rows = db.execute("SELECT key, name FROM criteria WHERE kit_id = ?", [kit_id]).fetchall()
        return {str(k): str(n) for k, n in rows}

    def latest_kit_criteria(self) -> list[tuple[str, str]]:
        """(key, name) of the criteria of the kit the newest session with a kit was run with, in the kit's
        order; empty when no session has a kit."""
        with self.reading() as db:
            rows = db.execute(
                "SELECT key, name FROM criteria WHERE kit_id = (SELECT kit_id FROM sessions WHERE kit_id IS NOT "
                "NULL ORDER BY started_at DESC LIMIT 1) ORDER BY position").fetchall()
        return [(str(k), str(n)) for k, n in rows]
