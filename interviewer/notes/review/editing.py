"""After the interview: search every transcript, correct words, swap in a better transcript, export.

* `search` ranks segments by bm25 (FTS5) and marks the matching words in a `snippet`.
* `edit_segment_text` corrects the words of one segment and keeps its timestamps: each new word gets
  the time of the old word it replaces, so evidence ranges keep pointing at the same moments.
* `replace_segments` swaps a session's whole transcript (a re-transcription with a larger beam or
  model) in one transaction; every evidence item keeps its id and time range and re-reads its quote.
* `to_markdown` / `export_transcript` write a transcript as txt, srt, vtt or Markdown.

This module belongs to the notes layer: it never imports the audio layer or Qt.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from typing import Any

from interviewer.core.errors import UserError
from interviewer.core.transcript import (
    FORMATTERS,
    Segment,
    Word,
    context_in_range,
    mmss,
    normalise_word,
    speaker_label,
)
from interviewer.notes.store.database import Store
from interviewer.notes.store.records import EvidenceRecord
from interviewer.notes.store.revisions import QuoteChange
from interviewer.notes.store.search import search_segments

EXPORT_FORMATS = ("txt", "srt", "vtt", "md")
SEARCH_KEYS = ("session", "candidate", "start", "end", "text")
# A new word squeezed between two kept words needs at least this much time; otherwise it takes a
# share of its neighbour's time.
MIN_WORD_S = 0.08
MAX_DIFF_EXAMPLES = 20
# Matches ranked by bm25 at most (the newest ones); see `search`.
RANK_POOL = 10_000


def _dumps(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


# ---------------------------------------------------------------------------------------------- search
def fts_query(query: str) -> str:
    """The user's words as an FTS5 query that cannot be a syntax error: every whitespace-separated
    token becomes a quoted phrase (all must match); a trailing `*` stays a prefix search."""
    parts: list[str] = []
    for tok in query.split():
        core = tok.rstrip("*")
        prefix = bool(core) and core != tok
        if not core:
            continue
        parts.append('"' + core.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(parts)


def search(store: Store, query: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """Segments of every session matching all the words of `query`, best (bm25) first.

    Each hit: {"session", "candidate", "start", "end", "text", "snippet"}, where `snippet` is the
    segment text with the matching words in [brackets].

    Ranking every match of a very common word would take longer than typing it (bm25 is computed per
    matching row), so when more than `RANK_POOL` segments match, the most recently stored
    `RANK_POOL` matches are ranked. Below that every match is ranked."""
    q = fts_query(query)
    if not q or limit <= 0:
        return []
    hits = search_segments(store, q, limit=int(limit), pool=RANK_POOL)
    return [{"session": h.session_id, "candidate": h.candidate, "start": h.start, "end": h.end, "text": h.text,
             "snippet": h.snippet} for h in hits]


# ---------------------------------------------------------------------------------------------- word timing
def _spread(tokens: Sequence[str], start: float, end: float) -> list[tuple[float, float]]:
    """Times for `tokens` laid end to end over [start, end], in proportion to their length."""
    if not tokens:
        return []
    end = max(end, start)
    weights = [len(t) + 1 for t in tokens]
    total = float(sum(weights))
    out: list[tuple[float, float]] = []
    acc = 0
    for w in weights:
        a = start + (end - start) * acc / total
        acc += w
        b = start + (end - start) * acc / total
        out.append((round(a, 3), round(b, 3)))
    return out


def retime_words(old: Sequence[Word], tokens: Sequence[str], seg_start: float, seg_end: float) -> list[Word]:
    """New words for a corrected segment, on the old words' times.

    Same number of words: one to one. Otherwise the words the edit kept (compared without case and
    punctuation) keep their times, and each run of new words shares the time between its kept
    neighbours (the old words it replaces, and any pause), in proportion to word length. A word
    inserted where there is no time takes a share of its neighbour's. Without old word times, the
    words are spread over the segment."""
    if not tokens:
        return []
    if not old:
        return [Word(a, b, " " + t, 1.0) for t, (a, b) in zip(tokens, _spread(tokens, seg_start, seg_end),
                                                             strict=True)]
    old_norm = [normalise_word(w.word) for w in old]
    new_norm = [normalise_word(t) for t in tokens]
    if len(old) == len(tokens):
        return [Word(o.start, o.end, " " + t, o.prob if on == nn else 1.0)
                for o, t, on, nn in zip(old, tokens, old_norm, new_norm, strict=True)]
    # anchor[j] = index of the old word whose time new word j keeps.
    anchor: list[int | None] = [None] * len(tokens)
    sm = SequenceMatcher(a=old_norm, b=new_norm, autojunk=False)
    for tag, i1, i2, j1, _j2 in sm.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                if old_norm[i1 + k]:
                    anchor[j1 + k] = i1 + k
    span_start, span_end = old[0].start, old[-1].end
    while True:
        squeezed = False
        j = 0
        while j < len(tokens):
            if anchor[j] is not None:
                j += 1
                continue
            run_end = j
            while run_end < len(tokens) and anchor[run_end] is None:
                run_end += 1
            prev_anchor, next_anchor = (anchor[j - 1] if j > 0 else None), \
                (anchor[run_end] if run_end < len(tokens) else None)
            lo = old[prev_anchor].end if prev_anchor is not None else span_start
            hi = old[next_anchor].start if next_anchor is not None else span_end
            if hi - lo < MIN_WORD_S * (run_end - j) and (prev_anchor is not None or next_anchor is not None):
                # No room: the neighbouring kept word shares its time with the new ones.
                anchor[j - 1 if prev_anchor is not None else run_end] = None
                squeezed = True
                break
            j = run_end
        if not squeezed:
            break
    out: list[Word] = []
    j = 0
    while j < len(tokens):
        a = anchor[j]
        if a is not None:
            o = old[a]
            out.append(Word(o.start, o.end, " " + tokens[j], o.prob))
            j += 1
            continue
        run_end = j
        while run_end < len(tokens) and anchor[run_end] is None:
            run_end += 1
        prev_a = anchor[j - 1] if j > 0 else None
        next_a = anchor[run_end] if run_end < len(tokens) else None
        lo = old[prev_a].end if prev_a is not None else span_start
        hi = old[next_a].start if next_a is not None else span_end
        run = tokens[j:run_end]
        out.extend(Word(s, e, " " + t, 1.0) for t, (s, e) in zip(run, _spread(run, lo, hi), strict=True))
        j = run_end
    return out


def _words_of(row: dict[str, Any]) -> list[Word]:
    raw = row["words"]
    items = json.loads(raw) if isinstance(raw, str) else raw
    return [Word(float(w["start"]), float(w["end"]), str(w["word"]), float(w.get("prob", 1.0))) for w in items]


# ---------------------------------------------------------------------------------------------- editing
def edit_segment_text(store: Store, segment_id: str, new_text: str, *, actor: str) -> dict[str, Any]:
    """Correct the words of one segment, keeping its start, end and word timings (see `retime_words`).

    The audit log keeps the old text and words; quotes of evidence overlapping the segment are
    re-read. Returns the old row, to undo with `restore_segment`."""
    tokens = new_text.split()
    if not tokens:
        raise UserError("a segment needs some text (to hide a segment, correct it instead of emptying it)")
    with store.atomic():
        row = store.segment(segment_id)
        if row is None:
            raise UserError(f"no segment {segment_id!r}")
        old = row
        text = " ".join(tokens)
        old_words = _words_of(old)
        if text == old["text"].strip() and [w.word.strip() for w in old_words] == tokens:
            return old
        words = retime_words(old_words, tokens, float(old["start"]), float(old["end"]))
        words_json = _dumps([w.to_dict() for w in words])
        store.set_segment_text(segment_id, text, words_json)
        store.audit(actor, "segment.edit", "segments", segment_id,
                    old={"text": old["text"], "words": json.loads(old["words"])},
                    new={"text": text, "words": json.loads(words_json)})
        store.refresh_quotes(old["session_id"], float(old["start"]), float(old["end"]), actor=actor)
    return old


def restore_segment(store: Store, old_row: dict[str, Any], *, actor: str) -> None:
    """Undo `edit_segment_text`: put back the row's text and words, and re-read the quotes."""
    words = old_row["words"] if isinstance(old_row["words"], str) else _dumps(old_row["words"])
    with store.atomic():
        current = store.segment(old_row["id"])
        if current is None:
            raise UserError("this segment no longer exists (the session was re-transcribed since the edit)")
        store.set_segment_text(old_row["id"], old_row["text"], words)
        store.audit(actor, "segment.restore", "segments", old_row["id"],
                    old={"text": current["text"], "words": json.loads(current["words"])},
                    new={"text": old_row["text"], "words": json.loads(words)})
        store.refresh_quotes(current["session_id"], float(current["start"]), float(current["end"]), actor=actor)


# ---------------------------------------------------------------------------------------------- replacing
@dataclass(frozen=True)
class WordDiff:
    """Word-level differences between two transcripts (compared without case and punctuation)."""

    equal: int = 0
    substituted: int = 0
    inserted: int = 0
    deleted: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)  # {"at", "old", "new"}, first few

    @property
    def changed(self) -> int:
        return self.substituted + self.inserted + self.deleted

    @property
    def change_rate(self) -> float:
        """Edits per word of the old transcript (the word error rate of the old against the new)."""
        ref = self.equal + self.substituted + self.deleted
        return self.changed / ref if ref else float(self.inserted > 0)


@dataclass(frozen=True)
class RefineReport:
    session_id: str
    segments_before: int
    segments_after: int
    words_before: int
    words_after: int
    evidence: int
    quotes: list[QuoteChange]
    diff: WordDiff
    model: str | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["diff"]["changed"] = self.diff.changed
        d["diff"]["change_rate"] = round(self.diff.change_rate, 4)
        return d

    def summary(self) -> str:
        """One line, for a status bar."""
        return (f"{self.segments_before} -> {self.segments_after} segments, {self.diff.changed} word(s) changed "
                f"({self.diff.change_rate:.1%}), {self.evidence} evidence kept, {len(self.quotes)} quote(s) re-read")

    def summary_lines(self) -> list[str]:
        lines = [
            f"segments: {self.segments_before} -> {self.segments_after}",
            (f"words: {self.words_before} -> {self.words_after} ({self.diff.changed} changed: "
             f"{self.diff.substituted} substituted, {self.diff.inserted} inserted, {self.diff.deleted} deleted; "
             f"{self.diff.change_rate:.1%} of the old words)"),
            (f"evidence: {self.evidence} kept with their time ranges, {len(self.quotes)} quote(s) re-read "
             "differently"),
        ]
        lines.extend(f"  [{mmss(q.start)}-{mmss(q.end)}] {q.evidence_id[:8]}: \"{q.old}\" -> \"{q.new}\""
                     for q in self.quotes)
        if self.diff.examples:
            lines.append("changes:")
            lines.extend(f"  [{mmss(e['at'])}] \"{e['old']}\" -> \"{e['new']}\"" for e in self.diff.examples)
        lines.extend(f"note: {n}" for n in self.notes)
        return lines


def _flat_words(segments: Sequence[Segment]) -> list[Word]:
    out: list[Word] = []
    for s in segments:
        if s.words:
            out.extend(w for w in s.words if w.word.strip())
        else:
            toks = s.text.split()
            out.extend(Word(a, b, t, 1.0) for t, (a, b) in zip(toks, _spread(toks, s.start, s.end), strict=True))
    return out


def word_diff(old: Sequence[Word], new: Sequence[Word], *, examples: int = MAX_DIFF_EXAMPLES) -> WordDiff:
    a = [w for w in old if normalise_word(w.word)]
    b = [w for w in new if normalise_word(w.word)]
    sm = SequenceMatcher(a=[normalise_word(w.word) for w in a], b=[normalise_word(w.word) for w in b],
                         autojunk=False)
    eq = sub = ins = dele = 0
    shown: list[dict[str, Any]] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        n_old, n_new = i2 - i1, j2 - j1
        if tag == "equal":
            eq += n_old
            continue
        common = min(n_old, n_new)
        sub += common
        dele += n_old - common
        ins += n_new - common
        if len(shown) < examples:
            at = b[j1].start if n_new else a[i1].start
            shown.append({"at": round(at, 3), "old": " ".join(w.word.strip() for w in a[i1:i2]),
                          "new": " ".join(w.word.strip() for w in b[j1:j2])})
    return WordDiff(eq, sub, ins, dele, shown)


def replace_segments(store: Store, session_id: str, segments: Sequence[Segment], *, actor: str,
                     model: str | None = None) -> RefineReport:
    """Swap the session's transcript for `segments` in one transaction.

    Every evidence item keeps its id and time range; its quote is re-read from the new words (the
    audit log keeps the old quote). The audit log keeps the old segments' times, speakers and text.
    With `model`, the session's model label is updated too."""
    new_segments = sorted(segments, key=lambda s: (s.start, s.end))
    with store.atomic():
        session = store.session(session_id)
        old_rows = store.segment_rows(session_id)
        old_segments = store.segments(session_id)
        old_words, new_words = _flat_words(old_segments), _flat_words(new_segments)
        store.replace_transcript(session_id, new_segments, model=model)
        evidence = store.evidence(session_id)
        quotes = store.refresh_quotes(session_id, actor=actor)
        store.audit(actor, "segments.replace", "sessions", session_id,
                    old={"model": session.model,
                         "segments": [{"start": r["start"], "end": r["end"], "speaker": r["speaker"],
                                       "text": r["text"]} for r in old_rows]},
                    new={"model": model if model is not None else session.model,
                         "segments": len(new_segments), "words": len(new_words)})
    return RefineReport(session_id=session_id, segments_before=len(old_rows), segments_after=len(new_segments),
                        words_before=len(old_words), words_after=len(new_words), evidence=len(evidence),
                        quotes=quotes, diff=word_diff(old_words, new_words), model=model)


# ---------------------------------------------------------------------------------------------- exports
def _md_inline(text: str) -> str:
    """Text inside a Markdown line: no line breaks, and no accidental emphasis or links."""
    text = " ".join(text.split())
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def _when(iso: str | None) -> str:
    if not iso:
        return "-"
    return iso[:16].replace("T", " ") + " UTC"


def to_markdown(store: Store, session_id: str) -> str:
    """The transcript as Markdown: a header, then `**[mm:ss] speaker:** text` lines, each followed by
    the evidence items that start during it, as blockquotes."""
    session = store.session(session_id)
    segments = store.segments(session_id)
    evidence = store.evidence(session_id)
    names = store.criteria_names(session.kit_id) if session.kit_id else {}
    lines = [
        f"# Interview: {_md_inline(session.candidate)}",
        "",
        f"- **Candidate:** {_md_inline(session.candidate)}",
        f"- **Role:** {_md_inline(session.role or '-')}",
        f"- **Date:** {_when(session.started_at)}",
        f"- **Evaluator:** {_md_inline(session.evaluator or '-')}",
        f"- **Duration:** {mmss(float(session.duration_s or 0.0))}",
        f"- **Session:** `{session_id}`",
        "",
        "## Transcript",
        "",
    ]
    # Each evidence item goes after the last segment starting at or before it (the first segment for
    # evidence before any speech); evidence in a session without segments is listed at the end.
    by_segment: dict[int, list[EvidenceRecord]] = {}
    for ev in evidence:
        idx = 0
        for i, s in enumerate(segments):
            if s.start <= float(ev.start):
                idx = i
            else:
                break
        by_segment.setdefault(idx, []).append(ev)

    def evidence_line(ev: EvidenceRecord) -> str:
        crit = ev.criterion or ""
        label = names.get(crit, crit) or "note"
        text = (f"> **Evidence** [{mmss(float(ev.start))}–{mmss(float(ev.end))}] "
                f"**{_md_inline(label)}** ({ev.polarity})")
        if ev.quote:
            text += f": “{_md_inline(ev.quote)}”"
            # the question the candidate's words answer, apart (a line above, in italics)
            context = context_in_range(segments, float(ev.start), float(ev.end))
            if context:
                text = f"> _Q: {_md_inline(context)}_\n>\n{text}"
        if ev.note:
            text += f" — {_md_inline(ev.note)}"
        return text

    for i, s in enumerate(segments):
        who = f" {_md_inline(speaker_label(s))}:" if s.speaker else ""
        lines.append(f"**[{mmss(s.start)}]{who}** {_md_inline(s.text)}")
        lines.append("")
        for ev in by_segment.get(i, []):
            lines.append(evidence_line(ev))
            lines.append("")
    if not segments:
        lines.append("_No transcript._")
        lines.append("")
        for ev in evidence:
            lines.append(evidence_line(ev))
            lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def export_transcript(store: Store, session_id: str, fmt: str) -> str:
    """The session's transcript as `txt`, `srt`, `vtt` or `md` text."""
    if fmt == "md":
        return to_markdown(store, session_id)
    if fmt not in EXPORT_FORMATS:
        raise UserError(f"unknown transcript format {fmt!r} (one of: {', '.join(EXPORT_FORMATS)})")
    store.session(session_id)  # a clear error for an unknown session
    return FORMATTERS[fmt](store.segments(session_id))
