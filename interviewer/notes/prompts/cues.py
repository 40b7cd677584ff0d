"""Advisory follow-up cues from the committed transcript. A cue suggests what to ask next; it never scores.

Three kinds:

* ``topic``: the candidate just mentioned something the kit has a probe for (drift, p95, rollback ...);
  the quote is the words that triggered it.
* ``vague``: an answer that stays vague - "we" but never "I", no numbers, hedges ("kind of", "a lot",
  "it got better") - so a concrete follow-up is worth asking.
* ``untouched``: past half the planned time, a resume claim nobody has asked about yet.

Speakers: pass `candidate_speaker` to name the candidate's label in `Segment.speaker`; without it,
every segment not labelled as the evaluator ("evaluator", "interviewer") counts as the candidate.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from interviewer.core.transcript import Segment
from interviewer.notes.claims.model import Claim
from interviewer.notes.prompts.kits import Kit, Probe
from interviewer.notes.prompts.probes import shorten
from interviewer.notes.prompts.topics import STRONG, TopicMatch, kit_topics, topic_matches

TOPIC = "topic"
VAGUE = "vague"
UNTOUCHED = "untouched"

EVALUATOR_LABELS = frozenset({"evaluator", "interviewer", "host", "me"})
TURN_GAP_S = 2.5  # unlabelled segments further apart than this are different answers
MIN_ANSWER_WORDS = 10

_HEDGES = (
    "a lot", "lots of", "kind of", "sort of", "kinda", "sorta", "it got better", "got better", "got faster",
    "got worse", "pretty much", "stuff", "things like that", "and so on", "and so forth", "etcetera",
    "somehow", "basically", "more or less", "quite a bit", "a bit", "a few", "a couple", "some improvement",
    "significantly", "a ton", "tons of", "way better", "much better", "much faster", "various",
    "i guess", "i think", "i mean", "you know", "roughly", "probably", "more or less", "or something",
)
_HEDGE_RE = re.compile(r"\b(?:" + "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in _HEDGES) + r")\b",
                       re.IGNORECASE)
_I_RE = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|my|me|myself|mine)\b", re.IGNORECASE)
_WE_RE = re.compile(r"\b(?:we|we're|we've|we'd|we'll|our|ours|us|the team|the company)\b", re.IGNORECASE)
_NUMBER_RE = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"sixty|seventy|eighty|ninety|hundred|hundreds|thousand|thousands|million|millions|billion|percent|"
    r"half|halved|double|doubled|twice|triple|tripled|dozen)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Cue:
    """A suggestion for the evaluator, tied to a stretch of the recording (seconds)."""

    kind: str
    text: str
    quote: str
    start: float
    end: float
    probe_id: str | None = None
    claim_index: int | None = None


# ------------------------------------------------------------------ speakers and answers

def _is_candidate(seg: Segment, candidate_speaker: str | None) -> bool:
    label = seg.speaker.strip().casefold()
    if candidate_speaker is not None:
        return label == candidate_speaker.strip().casefold()
    return label not in EVALUATOR_LABELS


def _answers(segments: Sequence[Segment], candidate_speaker: str | None) -> list[list[Segment]]:
    """The candidate's answers: runs of consecutive candidate segments from one speaker."""
    out: list[list[Segment]] = []
    run: list[Segment] = []
    for seg in sorted(segments, key=lambda s: s.start):
        if not _is_candidate(seg, candidate_speaker):
            if run:
                out.append(run)
            run = []
            continue
        if run and (seg.speaker != run[-1].speaker or (not seg.speaker and seg.start - run[-1].end > TURN_GAP_S)):
            out.append(run)
            run = []
        run.append(seg)
    if run:
        out.append(run)
    return out


def _span_times(seg: Segment, start: int, end: int) -> tuple[float, float]:
    """Times of the words covering characters [start, end) of `seg.text`; the segment's times if unknown."""
    if not seg.words:
        return seg.start, seg.end
    lowered = seg.text.lower()
    cursor = 0
    hits: list[tuple[float, float]] = []
    for w in seg.words:
        token = w.word.strip().lower()
        if not token:
            continue
        at = lowered.find(token, cursor)
        if at < 0:
            continue
        cursor = at + len(token)
        if at < end and cursor > start:
            hits.append((w.start, w.end))
    if not hits:
        return seg.start, seg.end
    return min(h[0] for h in hits), max(h[1] for h in hits)


# ------------------------------------------------------------------ topic cues

def _probe_for_topic(kit: Kit, topic: str, skip: Collection[str]) -> Probe | None:
    primary = [p for p in kit.probes if p.topics and p.topics[0] == topic and p.id not in skip]
    if primary:
        return primary[0]
    return next((p for p in kit.probes if topic in p.topics and p.id not in skip), None)


def topic_cues(segments: Sequence[Segment], kit: Kit, *, asked_probe_ids: Collection[str] = (),
               candidate_speaker: str | None = None) -> list[Cue]:
    """One cue per topic the candidate mentioned (at its latest mention), with a bank probe not yet asked."""
    latest: dict[str, tuple[Segment, list[TopicMatch]]] = {}
    topics = kit_topics(kit)
    for seg in sorted(segments, key=lambda s: s.start):
        if not _is_candidate(seg, candidate_speaker):
            continue
        found: dict[str, list[TopicMatch]] = {}
        for m in topic_matches(seg.text, topics, min_weight=STRONG):
            found.setdefault(m.topic, []).append(m)
        for topic, matches in found.items():
            latest[topic] = (seg, matches)
    cues: list[Cue] = []
    used: set[str] = set(asked_probe_ids)
    for topic, (seg, matches) in sorted(latest.items(), key=lambda kv: (kv[1][0].start, kv[1][1][0].start)):
        probe = _probe_for_topic(kit, topic, used)
        if probe is None:
            continue
        used.add(probe.id)
        quote = " … ".join(dict.fromkeys(m.words for m in matches))
        start, end = _span_times(seg, matches[0].start, matches[-1].end)
        cues.append(Cue(TOPIC, probe.text, quote, start, end, probe_id=probe.id))
    return cues


# ------------------------------------------------------------------ vagueness cues

@dataclass(frozen=True)
class _Vagueness:
    words: int
    i_count: int
    we_count: int
    numbers: int
    hedges: tuple[str, ...]

    @property
    def vague(self) -> bool:
        if self.words < MIN_ANSWER_WORDS or self.numbers:
            return False
        return (len(self.hedges) >= 2
                or (len(self.hedges) >= 1 and self.we_count >= 1 and self.i_count == 0)
                or (self.we_count >= 2 and self.i_count == 0 and self.words >= 20))


def _measure(text: str) -> _Vagueness:
    hedges = tuple(" ".join(m.group(0).lower().split()) for m in _HEDGE_RE.finditer(text))
    without_hedges = _HEDGE_RE.sub(" ", text)  # "I guess we ..." is not the candidate owning the work
    return _Vagueness(
        words=len(text.split()),
        i_count=len(_I_RE.findall(without_hedges)),
        we_count=len(_WE_RE.findall(text)),
        numbers=len(_NUMBER_RE.findall(text)),
        hedges=hedges,
    )


def vagueness_cues(segments: Sequence[Segment], *, candidate_speaker: str | None = None) -> list[Cue]:
    """A cue for each candidate answer that stays vague: no numbers, and "we" without "I" or hedging."""
    cues: list[Cue] = []
    for answer in _answers(segments, candidate_speaker):
        text = " ".join(s.text.strip() for s in answer)
        v = _measure(text)
        if not v.vague:
            continue
        ownership = v.we_count >= 1 and v.i_count == 0
        asks: list[str] = []
        if v.hedges:
            asks.append(f'they said "{v.hedges[0]}" but gave no number: ask by how much, measured how, '
                        "against what baseline")
        if ownership:
            asks.append('they said "we" and never "I": ask which part they did themselves')
        body = "Vague answer: " + "; ".join(asks) + "."
        trigger = (_HEDGE_RE.search(text) if v.hedges else None) or _WE_RE.search(text)
        focus = (trigger.start(), trigger.end()) if trigger else None
        cues.append(Cue(VAGUE, body, shorten(text, focus=focus), answer[0].start, answer[-1].end))
    return cues


# ------------------------------------------------------------------ claims not yet discussed
def _wordset(words: str) -> frozenset[str]:
    """A vocabulary written as whitespace-separated words."""
    return frozenset(words.split())



_GENERIC = _wordset("""
about across after also analysts based before being built build building business company could customer
customers data daily deliver delivered design designed developed each engineers from have into made model
models more most over platform production project projects reduced service services some system systems
team teams than that their them then these they this those through time used users using weekly which
while with within work worked would years
""")


def _stem(word: str) -> str:
    w = word.lower().strip(".,;:!?()[]\"'“”‘’")
    w = w.removesuffix("'s")
    for suffix in ("ing", "ed", "es", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            return w[: -len(suffix)]
    return w


def _keywords(text: str) -> set[str]:
    out: set[str] = set()
    for raw in re.findall(r"[A-Za-z][\w'+-]*|\d[\d.,]*", text):
        if raw[0].isdigit():
            digits = raw.strip(".,")
            if len(digits) >= 2:
                out.add(digits)
            continue
        w = raw.lower()
        if len(w) >= 4 and w not in _GENERIC:
            out.add(_stem(w))
    return out


def _touched(claim: Claim, spoken: set[str]) -> bool:
    keys = _keywords(claim.text)
    if not keys:
        return True
    shared = keys & spoken
    return len(shared) >= 3 or (len(shared) >= 2 and len(shared) >= 0.4 * len(keys))


def untouched_claim_cues(claims: Sequence[Claim], segments: Sequence[Segment], elapsed_s: float,
                         planned_s: float, probed_claim_indices: Iterable[int] = ()) -> list[Cue]:
    """After half the planned time, a cue for each claim neither probed nor talked about.

    `claim_index` is the claim's index in `claims`; a claim counts as talked about when enough of its
    distinctive words (names, numbers, uncommon nouns) were said by anyone.
    """
    if planned_s <= 0 or elapsed_s < planned_s / 2:
        return []
    probed = set(probed_claim_indices)
    spoken: set[str] = set()
    for seg in segments:
        spoken |= _keywords(seg.text)
    cues: list[Cue] = []
    for i, claim in enumerate(claims):
        if i in probed or _touched(claim, spoken):
            continue
        quote = shorten(claim.text)
        cues.append(Cue(UNTOUCHED, f"Not discussed yet, and half the time has gone: '{quote}'.", quote,
                        elapsed_s, elapsed_s, claim_index=i))
    return cues


# ------------------------------------------------------------------ all together

def follow_up_cues(segments: Sequence[Segment], kit: Kit, claims: Sequence[Claim] = (), *,
                   elapsed_s: float | None = None, planned_s: float | None = None,
                   probed_claim_indices: Iterable[int] = (), asked_probe_ids: Collection[str] = (),
                   candidate_speaker: str | None = None) -> list[Cue]:
    """Topic, vagueness and untouched-claim cues, without duplicates, in time order.

    `elapsed_s` defaults to the end of the last segment; untouched-claim cues need `planned_s`.
    """
    cues = topic_cues(segments, kit, asked_probe_ids=asked_probe_ids, candidate_speaker=candidate_speaker)
    cues += vagueness_cues(segments, candidate_speaker=candidate_speaker)
    if planned_s is not None and claims:
        now = elapsed_s if elapsed_s is not None else max((s.end for s in segments), default=0.0)
        cues += untouched_claim_cues(claims, segments, now, planned_s, probed_claim_indices)
    out: list[Cue] = []
    seen: set[tuple[str, str]] = set()
    for cue in sorted(cues, key=lambda c: (c.start, c.kind)):
        if cue.probe_id is not None:
            key = ("probe", cue.probe_id)
        elif cue.claim_index is not None:
            key = ("claim", str(cue.claim_index))
        else:
            key = (cue.kind, f"{cue.start:.2f}:{cue.text}")
        if key not in seen:
            seen.add(key)
            out.append(cue)
    return out
