"""The live window's evidence: keys 1–4 tag the last seconds for a criterion (Shift: as a concern), Ctrl+N a
note, Ctrl+Shift+K the spoken consent; the list shows each item's quote as its words arrive (the candidate's
words, the question before them apart: `interviewer.ui.quotes`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QListWidgetItem

from interviewer.core.palette import criterion_colour
from interviewer.core.transcript import Segment, context_in_range, mmss, words_in_range
from interviewer.notes.panel import link_evidence_to_open_scenario
from interviewer.ui.commands import AddEvidence, MarkSpokenConsent
from interviewer.ui.live.base import LiveBase
from interviewer.ui.quotes import set_context


class EvidenceTagging(LiveBase):
    """The evidence list and the note field under the transcript."""

    def last_evidence_for(self, claim_id: str) -> str | None:
        rows = [e for e in self._evidence_rows if e.claim_id == claim_id]
        return rows[-1].id if rows else None

    @property
    def last_evidence_id(self) -> str | None:
        """The evidence tagged last in this session (the failure story and the scenario ticks link it)."""
        return self._evidence_rows[-1].id if self._evidence_rows else None

    def _tag_key(self, digit: int, concern: bool) -> None:
        if digit <= len(self.kit.criteria[:4]):
            self.tag(digit - 1, "concern" if concern else "supports")

    def tag(self, index: int, polarity: str) -> None:
        if self.session_id is None or index >= len(self.kit.criteria):
            self.statusBar().showMessage("Start recording before tagging evidence.")
            return
        end = self.now_s
        start = max(0.0, end - self.window_spin.value())
        claim = self.selected_claim
        crit = self.kit.criteria[index]
        cmd = AddEvidence(self, {
            "session_id": self.session_id, "start": start, "end": end, "criterion": crit.key,
            "evaluator": self.evaluator, "claim_id": claim.id if claim else None,
            "probe_id": self.last_probe.key if self.last_probe else None, "polarity": polarity,
            "quote": words_in_range(self.transcript.lines, start, end)}, label=f"Tag evidence ({crit.key})")
        self.undo.push(cmd)
        if cmd.evidence_id:
            self._recent_evidence.append(cmd.evidence_id)
            if link_evidence_to_open_scenario(self.store, self.session_id, cmd.evidence_id):
                self.scenario_panel.refresh()
        self.statusBar().showMessage(f"Tagged {mmss(start)}–{mmss(end)} as {polarity} for {crit.name}", 4000)

    def mark_spoken_consent(self) -> None:
        """The candidate just said yes to the notice out loud: keep that moment with the consent record."""
        if self.session_id is None:
            self.statusBar().showMessage("Start recording before marking the spoken consent.")
            return
        end = self.now_s
        start = max(0.0, end - self.window_spin.value())
        if end <= start:
            self.statusBar().showMessage("Nothing recorded yet to mark as the spoken consent.", 4000)
            return
        cmd = MarkSpokenConsent(self, start, end)
        self.undo.push(cmd)
        self.statusBar().showMessage(f"Spoken consent kept: {mmss(start)}–{mmss(end)}"
                                     + (f" “{cmd.quote[:80]}”" if cmd.quote else ""), 6000)

    def focus_note(self) -> None:
        self.note.setFocus()

    def save_note(self) -> None:
        text = self.note.text().strip()
        if text and self.session_id is not None:
            at = self.now_s
            self.undo.push(AddEvidence(self, {
                "session_id": self.session_id, "start": at, "end": at, "criterion": None,
                "evaluator": self.evaluator, "claim_id": self.selected_claim.id if self.selected_claim else None,
                "probe_id": self.last_probe.key if self.last_probe else None, "polarity": "supports",
                "note": text, "quote": ""}, label="Note"))
        self.note.clear()
        self.transcript.text.setFocus()

    def reload_evidence(self, select: str | None = None) -> None:
        self._evidence_rows = self.store.evidence(self.session_id) if self.session_id else []
        keys = [c.key for c in self.kit.criteria]
        self.evidence.clear()
        per: dict[str, int] = {}
        scripted = self.scripted_evidence()
        for e in self._evidence_rows:
            if e.criterion in keys:
                idx = keys.index(e.criterion)
                per[e.criterion] = per.get(e.criterion, 0) + 1
                mark = "▲ concern" if e.polarity == "concern" else "✓"
                head = f"{mmss(e.start)}  {mark} {self.kit.criteria[idx].name}"
                colour = criterion_colour(e.criterion, idx)
            else:
                head, colour = f"{mmss(e.start)}  ✎ note", "#525252"
            context = ""
            if not e.criterion:
                body = e.note
            else:
                body = f"“{e.quote}”" if e.quote else "(waiting for words…)"
                # the question the quote answers: derived from the lines shown, so it follows their labels
                context = context_in_range(self.transcript.lines, e.start, e.end)
            if e.id in scripted:
                head += "   · tagged by the demo script"
            item = QListWidgetItem(f"{head}\n{body}")
            item.setForeground(QColor(colour))
            item.setData(Qt.ItemDataRole.UserRole, e.id)
            set_context(item, context)
            if e.id in scripted:
                item.setToolTip("The demo's script tagged this, not you: your keys 1–4 tag as in an interview.")
            self.evidence.addItem(item)
        if self._evidence_rows:
            self.evidence.scrollToBottom()
        for i, e in enumerate(self._evidence_rows):
            if e.id == select:
                self.evidence.setCurrentRow(i)
        claims_with = len({e.claim_id for e in self._evidence_rows if e.claim_id})
        self.coverage.update_counts(per, claims_with, len(self._claim_rows) if hasattr(self, "_claim_rows") else 0)

    def _refresh_recent_quotes(self, seg: Segment) -> None:
        # Evidence tagged a moment ago may cover words committed (or revised) only now: refresh its quote.
        rows = {e.id: e for e in self._evidence_rows}
        for eid in list(self._recent_evidence):
            row = rows.get(eid)
            if row is None:
                self._recent_evidence.remove(eid)
                continue
            if seg.start <= row.end and seg.end >= row.start:
                quote = words_in_range(self.transcript.lines, row.start, row.end)
                self.store.update_evidence(eid, actor=self.evaluator, quote=quote)
            if seg.end > row.end + 30:
                self._recent_evidence.remove(eid)
        self.reload_evidence()
        self._update_cues()

