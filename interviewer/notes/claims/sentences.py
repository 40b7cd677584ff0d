"""Is a sentence a claim? What the candidate did or achieved, whatever its grammar or language."""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.notes.claims.lexicon import (
    ACTION_FR,
    ACTION_PAST,
    CLAIM_OPENERS,
    CONNECTORS,
    FIRST_PERSON_FR,
    FLUFF_OPENERS,
    LEAD_FILLERS,
    NOMINAL_OPENERS,
    ROLE_WORDS,
    bare_word,
    fold,
    is_action_word,
    is_contact,
    is_date_only,
    split_words,
    wordset,
)
from interviewer.notes.claims.quantities import has_measure


def _title_prefix(words: Sequence[str]) -> bool:
    """A job title, not an action: "Lead Data Scientist", "Applied Scientist", "Head of Data"."""
    if (len(words) > 2 and bare_word(words[0]) in ROLE_WORDS and words[1] in ("of", "for")
            and words[2][:1].isupper()):
        return True
    for i, word in enumerate(words[:5]):
        bare = bare_word(word)
        if not bare or not (word[:1].isupper() or word[:1] == "&"):
            return False
        if i > 0 and bare in ROLE_WORDS:
            return True
    return False


def action_start(text: str) -> bool:
    """Does the sentence open with what the candidate did?"""
    words = split_words(text)
    if not words or FLUFF_OPENERS.match(text):
        return False
    i = 0
    while i < len(words) - 1 and bare_word(words[i]) in LEAD_FILLERS:
        i += 1
    if bare_word(words[i]) in {"i", "we"}:
        i += 1
        while i < len(words) - 1 and bare_word(words[i]) in LEAD_FILLERS:
            i += 1
    if i >= len(words) or len(words) - i < 2:
        return False
    if _title_prefix(words[i:]):
        return False
    first = bare_word(words[i])
    regular_past = len(first) >= 6 and first.endswith("ed")  # "Matched engineers to projects" is an action
    if first not in ACTION_PAST and not regular_past:  # "Lead ML engineer with ...", "Design engineer" name a role
        for w in words[i + 1:i + 4]:
            if bare_word(w) in CONNECTORS:
                break
            if bare_word(w) in ROLE_WORDS:
                return False
    return is_action_word(words[i]) or bool(CLAIM_OPENERS.match(" ".join(words[i:])))


_I_VERB = re.compile(r"\b(?:I|we|We|[Mm]y team|[Tt]he team|[Oo]ur team)\s+"
                     r"(?:(?:also|then|personally|successfully|later|jointly)\s+)?([\w-]+)")
_LED_BY_ME = re.compile(r"\b(?:under|with) my (?:lead|leadership|direction|management|guidance)\b|"
                        r"\bmy team\b", re.IGNORECASE)


def _is_past_or_quantified(verb: str, text: str) -> bool:
    """A summary's "I build great teams" is a self-description; "I built", or a number, is a claim."""
    w = bare_word(verb)
    return w in ACTION_PAST or w.endswith("ed") or bool(re.search(r"\d", text))


def is_claim_sentence(text: str, *, summary: bool = False) -> bool:
    words = split_words(text)
    if len(words) < 3:
        return False
    if action_start(text):
        first = next((w for w in words if bare_word(w) not in LEAD_FILLERS | {"i", "we"}), words[0])
        return not summary or _is_past_or_quantified(first, text)
    # "After users reported X, I designed ...", "Under my lead the team shipped ...": a subject and an
    # action early in the sentence. "The team ships weekly" alone is not the candidate's claim.
    for m in _I_VERB.finditer(" ".join(words[:14])):
        subject = m.group(0).split()[0].lower()
        if subject == "the" and not _LED_BY_ME.search(text):
            continue
        if is_action_word(m.group(1)) and (not summary or _is_past_or_quantified(m.group(1), text)):
            return True
    if _first_person_fr(text):
        return True
    # "Churn uplift model (open source): wrote a package ..." - a label, then the action.
    label, sep, rest = text.partition(":")
    return bool(sep) and len(split_words(label)) <= 8 and action_start(rest.strip())


def _first_person_fr(text: str) -> bool:
    """ "J'ai conçu …", "Nous avons réduit …", "J'ai aussi mené …": the French first person and an action."""
    folded = fold(text)
    m = FIRST_PERSON_FR.match(folded)
    if m is None:
        return False
    verb_index = len(folded[:m.start(1)].split())
    words = split_words(text)
    return verb_index < len(words) and (is_action_word(words[verb_index]) or m.group(1) in ACTION_FR)


# "The model was designed and taken to production", "Latency was cut", "a été déployé".
_PASSIVE = re.compile(r"\b(?:was|were|has been|have been|had been|got|a été|ont été|été)\s+(?:\w+ly\s+)?([\w-]+)",
                      re.IGNORECASE)
_SKILLS_LABEL = re.compile(r"^(?:tech(?:nologies|nology|nical)?(?: stack)?|stack|tools?|environment|environnement|"
                           r"outils|skills|comp[ée]tences|languages?|langages?|keywords|mots[- ]cl[ée]s)\s*:",
                           re.IGNORECASE)
# "Team size: 4", "Budget: $2M", "Direct reports: 6" - a field and its value, not something done.
_LABEL_NUMBER = re.compile(r"^[^\W\d][\w '’-]{0,30}:\s*[$€£₹]?[\d.,]+\s*[+%kKMB]?(?:\s+\w+)?\s*[.]?$")
# "Location: Remote (UTC+1)", "Reporting to: CTO", "Équipe : 8 personnes" - facts about the job.
_FIELD_LABEL = re.compile(r"^(?:location|lieu|based in|reporting to|reports to|rattach[ée]e? [àa]|team(?: size)?|"
                          r"[ée]quipe|industry|secteur|domain|contract|contrat|employment type|type de contrat)\s*:",
                          re.IGNORECASE)
_CONTEXT_OPENERS = re.compile(r"^(?:when|before|after|while|at the time|lorsque|quand|avant)\b", re.IGNORECASE)


def looks_like_list(text: str) -> bool:
    """A skills or tools list: "Tech stack: Python, Airflow", "Python, PyTorch, SQL"."""
    if _SKILLS_LABEL.match(text):
        return True
    items = [p.strip() for p in re.split(r"[,;|·•/]", text) if p.strip()]
    return len(items) >= 3 and all(len(p.split()) <= 3 for p in items)


def is_result_statement(text: str) -> bool:
    """A bullet under a job or project that states a result without opening on a verb.

    "Real-time fraud scoring: 12k TPS @ p99 < 40 ms", "Reduction of false positives by 27%",
    "Mise en place d'une surveillance de la dérive", "Model retraining was moved to weekly".
    Skills lists, dates, contact lines and context ("When I joined, …") are not.
    """
    words = split_words(text)
    if len(words) < 3 or looks_like_list(text) or is_contact(text) or is_date_only(text):
        return False
    if (_CONTEXT_OPENERS.match(text) or FLUFF_OPENERS.match(text) or _LABEL_NUMBER.match(text)
            or _FIELD_LABEL.match(text)):
        return False
    if NOMINAL_OPENERS.match(fold(text)):
        return True
    passive = _PASSIVE.search(text)
    if passive and is_action_word(passive.group(1)):
        return True
    return has_measure(text)


# ------------------------------------------------------------------ sentences

_ABBREVIATIONS = wordset("""
e.g i.e etc vs approx inc ltd co corp dr mr ms mrs prof jr sr st no fig al dept est min max avg
""")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in `text`."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"[.!?][\"')\]”’]*\s+(?=[\"'(“‘]?[A-Z0-9À-ÖØ-Þ])", text):
        before = text[start:m.start() + 1].split()
        last = before[-1].lower().rstrip(".") if before else ""
        if last in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", last) or (
            len(last) == 1 and last.isalpha()
        ):
            continue
        spans.append((start, m.start() + 1))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


FOLLOW_ON = re.compile(r"^(?:this|that|it|which|these|the result|as a result|the change|together)\b", re.IGNORECASE)

