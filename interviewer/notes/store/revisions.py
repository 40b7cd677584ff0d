"""When a transcript's words change, the evidence quotes follow: THE place where quotes are re-read.

A quote is the words inside its evidence's time range (`interviewer.core.transcript.words_in_range`) of the
stored transcript. A live second pass (`revise_segment`), a reviewer's correction or speaker change
(`interviewer.notes.review`) and a swapped transcript (`replace_transcript`, refine) all end with
`refresh_quotes` over the range they changed; the audit log keeps every old quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from interviewer.core.transcript import Segment, words_in_range
from interviewer.notes.store.evidence import Evidence
from interviewer.notes.store.segments import segment_row
from interviewer.notes.store.values import dumps


@dataclass(frozen=True)
class QuoteChange:
    """An evidence item whose quote was re-read differently."""

    evidence_id: str
    start: float
    end: float
    old: str
    new: str


class Revisions(Evidence):
    """Rewriting a transcript's words, and re-reading the quotes that depend on them."""

    def refresh_quotes(self, session_id: str, start: float | None = None, end: float | None = None, *,
                       actor: str) -> list[QuoteChange]:
        """Re-read the quote of every evidence item of the session overlapping [start, end] (the whole session
        when both are None) from the stored transcript; the audit log keeps each old quote. Returns the
        quotes that changed, in time order."""
        sql = 'SELECT id, start, "end", quote FROM evidence WHERE session_id = ?'
        args: list[Any] = [session_id]
        if start is not None and end is not None:
            sql += ' AND start <= ? AND "end" >= ?'
            args += [end, start]
        changes: list[QuoteChange] = []
        with self.atomic():
            rows = self.db.execute(sql + " ORDER BY start, rowid", args).fetchall()
            if not rows:
                return changes
            segments = self.segments(session_id)
            for eid, e_start, e_end, quote in rows:
                new = words_in_range(segments, float(e_start), float(e_end))
                if new != quote:
                    self.update_evidence(eid, actor=actor, quote=new)
                    changes.append(QuoteChange(str(eid), float(e_start), float(e_end), quote, new))
        return changes

    def revise_segment(self, segment_id: str, seg: Segment, *, expected_text: str | None = None,
                       actor: str = "live transcription") -> bool:
        """Replace one segment's times, text and words in place (a live second pass): same id, same row,
        so the full-text index follows (triggers) and nothing pointing at it moves. Quotes of evidence
        overlapping the old or new range are re-read (the audit log keeps the old quotes).

        With `expected_text`, the revision applies only while the row still has that text: a correction
        somebody made in the meantime is never overwritten. Returns whether the row was changed."""
        with self.atomic():
            rows = list(self.t("segments").rows_where("id = ?", [segment_id], limit=1))
            if not rows:
                return False
            old = rows[0]
            if expected_text is not None and old["text"] != expected_text:
                return False
            session_id = old["session_id"]
            self.t("segments").update(segment_id, {
                "start": seg.start, "end": seg.end, "text": seg.text,
                "words": dumps([w.to_dict() for w in seg.words])})
            self.t("sessions").update(session_id, {"duration_s": max(seg.end, self._duration(session_id))})
            self.refresh_quotes(session_id, min(seg.start, float(old["start"])), max(seg.end, float(old["end"])),
                                actor=actor)
        return True

    def set_segment_text(self, segment_id: str, text: str, words_json: str) -> None:
        """Put new text and words (JSON text) on a segment, keeping its times (a reviewer's correction, or its
        undo); the caller audits it and re-reads the quotes over the segment (`refresh_quotes`)."""
        with self.atomic():
            self.t("segments").update(segment_id, {"text": text, "words": words_json})

    def replace_transcript(self, session_id: str, segments: Sequence[Segment], *, model: str | None = None) -> None:
        """Swap the session's whole transcript for `segments` (already in time order); the session's duration
        grows to the last segment's end, and with `model` its model label changes. The caller audits it and
        re-reads the quotes (`refresh_quotes`)."""
        with self.atomic():
            duration = self._duration(session_id)
            now = self.now()
            self.db.execute("DELETE FROM segments WHERE session_id = ?", [session_id])
            self.t("segments").insert_all([segment_row(session_id, s, created_at=now) for s in segments])
            updates: dict[str, Any] = {}
            last_end = max((s.end for s in segments), default=0.0)
            if last_end > duration:
                updates["duration_s"] = last_end
            if model is not None:
                updates["model"] = model
            if updates:
                self.t("sessions").update(session_id, updates)
