"""Screenshots of the calibration board: `python scripts/screenshot_board.py WINDOW.png PDFPAGE.png`.

Builds a sample role in a temporary data dir (three candidates asked the same two scenario cards, two
evaluators scoring every answer; no model needed), grabs the board window, writes the role's comparison
PDF and renders its "Judgment calls side by side" page with pdftoppm. Run under Xvfb or with
QT_QPA_PLATFORM=offscreen."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from interviewer.core.transcript import Segment, Word
from interviewer.notes.prompts.kits import default_kit_path, load_kit
from interviewer.notes.ratings import calls
from interviewer.notes.reports.compare_report import compare_pdf
from interviewer.notes.store.database import Store

ROLE = "Senior ML Engineer"
CARDS = {
    "sc-06": "Here is a scenario card: retrieval failures, fix or accept. Take a minute and tell me what you do.",
    "sc-09": "Next card: data residency and the security review. What do you ship in four weeks?",
}
ANSWERS = {
    "Zoë Ðặng": {
        "sc-06": "I would pull two hundred of the empty answers and read them. Most fall into three groups: no "
                 "article exists, tags are wrong, or the question uses product slang. I fix the slang with query "
                 "rewriting this week and leave missing articles as noise for now.",
        "sc-09": "First I ask security what they need to say yes. We move inference to an EU region, drop the "
                 "unclassified documents from the pilot, and log through the old stack. The sponsor gets a "
                 "smaller pilot on the date.",
    },
    "Ravi Menon": {
        "sc-06": "It depends on a lot of things. I would probably rebuild the index with a better embedding model "
                 "and that should fix most of the failures.",
        "sc-09": "I would wait for the review to finish and move the date, security always wins in the end.",
    },
    "Grace Okafor": {
        "sc-06": "I sample failures, group them by cause and weigh each group by how often users hit it. The "
                 "screenshots go in the same queue. Anything below one percent of traffic I call noise and tell "
                 "the head of support why.",
        "sc-09": "I would draft the data-flow diagram with the security team this week, ask which decision each of "
                 "us must take by when, and keep a self-hosted fallback if the region is refused.",
    },
}
SCORES = {("Zoë Ðặng", "sc-06"): (3, 3), ("Zoë Ðặng", "sc-09"): (4, 3), ("Ravi Menon", "sc-06"): (1, 2),
          ("Ravi Menon", "sc-09"): (1, 1), ("Grace Okafor", "sc-06"): (4, 2), ("Grace Okafor", "sc-09"): (4, 4)}


def _seg(start: float, text: str, speaker: str) -> Segment:
    words = text.split()
    ws = tuple(Word(start + i * 0.4, start + i * 0.4 + 0.35, " " + w, 0.95) for i, w in enumerate(words))
    return Segment(start, start + len(words) * 0.4, text, speaker, ws)


def build(store: Store) -> None:
    kit_path = default_kit_path()
    kit_id = store.save_kit(load_kit(kit_path), kit_path.read_text(encoding="utf-8"))
    role_id = store.get_or_create_role(ROLE)
    for name, answers in ANSWERS.items():
        cand = store.get_or_create_candidate(name)
        sid = store.create_session(candidate_id=cand, role_id=role_id, kit_id=kit_id, evaluator="Ada",
                                   status="complete")
        t = 600.0
        for key, question in CARDS.items():
            q = _seg(t, question, "interviewer")
            a = _seg(q.end + 1.0, answers[key], "candidate")
            store.add_segments(sid, [q, a])
            cid = calls.ask(store, sid, kind="scenario", key=key, start=q.start, end=a.end + 0.5, evaluator="Ada")
            ada, bo = SCORES[(name, key)]
            store.rate_call(cid, evaluator="Ada", score=ada, reason="against the card's anchors")
            store.rate_call(cid, evaluator="Bo", score=bo, reason="against the card's anchors")
            t = a.end + 240.0
        store.update_session(sid, duration_s=t)


def main() -> None:
    from interviewer.ui.board_window import BoardWindow

    window_png, page_png = Path(sys.argv[1]), Path(sys.argv[2])
    qapp = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "interviewer.sqlite3")
        build(store)
        win = BoardWindow(store, ROLE)
        win.resize(1280, 640)
        win.board.list.setCurrentRow(0)
        win.show()
        qapp.processEvents()
        win.board.table.resizeRowsToContents()
        qapp.processEvents()
        win.grab().save(str(window_png))
        pdf = compare_pdf(store, ROLE, Path(tmp) / "compare.pdf")
        from pypdf import PdfReader

        page = next(i for i, p in enumerate(PdfReader(pdf).pages, 1)
                    if "Judgment calls side by side" in (p.extract_text() or ""))
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                        str(page_png.with_suffix(""))], check=True)
        win.close()
        store.close()
    print(window_png, page_png)


if __name__ == "__main__":
    main()
