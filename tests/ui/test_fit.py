"""Every window fits the common laptop screens (1280×800, 1366×768, 1440×900): none has a minimum size above
1280×720."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.store.database import Store
from interviewer.ui.main_window import MainWindow
from interviewer.ui.review.window import ReviewWindow
from interviewer.ui.setup_dialog import SetupDialog
from tests.builders import synthetic_session

LAPTOP = (1280, 720)  # the smallest: 1366×768 less a panel and the title bar


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def store(data_dir):
    s = Store(data_dir.db_path)
    yield s
    s.close()


def assert_fits(widget):
    hint = widget.minimumSizeHint()
    assert hint.width() <= LAPTOP[0], f"{type(widget).__name__} is at least {hint.width()} px wide"
    assert hint.height() <= LAPTOP[1], f"{type(widget).__name__} is at least {hint.height()} px tall"


def test_the_review_window_fits(qtbot, store, data_dir, settings):
    """It was at least 757 px tall (the evidence form and four ratings with their anchors): taller than the
    720 px a 1366×768 screen leaves."""
    sid = synthetic_session(store, segments=40, evidence=6, audio_dir=data_dir.audio_dir)
    win = ReviewWindow(store=store, session_id=sid, kit=load_kit(), evaluator="Ada", settings=settings)
    qtbot.addWidget(win)
    assert_fits(win)
    win.show()
    win.resize(*LAPTOP)
    assert (win.width(), win.height()) == LAPTOP


def test_the_library_and_the_setup_dialog_fit(qtbot, store):
    library = MainWindow(store)
    qtbot.addWidget(library)
    assert_fits(library)
    dialog = SetupDialog()
    qtbot.addWidget(dialog)
    assert_fits(dialog)

