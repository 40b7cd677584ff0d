"""A session's transcript: its segments (one line of speech each, with word timings and the speaker), kept
in the full-text index by triggers (`schema.py`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from interviewer.core.transcript import Segment, Word
from interviewer.notes.store.sessions import Sessions
from interviewer.notes.store.values import dumps, new_id


def segment_row(session_id: str, seg: Segment, *, created_at: str) -> dict[str, Any]:
    """The `segments` row of one segment, with a new id."""
    return {"id": new_id(), "session_id": session_id, "start": seg.start, "end": seg.end, "text": seg.text,
            "speaker": seg.speaker, "words": dumps([w.to_dict() for w in seg.words]),
            "confidence": seg.confidence, "created_at": created_at}


class Segments(Sessions):
    """The `segments` table."""

    def add_segment(self, session_id: str, seg: Segment) -> str:
        with self.atomic():
            row = segment_row(session_id, seg, created_at=self.now())
            self.t("segments").insert(row)
            self.t("sessions").update(session_id, {"duration_s": max(seg.end, self._duration(session_id))})
        return str(row["id"])

    def add_segments(self, session_id: str, segments: Sequence[Segment]) -> None:
        with self.atomic():
            for seg in segments:
                self.add_segment(session_id, seg)

    def set_segment_speaker(self, segment_id: str, speaker: str, confidence: float | None) -> bool:
        """Label one segment's speaker (voice attribution, a reviewer's reassignment); returns whether it exists."""
        with self.atomic():
            if not list(self.t("segments").rows_where("id = ?", [segment_id], limit=1)):
                return False
            self.t("segments").update(segment_id, {"speaker": speaker, "confidence": confidence})
        return True

    def delete_segment(self, segment_id: str, *, actor: str, reason: str) -> bool:
        """Remove one segment (e.g. the microphone's echo of the call); the audit log keeps what it said."""
        with self.atomic():
            rows = list(self.t("segments").rows_where("id = ?", [segment_id], limit=1))
            if not rows:
                return False
            self.t("segments").delete(segment_id)
            self.audit(actor, "segment.delete", "segments", segment_id,
                       old={"start": rows[0]["start"], "end": rows[0]["end"], "text": rows[0]["text"],
                            "speaker": rows[0]["speaker"], "reason": reason})
        return True

    def segment(self, segment_id: str) -> dict[str, Any] | None:
        """One segment's row as stored (`words` as JSON text), or None."""
        with self.reading() as db:
            rows = [dict(r) for r in db.table("segments").rows_where("id = ?", [segment_id], limit=1)]
        return rows[0] if rows else None

    def segments_matching(self, ref: str) -> list[dict[str, Any]]:
        """Segments whose id is `ref` or starts with it: at most two (two means the prefix is ambiguous)."""
        with self.reading() as db:
            return [dict(r) for r in db.table("segments").rows_where("id = ? OR id LIKE ?", [ref, f"{ref}%"],
                                                                     limit=2)]

    def segment_rows(self, session_id: str) -> list[dict[str, Any]]:
        with self.reading() as db:
            rows = list(db.table("segments").rows_where("session_id = ?", [session_id], order_by="start"))
        for r in rows:
            r["words"] = json.loads(r["words"])
        return rows

    def segments(self, session_id: str) -> list[Segment]:
        return [
            Segment(r["start"], r["end"], r["text"], r["speaker"],
                    tuple(Word(w["start"], w["end"], w["word"], w.get("prob", 1.0)) for w in r["words"]),
                    r.get("confidence"))
            for r in self.segment_rows(session_id)
        ]

    def last_segment_end(self, session_id: str) -> float:
        with self.reading() as db:
            v = db.execute('SELECT max("end") FROM segments WHERE session_id = ?', [session_id]).fetchone()[0]
        return float(v or 0.0)
