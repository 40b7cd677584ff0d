"""The live window's claims: the candidate's claims with their status (Alt+U/P/V/X/G), and the ledger edited
during the interview (add, edit, delete, move, split, merge), all undoable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QUndoCommand
from PySide6.QtWidgets import QListWidgetItem

from interviewer.core.palette import status_colour
from interviewer.notes.store.records import ClaimRecord
from interviewer.ui.live.base import LiveBase

STATUS_LABELS = {
    "unprobed": ("○", status_colour("unprobed")),
    "probing": ("◐", status_colour("probing")),
    "verified": ("●", status_colour("verified")),
    "contradicted": ("✕", status_colour("contradicted")),
    "vague": ("~", status_colour("vague")),
}
STATUS_KEYS = {"unprobed": "Alt+U", "probing": "Alt+P", "verified": "Alt+V", "contradicted": "Alt+X",
               "vague": "Alt+G"}


class SetClaimStatus(QUndoCommand):
    def __init__(self, window: ClaimLedger, claim_id: str, old: str, new: str) -> None:
        super().__init__(f"Claim status: {new}")
        self.window, self.claim_id, self.old, self.new = window, claim_id, old, new

    def redo(self) -> None:
        self.window.store.set_claim_status(self.claim_id, self.new, actor=self.window.evaluator,
                                           evidence_id=self.window.last_evidence_for(self.claim_id))
        self.window.reload_claims()

    def undo(self) -> None:
        self.window.store.set_claim_status(self.claim_id, self.old, actor=self.window.evaluator)
        self.window.reload_claims()


class EditLedger(QUndoCommand):
    """Undoable claim-ledger edits: add, edit text, delete, move."""

    def __init__(self, window: ClaimLedger, label: str, do: Callable[[], Any], undo: Callable[[Any], None]) -> None:
        super().__init__(label)
        self.window, self._do, self._undo, self.result = window, do, undo, None

    def redo(self) -> None:
        self.result = self._do()
        self.window.reload_claims()

    def undo(self) -> None:
        self._undo(self.result)
        self.window.reload_claims()


class ClaimLedger(LiveBase):
    """The claims pane of the live window: the list with each claim's status, and the ledger's edits."""

    def reload_claims(self) -> None:
        row = max(0, self.claims_list.currentRow())
        self._claim_rows = self.store.claims(self.candidate_id)
        mine = self.your_claims()
        scripted = self.scripted_claims()
        self.claims_list.blockSignals(True)
        self.claims_list.clear()
        for c in self._claim_rows:
            glyph, colour = STATUS_LABELS[c.status]
            yours = "★ " if c.id in mine else ""
            item = QListWidgetItem(f"{glyph}  {yours}{c.text}")
            if yours:
                bold = QFont(self.claims_list.font())
                bold.setBold(True)
                item.setFont(bold)
                item.setToolTip("Your claim: the panel plan gives it to you")
            item.setForeground(QColor("#161616" if c.status == "unprobed" else colour))
            item.setToolTip(f"{c.status} — {c.section or ''}")
            if c.id in scripted and c.status != "unprobed":
                item.setText(f"{item.text()}\n    ({c.status}: set by the demo script)")
                item.setToolTip(f"{c.status}, set by the demo's script, not by you")
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            self.claims_list.addItem(item)
        self.claims_list.blockSignals(False)
        has = bool(self._claim_rows)
        self.claims_list.setVisible(has)
        self.claims_empty.setVisible(not has)
        if has:
            self.claims_list.setCurrentRow(min(row, len(self._claim_rows) - 1))
        self.reload_prompts()

    @property
    def selected_claim(self) -> ClaimRecord | None:
        row = self.claims_list.currentRow()
        return self._claim_rows[row] if 0 <= row < len(self._claim_rows) else None

    def _move_claim(self, step: int) -> None:
        if self._claim_rows:
            self.claims_list.setCurrentRow(max(0, min(len(self._claim_rows) - 1, self.claims_list.currentRow() + step)))

    def set_claim_status(self, status: str) -> None:
        claim = self.selected_claim
        if claim is None or claim.status == status:
            return
        self.undo.push(SetClaimStatus(self, claim.id, claim.status, status))

    # ------------------------------------------------------------------ the claim ledger
    def add_claim(self, text: str | None = None) -> None:
        text = text or self._ask_text("Add a claim", "What does the candidate claim to have done?")
        if not text:
            return
        index = self.claims_list.currentRow() + 1 if self._claim_rows else 0
        store, who = self.store, self.evaluator
        self.undo.push(EditLedger(
            self, "Add claim",
            lambda: store.add_claim(self.candidate_id, text, actor=who, index=index),
            lambda cid: store.delete_claim(cid, actor=who)))
        self.claims_list.setCurrentRow(index)

    def edit_claim(self, text: str | None = None) -> None:
        claim = self.selected_claim
        if claim is None:
            return
        text = text or self._ask_text("Edit the claim", "Claim", claim.text)
        if not text or text == claim.text:
            return
        store, who, cid, old = self.store, self.evaluator, claim.id, claim.text
        self.undo.push(EditLedger(self, "Edit claim", lambda: store.edit_claim(cid, text, actor=who),
                                  lambda _r: store.edit_claim(cid, old, actor=who)))

    def delete_claim(self) -> None:
        claim = self.selected_claim
        if claim is None:
            return
        store, who, cid = self.store, self.evaluator, claim.id
        self.undo.push(EditLedger(self, "Delete claim", lambda: store.delete_claim(cid, actor=who),
                                  lambda row: store.restore_claim(row, actor=who)))

    def move_claim(self, step: int) -> None:
        claim = self.selected_claim
        if claim is None:
            return
        row = self.claims_list.currentRow()
        target = max(0, min(len(self._claim_rows) - 1, row + step))
        if target == row:
            return
        store, who, cid = self.store, self.evaluator, claim.id
        self.undo.push(EditLedger(self, "Move claim", lambda: store.move_claim(cid, target, actor=who),
                                  lambda _r: store.move_claim(cid, row, actor=who)))
        self.claims_list.setCurrentRow(target)

    def split_claim(self, parts: list[str] | None = None) -> None:
        claim = self.selected_claim
        if claim is None:
            return
        if parts is None:
            text = self._ask_text("Split the claim", "One claim per line:", claim.text.replace("; ", ";\n"),
                                  multiline=True)
            parts = text.splitlines() if text else []
        if len([p for p in parts if p.strip()]) < 2:
            return
        self.store.split_claim(claim.id, parts, actor=self.evaluator)
        self.undo.clear()  # a split renames ids: earlier undo steps no longer apply
        self.reload_claims()

    def merge_claim(self) -> None:
        row = self.claims_list.currentRow()
        if not (0 <= row < len(self._claim_rows) - 1):
            return
        self.store.merge_claims([self._claim_rows[row].id, self._claim_rows[row + 1].id],
                                actor=self.evaluator)
        self.undo.clear()
        self.reload_claims()

