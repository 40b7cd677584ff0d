"""Moving sessions between laptops: one file with the sessions' rows and audio, checksummed.

A bundle is a zip: `manifest.json` (format, version, the SHA-256 of every other member), `rows.json` (the
rows of every table that belong to the sessions) and `audio/...`. Import checks every checksum before it
writes anything (a damaged bundle is refused whole), then merges by id in one transaction: a row that is
absent is added, an identical one is skipped, a different one is reported as a conflict and left as it is.
Importing the same bundle twice changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interviewer.errors import UserError
from interviewer.notes.store import Store
from interviewer.vault import Vault, is_sealed, read_file, write_file

FORMAT = "interviewer-bundle"
VERSION = 1
# Parents before children, so foreign keys hold while rows are inserted.
TABLES = ("candidates", "roles", "kits", "criteria", "probes", "evaluators", "claims", "claim_probes",
          "claim_assignments", "sessions", "consents", "segments", "scenario_uses", "evidence", "constraint_ticks",
          "probe_asks", "ratings", "failure_stories", "judgment_calls", "call_ratings", "audit_log")
SKIP_COLUMNS = {"segments": {"rowid"}}


@dataclass
class ImportReport:
    added: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    audio_added: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "unchanged": self.skipped, "conflicts": self.conflicts,
                "audio_added": self.audio_added}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rows(store: Store, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in store.db.query(sql, list(args))]


def collect(store: Store, session_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Every row that belongs to the sessions (and the candidates, roles and kits they refer to)."""
    sids = list(dict.fromkeys(session_ids))
    sessions = [dict(store.t("sessions").get(s)) for s in sids]
    q = ",".join("?" * len(sids))
    cands = sorted({s["candidate_id"] for s in sessions})
    cq = ",".join("?" * len(cands))
    roles = sorted({s["role_id"] for s in sessions if s["role_id"]})
    kits = sorted({s["kit_id"] for s in sessions if s["kit_id"]})
    claims = _rows(store, f"SELECT * FROM claims WHERE candidate_id IN ({cq})", cands)
    claim_ids = [c["id"] for c in claims]
    rows: dict[str, list[dict[str, Any]]] = {
        "candidates": _rows(store, f"SELECT * FROM candidates WHERE id IN ({cq})", cands),
        "roles": _rows(store, f"SELECT * FROM roles WHERE id IN ({','.join('?' * len(roles))})", roles),
        "kits": _rows(store, f"SELECT * FROM kits WHERE id IN ({','.join('?' * len(kits))})", kits),
        "criteria": _rows(store, f"SELECT * FROM criteria WHERE kit_id IN ({','.join('?' * len(kits))})", kits),
        "probes": _rows(store, f"SELECT * FROM probes WHERE kit_id IN ({','.join('?' * len(kits))})", kits),
        "claims": claims,
        "claim_probes": _rows(store, f"SELECT * FROM claim_probes WHERE claim_id IN "
                                     f"({','.join('?' * len(claim_ids))})", claim_ids),
        "sessions": sessions,
        "consents": _rows(store, f"SELECT * FROM consents WHERE session_id IN ({q})", sids),
        "segments": _rows(store, f"SELECT * FROM segments WHERE session_id IN ({q})", sids),
        "evidence": _rows(store, f"SELECT * FROM evidence WHERE session_id IN ({q})", sids),
        "probe_asks": _rows(store, f"SELECT * FROM probe_asks WHERE session_id IN ({q})", sids),
        "ratings": _rows(store, f"SELECT * FROM ratings WHERE session_id IN ({q})", sids),
        # The practitioner panel travels with the sessions: evaluator profiles and who probes which claim.
        "evaluators": _rows(store, "SELECT * FROM evaluators", []),
        "claim_assignments": _rows(store, f"SELECT * FROM claim_assignments WHERE claim_id IN "
                                          f"({','.join('?' * len(claim_ids))})", claim_ids),
        "failure_stories": _rows(store, f"SELECT * FROM failure_stories WHERE session_id IN ({q})", sids),
        "scenario_uses": _rows(store, f"SELECT * FROM scenario_uses WHERE session_id IN ({q})", sids),
    }
    rows["judgment_calls"] = _rows(store, f"SELECT * FROM judgment_calls WHERE session_id IN ({q})", sids)
    call_ids = [c["id"] for c in rows["judgment_calls"]]
    rows["call_ratings"] = _rows(store, f"SELECT * FROM call_ratings WHERE call_id IN "
                                        f"({','.join('?' * len(call_ids))})", call_ids)
    uses = [u["id"] for u in rows["scenario_uses"]]
    rows["constraint_ticks"] = _rows(store, f"SELECT * FROM constraint_ticks WHERE scenario_use_id IN "
                                            f"({','.join('?' * len(uses))})", uses)
    owned = {r["id"] for t in rows.values() for r in t}
    rows["audit_log"] = [r for r in _rows(store, "SELECT * FROM audit_log ORDER BY at", []) if r["row_id"] in owned]
    return rows


def export_bundle(store: Store, session_ids: Sequence[str], out: Path) -> dict[str, Any]:
    if not session_ids:
        raise UserError("name at least one session to bundle")
    sids = [store.resolve_session(s) for s in session_ids]
    rows = collect(store, sids)
    members: dict[str, bytes] = {"rows.json": json.dumps(rows, ensure_ascii=False, sort_keys=True).encode()}
    for s in rows["sessions"]:
        for key in ("audio_path", "audio_path2"):
            rel = s.get(key)
            if rel and (store.root / rel).exists():
                members[f"audio/{Path(rel).name}"] = read_file(store.vault, store.root / rel)
    manifest = {"format": FORMAT, "version": VERSION, "sessions": sids,
                "checksums": {name: _sha256(data) for name, data in members.items()}}
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", json.dumps(manifest, indent=1))
        for name, data in members.items():
            z.writestr(name, data)
    write_file(store.vault, out, buf.getvalue())
    return {"bundle": str(out), "sessions": sids, "rows": {t: len(r) for t, r in rows.items()},
            "audio": sum(1 for n in members if n.startswith("audio/"))}


def read_bundle(path: Path, vault: Vault | None = None
                ) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]], dict[str, bytes]]:
    """Open and verify a bundle; anything wrong refuses the whole file."""
    path = Path(path)
    if not path.is_file():
        raise UserError("no such bundle file", path=path)
    source: Path | io.BytesIO = io.BytesIO(read_file(vault, path)) if is_sealed(path) else path
    try:
        with zipfile.ZipFile(source) as z:
            names = set(z.namelist())
            if "manifest.json" not in names:
                raise UserError("is not an Interviewer bundle (no manifest); nothing was imported", path=path)
            manifest = json.loads(z.read("manifest.json"))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise UserError("is not an Interviewer bundle; nothing was imported", path=path)
            if int(manifest.get("version", 0)) > VERSION:
                raise UserError("was written by a newer Interviewer; nothing was imported", path=path)
            checksums: dict[str, str] = manifest.get("checksums", {})
            if not isinstance(checksums, dict) or set(checksums) != names - {"manifest.json"}:
                raise UserError("is damaged (its members do not match its manifest); nothing was imported",
                                path=path)
            data = {name: z.read(name) for name in checksums}
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError, TypeError) as exc:
        raise UserError(f"is damaged or not a bundle ({exc}); nothing was imported", path=path) from None
    for name, digest in checksums.items():
        if _sha256(data[name]) != digest:
            raise UserError(f"is damaged ({name} fails its checksum); nothing was imported", path=path)
    try:
        rows = json.loads(data["rows.json"])
    except (KeyError, ValueError) as exc:
        raise UserError(f"is damaged ({exc}); nothing was imported", path=path) from None
    well_formed = isinstance(rows, dict) and all(
        isinstance(v, list) and all(isinstance(r, dict) and isinstance(r.get("id"), str) for r in v)
        for v in rows.values())
    if not well_formed:
        raise UserError("is damaged (its rows are not in the bundle format); nothing was imported", path=path)
    return manifest, rows, data


def import_bundle(store: Store, path: Path) -> ImportReport:
    _manifest, rows, data = read_bundle(path, store.vault)
    report = ImportReport()
    audio_dir = store.root / "audio"
    with store.atomic():
        for table in TABLES:
            existing_cols = {c.name for c in store.t(table).columns}
            for raw in rows.get(table, []):
                row = {k: v for k, v in raw.items() if k in existing_cols}
                current = store.db.execute(f"SELECT * FROM {table} WHERE id = ?", [row["id"]]).fetchone()
                if current is None:
                    store.t(table).insert(row)
                    report.added[table] = report.added.get(table, 0) + 1
                    continue
                cols = [d[0] for d in store.db.execute(f"SELECT * FROM {table} LIMIT 0").description]
                have = dict(zip(cols, current, strict=True))
                differs = {k: (have.get(k), v) for k, v in row.items() if have.get(k) != v}
                if differs:
                    report.conflicts.append({"table": table, "id": row["id"], "fields": sorted(differs)})
                else:
                    report.skipped[table] = report.skipped.get(table, 0) + 1
    audio_dir.mkdir(parents=True, exist_ok=True)
    for name, blob in data.items():
        if not name.startswith("audio/"):
            continue
        target = audio_dir / Path(name).name
        if not target.exists():
            write_file(store.vault, target, blob)
            report.audio_added += 1
        elif _sha256(read_file(store.vault, target)) != _sha256(blob):
            report.conflicts.append({"table": "audio", "id": target.name, "fields": ["content"]})
    return report

