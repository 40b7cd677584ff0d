"""The shared palette: a known criterion keeps its colour in any kit and at any position; statuses and evidence
polarity have one colour each."""

from __future__ import annotations

from interviewer.core import palette


def test_a_known_criterion_keeps_its_colour_at_any_position():
    for key, colour in palette.CRITERION_COLOURS.items():
        assert {palette.criterion_colour(key, i) for i in range(8)} == {colour}


def test_other_criteria_take_the_fallbacks_in_turn():
    got = [palette.criterion_colour("custom", i) for i in range(len(palette.FALLBACK_COLOURS) + 1)]
    assert got == [*palette.FALLBACK_COLOURS, palette.FALLBACK_COLOURS[0]]
    assert not set(palette.FALLBACK_COLOURS) & set(palette.CRITERION_COLOURS.values())


def test_each_status_and_polarity_has_its_own_colour():
    assert len({palette.status_colour(s) for s in palette.STATUS_ORDER}) == len(palette.STATUS_ORDER)
    assert palette.status_colour("from a newer version") == palette.MUTED
    assert palette.polarity_colour("concern") == palette.CONCERN_COLOUR != palette.polarity_colour("supports")
