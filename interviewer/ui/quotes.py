"""A quote and its context, shown apart in the evidence lists of the live and review windows: where an evidence
range holds both voices, the quote is the candidate's words (`core.transcript.words_in_range`) and the question
that preceded it (`context_in_range`) is a muted "Q: …" line above it, and in full in the item's tooltip."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from interviewer.core.palette import CONTEXT_COLOUR

CONTEXT_ROLE = Qt.ItemDataRole.UserRole + 1
CONTEXT_CHARS = 160  # the muted line; the tooltip has it all
PAD = 4

Index = QModelIndex | QPersistentModelIndex


def set_context(item: QListWidgetItem, context: str) -> None:
    """Give an evidence item the question its quote answers ("" for none): drawn apart by `ContextDelegate`."""
    context = " ".join(context.split())
    item.setData(CONTEXT_ROLE, context)
    if context:
        item.setToolTip(f"Q (the question, not part of the quote): {context}")


def context_line(context: str) -> str:
    """The muted line above a quote."""
    return "Q: " + (context if len(context) <= CONTEXT_CHARS else context[:CONTEXT_CHARS - 1].rstrip() + "…")


class ContextDelegate(QStyledItemDelegate):
    """Draws an item that has a context as its first line, the muted "Q: …" line, then the rest (the quote); any
    other item as usual."""

    def _document(self, option: QStyleOptionViewItem, index: Index, width: int) -> QTextDocument | None:
        context = index.data(CONTEXT_ROLE)
        if not context:
            return None
        head, _, body = str(index.data(Qt.ItemDataRole.DisplayRole) or "").partition("\n")
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        ink = option.palette.highlightedText().color() if selected else (
            brush.color() if brush is not None else option.palette.text().color())
        muted = ink if selected else QColor(CONTEXT_COLOUR)
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(0)
        doc.setHtml(f'<div style="color:{ink.name()}">{escape(head)}</div>'
                    f'<div style="color:{muted.name()}"><i>{escape(context_line(str(context)))}</i></div>'
                    f'<div style="color:{ink.name()}">{escape(body)}</div>')
        doc.setTextWidth(max(40, width - 2 * PAD))
        return doc

    @staticmethod
    def _width(option: QStyleOptionViewItem) -> int:
        if option.rect.width() > 0:
            return int(option.rect.width())
        widget = option.widget
        viewport = getattr(widget, "viewport", None)
        return int(viewport().width()) if viewport is not None else 300

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        doc = self._document(opt, index, self._width(opt))
        if doc is None:
            super().paint(painter, option, index)
            return
        opt.text = ""
        widget: QWidget | None = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        painter.save()
        painter.translate(QPointF(opt.rect.topLeft()) + QPointF(PAD, PAD))
        doc.drawContents(painter)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802 - Qt override
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        doc = self._document(opt, index, self._width(opt))
        if doc is None:
            return super().sizeHint(option, index)
        return QSize(self._width(opt), int(doc.size().height()) + 2 * PAD)


def install(view: Any) -> ContextDelegate:
    """Draw `view`'s items with their context apart (the delegate is kept by the view)."""
    delegate = ContextDelegate(view)
    view.setItemDelegate(delegate)
    return delegate
