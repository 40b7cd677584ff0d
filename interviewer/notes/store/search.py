"""Full-text search over every transcript (the FTS5 index `segments_fts`, kept by triggers)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from interviewer.notes.store.core import StoreCore


@dataclass(frozen=True)
class SegmentHit:
    """A segment matching a search, with its text's matching words marked in [brackets] (`snippet`)."""

    session_id: str
    candidate: str
    start: float
    end: float
    text: str
    snippet: str


def search_segments(store: StoreCore, fts_query: str, *, limit: int, pool: int) -> list[SegmentHit]:
    """Segments matching an FTS5 query, best (bm25) first: the best `limit` of the newest `pool` matches
    (ranking every match of a very common word would take longer than typing it)."""
    with store.reading() as db:
        # 1. The best `limit` rows of the newest `pool` matches (FTS5 reads rowids newest first and stops at
        #    the pool size; bm25 uses the whole index's statistics).
        ids = [int(r[0]) for r in db.execute(
            "SELECT rowid FROM (SELECT rowid, bm25(segments_fts) AS score FROM segments_fts "
            "WHERE segments_fts MATCH ? ORDER BY rowid DESC LIMIT ?) ORDER BY score, rowid DESC LIMIT ?",
            [fts_query, max(pool, limit), limit]).fetchall()]
        if not ids:
            return []
        pick = json.dumps(ids)
        # 2. Highlights for those rows only: the rowid range goes to FTS5, the `+` keeps the exact list as a
        #    filter (as a constraint FTS5 would re-run the whole query once per row).
        snippets = dict(db.execute(
            "SELECT rowid, highlight(segments_fts, 0, '[', ']') FROM segments_fts "
            "WHERE segments_fts MATCH ? AND rowid BETWEEN ? AND ? "
            "AND +rowid IN (SELECT value FROM json_each(?))",
            [fts_query, min(ids), max(ids), pick]).fetchall())
        rows = {int(r[0]): r for r in db.execute(
            "SELECT g.rowid, g.session_id, c.name, g.start, g.\"end\", g.text FROM segments g "
            "JOIN sessions s ON s.id = g.session_id JOIN candidates c ON c.id = s.candidate_id "
            "WHERE g.rowid IN (SELECT value FROM json_each(?))", [pick]).fetchall()}
    return [SegmentHit(rows[i][1], rows[i][2], rows[i][3], rows[i][4], rows[i][5], snippets.get(i, rows[i][5]))
            for i in ids if i in rows]
