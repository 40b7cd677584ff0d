"""Why a resume gave no claims, said so the user can act on it, and how to add claims by hand.

The reasons, checked in order: the PDF has (almost) no text, as a scanned image does; the text is not in
a language the extractor reads (English, French); no Experience or Projects section was found; or the
sections were found but none of their lines states something done or achieved.
"""

from __future__ import annotations

import re

from interviewer.notes.claims.lexicon import fold
from interviewer.notes.claims.reader import ResumeDoc, ResumeError
from interviewer.notes.claims.structure import section_kinds

LANGUAGES = {"en": "English", "fr": "French"}
MIN_PDF_CHARS = 200  # less text than this on a PDF resume means the rest is images

# Function words that only one of the two languages uses much; resumes are terse, so few are needed.
_STOPWORDS = {
    "en": frozenset(["the", "and", "of", "for", "with", "to", "in", "on", "by", "from", "at", "was", "were", "i", "my", "we", "our", "team", "built", "led", "using", "experience", "skills", "education", "projects"]),
    "fr": frozenset(["le", "la", "les", "des", "du", "de", "et", "pour", "avec", "sur", "dans", "par", "une", "un", "au", "aux", "j'ai", "nous", "avons", "ete", "experience", "competences", "formation", "projets", "langues"]),
}
_WORD = re.compile(r"[^\W\d_][\w'’-]*")

HOW_TO_ADD = ("add the claims by hand: type one per line in the app's setup dialog, or write them as bullets "
              "under an 'Experience' heading in a .txt file and read that instead")


class NoClaimsError(ResumeError):
    """A readable resume that gave no claims; the message says why and how to add claims by hand."""


def detect_language(text: str) -> str:
    """"en", "fr" or "unknown", from how many of each language's function words the text uses."""
    words = [fold(w) for w in _WORD.findall(text[:20_000])]
    if not words:
        return "unknown"
    hits = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    best = max(hits, key=lambda lang: hits[lang])
    if hits[best] < max(3, 0.04 * len(words)):
        return "unknown"
    return best


def why_no_claims(doc: ResumeDoc) -> str:
    """One sentence: why `doc` gave no claims, and how to add them by hand."""
    text = doc.text
    letters = sum(c.isalpha() for c in text)
    if doc.format == "pdf" and letters < MIN_PDF_CHARS:
        reason = (f"the PDF has almost no text ({letters} letters; a scanned image?), so export it as text or "
                  f"run OCR first, or")
    elif (lang := detect_language(text)) == "unknown":
        reason = ("it does not read as English or French, the languages the claim extractor knows, so translate "
                  "it, or")
    else:
        kinds = section_kinds(doc.lines)
        sections_found = bool(kinds & {"experience", "projects", "achievements"})
        if not sections_found:
            reason = (f"no Experience or Projects section was found (a heading such as 'Experience', 'Projects'"
                      f"{', ' + repr('Expérience') if lang == 'fr' else ''} above the jobs), so add one, or")
        else:
            reason = (f"its {LANGUAGES[lang]} Experience and Projects sections state nothing done or achieved, "
                      f"so")
    return f"no claims found: {reason} {HOW_TO_ADD}"


def no_claims_error(doc: ResumeDoc) -> NoClaimsError:
    """The error to raise for a resume that gave no claims."""
    return NoClaimsError(why_no_claims(doc), path=doc.path)
