"""The database schema, as an ordered list of migrations keyed by `PRAGMA user_version`.

Every primary key is a UUID string so that sessions recorded on different laptops merge without
collisions. Times inside a session are seconds from the start of its recording; wall-clock times are
ISO-8601 UTC strings.

Never edit a released migration: append a new one.
"""

from __future__ import annotations

import math
import sqlite3
import unicodedata
from collections.abc import Callable

from sqlite_utils import Database

MIGRATION_1 = """
CREATE TABLE candidates (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    resume_path TEXT,
    resume_text TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_candidates_name ON candidates(name);

CREATE TABLE roles (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE kits (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    source TEXT,
    toml TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE criteria (
    id TEXT PRIMARY KEY,
    kit_id TEXT NOT NULL REFERENCES kits(id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    definition TEXT NOT NULL,
    anchors TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (kit_id, key)
);

CREATE TABLE claims (
    id TEXT PRIMARY KEY,
    candidate_id TEXT NOT NULL REFERENCES candidates(id),
    text TEXT NOT NULL,
    source TEXT,
    section TEXT,
    position INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'unprobed'
        CHECK (status IN ('unprobed', 'probing', 'verified', 'contradicted', 'vague')),
    topics TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX idx_claims_candidate ON claims(candidate_id, position);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    candidate_id TEXT NOT NULL REFERENCES candidates(id),
    role_id TEXT REFERENCES roles(id),
    kit_id TEXT REFERENCES kits(id),
    evaluator TEXT,
    status TEXT NOT NULL
        CHECK (status IN ('recording', 'paused', 'complete', 'recovered', 'failed')),
    started_at TEXT NOT NULL,
    ended_at TEXT,
    duration_s REAL NOT NULL DEFAULT 0,
    audio_path TEXT,
    sample_rate INTEGER,
    model TEXT,
    origin TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_sessions_status ON sessions(status);

CREATE TABLE segments (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    start REAL NOT NULL,
    "end" REAL NOT NULL,
    text TEXT NOT NULL,
    speaker TEXT NOT NULL DEFAULT '',
    words TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
);
CREATE INDEX idx_segments_session ON segments(session_id, start);

CREATE TABLE evidence (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    start REAL NOT NULL,
    "end" REAL NOT NULL,
    quote TEXT NOT NULL DEFAULT '',
    criterion TEXT,
    claim_id TEXT REFERENCES claims(id),
    probe_id TEXT,
    polarity TEXT NOT NULL DEFAULT 'supports' CHECK (polarity IN ('supports', 'concern')),
    note TEXT NOT NULL DEFAULT '',
    evaluator TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_evidence_session ON evidence(session_id, start);

CREATE TABLE ratings (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    criterion TEXT NOT NULL,
    evaluator TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
    reason TEXT NOT NULL DEFAULT '',
    evidence_ids TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (session_id, criterion, evaluator)
);

CREATE TABLE consents (
    id TEXT PRIMARY KEY,
    session_id TEXT REFERENCES sessions(id),
    candidate_id TEXT NOT NULL REFERENCES candidates(id),
    notice_version TEXT NOT NULL,
    notice_text TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('verbal', 'written')),
    confirmed_by TEXT NOT NULL,
    confirmed_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_id TEXT,
    old TEXT,
    new TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
"""

# Version 2: probes from the kit's bank are snapshotted with the kit, and the moment a probe was
# asked in a session is stored so the same probe can be compared across candidates.
MIGRATION_2 = """
CREATE TABLE probes (
    id TEXT PRIMARY KEY,
    kit_id TEXT NOT NULL REFERENCES kits(id),
    key TEXT NOT NULL,
    criterion TEXT NOT NULL,
    text TEXT NOT NULL,
    topics TEXT NOT NULL DEFAULT '[]',
    position INTEGER NOT NULL,
    UNIQUE (kit_id, key)
);

CREATE TABLE probe_asks (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    probe_key TEXT NOT NULL,
    probe_text TEXT NOT NULL,
    claim_id TEXT REFERENCES claims(id),
    at_s REAL NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_probe_asks_session ON probe_asks(session_id, at_s);

ALTER TABLE sessions ADD COLUMN notes TEXT NOT NULL DEFAULT '';

-- Full-text search over segment text, kept in sync by triggers (external-content FTS5).
CREATE VIRTUAL TABLE segments_fts USING fts5(
    text, content='segments', content_rowid='rowid', tokenize='porter unicode61'
);
INSERT INTO segments_fts(rowid, text) SELECT rowid, text FROM segments;
CREATE TRIGGER segments_ai AFTER INSERT ON segments BEGIN
    INSERT INTO segments_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER segments_ad AFTER DELETE ON segments BEGIN
    INSERT INTO segments_fts(segments_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER segments_au AFTER UPDATE ON segments BEGIN
    INSERT INTO segments_fts(segments_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
    INSERT INTO segments_fts(rowid, text) VALUES (new.rowid, new.text);
END;
"""


# Version 3: a second audio track (e.g. the remote candidate's system audio) and the speaker label of
# each track, in track order.
MIGRATION_3 = """
ALTER TABLE sessions ADD COLUMN audio_path2 TEXT;
ALTER TABLE sessions ADD COLUMN speakers TEXT NOT NULL DEFAULT '';
"""


# Version 4: probes the evaluator pinned, edited or wrote for one claim.
MIGRATION_4 = """
CREATE TABLE claim_probes (
    id TEXT PRIMARY KEY,
    claim_id TEXT NOT NULL REFERENCES claims(id),
    text TEXT NOT NULL,
    criterion TEXT NOT NULL,
    topic TEXT NOT NULL DEFAULT '',
    pinned INTEGER NOT NULL DEFAULT 0,
    source_key TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_claim_probes_claim ON claim_probes(claim_id);
"""


# Version 5: the practitioner panel (evaluators and what they shipped, who probes which claim), failure
# archaeology records, and production-constraint scenarios shown during a session.
MIGRATION_5 = """
CREATE TABLE evaluators (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL DEFAULT '',
    shipped TEXT NOT NULL DEFAULT '[]',
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE claim_assignments (
    id TEXT PRIMARY KEY,
    claim_id TEXT NOT NULL REFERENCES claims(id),
    evaluator_id TEXT NOT NULL REFERENCES evaluators(id),
    topics TEXT NOT NULL DEFAULT '[]',
    source TEXT NOT NULL DEFAULT 'proposed',
    created_at TEXT NOT NULL,
    UNIQUE (claim_id)
);

CREATE TABLE failure_stories (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    fields TEXT NOT NULL DEFAULT '{}',
    evidence_ids TEXT NOT NULL DEFAULT '[]',
    evaluator TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX idx_failure_stories_session ON failure_stories(session_id);

CREATE TABLE scenario_uses (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    scenario_key TEXT NOT NULL,
    title TEXT NOT NULL,
    opened_s REAL NOT NULL,
    closed_s REAL,
    created_at TEXT NOT NULL
);

CREATE TABLE constraint_ticks (
    id TEXT PRIMARY KEY,
    scenario_use_id TEXT NOT NULL REFERENCES scenario_uses(id),
    constraint_key TEXT NOT NULL,
    evidence_id TEXT REFERENCES evidence(id),
    quote TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (scenario_use_id, constraint_key)
);

ALTER TABLE evidence ADD COLUMN scenario_use_id TEXT REFERENCES scenario_uses(id);
"""


def statements(script: str) -> list[str]:
    """Split a script into complete statements (trigger bodies included), so that a migration can
    run inside one transaction: `executescript` would commit half-way."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


# 6: the moment a candidate gave consent out loud, tagged on the recording (start, end, the words said).
MIGRATION_6 = """
ALTER TABLE consents ADD COLUMN spoken_start REAL;
ALTER TABLE consents ADD COLUMN spoken_end REAL;
ALTER TABLE consents ADD COLUMN spoken_quote TEXT;
"""

# 8: a live session whose polishing (second pass, consolidation) was put off because the machine was busy:
# the catch-up after Stop (interviewer.live.catchup) clears it; a start after an interrupted catch-up resumes it.
MIGRATION_8 = """
ALTER TABLE sessions ADD COLUMN catch_up INTEGER NOT NULL DEFAULT 0;
"""


def _run(db: Database, script: str) -> None:
    for stmt in statements(script):
        db.execute(stmt)


def _migration_1(db: Database) -> None:
    _run(db, MIGRATION_1)


def _migration_2(db: Database) -> None:
    _run(db, MIGRATION_2)


def _migration_3(db: Database) -> None:
    _run(db, MIGRATION_3)


def _migration_4(db: Database) -> None:
    _run(db, MIGRATION_4)


def _migration_5(db: Database) -> None:
    _run(db, MIGRATION_5)


def _migration_6(db: Database) -> None:
    _run(db, MIGRATION_6)


# 7: bad values from older versions (or bundles from them) repaired so that no export can crash on them:
# evidence ranges, spoken-consent moments and probe times that are not finite or lie outside 0..MAX_TIME_S are
# clamped to the session; candidate and role names normalised to NFC, and a candidate whose name differs from
# another's only by Unicode composition ("Zoë" typed precomposed or as e + combining diaeresis) merged into
# the older record.
MAX_TIME_S = 7 * 24 * 3600.0  # a moment in a recording: never more than a week in


def _finite_in(value: object, hi: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and 0.0 <= value <= hi


def _clamp(value: object, lo: float, hi: float) -> float:
    if not isinstance(value, int | float) or math.isnan(value):
        return lo
    return float(min(max(value, lo), hi))


def repair_times(db: Database) -> int:
    """Clamp every stored time that is not finite or lies outside 0..MAX_TIME_S (evidence start/end, a
    consent's spoken moment, when a probe was asked) to the session's length; returns how many rows changed.
    Used by migration 7 and after importing rows written elsewhere."""
    def bad(column: str) -> str:
        return f"NOT ({column} >= 0 AND {column} <= {MAX_TIME_S!r})"

    def ends(session_id: str) -> float:
        row = db.execute('SELECT (SELECT duration_s FROM sessions WHERE id = ?), '
                         '(SELECT max("end") FROM segments WHERE session_id = ?)', [session_id, session_id]).fetchone()
        known = [v for v in row if _finite_in(v, MAX_TIME_S)]
        return float(max(known, default=0.0))

    changed = 0
    for eid, sid, start, end in db.execute(
            f'SELECT id, session_id, start, "end" FROM evidence WHERE {bad("start")} OR {bad(chr(34) + "end" + chr(34))} '
            'OR "end" < start').fetchall():
        limit = ends(sid)
        s = start if _finite_in(start, MAX_TIME_S) else _clamp(start, 0.0, limit)
        e = end if _finite_in(end, MAX_TIME_S) else _clamp(end, 0.0, max(limit, s))
        db.execute('UPDATE evidence SET start = ?, "end" = ? WHERE id = ?', [s, max(s, e), eid])
        changed += 1
    for (cid,) in db.execute(f"SELECT id FROM consents WHERE (spoken_start IS NOT NULL AND {bad('spoken_start')}) "
                             f"OR (spoken_end IS NOT NULL AND {bad('spoken_end')})").fetchall():
        db.execute("UPDATE consents SET spoken_start = NULL, spoken_end = NULL, spoken_quote = NULL WHERE id = ?",
                   [cid])
        changed += 1
    for pid, sid, at in db.execute(f"SELECT id, session_id, at_s FROM probe_asks WHERE {bad('at_s')}").fetchall():
        db.execute("UPDATE probe_asks SET at_s = ? WHERE id = ?", [_clamp(at, 0.0, ends(sid)), pid])
        changed += 1
    return changed


def _normalise_names(db: Database) -> None:
    for rid, name in db.execute("SELECT id, name FROM roles").fetchall():
        nfc = unicodedata.normalize("NFC", name)
        if nfc != name and not db.execute("SELECT 1 FROM roles WHERE name = ?", [nfc]).fetchone():
            db.execute("UPDATE roles SET name = ? WHERE id = ?", [nfc, rid])
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
    referring = [t for t in tables if t != "candidates"
                 and any(c[1] == "candidate_id" for c in db.execute(f'PRAGMA table_info("{t}")').fetchall())]
    keep: dict[str, str] = {}
    for cid, name in db.execute("SELECT id, name FROM candidates ORDER BY created_at, id").fetchall():
        nfc = unicodedata.normalize("NFC", name)
        if nfc != name:
            db.execute("UPDATE candidates SET name = ? WHERE id = ?", [nfc, cid])
        first = keep.setdefault(nfc, cid)
        if first != cid:  # one person under two spellings of one name: their rows go to the older record
            for t in referring:
                db.execute(f'UPDATE "{t}" SET candidate_id = ? WHERE candidate_id = ?', [first, cid])
            db.execute("DELETE FROM candidates WHERE id = ?", [cid])


def _migration_7(db: Database) -> None:
    repair_times(db)
    _normalise_names(db)


def _migration_8(db: Database) -> None:
    if "catch_up" not in {c[1] for c in db.execute("PRAGMA table_info(sessions)").fetchall()}:
        _run(db, MIGRATION_8)


# 9: judgment calls. A probe or scenario card asked at a moment of an interview, with the span of the
# candidate's answer (`end` NULL: until the next call, at most 90 s), rated per call by each evaluator; a
# role's shared core of calls every candidate gets. Existing probe asks and scenario uses become calls.
MIGRATION_9 = """
CREATE TABLE judgment_calls (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    kind TEXT NOT NULL CHECK (kind IN ('probe', 'scenario')),
    key TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    criterion TEXT,
    start REAL NOT NULL,
    "end" REAL,
    claim_id TEXT REFERENCES claims(id),
    depth INTEGER NOT NULL DEFAULT 0,
    probe_ask_id TEXT REFERENCES probe_asks(id),
    scenario_use_id TEXT REFERENCES scenario_uses(id),
    evaluator TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX idx_judgment_calls_session ON judgment_calls(session_id, start);
CREATE INDEX idx_judgment_calls_key ON judgment_calls(kind, key);

CREATE TABLE call_ratings (
    id TEXT PRIMARY KEY,
    call_id TEXT NOT NULL REFERENCES judgment_calls(id),
    evaluator TEXT NOT NULL,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 4),
    reason TEXT NOT NULL DEFAULT '',
    evidence_ids TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (call_id, evaluator)
);

CREATE TABLE role_core_calls (
    id TEXT PRIMARY KEY,
    role_id TEXT NOT NULL REFERENCES roles(id),
    kind TEXT NOT NULL CHECK (kind IN ('probe', 'scenario')),
    key TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (role_id, kind, key)
);
"""


def _migration_9(db: Database) -> None:
    import uuid

    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'judgment_calls'").fetchone():
        return  # already there (a database whose version was set back by hand)
    _run(db, MIGRATION_9)
    asks = db.execute("SELECT id, session_id, probe_key, probe_text, claim_id, at_s, created_at "
                      "FROM probe_asks").fetchall()
    for aid, sid, key, text, claim, at_s, created in asks:
        db.execute('INSERT INTO judgment_calls (id, session_id, kind, key, text, criterion, start, "end", claim_id, '
                   "probe_ask_id, created_at, updated_at) VALUES (?, ?, 'probe', ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
                   [str(uuid.uuid4()), sid, key, text, _criterion(db, sid, key, text),
                    at_s, claim, aid, created, created])
    uses = db.execute("SELECT id, session_id, scenario_key, title, opened_s, closed_s, created_at "
                      "FROM scenario_uses").fetchall()
    for uid, sid, key, title, opened, closed, created in uses:
        db.execute('INSERT INTO judgment_calls (id, session_id, kind, key, text, criterion, start, "end", '
                   "scenario_use_id, created_at, updated_at) VALUES (?, ?, 'scenario', ?, ?, NULL, ?, ?, ?, ?, ?)",
                   [str(uuid.uuid4()), sid, key, title, opened, closed, uid, created, created])


def _criterion(db: Database, session_id: str, key: str, text: str) -> str | None:
    """A probe's criterion: from the session kit's bank, else from a probe pinned to a claim."""
    row = db.execute("SELECT p.criterion FROM probes p JOIN sessions s ON s.kit_id = p.kit_id "
                     "WHERE s.id = ? AND p.key = ?", [session_id, key]).fetchone()
    if row is None:
        row = db.execute("SELECT criterion FROM claim_probes WHERE id = ? OR (source_key = ? AND text = ?)",
                         [key, key, text]).fetchone()
    return str(row[0]) if row else None


# 10: who said what on one microphone (issue 17): a voice-attributed segment's confidence (NULL: its speaker is
# a track's label), which rule named the interviewer of a session (JSON: rule, detail, separation), and an
# evaluator's voice profile (a speaker embedding as JSON, never audio).
MIGRATION_10 = """
ALTER TABLE segments ADD COLUMN confidence REAL;
ALTER TABLE sessions ADD COLUMN speaker_rule TEXT NOT NULL DEFAULT '';
ALTER TABLE evaluators ADD COLUMN voice TEXT NOT NULL DEFAULT '';
"""


def _migration_10(db: Database) -> None:
    # each column only where it is missing: a database re-migrated from an older user_version may have it
    for stmt in statements(MIGRATION_10):
        table, column = stmt.split()[2], stmt.split()[5]
        if column not in {c[1] for c in db.execute(f"PRAGMA table_info({table})").fetchall()}:
            db.execute(stmt)


MIGRATIONS: list[Callable[[Database], None]] = [_migration_1, _migration_2, _migration_3, _migration_4,
                                                _migration_5, _migration_6, _migration_7, _migration_8,
                                                _migration_9, _migration_10]
SCHEMA_VERSION = len(MIGRATIONS)
