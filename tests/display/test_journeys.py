"""The evaluator's journeys on a real display, from the keyboard: a new interview set up and recorded, and a
demo interview stopped, reviewed (a line corrected, a score given) and exported as a PDF from the menu."""

from __future__ import annotations

from pypdf import PdfReader

from interviewer.notes.store.database import Store
from interviewer.notes.store.records import SessionListing
from tests.display.conftest import wait_for
from tests.display.test_live_journey import LIVE_TITLE, recording

CANDIDATE, ROLE, EVALUATOR = "Ada Lovelace", "ML Engineer", "Grace Hopper"
CLAIMS = ["Built the billing pipeline", "Cut p95 latency by half"]


def session(store: Store) -> SessionListing:
    return store.sessions()[-1]


def test_a_new_interview_from_the_keyboard_alone(display, launch, microphone):
    """Library → Ctrl+N → the setup dialog filled with Tab, typing and Space → Enter opens the interview →
    Ctrl+R records → 1 tags → Ctrl+. stops: the store has the candidate, claims, evaluator and consent."""
    app = launch(env=microphone)
    library = display.wait_for_window("^Interviewer — interviews$")
    display.wait_painted(library)
    display.activate(library)
    display.key("ctrl+n")
    setup = display.wait_for_window("^New interview$")
    display.wait_painted(setup)
    display.screenshot("setup-dialog")

    display.type(CANDIDATE)
    display.key("Tab")
    display.type(ROLE)
    display.key("Tab")
    display.type(EVALUATOR)
    display.key("Tab", "Tab", "Tab", "Tab", "Tab")  # Record my voice…, kit, Choose…, Import resume…, the claims
    display.type(CLAIMS[0])
    display.key("Return")
    display.type(CLAIMS[1])
    display.key("Tab", "Tab", "Tab", "Tab", "Tab")  # microphone, audio file…, second source, notice, Verbal
    display.key("space")  # verbal consent
    display.key("Tab")
    display.key("space")  # "I read this notice to the candidate and they agreed"
    display.screenshot("setup-dialog-filled")
    display.key("Return")  # Open interview, the default button

    live = display.wait_for_window(f"^Interviewer — {CANDIDATE} — {ROLE}$")
    display.wait_painted(live)
    display.activate(live)
    display.key("ctrl+r")
    app.wait_store(recording, "Ctrl+R to start recording")
    display.key("1")
    app.wait_store(lambda s: s.evidence(session(s).id), "1 to tag evidence")
    display.screenshot("new-interview-recording")
    display.key("ctrl+period")
    app.wait_store(lambda s: session(s).status == "complete", "Ctrl+. to stop and save", timeout=180)

    with app.store() as store:
        s = session(store)
        assert (s.candidate, s.role, s.evaluator) == (CANDIDATE, ROLE, EVALUATOR)
        cand = store.find_candidate(CANDIDATE)
        assert [c.text for c in store.claims(cand.id)] == CLAIMS
        [consent] = store.consents(s.id)
        assert (consent["method"], consent["confirmed_by"]) == ("verbal", EVALUATOR)
        [ev] = store.evidence(s.id)
        assert (ev.criterion, ev.polarity, ev.evaluator) == ("claim-verification", "supports", EVALUATOR)
    assert app.quit() == 0
    app.assert_clean_stderr()


def test_stop_review_correct_rate_and_export_a_pdf(display, launch, microphone, tmp_path):
    """Demo → Ctrl+. → Open review (Ctrl+Shift+R) → F2 corrects the first line → a score with its reason →
    File ▸ Export ▸ Session report from the menu, into a file named in the save dialog; the PDF read back."""
    app = launch("demo", env=microphone)
    window = display.wait_for_window(LIVE_TITLE)
    app.wait_store(recording, "the demo session to start recording")
    display.wait_painted(window)
    app.wait_store(lambda s: s.segments(session(s).id), "the first transcribed line", timeout=300)
    display.activate(window)
    display.key("ctrl+period")
    app.wait_store(lambda s: session(s).status == "complete", "Ctrl+. to stop and save", timeout=300)
    display.wait_painted(window)
    display.key("ctrl+shift+r")
    review = display.wait_for_window("^Review — ")
    display.wait_painted(review)
    display.activate(review)

    corrected = "You wrote that you cut the retrieval latency."
    display.key("F2")  # the line under the text cursor
    display.wait_painted(display.wait_for_window("^Correct the words$"))
    display.key("ctrl+a")
    display.type(corrected)
    display.key("Return")
    app.wait_store(lambda s: corrected in [r["text"] for r in s.segment_rows(session(s).id)],
                   "F2 to correct the line")

    display.wait_gone("^Correct the words$")
    display.activate(review)
    # From the first control (the speed box), Shift+Tab goes backwards: Save, reason, score of the last criterion.
    display.key("shift+Tab", "shift+Tab", "shift+Tab")
    # Down steps the score box from "—" to 3 (a digit would be the window's tag shortcut, not a score).
    display.key("Down", "Down", "Down")
    display.key("Tab")
    display.type("Counted the cost per question and chose a small model first.")
    display.key("Return")
    app.wait_store(lambda s: [(r.criterion, r.score, r.evaluator) for r in s.ratings(session(s).id)]
                   == [("production-constraints", 3, "Demo Evaluator")], "a score of 3 with its reason")
    display.screenshot("review-rated")

    pdf = tmp_path / "exported" / "report.pdf"
    pdf.parent.mkdir()
    display.key("alt+f", "e", "r")  # File ▸ Export ▸ Session report (PDF), by the menus' underlined letters
    save = display.wait_for_window("PDF|[Ee]xport|[Ss]ave")
    display.wait_painted(save)
    display.screenshot("export-save-dialog")
    display.key("ctrl+a")
    display.type(str(pdf))
    display.key("Return")
    wait_for(lambda: pdf.exists() and pdf.stat().st_size > 1000, "the exported PDF", timeout=180)
    text = wait_for(lambda: _pdf_text(pdf), "the PDF to be complete", timeout=60)
    assert "Demo Evaluator" in text
    assert "root" not in text.split()
    display.screenshot("review-exported")

    assert app.quit() == 0
    app.assert_clean_stderr()


def _pdf_text(path) -> str:
    try:
        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    except Exception:  # written but not complete yet
        return ""
