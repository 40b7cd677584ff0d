"""A resume's structure, read before its sentences: sections, job headers (role, employer, dates),
bullets of any glyph and paragraphs, as units of lines each labelled with its section and role.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.notes.claims.lexicon import (
    ACRONYMS,
    ALPHA_WORD,
    BULLET,
    CLAIM_SECTIONS,
    DATE_RANGE,
    HAS_YEAR,
    MD_HEADING,
    SECTIONS,
    SEPARATORS,
    ends_sentence,
    ends_with_connector,
    fold,
    has_role_word,
    is_contact,
    is_date_only,
    split_words,
)
from interviewer.notes.claims.sentences import action_start


def _recase(text: str) -> str:
    """ALL-CAPS headings read better in title case: "DATA ENGINEER / ML ENGINEER" -> "Data Engineer / ML Engineer"."""
    letters = [c for c in text if c.isalpha()]
    if not letters or any(c.islower() for c in letters):
        return text

    def fix(m: re.Match[str]) -> str:
        w = m.group(0)
        return w if w.rstrip(".") in ACRONYMS else w[:1] + w[1:].lower()

    return ALPHA_WORD.sub(fix, text)


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
    words = split_words(text)
    if not words or len(words) > 6 or re.search(r"\d", text):
        return None
    norm = " ".join(re.sub(r"[^a-z&/ -]", "", fold(text).replace("&", " and ").replace("/", " and ")).split())
    norm = norm.strip(" -:")
    if norm in SECTIONS:
        return SECTIONS[norm]
    if ends_sentence(text) or re.search(r"[|,—–]", text):
        return None
    for n in range(min(3, len(words)), 0, -1):  # "Leadership & Community", "Technical skills (selected)"
        head = " ".join(norm.split()[:n])
        if head in SECTIONS and len(words) <= 4:
            return SECTIONS[head]
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
class Unit:
    lines: list[_Line]
    bullet: bool
    section: str
    kind: str = "other"
    role: str = ""
    heading: str = ""
    dates: str = ""

    @property
    def prose(self) -> bool:
        return any(re.search(r"[.!?]\s+[A-Z]", ln.text) for ln in self.lines)


@dataclass
class _Header:
    role: str | None = None
    employer: str | None = None
    dates: str | None = None  # "2021 – present", "janvier 2020 – présent"
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
    for m in DATE_RANGE.finditer(text):
        if m.group(0).strip():
            chunks.append((text[pos:m.start()], False))
            chunks.append(("", True))
            pos = m.end()
    chunks.append((text[pos:], False))
    for chunk, is_date in chunks:
        if is_date:
            after_date = True
            continue
        pieces = [p.strip(" ,;:()*_") for p in SEPARATORS.split(chunk)]
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
    starts_with_date = bool(DATE_RANGE.match(text.strip()))
    if header.dates is None:
        for d in DATE_RANGE.finditer(text):
            found = d.group(0).strip(" ()")
            if HAS_YEAR.search(found):
                header.dates = found
                break
    for part, after_date in _header_pieces(text):
        if has_role_word(part):
            if header.role is None:
                header.role = _recase(part)
        elif header.employer is None and not (after_date and starts_with_date) and not is_contact(part):
            # "Google, Mountain View, CA" -> "Google"; "Acme, Inc." stays whole; "Stripely (Dublin)" -> "Stripely"
            m = re.match(r"^(.+?),\s*(?!(?:inc|ltd|llc|gmbh|plc|corp)\b)", part, re.IGNORECASE)
            employer = re.sub(r"\s*\([^)]*\)?\s*$", "", m.group(1) if m else part).strip()
            header.employer = _recase(employer or part)


def _header_pieces(text: str) -> list[tuple[str, bool]]:
    """Header parts, with "Lead Data Scientist, Ubuntu Insurance" split into the role and the employer."""
    out: list[tuple[str, bool]] = []
    parts = _split_header_parts(text)
    # Another many-word part may be the employer ("Engineering Manager, Recommendations — Relay Media");
    # a single word after the separator is a place ("Lead Data Scientist, Ubuntu Insurance — Johannesburg").
    employer_elsewhere = any(len(p.split()) > 1 and not has_role_word(p) for p, _ in parts[1:])
    for part, after_date in parts:
        subparts = [p.strip() for p in part.split(", ")]
        if (len(subparts) > 1 and not employer_elsewhere and has_role_word(subparts[0])
                and not any(has_role_word(p) for p in subparts[1:])):
            out.append((subparts[0], after_date))
            out.append((", ".join(subparts[1:]), after_date))
        else:
            out.append((part, after_date))
    return out


def _looks_like_header(text: str) -> bool:
    """A job header: role, employer, place and dates, in any order."""
    words = split_words(text)
    if not words or len(words) > 16 or is_contact(text):
        return False
    if text.count(",") >= 3 and not HAS_YEAR.search(text):
        return False  # a skills list
    has_date = bool(DATE_RANGE.search(text)) and bool(HAS_YEAR.search(text) or re.search(r"\b(?:present|présent|aujourd'hui)\b", text, re.I))
    if ends_sentence(text) and not has_date:
        return False
    if has_date:
        return True
    if has_role_word(text) and len(words) <= 10:
        return True
    if SEPARATORS.search(text) and len(words) <= 10:
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
        md = MD_HEADING.match(raw)
        if md:
            out.append(_Line(i, raw, _clean_inline(md.group(2)), bullet=False, indent=indent,
                             md_level=len(md.group(1))))
            continue
        m = BULLET.match(raw)
        if m and raw[m.end():].strip():
            out.append(_Line(i, raw, _clean_inline(raw[m.end():]), bullet=True, indent=indent))
        else:
            out.append(_Line(i, raw, _clean_inline(raw), bullet=False, indent=indent))
    return out


def read_units(lines: Sequence[str]) -> list[Unit]:
    """Group lines into bullets and paragraphs, each labelled with its section."""
    parsed = _to_lines(lines)
    lengths = sorted(len(ln.raw.rstrip()) for ln in parsed if ln.text)
    wrap_width = lengths[int(len(lengths) * 0.9)] if lengths else 80
    units: list[Unit] = []
    kind = "preamble"
    heading = ""
    header = _Header()
    unit: Unit | None = None
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
        unit = Unit([line], line.bullet, section_label(), kind, header.role or "", heading, header.dates or "")

    def new_header_line(text: str) -> None:
        nonlocal header
        if header.used:
            header = _Header()
        _read_header(header, text)

    def job_header_outside_experience(line: _Line) -> bool:
        # No "Experience" heading: a dated role line after the summary starts the experience.
        text = line.text
        return (kind in ("preamble", "summary") and not line.bullet and not action_start(text)
                and bool(HAS_YEAR.search(text)) and _looks_like_header(text)
                and (has_role_word(text) or bool(SEPARATORS.search(text))) and not is_contact(text))

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
            if (letters and all(c.isupper() for c in letters) and len(split_words(text)) <= 4
                    and not _looks_like_header(text) and not is_contact(text) and kind != "preamble"):
                hk = "other"
        if hk == "achievements" and kind == "experience" and header.label() and line.md_level == 0:
            close()  # "Key achievements:" under a job labels its bullets; the job goes on
            prev = line
            continue
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
            if ends_with_connector(prev.text):
                unit.lines.append(line)
                prev = line
                continue
            if unit.bullet and (lower or line.indent > unit.lines[0].indent):
                unit.lines.append(line)
                prev = line
                continue
            if action_start(text):
                if lower and unit.prose and prev_long and not ends_sentence(prev.text):
                    unit.lines.append(line)
                else:
                    start_unit(line)
                prev = line
                continue
            if lower:
                unit.lines.append(line)
                prev = line
                continue
            if kind in CLAIM_SECTIONS and line.md_level == 0 and _looks_like_header(text):
                close()
                new_header_line(text)
                prev = line
                continue
            if not ends_sentence(prev.text):
                unit.lines.append(line)
                prev = line
                continue
            start_unit(line)
            prev = line
            continue

        if line.md_level >= 3 or (kind in CLAIM_SECTIONS and not action_start(text) and _looks_like_header(text)):
            close()
            new_header_line(text)
        elif kind in CLAIM_SECTIONS and not action_start(text) and (is_date_only(text) or is_contact(text)):
            close()
        elif kind == "preamble" and not action_start(text) and (is_contact(text) or len(split_words(text)) <= 6):
            close()  # name, title, contact details
        else:
            start_unit(line)
        prev = line
    close()
    return units


def join_lines(lines: Sequence[_Line]) -> tuple[str, list[tuple[int, int]]]:
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



def section_kinds(lines: Sequence[str]) -> set[str]:
    """The kinds of the section headings in a resume ("experience", "projects", "skip", …)."""
    kinds: set[str] = set()
    for line in _to_lines(lines):
        if not line.text or line.bullet:
            continue
        kind = _heading_kind(line.text)
        inline = _inline_heading(line.text) if kind is None else None
        if kind is not None:
            kinds.add(kind)
        elif inline is not None:
            kinds.add(inline[0])
    return kinds
