"""Split a resume into claims: statements of what the candidate did.

A claim is an action and its object ("Rebuilt the ranking service, cutting p95 from 900 ms to 200 ms").
Headings, contact lines, dates, education, skills lists and summary adjectives are not claims.

The extractor works on lines, as text extraction from PDF and Word gives them:

1. Each line is classified: section heading, bullet, job header (role, employer, dates), or text.
2. Lines are grouped into units: a bullet with its wrapped continuation lines, or a paragraph.
3. Units are split into sentences; a sentence that starts with an action verb (or says "I built ...")
   is a claim. A bullet stays one claim unless each of its sentences is an accomplishment of its own.

It is rule-based on purpose: it runs offline, instantly, with no model, and its mistakes can be read
and fixed. The rules are tuned on the fixtures in tests/fixtures/resumes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.notes.resume import ResumeDoc, read_resume

if TYPE_CHECKING:
    from interviewer.notes.kits import Kit


@dataclass
class Claim:
    """One statement of what the candidate did.

    `source` is the resume's own line(s) the claim came from; `section` is "Role — Employer" when the
    resume gives them, else its heading; `position` is the claim's order in the resume (0-based).
    """

    text: str
    source: str
    section: str
    position: int
    topics: tuple[str, ...] = ()


# ------------------------------------------------------------------ vocabulary
def _wordset(words: str) -> frozenset[str]:
    """A vocabulary written as whitespace-separated words."""
    return frozenset(words.split())



# Past-tense (and a few present) action verbs that open an accomplishment.
_ACTION_PAST = _wordset("""
accelerated achieved acquired adapted added addressed administered advanced advised advocated aligned
analysed analyzed annotated anonymised anonymized applied architected assembled assessed attracted audited
authored automated balanced benchmarked boosted bootstrapped brought budgeted built calibrated captured
catalogued centralised centralized chaired championed chose cleaned cleansed co-authored co-founded coached
collaborated collected combined commissioned communicated compiled completed composed computed conceived
conducted configured consolidated constructed consulted containerised containerized contributed converted
convinced coordinated co-led co-wrote corrected crafted created curated customised customized cut debugged
decided decreased decommissioned defined delivered deployed deprecated derived designed detected determined
developed devised diagnosed digitised digitized directed discovered distilled documented doubled drafted
drove earned educated eliminated embedded enabled encoded encrypted engineered enhanced ensured established
estimated evaluated evangelised evangelized examined executed expanded expedited experimented explored
exposed extended extracted facilitated fine-tuned fixed forecast forecasted formalised formalized formulated
fostered found founded gathered generated grew guided halved handled harmonised harmonized headed helped
hired identified implemented improved incorporated increased indexed influenced initiated innovated
inspected installed instituted instrumented integrated interviewed introduced invented investigated
labelled labeled launched laid lectured led leveraged lifted localised localized lowered maintained managed
mapped measured mentored merged migrated minimised minimized mitigated modeled modelled modernised
modernized monitored motivated moved negotiated onboarded open-sourced operated optimised optimized
orchestrated organised organized oversaw overhauled owned paired parallelised parallelized partnered
performed piloted pioneered planned ported predicted prepared presented prevented prioritised prioritized
processed produced productionised productionized profiled programmed proposed prototyped proved provided
published pushed quantified raised ran re-architected rearchitected rebuilt recruited redesigned reduced
refactored refined reimplemented released relabelled relabeled removed reorganised reorganized replaced
reported researched resolved restructured retrained revamped reviewed revised rewrote rolled rolled-out
saved scaled scoped screened secured segmented selected served set shaped shipped shortened simplified
slashed solved sourced spearheaded specified sped split sponsored stabilised stabilized standardised
standardized started steered streamlined strengthened structured supervised supported surfaced switched
synthesised synthesized systematised systematized taught tested tightened took tracked trained transformed
transitioned translated tripled troubleshot tuned unblocked unified upgraded validated verified visualised
visualized won worked wrote
""")

# Base forms, for present-tense resumes ("Lead a team of 6", "Owns the ranking stack", "Building ...").
_ACTION_BASE = _wordset("""
accelerate achieve add analyse analyze architect automate benchmark build coach collaborate create cut
debug define deliver deploy design develop direct drive establish evaluate forecast grow guide head help
hire implement improve increase instrument integrate introduce investigate launch lead maintain manage
mentor migrate model monitor optimise optimize orchestrate organise organize own oversee partner plan
prototype reduce refactor rewrite rebuild redesign review run scale set ship shape sponsor
standardise standardize streamline supervise support teach test train tune work write
""")

# Words ending in -ed that describe rather than act.
_NOT_ACTIONS = _wordset("""
experienced skilled seasoned motivated self-motivated dedicated detail-oriented results-oriented
results-driven data-driven proven interested based located born married licensed qualified talented
accomplished distinguished focused specialised specialized versed well-versed certified graduated
awarded promoted honoured honored nominated selected-for invited accepted admitted expected required
preferred advanced applied related used joined left returned relocated
""")

_LEAD_FILLERS = frozenset({"also", "additionally", "then", "later", "successfully", "personally",
                           "independently", "jointly", "single-handedly", "recently", "previously"})

# Phrases that introduce a claim without an action verb up front.
_CLAIM_OPENERS = re.compile(
    r"^(?:responsible for|in charge of|accountable for|part of (?:the|a) |member of (?:the|a) |"
    r"key contributor|core contributor|contributor to|involved in|worked on|tech(?:nical)? lead (?:for|on)|"
    r"owner of|first (?:ml|data|machine learning) (?:engineer|hire|scientist))",
    re.IGNORECASE,
)
_FLUFF_OPENERS = re.compile(r"^(?:seeking|looking for|aspiring|hoping|eager|passionate|keen|"
                            r"able to|ability to|strong|excellent|proficient|familiar|fluent)\b", re.IGNORECASE)

_ROLE_WORDS = _wordset("""
engineer engineers scientist scientists manager lead leader head director developer analyst architect
researcher assistant intern internship consultant founder co-founder cto ceo cio vp president officer
specialist associate fellow postdoc postdoctoral student professor lecturer administrator designer
programmer sre devops owner principal contractor freelance freelancer technician coordinator instructor
tutor advisor mle partner chair chief
""")

# Connect a wrapped line to the next one: a line ending in one of these is not finished.
_CONNECTORS = _wordset("""
a an the and or but nor of to for with without by from in into on onto at as via using across over under
than that which who whose whom where when while within through per plus vs is are was were be been being
has have had its their our my his her your this these those also both either each every not only
including such so after before between among against toward towards about around up out
""")

_ACRONYMS = _wordset("""
ML AI NLP LLM LLMS CV QA SRE VP CTO CEO CIO UK US USA EU IBM AWS GCP SQL API APIS MLOPS HR IT R&D BI ETL
PHD MSC BSC MBA MS BS BA MA BENG MENG NYC SF LA
""")

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_SEASON = r"(?:spring|summer|autumn|fall|winter)"
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_DATE = rf"(?:(?:{_MONTH}\s*[-–—/]\s*)?(?:{_MONTH}|{_SEASON})\s+{_YEAR}|\d{{1,2}}/{_YEAR}|{_YEAR}(?:-\d\d)?|present|current|now|today)"
_DATE_RANGE = re.compile(rf"\(?\s*{_DATE}\s*(?:[-–—]+|to|until)\s*{_DATE}\s*\)?|\(?\s*{_DATE}\s*\)?",
                         re.IGNORECASE)
_HAS_YEAR = re.compile(rf"\b{_YEAR}\b")

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_URL = re.compile(r"(?:https?://|www\.)\S+|\b(?:linkedin|github|gitlab|twitter|x)\.com/\S*|"
                  r"\b[\w-]+\.(?:com|org|net|io|dev|ai|me|co|uk)(?:/\S*)?\b", re.IGNORECASE)
_PHONE = re.compile(r"(?:\+|\()?\d[\d\s().-]{7,}\d")

_BULLET = re.compile(r"^\s*(?:[•▪●◦‣∙○■□➢►▶✓✔➤→·]\s*|[-*–—+]\s+|\(?\d{1,2}[.)]\s+|[a-h]\)\s+|o\s+(?=[A-Z]))")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SEPARATORS = re.compile(r"\s*(?:\||—|–|•|·|\s-\s|\s{3,}|\bat\b|@)\s*")
_ALPHA_WORD = re.compile(r"[A-Za-z][A-Za-z'&.+/-]*")

# Section headings, by what their content is.
_SECTIONS: dict[str, str] = {}
for _kind, _names in {
    "experience": """experience|work experience|professional experience|relevant experience|industry experience|
        employment|employment history|work history|career history|career|professional background|positions|
        research experience|teaching experience|experience and projects|work""",
    "projects": """projects|selected projects|personal projects|side projects|key projects|open source|
        open-source|open source contributions|portfolio""",
    "achievements": """key achievements|achievements|accomplishments|highlights|career highlights|
        selected achievements|impact|key accomplishments|notable achievements""",
    "summary": """summary|professional summary|profile|professional profile|about|about me|objective|
        career objective|overview|personal statement|introduction|bio""",
    "leadership": """leadership|leadership and community|community|volunteering|volunteer experience|
        activities|extracurricular activities|leadership experience|service""",
    "skip": """education|academic background|qualifications|skills|technical skills|core skills|key skills|
        skills and tools|core competencies|competencies|tools|technologies|tech stack|technical stack|
        certifications|certificates|licenses|licences|courses|coursework|training and certifications|
        languages|interests|hobbies|interests and hobbies|references|publications|selected publications|
        papers|patents|talks|talks and publications|awards|honors|honours|awards and honors|
        awards and honours|contact|contact details|contact information|personal details|
        personal information|links|additional information""",
}.items():
    for _name in _names.split("|"):
        _SECTIONS[" ".join(_name.split())] = _kind
_CLAIM_SECTIONS = frozenset({"experience", "projects", "achievements", "leadership", "other"})


# ------------------------------------------------------------------ small helpers

def _words(text: str) -> list[str]:
    return text.split()


def _bare(word: str) -> str:
    return word.strip(".,;:!?()[]{}\"'“”‘’*_`").lower()


def _is_action_word(word: str) -> bool:
    w = _bare(word)
    if not w or w in _NOT_ACTIONS:
        return False
    if w in _ACTION_PAST or w in _ACTION_BASE:
        return True
    for prefix in ("co-", "re-", "self-", "hand-", "open-", "auto-"):
        if w.startswith(prefix) and _is_action_word(w[len(prefix):]):
            return True
    if w.endswith("ies") and w[:-3] + "y" in _ACTION_BASE:
        return True
    if w.endswith("es") and (w[:-1] in _ACTION_BASE or w[:-2] in _ACTION_BASE):
        return True
    if w.endswith("s") and w[:-1] in _ACTION_BASE:
        return True
    if w.endswith("ing") and len(w) > 5:
        stem = w[:-3]
        if stem in _ACTION_BASE or stem + "e" in _ACTION_BASE or (
            len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in _ACTION_BASE
        ):
            return True
    # Unlisted regular past tenses ("Dockerised", "re-platformed"); not adjectives like "Experienced".
    return len(w) >= 6 and w.endswith("ed") and w.isascii() and w.replace("-", "").isalpha()


def _title_prefix(words: Sequence[str]) -> bool:
    """A job title, not an action: "Lead Data Scientist", "Applied Scientist", "Head of Data"."""
    if (len(words) > 2 and _bare(words[0]) in _ROLE_WORDS and words[1] in ("of", "for")
            and words[2][:1].isupper()):
        return True
    for i, word in enumerate(words[:5]):
        bare = _bare(word)
        if not bare or not (word[:1].isupper() or word[:1] == "&"):
            return False
        if i > 0 and bare in _ROLE_WORDS:
            return True
    return False


def _action_start(text: str) -> bool:
    """Does the sentence open with what the candidate did?"""
    words = _words(text)
    if not words or _FLUFF_OPENERS.match(text):
        return False
    i = 0
    while i < len(words) - 1 and _bare(words[i]) in _LEAD_FILLERS:
        i += 1
    if _bare(words[i]) in {"i", "we"}:
        i += 1
        while i < len(words) - 1 and _bare(words[i]) in _LEAD_FILLERS:
            i += 1
    if i >= len(words) or len(words) - i < 2:
        return False
    if _title_prefix(words[i:]):
        return False
    if _bare(words[i]) not in _ACTION_PAST:  # "Lead ML engineer with ...", "Design engineer" name a role
        for w in words[i + 1:i + 4]:
            if _bare(w) in _CONNECTORS:
                break
            if _bare(w) in _ROLE_WORDS:
                return False
    return _is_action_word(words[i]) or bool(_CLAIM_OPENERS.match(" ".join(words[i:])))


_I_VERB = re.compile(r"\b(?:I|we|We|[Mm]y team|[Tt]he team|[Oo]ur team)\s+"
                     r"(?:(?:also|then|personally|successfully|later|jointly)\s+)?([\w-]+)")
_LED_BY_ME = re.compile(r"\b(?:under|with) my (?:lead|leadership|direction|management|guidance)\b|"
                        r"\bmy team\b", re.IGNORECASE)


def _is_past_or_quantified(verb: str, text: str) -> bool:
    """A summary's "I build great teams" is a self-description; "I built", or a number, is a claim."""
    w = _bare(verb)
    return w in _ACTION_PAST or w.endswith("ed") or bool(re.search(r"\d", text))


def _is_claim_sentence(text: str, *, summary: bool = False) -> bool:
    words = _words(text)
    if len(words) < 3:
        return False
    if _action_start(text):
        first = next((w for w in words if _bare(w) not in _LEAD_FILLERS | {"i", "we"}), words[0])
        return not summary or _is_past_or_quantified(first, text)
    # "After users reported X, I designed ...", "Under my lead the team shipped ...": a subject and an
    # action early in the sentence. "The team ships weekly" alone is not the candidate's claim.
    for m in _I_VERB.finditer(" ".join(words[:14])):
        subject = m.group(0).split()[0].lower()
        if subject == "the" and not _LED_BY_ME.search(text):
            continue
        if _is_action_word(m.group(1)) and (not summary or _is_past_or_quantified(m.group(1), text)):
            return True
    # "Churn uplift model (open source): wrote a package ..." - a label, then the action.
    label, sep, rest = text.partition(":")
    return bool(sep) and len(_words(label)) <= 8 and _action_start(rest.strip())


def _strip_dates(text: str) -> str:
    return _DATE_RANGE.sub(" ", text)


def _is_contact(text: str) -> bool:
    text = text[:400]
    if _EMAIL.search(text) or _URL.search(text):
        return True
    m = _PHONE.search(text)
    return m is not None and sum(c.isdigit() for c in m.group(0)) >= 9


def _is_date_only(text: str) -> bool:
    rest = re.sub(r"[\W_]+", " ", _strip_dates(text)).strip()
    return bool(_HAS_YEAR.search(text) or re.search(r"present", text, re.I)) and not rest


def _has_role_word(text: str) -> bool:
    return any(_bare(w) in _ROLE_WORDS or _bare(w).rstrip("s") in _ROLE_WORDS for w in re.split(r"[\s/,]+", text))


def _ends_sentence(text: str) -> bool:
    t = text.rstrip(" *_)\"'”’")
    if not t.endswith((".", "!", "?")):
        return False
    last = _bare(t.split()[-1]) if t.split() else ""
    return last not in {"inc", "ltd", "co", "corp", "llc", "plc", "e.g", "i.e", "etc", "vs"}


def _ends_with_connector(text: str) -> bool:
    t = text.rstrip()
    if not t:
        return False
    if t.endswith((",", ";", ":", "&", "(", "/", "+")) or (t.endswith("-") and not t.endswith(" -")):
        return True
    return _bare(t.split()[-1]) in _CONNECTORS


def _recase(text: str) -> str:
    """ALL-CAPS headings read better in title case: "DATA ENGINEER / ML ENGINEER" -> "Data Engineer / ML Engineer"."""
    letters = [c for c in text if c.isalpha()]
    if not letters or any(c.islower() for c in letters):
        return text

    def fix(m: re.Match[str]) -> str:
        w = m.group(0)
        return w if w.rstrip(".") in _ACRONYMS else w[:1] + w[1:].lower()

    return _ALPHA_WORD.sub(fix, text)


_INLINE_MD = (
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: keep the text
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?!\s)([^_]+?)(?<!\s)_(?![\w_])"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
)


def _clean_inline(text: str) -> str:
    for pattern, repl in _INLINE_MD:
        text = pattern.sub(repl, text)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([,;])", r"\1", text)


def _heading_kind(text: str) -> str | None:
    """The section kind if this line is a section heading ("EXPERIENCE", "Key achievements:")."""
    words = _words(text)
    if not words or len(words) > 6 or re.search(r"\d", text):
        return None
    norm = " ".join(re.sub(r"[^a-z&/ -]", "", text.lower().replace("&", " and ").replace("/", " and ")).split())
    norm = norm.strip(" -:")
    if norm in _SECTIONS:
        return _SECTIONS[norm]
    if _ends_sentence(text) or re.search(r"[|,—–]", text):
        return None
    for n in range(min(3, len(words)), 0, -1):  # "Leadership & Community", "Technical skills (selected)"
        head = " ".join(norm.split()[:n])
        if head in _SECTIONS and len(words) <= 4:
            return _SECTIONS[head]
    return None


def _inline_heading(text: str) -> tuple[str, str] | None:
    """"SKILLS python, sql" or "Skills: Python, SQL" -> (kind, heading) when a known heading leads the line."""
    m = re.match(r"^([A-Z][A-Za-z &/-]{2,40}?)\s*:\s*(\S.*)$", text)
    if m and (kind := _heading_kind(m.group(1))) is not None:
        return kind, m.group(1).strip()
    m = re.match(r"^([A-Z][A-Z &/-]{2,40}?)\s{2,}(\S.*)$", text)
    if m and (kind := _heading_kind(m.group(1))) is not None:
        return kind, m.group(1).strip()
    return None


# ------------------------------------------------------------------ lines and units

@dataclass
class _Line:
    index: int
    raw: str
    text: str
    bullet: bool
    indent: int
    md_level: int = 0


@dataclass
class _Unit:
    lines: list[_Line]
    bullet: bool
    section: str
    kind: str = "other"

    @property
    def prose(self) -> bool:
        return any(re.search(r"[.!?]\s+[A-Z]", ln.text) for ln in self.lines)


@dataclass
class _Header:
    role: str | None = None
    employer: str | None = None
    used: bool = False  # a unit has been read under this header

    def label(self) -> str:
        if self.role and self.employer:
            return f"{self.role} — {self.employer}"
        return self.role or self.employer or ""


def _split_header_parts(text: str) -> list[tuple[str, bool]]:
    """Pieces of a job header; the flag says the piece followed a date (so is a place, not an employer)."""
    parts: list[tuple[str, bool]] = []
    after_date = False
    pos = 0
    chunks: list[tuple[str, bool]] = []
    for m in _DATE_RANGE.finditer(text):
        if m.group(0).strip():
            chunks.append((text[pos:m.start()], False))
            chunks.append(("", True))
            pos = m.end()
    chunks.append((text[pos:], False))
    for chunk, is_date in chunks:
        if is_date:
            after_date = True
            continue
        pieces = [p.strip(" ,;:()*_") for p in _SEPARATORS.split(chunk)]
        pieces = [p for p in pieces if p and re.search(r"[A-Za-z]", p)]
        if len(pieces) == 1 and "," in pieces[0]:
            pieces = [p.strip(" ()") for p in pieces[0].split(",") if p.strip(" ()")]
            # keep "Acme, Inc." together
            merged: list[str] = []
            for p in pieces:
                if merged and re.fullmatch(r"(?i)inc\.?|ltd\.?|llc|gmbh|plc|s\.?a\.?|corp\.?", p):
                    merged[-1] += ", " + p
                else:
                    merged.append(p)
            pieces = merged
        parts.extend((p, after_date) for p in pieces)
    return parts


def _read_header(header: _Header, text: str) -> None:
    starts_with_date = bool(_DATE_RANGE.match(text.strip()))
    for part, after_date in _split_header_parts(text):
        if _has_role_word(part):
            if header.role is None:
                header.role = _recase(part)
        elif header.employer is None and not (after_date and starts_with_date) and not _is_contact(part):
            # "Google, Mountain View, CA" -> "Google"; "Acme, Inc." stays whole
            m = re.match(r"^(.+?),\s*(?!(?:inc|ltd|llc|gmbh|plc|corp)\b)", part, re.IGNORECASE)
            header.employer = _recase(m.group(1) if m else part)


def _looks_like_header(text: str) -> bool:
    """A job header: role, employer, place and dates, in any order."""
    words = _words(text)
    if not words or len(words) > 16 or _is_contact(text):
        return False
    if text.count(",") >= 3 and not _HAS_YEAR.search(text):
        return False  # a skills list
    has_date = bool(_DATE_RANGE.search(text)) and bool(_HAS_YEAR.search(text) or re.search(r"present", text, re.I))
    if _ends_sentence(text) and not has_date:
        return False
    if has_date:
        return True
    if _has_role_word(text) and len(words) <= 10:
        return True
    if _SEPARATORS.search(text) and len(words) <= 10:
        return True
    capitalised = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return len(words) <= 5 and capitalised == len(words)


def _to_lines(lines: Sequence[str]) -> list[_Line]:
    out: list[_Line] = []
    for i, raw in enumerate(lines):
        if not raw.strip():
            out.append(_Line(i, raw, "", bullet=False, indent=0))
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        md = _MD_HEADING.match(raw)
        if md:
            out.append(_Line(i, raw, _clean_inline(md.group(2)), bullet=False, indent=indent,
                             md_level=len(md.group(1))))
            continue
        m = _BULLET.match(raw)
        if m and raw[m.end():].strip():
            out.append(_Line(i, raw, _clean_inline(raw[m.end():]), bullet=True, indent=indent))
        else:
            out.append(_Line(i, raw, _clean_inline(raw), bullet=False, indent=indent))
    return out


def _units(lines: Sequence[str]) -> list[_Unit]:
    """Group lines into bullets and paragraphs, each labelled with its section."""
    parsed = _to_lines(lines)
    lengths = sorted(len(ln.raw.rstrip()) for ln in parsed if ln.text)
    wrap_width = lengths[int(len(lengths) * 0.9)] if lengths else 80
    units: list[_Unit] = []
    kind = "preamble"
    heading = ""
    header = _Header()
    unit: _Unit | None = None
    prev: _Line | None = None

    def close() -> None:
        nonlocal unit
        if unit is not None:
            units.append(unit)
            unit = None

    def section_label() -> str:
        return header.label() or heading

    def start_unit(line: _Line) -> None:
        nonlocal unit
        close()
        header.used = True
        unit = _Unit([line], line.bullet, section_label(), kind)

    def new_header_line(text: str) -> None:
        nonlocal header
        if header.used:
            header = _Header()
        _read_header(header, text)

    def job_header_outside_experience(line: _Line) -> bool:
        # No "Experience" heading: a dated role line after the summary starts the experience.
        text = line.text
        return (kind in ("preamble", "summary") and not line.bullet and not _action_start(text)
                and bool(_HAS_YEAR.search(text)) and _looks_like_header(text)
                and (_has_role_word(text) or bool(_SEPARATORS.search(text))) and not _is_contact(text))

    for line in parsed:
        text = line.text
        if text and job_header_outside_experience(line):
            close()
            kind, heading, header = "experience", "", _Header()
        if not text:
            # a blank line ends a paragraph; a bullet may still wrap past it in some PDF exports
            if unit is not None and not unit.bullet:
                close()
            prev = line
            continue

        # --- section headings
        hk = _heading_kind(text) if not line.bullet else None
        if hk is None and line.md_level in (1, 2) and not _looks_like_header(text):
            hk = "preamble" if line.md_level == 1 and kind == "preamble" else "other"
        if hk is None and not line.bullet and line.md_level == 0:
            inline = _inline_heading(text)
            if inline is not None:
                close()
                kind, heading, header = inline[0], _recase(inline[1]), _Header()
                prev = line
                continue
            letters = [c for c in text if c.isalpha()]
            if (letters and all(c.isupper() for c in letters) and len(_words(text)) <= 4
                    and not _looks_like_header(text) and not _is_contact(text) and kind != "preamble"):
                hk = "other"
        if hk is not None:
            close()
            kind, heading, header = hk, _recase(text.rstrip(":")), _Header()
            prev = line
            continue
        if kind == "skip":
            prev = line
            continue

        # --- bullets always start a unit
        if line.bullet:
            start_unit(line)
            prev = line
            continue

        # --- a non-bullet line: continuation, job header, or the start of a paragraph
        if unit is not None and prev is not None and prev.text:
            lower = text[:1].islower() or not text[:1].isalnum()
            prev_long = len(prev.raw.rstrip()) >= 0.75 * wrap_width
            if _ends_with_connector(prev.text):
                unit.lines.append(line)
                prev = line
                continue
            if unit.bullet and (lower or line.indent > unit.lines[0].indent):
                unit.lines.append(line)
                prev = line
                continue
            if _action_start(text):
                if lower and unit.prose and prev_long and not _ends_sentence(prev.text):
                    unit.lines.append(line)
                else:
                    start_unit(line)
                prev = line
                continue
            if lower:
                unit.lines.append(line)
                prev = line
                continue
            if kind in _CLAIM_SECTIONS and line.md_level == 0 and _looks_like_header(text):
                close()
                new_header_line(text)
                prev = line
                continue
            if not _ends_sentence(prev.text):
                unit.lines.append(line)
                prev = line
                continue
            start_unit(line)
            prev = line
            continue

        if line.md_level >= 3 or (kind in _CLAIM_SECTIONS and not _action_start(text) and _looks_like_header(text)):
            close()
            new_header_line(text)
        elif kind in _CLAIM_SECTIONS and not _action_start(text) and (_is_date_only(text) or _is_contact(text)):
            close()
        elif kind == "preamble" and not _action_start(text) and (_is_contact(text) or len(_words(text)) <= 6):
            close()  # name, title, contact details
        else:
            start_unit(line)
        prev = line
    close()
    return units


# ------------------------------------------------------------------ sentences

_ABBREVIATIONS = _wordset("""
e.g i.e etc vs approx inc ltd co corp dr mr ms mrs prof jr sr st no fig al dept est min max avg
""")


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in `text`."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"[.!?][\"')\]”’]*\s+(?=[\"'(“‘]?[A-Z0-9])", text):
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


_FOLLOW_ON = re.compile(r"^(?:this|that|it|which|these|the result|as a result|the change|together)\b", re.IGNORECASE)


def _join_lines(lines: Sequence[_Line]) -> tuple[str, list[tuple[int, int]]]:
    """Join a unit's lines into one text; also each line's (start, end) offset in that text."""
    text = ""
    offsets: list[tuple[int, int]] = []
    for ln in lines:
        piece = ln.text
        if text and text.endswith("-") and re.search(r"[A-Za-z]-$", text) and piece[:1].isalpha():
            pass  # "data-\nexfiltration": a hyphenated word broken at the hyphen
        elif text:
            text += " "
        offsets.append((len(text), len(text) + len(piece)))
        text += piece
    return text, offsets


def _unit_claims(unit: _Unit) -> list[tuple[str, str]]:
    """(claim text, source lines) for each claim in a unit."""
    text, offsets = _join_lines(unit.lines)
    spans = _sentence_spans(text)
    sentences = [text[a:b].strip() for a, b in spans]
    summary = unit.kind in ("summary", "preamble")
    is_claim = [_is_claim_sentence(s, summary=summary) for s in sentences]

    def source(a: int, b: int) -> str:
        return "\n".join(ln.raw.strip() for ln, (s, e) in zip(unit.lines, offsets, strict=True) if s < b and e > a)

    if unit.bullet:
        # A bullet is one accomplishment unless each of its sentences opens with an action.
        if len(sentences) > 1 and sum(is_claim) == len(sentences) and all(_action_start(s) for s in sentences):
            return [(s, source(a, b)) for s, (a, b) in zip(sentences, spans, strict=True)]
        if any(is_claim[:2]):
            return [(text.strip(), source(0, len(text)))]
        return []

    out: list[tuple[str, int, int]] = []
    for s, (a, b), ok in zip(sentences, spans, is_claim, strict=True):
        if ok:
            out.append((s, a, b))
        elif out and out[-1][2] <= a and _FOLLOW_ON.match(s) and re.search(r"\d", s):
            # "This cut hallucinations by 40%." belongs to the claim before it.
            prev_text, pa, _ = out[-1]
            out[-1] = (prev_text + " " + s, pa, b)
    return [(s, source(a, b)) for s, a, b in out]


# ------------------------------------------------------------------ public API

def _doc_lines(doc_or_text: ResumeDoc | str | Sequence[str]) -> Sequence[str]:
    if isinstance(doc_or_text, ResumeDoc):
        return doc_or_text.lines
    if isinstance(doc_or_text, str):
        return ResumeDoc.from_text(doc_or_text).lines
    return list(doc_or_text)


def extract_claims(doc_or_text: ResumeDoc | str | Sequence[str], kit: Kit | None = None) -> list[Claim]:
    """The claims in a resume, in order. With a kit, each claim's `topics` are filled in."""
    claims: list[Claim] = []
    seen: set[str] = set()
    for unit in _units(_doc_lines(doc_or_text)):
        for text, source in _unit_claims(unit):
            clean = text.strip().lstrip("-–—:;,. ").strip()
            key = re.sub(r"\W+", " ", clean.lower()).strip()
            if not clean or key in seen:
                continue
            seen.add(key)
            claims.append(Claim(clean, source, unit.section, len(claims)))
    if kit is not None:
        from interviewer.notes.topics import topics_for_text

        for c in claims:
            c.topics = topics_for_text(c.text, kit)
    return claims


def claims_from_file(path: Path | str, kit: Kit | None = None) -> list[Claim]:
    """Read a resume file and extract its claims; raises `ResumeError` for unreadable files."""
    return extract_claims(read_resume(path), kit)


def claims_report(path: Path | str, kit: Kit | None = None) -> list[dict[str, Any]]:
    """The public JSON shape of `interviewer claims RESUME --format json`.

    `[{"text", "source", "section", "topics": [...], "probes": [{"text", "criterion", "topic"}]}]`;
    `kit=None` uses the bundled default kit.
    """
    from interviewer.notes.kits import load_kit
    from interviewer.notes.probes import probes_for_claim

    the_kit = kit if kit is not None else load_kit()
    return [
        {
            "text": claim.text,
            "source": claim.source,
            "section": claim.section,
            "topics": list(claim.topics),
            "probes": [{"text": p.text, "criterion": p.criterion, "topic": p.topic}
                       for p in probes_for_claim(claim, the_kit)],
        }
        for claim in claims_from_file(path, the_kit)
    ]
