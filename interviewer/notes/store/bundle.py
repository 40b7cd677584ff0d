"""Moving sessions between laptops: one file with the sessions' rows and audio, checksummed.

A bundle is a zip: `manifest.json` (format, version, the SHA-256 of every other member), `rows.json` (the
rows of every table that belong to the sessions) and `audio/NAME`. Import merges by id: a row that is absent
is added, an identical one is skipped, a different one is reported as a conflict and left as it is. Importing
the same bundle twice changes nothing.

A bundle is untrusted input, and import is all or nothing:
* Before anything is extracted, the zip's directory is checked: member names (`manifest.json`, `rows.json`,
  `audio/NAME` with a plain file name, no duplicates), their count, each declared size, the total, the
  compression ratio of large members (a zip bomb), and the free disk space.
* The manifest and rows are read within their declared sizes and checked (checksums, table shapes, scalar
  values, finite numbers); a session's `audio_path` must name a file in the data dir's `audio/` folder.
* Audio is streamed to locked temporary files in `audio/` in 1 MiB chunks, hashed as it goes (memory stays
  bounded whatever the size), then the rows are inserted in one transaction, foreign keys checked, the files
  renamed into place, and only then is the transaction committed. Any failure rolls the rows back and removes
  the temporary files; a killed import's temporary files are removed at the next start
  (`interviewer.core.files.sweep_temp_files`).
* Audit entries: the audit log is the local history, so a bundle cannot write into it freely. An entry from a
  bundle is imported only if it is well formed and about a row the bundle carries (the history of the
  imported rows travels with them); any other is ignored and counted. Each import appends its own
  `bundle.import` entry (file, checksum of the manifest, counts), so imported history is attributable.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import shutil
import zipfile
import zlib
from collections.abc import Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interviewer.core.errors import UserError
from interviewer.core.files import OutsideDataDirError, data_path, private_dir, temp_file
from interviewer.core.vault import Vault, is_sealed, read_file, write_file
from interviewer.notes.store.connection import DB_ERRORS
from interviewer.notes.store.database import Store
from interviewer.notes.store.schema import repair_times

FORMAT = "interviewer-bundle"
VERSION = 1
# Parents before children, so foreign keys hold while rows are inserted.
TABLES = ("candidates", "roles", "kits", "criteria", "probes", "evaluators", "claims", "claim_probes",
          "claim_assignments", "sessions", "consents", "segments", "scenario_uses", "evidence", "constraint_ticks",
          "probe_asks", "ratings", "failure_stories", "judgment_calls", "call_ratings", "audit_log")
SKIP_COLUMNS = {"segments": {"rowid"}}
AUDIT_TABLE = "audit_log"
IMPORT_ACTOR = "bundle"
_AUDIO_MEMBER = re.compile(r"audio/[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:\d\d)?")
STREAM_CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What a bundle may hold, checked against the zip's directory before anything is extracted."""

    entries: int = 1000
    manifest_bytes: int = 1 << 20
    rows_bytes: int = 64 << 20  # a 3-hour interview's rows are a few MB
    entry_bytes: int = 8 << 30  # one recording: 3 hours of 48 kHz stereo WAV is 2 GiB
    total_bytes: int = 16 << 30
    ratio: int = 100  # declared / compressed size of a member larger than `ratio_floor`
    ratio_floor: int = 32 << 20
    free_margin: int = 256 << 20  # left free on the disk after extraction


@dataclass
class ImportReport:
    added: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    audio_added: int = 0
    ignored: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "unchanged": self.skipped, "conflicts": self.conflicts,
                "audio_added": self.audio_added, "ignored": self.ignored}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rows(store: Store, sql: str, args: Sequence[Any]) -> list[dict[str, Any]]:
    with store.reading() as db:
        return [dict(r) for r in db.query(sql, list(args))]


def collect(store: Store, session_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Every row that belongs to the sessions (and the candidates, roles and kits they refer to), read from
    one snapshot."""
    with store.reading():
        return _collect(store, session_ids)


def _collect(store: Store, session_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    sids = list(dict.fromkeys(session_ids))
    with store.reading() as db:
        sessions = [dict(db.table("sessions").get(s)) for s in sids]
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
            try:
                src = data_path(store.root, s.get(key), what=f"recording of session {s['id'][:8]}")
            except OutsideDataDirError as exc:
                raise UserError(f"{exc}; nothing was exported") from None
            if src is not None and src.is_file():
                members[f"audio/{src.name}"] = read_file(store.vault, src)
    manifest = {"format": FORMAT, "version": VERSION, "sessions": sids,
                "checksums": {name: _sha256(data) for name, data in members.items()}}
    out = Path(out)
    private_dir(out.parent)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", json.dumps(manifest, indent=1))
        for name, data in members.items():
            z.writestr(name, data)
    write_file(store.vault, out, buf.getvalue())
    return {"bundle": str(out), "sessions": sids, "rows": {t: len(r) for t, r in rows.items()},
            "audio": sum(1 for n in members if n.startswith("audio/"))}


def _refuse(path: Path, problem: str) -> UserError:
    return UserError(f"{problem}; nothing was imported", path=path)


def _scalar_ok(v: Any) -> bool:
    if v is None or isinstance(v, str):
        return True
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return -(1 << 63) <= v < (1 << 63)
    if isinstance(v, float):
        return math.isfinite(v)
    return False


class _Bundle:
    """An open bundle whose directory, manifest and rows have been checked (see the module docstring)."""

    def __init__(self, z: zipfile.ZipFile, path: Path, limits: Limits) -> None:
        self.z = z
        self.path = path
        self.limits = limits
        self.infos: dict[str, zipfile.ZipInfo] = {}
        self.manifest: dict[str, Any] = {}
        self.checksums: dict[str, str] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.manifest_sha256 = ""

    # -- the zip's directory, before anything is read
    def check_directory(self, free_bytes: int | None) -> None:
        lim, path = self.limits, self.path
        infos = self.z.infolist()
        if len(infos) > lim.entries:
            raise _refuse(path, f"holds {len(infos)} files (a bundle holds at most {lim.entries})")
        total = 0
        for info in infos:
            name = info.filename
            if name in self.infos:
                raise _refuse(path, f"holds {name!r} twice")
            if name not in ("manifest.json", "rows.json") and not _AUDIO_MEMBER.fullmatch(name):
                raise _refuse(path, f"holds a file with a name a bundle never has ({name[:80]!r})")
            if info.flag_bits & 0x1:
                raise _refuse(path, f"{name} is encrypted inside the zip")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise _refuse(path, f"{name} uses a compression method bundles never use")
            cap = {"manifest.json": lim.manifest_bytes, "rows.json": lim.rows_bytes}.get(name, lim.entry_bytes)
            if info.file_size > cap:
                raise _refuse(path, f"{name} would unpack to {info.file_size:,} bytes (at most {cap:,})")
            if info.file_size > lim.ratio_floor and info.file_size > lim.ratio * max(info.compress_size, 1):
                raise _refuse(path, f"{name} would unpack to {info.file_size:,} bytes from {info.compress_size:,} "
                                    f"(more than {lim.ratio}:1, a zip bomb)")
            total += info.file_size
            self.infos[name] = info
        if total > lim.total_bytes:
            raise _refuse(path, f"would unpack to {total:,} bytes (at most {lim.total_bytes:,})")
        if "manifest.json" not in self.infos:
            raise _refuse(path, "is not an Interviewer bundle (no manifest)")
        audio = sum(i.file_size for n, i in self.infos.items() if n.startswith("audio/"))
        if audio and free_bytes is not None and audio + lim.free_margin > free_bytes:
            raise _refuse(path, f"needs {audio + lim.free_margin:,} bytes of free disk space to import its audio, "
                                f"and {free_bytes:,} are free")

    def read_small(self, name: str) -> bytes:
        """A member read whole: only the manifest and rows (their declared size is checked already), and never
        more than the declared size."""
        info = self.infos[name]
        with self.z.open(info) as f:
            data = f.read(info.file_size + 1)
        if len(data) != info.file_size:
            raise _refuse(self.path, f"is damaged ({name} is not the size its directory declares)")
        return data

    def check_manifest(self) -> None:
        path = self.path
        raw = self.read_small("manifest.json")
        self.manifest_sha256 = hashlib.sha256(raw).hexdigest()
        try:
            manifest = json.loads(raw)
        except (ValueError, RecursionError):
            raise _refuse(path, "is not an Interviewer bundle (its manifest is not JSON)") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _refuse(path, "is not an Interviewer bundle")
        version = manifest.get("version", 0)
        if isinstance(version, bool) or not isinstance(version, int | float):
            raise _refuse(path, "is damaged (its manifest has no version number)")
        if version > VERSION:
            raise _refuse(path, "was written by a newer Interviewer")
        checksums = manifest.get("checksums", {})
        if (not isinstance(checksums, dict)
                or not all(isinstance(v, str) and _SHA256.fullmatch(v) for v in checksums.values())
                or set(checksums) != set(self.infos) - {"manifest.json"}):
            raise _refuse(path, "is damaged (its members do not match its manifest)")
        if "rows.json" not in checksums:
            raise _refuse(path, "is damaged (it has no rows)")
        self.manifest, self.checksums = manifest, dict(checksums)

    def check_rows(self, data_root: Path) -> None:
        path = self.path
        raw = self.read_small("rows.json")
        if hashlib.sha256(raw).hexdigest() != self.checksums["rows.json"]:
            raise _refuse(path, "is damaged (rows.json fails its checksum)")
        try:
            rows = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise _refuse(path, f"is damaged (rows.json: {exc})") from None
        well_formed = isinstance(rows, dict) and all(
            isinstance(v, list) and all(isinstance(r, dict) and isinstance(r.get("id"), str) for r in v)
            for v in rows.values())
        if not well_formed:
            raise _refuse(path, "is damaged (its rows are not in the bundle format)")
        for table in TABLES:
            for r in rows.get(table, []):
                bad = next((k for k, v in r.items() if not isinstance(k, str) or not _scalar_ok(v)), None)
                if bad is not None:
                    raise _refuse(path, f"is damaged ({table} row {r['id'][:36]!r} has a value that cannot be "
                                        f"stored in {str(bad)[:40]!r})")
        for s in rows.get("sessions", []):
            for key in ("audio_path", "audio_path2"):
                value = s.get(key)
                if value is None:
                    continue
                where = f"session {s['id'][:36]!r} has {key} {str(value)[:120]!r}"
                if not isinstance(value, str) or not _AUDIO_MEMBER.fullmatch(value):
                    raise _refuse(path, f"is refused: {where}, which is not a recording in a data dir's audio "
                                        "folder")
                if not value.removeprefix("audio/").startswith(s["id"]):  # the app names recordings by session
                    raise _refuse(path, f"is refused: {where}, which is not named after the session (it could "
                                        "be another session's recording)")
                try:
                    data_path(data_root, value)
                except OutsideDataDirError:
                    raise _refuse(path, f"is refused: {where}, which leads outside this data dir") from None
        self.rows = rows

    # -- audio, streamed
    def stream(self, name: str, write: Any) -> str:
        """Stream one member through `write(chunk)`, never more than its declared size; its SHA-256."""
        info = self.infos[name]
        digest = hashlib.sha256()
        seen = 0
        with self.z.open(info) as f:
            while chunk := f.read(STREAM_CHUNK):
                seen += len(chunk)
                if seen > info.file_size:
                    raise _refuse(self.path, f"is damaged ({name} unpacks to more than its declared size)")
                digest.update(chunk)
                write(chunk)
        if seen != info.file_size:
            raise _refuse(self.path, f"is damaged ({name} is cut short)")
        return digest.hexdigest()


_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, KeyError, TypeError,
               NotImplementedError, RuntimeError, UnicodeDecodeError, OverflowError, zlib.error)


def _file_digest(vault: Vault | None, path: Path) -> str:
    digest = hashlib.sha256()
    with (vault.reader(path) if vault is not None and is_sealed(path) else path.open("rb")) as f:
        while chunk := f.read(STREAM_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def import_bundle(store: Store, path: Path, *, limits: Limits | None = None) -> ImportReport:
    """Merge a bundle into the store, all or nothing (see the module docstring); UserError names the file."""
    path = Path(path)
    limits = limits or Limits()
    if not path.is_file():
        raise UserError("no such bundle file", path=path)
    sealed = is_sealed(path)
    if sealed and store.vault is None:
        raise UserError("is encrypted: import it into the data dir that wrote it, or export it outside a data "
                        "dir; nothing was imported", path=path)
    audio_dir = store.root / "audio"
    report = ImportReport()
    with ExitStack() as stack:
        try:
            source: Any = stack.enter_context(store.vault.reader(path)) if sealed and store.vault else path
            z = stack.enter_context(zipfile.ZipFile(source))
        except UserError as exc:
            raise UserError(f"{exc}; nothing was imported") from None
        except (OSError, *_ZIP_ERRORS) as exc:
            raise _refuse(path, f"is damaged or not a bundle ({exc})") from None
        bundle = _Bundle(z, path, limits)
        try:
            private_dir(audio_dir)
            bundle.check_directory(_free_bytes(audio_dir))
            bundle.check_manifest()
            bundle.check_rows(store.root)
            staged = _stage_audio(stack, bundle, store, audio_dir, report)
        except UserError as exc:
            if str(exc).endswith("nothing was imported"):
                raise
            raise _refuse(path, f"is refused: {exc}") from None  # e.g. a recording here that cannot be read
        except OSError as exc:  # the disk, not the bundle
            raise _refuse(path, f"could not be unpacked into {audio_dir}: {exc.strerror or exc}") from None
        except _ZIP_ERRORS as exc:
            raise _refuse(path, f"is damaged or not a bundle ({exc})") from None
        _merge(store, bundle, staged, report)
    return report


def _stage_audio(stack: ExitStack, bundle: _Bundle, store: Store, audio_dir: Path,
                 report: ImportReport) -> dict[Path, Path]:
    """Stream every new recording of the bundle to a locked temporary file in `audio/`, checking its checksum.
    Returns {temporary file: final place}; the temporary files go when `stack` closes with an error."""
    staged: dict[Path, Path] = {}
    for name in sorted(bundle.infos):
        if not name.startswith("audio/"):
            continue
        target = data_path(store.root, name, what="recording")
        assert target is not None
        if target.exists() or target.is_symlink():
            if not target.is_file() or _file_digest(store.vault, target) != bundle.checksums[name]:
                report.conflicts.append({"table": "audio", "id": target.name, "fields": ["content"]})
            continue
        tmp, fd = stack.enter_context(temp_file(audio_dir, target.name))
        if store.vault is not None:  # sealed as it is written: the plaintext never lands in the data dir
            with store.vault.open(tmp, "wb") as out:
                digest = bundle.stream(name, out.write)
        else:
            with open(fd, "wb", closefd=False) as out:
                digest = bundle.stream(name, out.write)
        if digest != bundle.checksums[name]:
            raise _refuse(bundle.path, f"is damaged ({name} fails its checksum)")
        staged[tmp] = target
    return staged


def _well_formed_audit(row: dict[str, Any], carried: dict[str, set[str]]) -> bool:
    """An audit entry a bundle may bring: complete, and about a row the bundle itself carries."""
    table, row_id = row.get("table_name"), row.get("row_id")
    texts = all(isinstance(row.get(k), str) and row.get(k) for k in ("id", "at", "actor", "action", "table_name"))
    if not texts or not _TIME.fullmatch(str(row["at"])):
        return False
    if table not in carried or not isinstance(row_id, str) or row_id not in carried[table]:
        return False
    for k in ("old", "new"):
        v = row.get(k)
        if v is None:
            continue
        if not isinstance(v, str):
            return False
        try:
            json.loads(v)
        except (ValueError, RecursionError):
            return False
    return True


def _merge(store: Store, bundle: _Bundle, staged: dict[Path, Path], report: ImportReport) -> None:
    """Insert the rows, check foreign keys, put the files in place, then commit; any failure undoes it all."""
    path, rows = bundle.path, bundle.rows
    carried = {t: {r["id"] for r in rows.get(t, [])} for t in TABLES if t != AUDIT_TABLE}
    placed: list[Path] = []
    try:
        with store.atomic():
            store.db.execute("PRAGMA defer_foreign_keys=ON")  # checked below, before the commit
            for table in TABLES:
                table_rows = rows.get(table, [])
                if table == AUDIT_TABLE:
                    kept = [r for r in table_rows if _well_formed_audit(r, carried)]
                    if len(kept) < len(table_rows):
                        report.ignored[AUDIT_TABLE] = len(table_rows) - len(kept)
                    table_rows = kept
                _merge_table(store, table, table_rows, report, path)
            _check_foreign_keys(store, path)
            repair_times(store.db)  # a bundle from an older version may carry times no export can draw
            store.audit(IMPORT_ACTOR, "bundle.import", "sessions", None, new={
                "bundle": path.name, "manifest_sha256": bundle.manifest_sha256,
                "sessions": [r["id"] for r in rows.get("sessions", [])], "added": report.added,
                "audit_entries_ignored": report.ignored.get(AUDIT_TABLE, 0)})
            _place(staged, placed, path)
            report.audio_added += len(placed)
    except UserError:
        _undo(placed)
        raise
    except DB_ERRORS as exc:
        _undo(placed)
        raise _refuse(path, f"cannot be stored ({exc})") from None
    except OSError as exc:
        _undo(placed)
        raise _refuse(path, f"could not be put in place ({exc.strerror or exc})") from None
    except BaseException:
        _undo(placed)
        raise


def _check_foreign_keys(store: Store, path: Path) -> None:
    broken = store.db.execute("PRAGMA foreign_key_check").fetchone()
    if broken is not None:
        raise _refuse(path, f"is damaged (a {broken[0]} row refers to a {broken[2]} row that is neither in the "
                            "bundle nor in this data dir)")


def _place(staged: dict[Path, Path], placed: list[Path], path: Path) -> None:
    """Rename the staged recordings into place (inside the open transaction), noting each in `placed`."""
    for tmp, target in staged.items():
        if target.exists() or target.is_symlink():
            raise _refuse(path, f"{target} appeared while importing")
        tmp.replace(target)
        placed.append(target)


def _undo(placed: list[Path]) -> None:
    for p in placed:
        with suppress(OSError):
            p.unlink()


def _merge_table(store: Store, table: str, table_rows: list[dict[str, Any]], report: ImportReport,
                 path: Path) -> None:
    existing_cols = {c.name for c in store.t(table).columns}
    cols = [d[0] for d in store.db.execute(f"SELECT * FROM {table} LIMIT 0").description]
    for raw in table_rows:
        row = {k: v for k, v in raw.items() if k in existing_cols}
        current = store.db.execute(f"SELECT * FROM {table} WHERE id = ?", [row["id"]]).fetchone()
        if current is None:
            try:
                store.t(table).insert(row)
            except DB_ERRORS as exc:
                if "UNIQUE" not in str(exc):
                    raise _refuse(path, f"is damaged (a {table} row, {str(row['id'])[:36]}, breaks a rule of the "
                                        f"database: {exc})") from None
                # Another row already holds this row's unique key (a rating given on both laptops).
                report.conflicts.append({"table": table, "id": row["id"], "fields": ["unique"]})
                continue
            report.added[table] = report.added.get(table, 0) + 1
            continue
        have = dict(zip(cols, current, strict=True))
        differs = {k: (have.get(k), v) for k, v in row.items() if have.get(k) != v}
        if differs:
            report.conflicts.append({"table": table, "id": row["id"], "fields": sorted(differs)})
        else:
            report.skipped[table] = report.skipped.get(table, 0) + 1
