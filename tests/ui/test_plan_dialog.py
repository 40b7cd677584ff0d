"""The panel plan dialog: proposals shown, unmatched claims flagged, edits saved."""

from __future__ import annotations

from interviewer.notes import panel
from interviewer.notes.prompts.kits import load_kit
from interviewer.notes.store.database import Store
from interviewer.ui.plan_dialog import UNASSIGNED, PlanDialog


def test_plan_dialog_flags_and_saves(qtbot, tmp_path):
    store = Store(tmp_path / "db.sqlite3")
    try:
        kit = load_kit()
        cand = store.get_or_create_candidate("Zoë")
        store.add_claims(cand, [{"text": "Cut retrieval latency", "topics": ["retrieval", "latency"]},
                                {"text": "Ran a labelling vendor", "topics": ["labelling"]}])
        panel.add_evaluator(store, kit, "Ada", shipped={"retrieval": "", "latency": ""})
        panel.add_evaluator(store, kit, "Bo", shipped={"data-drift": ""})
        dlg = PlanDialog(store, kit, cand, "Zoë")
        qtbot.addWidget(dlg)
        assert dlg.table.rowCount() == 2
        combos = [dlg.table.cellWidget(i, 2) for i in range(2)]
        assert combos[0].currentText() == "Ada"
        assert combos[1].currentText() == UNASSIGNED
        assert "labelling" in dlg.summary.text()
        combos[1].setCurrentIndex(combos[1].findText("Bo"))
        dlg.save()
        labelling = store.claims(cand)[1].id
        assert panel.claims_for(store, kit, cand, "Bo") == [labelling]
        assert "Every claim has a practitioner" in dlg.summary.text()
    finally:
        store.close()
