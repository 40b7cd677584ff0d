"""The program's entry: `main.py` and `python -m interviewer` are one program; headless commands never load Qt."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_python_main_is_the_same_program():
    out = subprocess.run([sys.executable, str(ROOT / "main.py"), "--version"], capture_output=True, text=True,
                         check=True)
    out2 = subprocess.run([sys.executable, "-m", "interviewer", "--version"], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    assert out.stdout == out2.stdout
    assert out.stdout.startswith("interviewer ")


def test_headless_commands_do_not_import_qt():
    code = ("import sys; from interviewer import app, cli; import interviewer.notes.store.database, "
            "interviewer.audio.transcriber; print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"
