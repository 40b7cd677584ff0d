"""The colours the app and the PDF reports share, as hex strings (no Qt, no reportlab): a claim status, a
criterion or a piece of evidence looks the same in a window and on paper."""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------- text and lines
INK = "#161616"  # body text
MUTED = "#525252"  # secondary text: labels, notes, "not rated"
SUBTLE = "#6f6f6f"  # tertiary text; also the colour of an unprobed claim
RULE = "#c6c6c6"  # table rules, chart grids
PANEL = "#f4f4f4"  # the light background of an info panel or a table header

# ---------------------------------------------------------------------------------------------- signals
GOOD = "#198038"  # done, agreed, supporting
WARNING = "#b28600"  # tentative, in between
BAD = "#da1e28"  # contradicted, a concern, the panel splits

# ---------------------------------------------------------------------------------------------- evidence
SUPPORTS_COLOUR = GOOD
CONCERN_COLOUR = BAD
SPLIT_COLOUR = BAD  # evaluators two points or more apart on one answer


def polarity_colour(polarity: str) -> str:
    """The colour of evidence that supports (green) or is a concern (red)."""
    return CONCERN_COLOUR if polarity == "concern" else SUPPORTS_COLOUR


# ---------------------------------------------------------------------------------------------- claim statuses
STATUS_ORDER = ("verified", "contradicted", "vague", "probing", "unprobed")  # how reports list them
STATUS_COLOURS = {"verified": GOOD, "contradicted": BAD, "vague": WARNING, "probing": "#1f6fd1",
                  "unprobed": SUBTLE}


def status_colour(status: str) -> str:
    """The colour of a claim status (muted for a status this version does not know)."""
    return STATUS_COLOURS.get(status, MUTED)


# ---------------------------------------------------------------------------------------------- criteria
CRITERION_COLOURS = {
    "claim-verification": "#1f6fd1",
    "judgment": "#8a3ffc",
    "failure-archaeology": "#d1651f",
    "production-constraints": "#198038",
}
FALLBACK_COLOURS = ("#005d5d", "#9f1853", "#b28600", "#012749", "#6f6f6f")


def criterion_colour(key: str, position: int = 0) -> str:
    """The colour a criterion is drawn in, in every report and window: the default kit's criteria by their key
    (the same in any kit, in any order), any other by its position in the kit."""
    return CRITERION_COLOURS.get(key, FALLBACK_COLOURS[position % len(FALLBACK_COLOURS)])


# ---------------------------------------------------------------------------------------------- speakers
INTERVIEWER_COLOUR = "#1f6fd1"  # the interviewer's name on a transcript line (blue)
CANDIDATE_COLOUR = "#007d79"  # the candidate's, or any other speaker's (teal)
CONTEXT_COLOUR = SUBTLE  # the question a quote answers, shown apart from the candidate's words


def speaker_colour(speaker: str) -> str:
    """The colour of a speaker's name on a transcript line, in the live and review windows: the interviewer
    (a one-microphone session's voice label, or a track named so) blue, anyone else teal."""
    return INTERVIEWER_COLOUR if speaker.strip().lower().startswith("interv") else CANDIDATE_COLOUR
