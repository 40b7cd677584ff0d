"""The live window's prompts: the selected claim's probes in order (marked asked with A), probes of one's own
(pinned, reworded, written), and the follow-up cues from what was just said."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidgetItem

from interviewer.core.palette import criterion_colour
from interviewer.core.transcript import mmss
from interviewer.notes.prompts.ordering import (
    PinnedProbe,
    claim_from_row,
    criterion_index,
    cues_to_show,
    prompts_for,
)
from interviewer.ui.live.base import LiveBase
from interviewer.ui.live.probe_dialog import ProbeDialog


class PromptList(LiveBase):
    """The prompts pane and the cues under it."""

    def _move_prompt(self, step: int) -> None:
        n = self.prompts.count()
        if n:
            self.prompts.setCurrentRow(max(0, min(n - 1, self.prompts.currentRow() + step)))

    def reload_prompts(self) -> None:
        """The selected claim's prompts (notes.prompts.ordering decides which, in which order)."""
        claim = self.selected_claim
        pinned = [] if claim is None else [
            PinnedProbe(row["id"], row["text"], row["criterion"], row["source_key"])
            for row in self.store.claim_probes(claim.id)]
        self.prompt_items = prompts_for(self.kit, None if claim is None else claim_from_row(claim),
                                        None if claim is None else claim.id, pinned)
        self.prompts.clear()
        for p in self.prompt_items:
            idx = criterion_index(self.kit, p.criterion)
            name = self.kit.criteria[idx].name
            asked = "✓ " if p.key in self._asked_keys else ""
            pin = "📌 " if p.source == "pinned" else ""
            item = QListWidgetItem(f"{pin}{asked}[{name}] {p.text}")
            item.setForeground(QColor(criterion_colour(self.kit.criteria[idx].key, idx)))
            self.prompts.addItem(item)
        if self.prompt_items:
            self.prompts.setCurrentRow(0)

    def mark_asked(self) -> None:
        row = self.prompts.currentRow()
        if not (0 <= row < len(self.prompt_items)):
            return
        p = self.prompt_items[row]
        self.last_probe = p
        self._asked_keys.add(p.key)
        if self.session_id is not None:
            claim = self.selected_claim
            self.last_probe_ask = self.store.add_probe_ask(session_id=self.session_id, probe_key=p.key,
                                                           probe_text=p.text, at_s=self.now_s,
                                                           claim_id=claim.id if claim else None,
                                                           criterion=p.criterion, evaluator=self.evaluator)
        self.last_probe_label.setText(f"Asked at {mmss(self.now_s)}: {p.text[:90]}")
        self.reload_prompts()
        self.prompts.setCurrentRow(row)

    # ------------------------------------------------------------------ probes of one's own
    def pin_prompt(self) -> None:
        claim = self.selected_claim
        row = self.prompts.currentRow()
        if claim is None or not (0 <= row < len(self.prompt_items)):
            return
        p = self.prompt_items[row]
        if p.source == "pinned":
            self.store.remove_claim_probe(p.key, actor=self.evaluator)
        else:
            self.store.add_claim_probe(claim.id, text=p.text, criterion=p.criterion, source_key=p.key,
                                       actor=self.evaluator)
        self.reload_prompts()

    def edit_prompt(self, text: str | None = None) -> None:
        """Reword the selected prompt for this claim: it is pinned with the new words (the kit is unchanged)."""
        claim = self.selected_claim
        row = self.prompts.currentRow()
        if claim is None or not (0 <= row < len(self.prompt_items)):
            return
        p = self.prompt_items[row]
        text = text or self._ask_text("Edit the prompt", "Prompt", p.text, multiline=True)
        if not text or text == p.text:
            return
        if p.source == "pinned":
            self.store.remove_claim_probe(p.key, actor=self.evaluator)
        self.store.add_claim_probe(claim.id, text=text, criterion=p.criterion,
                                   source_key=p.key if p.source != "pinned" else None, actor=self.evaluator)
        self.reload_prompts()

    def write_probe(self, text: str | None = None, criterion: str | None = None,
                    save_to_kit: bool | None = None) -> None:
        claim = self.selected_claim
        if claim is None:
            return
        if text is None:
            dialog = ProbeDialog(self.kit, can_save=self.save_probe_to_kit is not None, parent=self)
            if not dialog.exec():
                return
            text, criterion, save_to_kit = dialog.values()
        criterion = criterion or self.kit.criteria[0].key
        if not text:
            return
        self.store.add_claim_probe(claim.id, text=text, criterion=criterion, actor=self.evaluator)
        if save_to_kit and self.save_probe_to_kit is not None:
            where = self.save_probe_to_kit(criterion, text, tuple(claim.topics))
            self.statusBar().showMessage(f"Probe saved to your kit: {where}", 6000)
        self.reload_prompts()

    def _update_cues(self) -> None:
        cues = cues_to_show(self.transcript.lines, self.kit, self._claim_rows, elapsed_s=self.now_s,
                            planned_s=self.planned_s, asked_keys=self._asked_keys)
        self.cues.clear()
        for cue in cues:
            item = QListWidgetItem(f"{cue.text}\n    “{cue.quote}”" if cue.quote else cue.text)
            item.setForeground(QColor("#525252"))
            self.cues.addItem(item)

