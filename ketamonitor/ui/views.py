"""Small view helpers shared by the pages."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QScrollArea,
    QTableView,
    QWidget,
)


def read_only_table(model: QAbstractItemModel) -> QTableView:
    """A row-selecting, non-editable table: records are changed by amendments, not in cells."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setAlternatingRowColors(True)
    return view


def scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    return area


def restyle(widget: QWidget, sheet: str) -> None:
    """Set a style sheet only when it changes: setting one re-polishes the widget and its
    children, which done every tick costs more than the rest of the tick together."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)
