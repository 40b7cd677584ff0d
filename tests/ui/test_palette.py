"""One palette (`interviewer.core.palette`): the app and the PDF reports draw each claim status and each criterion
in the same colour. The app's colours are read from its widgets, the PDFs' from the report code that draws them."""

from __future__ import annotations

import dataclasses
import re

import pytest
from PySide6.QtCore import QSettings

from interviewer.notes.prompts.kits import Criterion, Kit, dump_kit, load_kit
from interviewer.notes.reports.pdf import status_mark
from interviewer.notes.reports.session_data import session_summary
from interviewer.notes.store.claims import CLAIM_STATUSES
from interviewer.notes.store.database import Store
from interviewer.ui.live.window import LiveWindow


def markup_colour(markup: str) -> str:
    """The colour of a PDF paragraph's `<font color="...">`."""
    found = re.search(r'color="(#[0-9a-fA-F]{6})"', markup)
    assert found, markup
    return found.group(1).lower()


def sheet_colour(sheet: str) -> str:
    """The text colour of a Qt style sheet."""
    found = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", sheet)
    assert found, sheet
    return found.group(1).lower()


def reordered_kit() -> Kit:
    """The default kit with its criteria in another order and one criterion it does not have."""
    kit = load_kit()
    extra = Criterion("systems-design", "Systems design", "Designs for the load it will meet.",
                      dict(kit.criteria[0].anchors))
    return dataclasses.replace(kit, criteria=(kit.criteria[2], extra, *kit.criteria[:2], *kit.criteria[3:]))


@pytest.fixture
def store(data_dir):
    s = Store(data_dir.db_path)
    yield s
    s.close()


def window(qtbot, store: Store, kit: Kit, candidate_id: str, tmp_path) -> LiveWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = LiveWindow(store=store, kit=kit, candidate_id=candidate_id, candidate="Zoë Ðặng", evaluator="Ada",
                     session_factory=lambda listener: None, settings=settings)
    qtbot.addWidget(win)
    return win


@pytest.mark.parametrize("kit", [load_kit(), reordered_kit()], ids=["default-kit", "reordered-kit"])
def test_a_criterion_has_one_colour_in_the_app_and_the_pdf(qtbot, store, tmp_path, kit):
    kit_id = store.save_kit(kit, dump_kit(kit))
    cand = store.get_or_create_candidate("Zoë Ðặng")
    sid = store.create_session(candidate_id=cand, role_id=None, kit_id=kit_id, evaluator="Ada", status="complete")
    in_pdf = {c["key"]: c["colour"].lower() for c in session_summary(store, sid)["criteria"]}
    win = window(qtbot, store, kit, cand, tmp_path)
    in_app = {key: str(chip.property("colour")).lower() for key, chip in win.coverage.chips.items()}
    assert list(in_app) == [c.key for c in kit.criteria]
    assert in_app == in_pdf
    assert len(set(in_app.values())) == len(in_app)  # and no two criteria share one


def test_a_claim_status_has_one_colour_in_the_app_and_the_pdf(qtbot, store, tmp_path):
    kit = load_kit()
    cand = store.get_or_create_candidate("Zoë Ðặng")
    ids = store.add_claims(cand, [{"text": f"Claim {status}"} for status in CLAIM_STATUSES])
    for claim_id, status in zip(ids, CLAIM_STATUSES, strict=True):
        if status != "unprobed":
            store.set_claim_status(claim_id, status, actor="Ada")
    in_pdf = {status: markup_colour(status_mark(status)) for status in CLAIM_STATUSES}
    assert len(set(in_pdf.values())) == len(CLAIM_STATUSES)
    win = window(qtbot, store, kit, cand, tmp_path)
    buttons = {status: sheet_colour(b.styleSheet()) for status, b in win.status_buttons.items()}
    assert buttons == in_pdf
    win.reload_claims()
    listed = {c.status: win.claims_list.item(i).foreground().color().name()
              for i, c in enumerate(store.claims(cand))}
    assert set(listed) == set(CLAIM_STATUSES)
    for status in CLAIM_STATUSES:
        if status != "unprobed":  # the list shows an unprobed claim in plain ink, its button in the status colour
            assert listed[status] == in_pdf[status], status
