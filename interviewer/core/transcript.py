"""Transcript values shared by the audio and notes layers, and their plain-text formats.

Times are seconds from the start of the recording.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

# A voice-attributed segment below this confidence is marked uncertain.
UNCERTAIN_BELOW = 0.5
# The two sides of a one-microphone interview, as `Segment.speaker` carries them once attributed by voice.
INTERVIEWER = "interviewer"
CANDIDATE = "candidate"


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    word: str
    prob: float

    def to_dict(self) -> dict[str, Any]:
        return {"start": round(self.start, 3), "end": round(self.end, 3), "word": self.word,
                "prob": round(self.prob, 4)}


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    speaker: str = ""
    words: tuple[Word, ...] = field(default_factory=tuple)
    # How sure the voice attribution of `speaker` is, 0..1 (None: the speaker is a track's label, not a voice's)
    confidence: float | None = None

    @property
    def uncertain(self) -> bool:
        """Attributed by voice, but short or ambiguous: shown as uncertain, never as a silent guess."""
        return self.confidence is not None and self.confidence < UNCERTAIN_BELOW

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "text": self.text,
            "speaker": self.speaker,
            "words": [w.to_dict() for w in self.words],
        }
        if self.confidence is not None:
            d["confidence"] = round(self.confidence, 3)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Segment:
        words = tuple(Word(float(w["start"]), float(w["end"]), str(w["word"]), float(w.get("prob", 1.0)))
                      for w in d.get("words") or [])
        conf = d.get("confidence")
        return cls(float(d["start"]), float(d["end"]), str(d["text"]), str(d.get("speaker") or ""), words,
                   None if conf is None else float(conf))

    def shifted(self, offset: float, speaker: str | None = None) -> Segment:
        return Segment(
            self.start + offset,
            self.end + offset,
            self.text,
            self.speaker if speaker is None else speaker,
            tuple(Word(w.start + offset, w.end + offset, w.word, w.prob) for w in self.words),
            self.confidence,
        )


_NON_WORD = re.compile(r"[^\w']+")


def normalise_word(word: str) -> str:
    """A word as compared across transcripts (the review diff, the live path's loop check): lower case,
    without punctuation."""
    return _NON_WORD.sub("", word.lower())


def glued(raw: str) -> bool:
    """Whether a word continues the one before it without a space: Whisper gives "2,400" as " 2" and ",400",
    "87%" as " 87" and "%" (a word's own leading space says where a space goes)."""
    token = raw.strip()
    return bool(token) and not raw[:1].isspace() and not token[0].isalnum()


def join_words(words: Iterable[Word]) -> str:
    """Words as the text they were heard as: "2,400", not "2 ,400"."""
    out = ""
    for w in words:
        token = w.word.strip()
        if token:
            out += token if (not out or glued(w.word)) else " " + token
    return out


def _pieces(segments: Iterable[Segment], start: float, end: float) -> list[tuple[Segment, str]]:
    out: list[tuple[Segment, str]] = []
    for seg in segments:
        if seg.end < start or seg.start > end:
            continue
        if seg.words:
            text = join_words(w for w in seg.words if start <= (w.start + w.end) / 2 <= end)
        else:
            text = seg.text.strip() if start <= (seg.start + seg.end) / 2 <= end else ""
        if text:
            out.append((seg, text))
    return out


def _both_voices(pieces: list[tuple[Segment, str]]) -> bool:
    """Lines told apart by voice (one microphone) on both sides of the interview."""
    voiced = {seg.speaker for seg, _ in pieces if seg.confidence is not None}
    return {INTERVIEWER, CANDIDATE} <= voiced


def words_in_range(segments: Iterable[Segment], start: float, end: float) -> str:
    """The committed words whose midpoint lies inside [start, end], joined as text. Where the range holds lines
    told apart by voice on both sides, only the candidate's words are quoted (the interviewer's question is
    context: `context_in_range`)."""
    pieces = _pieces(segments, start, end)
    if _both_voices(pieces):
        pieces = [(seg, text) for seg, text in pieces if seg.speaker == CANDIDATE]
    return " ".join(text for _, text in pieces)


def context_in_range(segments: Iterable[Segment], start: float, end: float) -> str:
    """The interviewer's words that `words_in_range` leaves out of a quote (its context), or ""."""
    pieces = _pieces(segments, start, end)
    if not _both_voices(pieces):
        return ""
    return " ".join(text for seg, text in pieces if seg.speaker == INTERVIEWER)


def _timestamp(t: float, sep: str) -> str:
    ms = max(0, round(t * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def mmss(t: float) -> str:
    t = max(0, int(t))
    h, rem = divmod(t, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def speaker_label(s: Segment) -> str:
    """Who said a line, as the exports and windows name them: "candidate?" when told apart by voice unsurely."""
    return f"{s.speaker}?" if s.speaker and s.uncertain else s.speaker


def to_txt(segments: Sequence[Segment]) -> str:
    lines = []
    for s in segments:
        who = f"{speaker_label(s)}: " if s.speaker else ""
        lines.append(f"[{mmss(s.start)}] {who}{s.text.strip()}")
    return "\n".join(lines) + ("\n" if lines else "")


def _cue_text(s: Segment) -> str:
    return f"{speaker_label(s)}: {s.text.strip()}" if s.speaker else s.text.strip()


def to_srt(segments: Sequence[Segment]) -> str:
    blocks = [
        f"{i}\n{_timestamp(s.start, ',')} --> {_timestamp(s.end, ',')}\n{_cue_text(s)}\n"
        for i, s in enumerate(segments, 1)
    ]
    return "\n".join(blocks)


def to_vtt(segments: Sequence[Segment]) -> str:
    blocks = [f"{_timestamp(s.start, '.')} --> {_timestamp(s.end, '.')}\n{_cue_text(s)}\n" for s in segments]
    return "WEBVTT\n\n" + "\n".join(blocks)


def to_jsonl(segments: Sequence[Segment]) -> str:
    return "".join(json.dumps(s.to_dict(), ensure_ascii=False) + "\n" for s in segments)


FORMATTERS = {"txt": to_txt, "srt": to_srt, "vtt": to_vtt, "jsonl": to_jsonl}
