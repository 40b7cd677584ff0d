"""Segments and words as text: Whisper's split numbers and punctuation are joined as they were heard."""

from __future__ import annotations

from interviewer.core.transcript import Segment, Word, glued, join_words, words_in_range


def w(text: str, start: float) -> Word:
    return Word(start, start + 0.2, text, 0.9)


HEARD = Segment(0.0, 3.0, "Recall was 87% on 2,400 questions at $10.00 under-budget.", "c",
                (w(" Recall", 0.0), w(" was", 0.2), w(" 87", 0.4), w("%", 0.6), w(" on", 0.8), w(" 2", 1.0),
                 w(",400", 1.2), w(" questions", 1.4), w(" at", 1.6), w(" $10", 1.8), w(".00", 2.0),
                 w(" under", 2.2), w("-budget.", 2.4)))


def test_split_words_join_back_as_heard():
    assert join_words(HEARD.words) == HEARD.text
    assert glued(",400") and glued("%") and not glued(" 2") and not glued("word")  # a corrected word: spaced
    assert join_words([w("corrected", 0), w("words", 1)]) == "corrected words"


def test_words_in_range_keeps_numbers_whole():
    assert words_in_range([HEARD], 0.95, 1.75) == "2,400 questions at"
    later = Segment(4.0, 5.0, "Next.", "c", (w(" Next.", 4.0),))
    assert words_in_range([HEARD, later], 2.15, 5.0) == "under-budget. Next."


def test_exports_name_each_speaker_and_mark_an_uncertain_one():
    from interviewer.core.transcript import to_srt, to_txt, to_vtt

    lines = [Segment(1.0, 2.0, "Why?", "interviewer", (), 0.9), Segment(3.0, 4.0, "Because.", "candidate", (), 0.3),
             Segment(5.0, 6.0, "Next.", "interviewer")]
    assert to_txt(lines) == "[00:01] interviewer: Why?\n[00:03] candidate?: Because.\n[00:05] interviewer: Next.\n"
    assert "candidate?: Because." in to_srt(lines) and "interviewer: Next." in to_srt(lines)
    assert "candidate?: Because." in to_vtt(lines)
