"""Screenshots of the panel plan and a scenario card: `python scripts/screenshot_panel.py DOCS_DIR DATA_DIR`.

DATA_DIR must hold the headless demo (`interviewer demo --headless --data-dir DATA_DIR`), which has the
two-evaluator panel. Run under Xvfb (scripts/screenshot does)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from interviewer import app as root
from interviewer.core.config import DataDir
from interviewer.notes import panel
from interviewer.notes.prompts.kits import load_kit
from interviewer.ui.live.scenarios import ScenarioCard
from interviewer.ui.plan_dialog import PlanDialog


def main() -> None:
    docs, data = Path(sys.argv[1]), Path(sys.argv[2])
    qapp = QApplication(sys.argv[:1])
    services = root.build_services(DataDir(data).ensure())
    store = services.open_store()
    kit = load_kit()
    cand = store.find_candidate("Zoë Ðặng")
    assert cand is not None
    dialog = PlanDialog(store, kit, cand["id"], cand["name"])
    dialog.resize(1200, 700)
    dialog.show()
    card = ScenarioCard(panel.scenarios(kit)[0])
    card.resize(1280, 720)
    card.show()

    def shoot() -> None:
        dialog.grab().save(str(docs / "panel-plan.png"))
        card.grab().save(str(docs / "scenario-card.png"))
        dialog.close()
        card.close()
        store.close()
        qapp.quit()

    QTimer.singleShot(1200, shoot)
    qapp.exec()
    print(docs / "panel-plan.png", docs / "scenario-card.png")


if __name__ == "__main__":
    main()
