"""Screenshot of the review window on the demo session: `python scripts/screenshot_review.py OUT.png DATA_DIR`.

DATA_DIR must hold a demo session (`interviewer demo --headless --data-dir DATA_DIR`). Run under Xvfb
(scripts/screenshot does both)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from interviewer import app as root
from interviewer.core.config import DataDir
from interviewer.ui.style import fitting_size


def main() -> None:
    out, data = Path(sys.argv[1]), Path(sys.argv[2])
    qapp = QApplication(sys.argv[:1])
    services = root.build_services(DataDir(data).ensure())
    store = services.open_store()
    sid = store.sessions()[-1]["id"]
    settings = QSettings(str(data / "screenshot.ini"), QSettings.Format.IniFormat)
    win = root.open_review_window(services, store, sid, evaluator="Demo Evaluator", settings=settings)
    win.resize(*fitting_size(win, 1360, 820))  # a 1366×768 laptop screen: the window fits it
    win.show()
    target = next((e for e in win.rows if e["criterion"] == "failure-archaeology"), win.rows[0])
    win.evidence.setCurrentRow(win.rows.index(target))

    def play() -> None:
        win.play_from(float(target["start"]) + 6)

    def shoot() -> None:
        win.grab().save(str(out))
        win.close()
        store.close()
        qapp.quit()

    QTimer.singleShot(800, play)
    QTimer.singleShot(2600, shoot)
    qapp.exec()
    print(out)


if __name__ == "__main__":
    main()
