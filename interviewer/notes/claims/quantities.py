"""The quantities a claim states: before and after values, percentages, scale, multipliers, time frames.

Read as a resume writes them, in English and French: "from 0.58 to 0.74", "de 850 ms à 120 ms",
"₹4.2 Cr → ₹1.9 Cr", "+6.5 pp", "12k TPS", "3×", "40 000 réclamations", "within 9 months".
A number inside a name is not a quantity: "Llama 3 8B", "GPT-4", "p95", "NDCG@10", "SEV-1", "v2", "S3",
and a year on its own is a date, not a measurement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Models, products and versions whose numbers are part of the name.
_NAMED = (r"(?:Llama|LLaMA|Mistral|Mixtral|Qwen|Gemma|Phi|Falcon|GPT|Claude|Gemini|PaLM|BERT|T5|Whisper|"
          r"Python|Java|Windows|iOS|Android|Ubuntu|Postgres|PostgreSQL|MySQL|Spark|Angular|Vue|React|Node|"
          r"Kafka|Redis|Elasticsearch|Cassandra|Hadoop|Scala|YOLO|ResNet|Stable Diffusion|DALL-E|Version|v)")
_WORD_NUMBER = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
                r"hundred|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|vingt|cent)")
_CURRENCY = r"(?:[$€£₹¥]|\bRs\.?\s?|\bR(?=\s?\d)|\b(?:USD|EUR|GBP|INR|CAD|VND)\s?)"
_DIGITS = r"\d+(?:[.,]\d+)*(?:[\u00a0\u202f ]\d{3}(?![\d.,]))*"
_UNIT = (r"(?:[\u00a0\u202f ]?%|\s?(?:pp\b|p\.p\.|percent\b|pour ?cent\b|points?\b|x\b|×|ms\b|milliseconds?\b|s\b|secs?\b|"
         r"seconds?\b|secondes?\b|min\b|mins\b|minutes?\b|h\b|hrs?\b|hours?\b|heures?\b|days?\b|jours?\b|"
         r"weeks?\b|semaines?\b|months?\b|mois\b|quarters?\b|years?\b|yrs?\b|ans?\b|k\b|K\b|M\b|B\b|bn\b|"
         r"Cr\b|crores?\b|lakhs?\b|L\b|million\b|millions?\b|billion\b|milliards?\b|thousand\b|"
         r"TPS\b|QPS\b|RPS\b|rps\b|qps\b|req/s\b|GB\b|TB\b|PB\b|MB\b|GPUs?\b|nodes?\b))?")
_UNIT2 = r"(?:\s?(?:TPS|QPS|RPS|rps|qps|GB|TB|PB|MB|USD|EUR|GBP|VND|INR)\b)?"
QUANTITY = rf"(?:[+\-−]\s?)?{_CURRENCY}?{_DIGITS}{_UNIT}{_UNIT2}"
_NUMBER_RE = re.compile(rf"(?<![\w@.\-+])(?:{QUANTITY}|[×x]\s?{_DIGITS})(?![\w@])|(?<![\w-]){_WORD_NUMBER}\s"
                        r"(?=(?:days?|weeks?|months?|hours?|minutes?|jours|semaines|mois|heures|years?)\b)",
                        re.IGNORECASE)
_VALUE = rf"(?:{QUANTITY}|{_WORD_NUMBER}\s+\w+)"
_CHANGE_RE = re.compile(
    rf"\b(?:from|de|d')\s*(?P<before>{_VALUE})(?:\s+(?:a|an|per|par)\s+\w+)?\s+(?:to|à|a)\s+"
    rf"(?:(?:under|below|over|about|around|less than|more than|moins de|plus de|just)\s+)?(?P<after>{_VALUE})"
    rf"|(?P<b2>{QUANTITY})\s*(?:→|->|⇒|➔|=>)\s*(?P<a2>{QUANTITY})",
    re.IGNORECASE,
)
_NAME_NUMBER = re.compile(rf"\b{_NAMED}[\s-]?\d+(?:\.\d+)*(?:\s\d+(?:\.\d+)?[BMK]\b)?", re.IGNORECASE)
_YEAR = re.compile(r"(?:19[5-9]\d|20\d\d)(?:[–-]\d{2,4})?")
_TIME_FRAME = re.compile(
    rf"\b(?:within|in|over|during|after|en|sur|pendant|en moins de)\s+(?:\d+|{_WORD_NUMBER}|a|one)\s+"
    r"(?:days?|weeks?|months?|quarters?|years?|jours|semaines|mois|ans|trimestres?)\b|"
    r"\b(?:per|a|each|every|par|chaque)\s+(?:day|week|month|quarter|year|jour|semaine|mois|an|trimestre)\b",
    re.IGNORECASE,
)
_SCALE_UNIT = re.compile(r"(?:k|K|M|B|bn|million|millions|billion|milliards?|TPS|QPS|RPS|rps|qps|GB|TB|PB|Cr|"
                         r"crores?|lakhs?)$|per (?:second|sec|s|minute|day)\b|par seconde", re.IGNORECASE)


@dataclass(frozen=True)
class Quantity:
    """A quantity as written in the claim, with where it is.

    `kind` is "change" (a before and an after), "percent" (incl. percentage points), "money", "multiplier",
    "scale" (volumes and rates: 12k TPS, 2M documents), "duration" or "count".
    """

    kind: str
    text: str
    start: int
    end: int
    before: str = ""
    after: str = ""


def _name_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _NAME_NUMBER.finditer(text)]


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in spans)


def _kind(q: str) -> str:
    t = q.strip()
    if re.search(r"%|pp\b|p\.p\.|percent|pour ?cent|points?\b", t, re.IGNORECASE):
        return "percent"
    if re.match(rf"[+\-−]?\s?{_CURRENCY}", t) or re.search(r"\b(?:USD|EUR|GBP|INR|VND|Cr|crores?|lakhs?)\b", t):
        return "money"
    if re.search(r"[x×]\s?\d|\d\s?(?:x|×)$", t, re.IGNORECASE):
        return "multiplier"
    if _SCALE_UNIT.search(t):
        return "scale"
    if re.search(r"(?:ms|s|secs?|seconds?|secondes?|min|mins|minutes?|h|hrs?|hours?|heures?|days?|jours?|weeks?|"
                 r"semaines?|months?|mois|quarters?|years?|yrs?|ans?)$", t, re.IGNORECASE):
        return "duration"
    return "count"


def find_quantities(text: str) -> list[Quantity]:
    """The quantities in `text`, in order; a before→after pair is one "change" quantity."""
    names = _name_spans(text)
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for m in _CHANGE_RE.finditer(text):
        before = m.group("before") or m.group("b2")
        after = m.group("after") or m.group("a2")
        if _inside((m.start(), m.end()), names) or not re.search(r"\d|" + _WORD_NUMBER, before + after, re.I):
            continue
        if _YEAR.fullmatch(before.strip()) and _YEAR.fullmatch(after.strip()):
            continue  # "from 2019 to 2021" is a period
        out.append(Quantity("change", m.group(0), m.start(), m.end(), before.strip(), after.strip()))
        taken.append((m.start(), m.end()))
    for m in _NUMBER_RE.finditer(text):
        span = (m.start(), m.end())
        q = m.group(0).strip()
        if _inside(span, names) or _inside(span, taken) or not q:
            continue
        if _YEAR.fullmatch(q.lstrip("+-−")):
            continue
        out.append(Quantity(_kind(q), q, m.start(), m.start() + len(m.group(0).rstrip())))
    out.sort(key=lambda q: q.start)
    return out


def has_measure(text: str) -> bool:
    """Does the text state a measurable (a number that is not a year or part of a name, an arrow, a change)?"""
    return bool(find_quantities(text))


def time_frame(text: str) -> str | None:
    """"within 9 months", "per quarter", "par mois" — the period a quantity is stated over, if any."""
    m = _TIME_FRAME.search(text)
    return m.group(0) if m else None


def primary(quantities: list[Quantity]) -> Quantity | None:
    """The quantity a probe should ask about: a change first, then a percentage or money, then any."""
    for kinds in (("change",), ("percent", "money", "multiplier"), ("scale", "duration", "count")):
        for q in quantities:
            if q.kind in kinds:
                return q
    return None
