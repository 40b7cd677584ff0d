"""The live transcript: a revised line is rewritten in place. Who spoke, live (issue 17, item 2): one
microphone's lines arrive under the source's name, then their voice labels as revisions of the same lines;
the live transcript shows who spoke from then on, an uncertain line with '?'."""

from __future__ import annotations

from interviewer.core.transcript import Segment
from interviewer.ui.live.transcript import TranscriptView


def test_voice_labels_arriving_as_revisions_show_who_spoke(qtbot):
    view = TranscriptView()
    qtbot.addWidget(view)
    view.add(Segment(1.0, 2.0, "Tell me about the harness.", "laptop mic"), "a")
    view.add(Segment(3.0, 6.0, "It runs every night.", "laptop mic"), "b")
    view.add(Segment(7.0, 8.0, "Who wrote it?", "laptop mic"), "c")
    assert view.text.toPlainText().splitlines() == [
        "00:01  laptop mic: Tell me about the harness.", "00:03  It runs every night.", "00:07  Who wrote it?"]
    view.replace("a", Segment(1.0, 2.0, "Tell me about the harness.", "interviewer", (), 0.9))
    view.replace("b", Segment(3.0, 6.0, "It runs every night.", "candidate", (), 0.8))
    view.replace("c", Segment(7.0, 8.0, "Who wrote it?", "interviewer", (), 0.3))
    assert view.text.toPlainText().splitlines() == [
        "00:01  interviewer: Tell me about the harness.",
        "00:03  candidate: It runs every night.",
        "00:07  interviewer?: Who wrote it?"]
    view.add(Segment(9.0, 10.0, "I did.", "laptop mic"), "d")
    view.replace("d", Segment(9.0, 10.0, "I did.", "candidate", (), 0.9))
    assert view.text.toPlainText().splitlines()[-1] == "00:09  candidate: I did."


def test_transcript_view_replaces_a_line_in_place(qtbot):
    view = TranscriptView()
    qtbot.addWidget(view)
    view.add(Segment(1.0, 2.0, "Tell me about the harness.", "interviewer"), "a")
    view.add(Segment(3.0, 6.0, "The hardest are green with them.", "candidate"), "b")
    view.add(Segment(7.0, 8.0, "Every month.", "candidate"), "c")
    view.set_tentative("candidate", "and then")
    assert view.replace("b", Segment(3.0, 6.1, "The hardest agrees with them.", "candidate"))
    assert view.text.toPlainText().splitlines() == [
        "00:01  interviewer: Tell me about the harness.",
        "00:03  candidate: The hardest agrees with them.",
        "00:07  Every month."]
    assert [seg.text for seg in view.lines][1] == "The hardest agrees with them."
    assert view.tentative.text() == "candidate: and then …"  # the utterance in progress is untouched
    assert not view.replace("unknown", Segment(0.0, 1.0, "x", "candidate"))
    assert view.text.document().blockCount() == 3


def test_a_line_split_by_voice_shows_the_question_then_the_answer(qtbot):
    """The events a one-source session sends when a line holds both voices (live.session._on_split): the line's
    first part as a revision of its id, then the rest as a line of its own and its labelled revision."""
    view = TranscriptView()
    qtbot.addWidget(view)
    view.add(Segment(1.0, 6.0, "Who wrote it? I did, last spring.", "laptop mic"), "a")
    view.replace("a", Segment(1.0, 2.0, "Who wrote it?", "interviewer", (), 0.9))
    view.add(Segment(2.2, 6.0, "I did, last spring.", "candidate", (), 0.8), "a2")
    view.replace("a2", Segment(2.2, 6.0, "I did, last spring.", "candidate", (), 0.8))
    assert view.text.toPlainText().splitlines() == [
        "00:01  interviewer: Who wrote it?", "00:02  candidate: I did, last spring."]


def test_a_removed_line_goes_and_the_next_line_names_its_speaker(qtbot):
    view = TranscriptView()
    qtbot.addWidget(view)
    view.add(Segment(1.0, 2.0, "Tell me about the harness.", "interviewer"), "a")
    view.add(Segment(3.0, 6.0, "It runs every night.", "mic"), "echo")
    view.add(Segment(3.2, 6.2, "It runs every night.", "call"), "b")
    view.add(Segment(7.0, 8.0, "Every night?", "call"), "c")
    assert view.remove("echo") == Segment(3.0, 6.0, "It runs every night.", "mic")
    assert view.text.toPlainText().splitlines() == [
        "00:01  interviewer: Tell me about the harness.",
        "00:03  call: It runs every night.",  # its speaker now changes here: named
        "00:07  Every night?"]
    assert view.remove("echo") is None
    # the ids after the removed line still find their lines
    assert view.replace("c", Segment(7.0, 8.0, "Every single night?", "call"))
    assert view.text.toPlainText().splitlines()[-1] == "00:07  Every single night?"
    assert view.remove("c") is not None  # the last line
    assert view.remove("a") is not None  # the first line
    assert view.text.toPlainText().splitlines() == ["00:03  call: It runs every night."]
    view.add(Segment(9.0, 10.0, "Yes.", "call"), "d")
    assert view.text.toPlainText().splitlines() == ["00:03  call: It runs every night.", "00:09  Yes."]
    assert view.remove("b") is not None and view.remove("d") is not None
    assert view.text.document().isEmpty() and view.lines == []
