"""Read-only table models: thin adapters over rows of core values (Qt model/view)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from ketamonitor.core.chart import FlaggedVitals
from ketamonitor.core.entries import late_entry_words
from ketamonitor.core.flags import Flag, Level
from ketamonitor.core.measurements import (
    BLOOD_PRESSURE,
    ETCO2,
    HEART_RATE,
    RESPIRATORY_RATE,
    SPO2,
)
from ketamonitor.core.monitor_readings import MonitorReading
from ketamonitor.core.monitor_words import source_words
from ketamonitor.core.patient import Patient
from ketamonitor.core.times import format_clock, format_on_day
from ketamonitor.core.vitals import spo2_words
from ketamonitor.ui import theme

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[Row]):
    header: str
    text: Callable[[Row], str]
    align_right: bool = False


class RowsModel(QAbstractTableModel, Generic[Row]):
    """Rows of one value type shown through a list of columns."""

    def __init__(self, columns: Sequence[Column[Row]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_value(self, row: int) -> Row:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section].header
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self.extra_data(row, index.column(), role)

    def extra_data(self, row: Row, column: int, role: int) -> Any:
        """Colours, fonts and tooltips of a subclass."""
        return None


def patient_columns() -> list[Column[Patient]]:
    return [
        Column("MRN", lambda p: p.mrn),
        Column("Name", lambda p: p.display_name + ("  (demo)" if p.details.is_demo else "")),
        Column("Born", lambda p: p.details.birth_date.isoformat()),
        Column("Weight", lambda p: f"{p.details.weight_kg:g} kg", align_right=True),
    ]


def _entered(row: FlaggedVitals, zone: tzinfo, day: date | None) -> str:
    entry = row.entry
    text = f"{entry.entered_by} {_shown(entry.entered_at, zone, day)}"
    if entry.is_late:
        text += "  (late entry)"
    if entry.in_error:
        return text + "  (entered in error)"
    return text + ("  (amended)" if entry.is_amended else "")


def _shown(moment: datetime, zone: tzinfo, day: date | None) -> str:
    """A time of a session's table: with its date when not on the session's day."""
    return format_clock(moment, zone) if day is None else format_on_day(moment, zone, day)


def _observed(row: FlaggedVitals, zone: tzinfo, day: date | None) -> str:
    shown = _shown(row.entry.current.observed_at, zone, day)
    return f"{shown}  late" if row.entry.is_late else shown


def _late_tip(row: FlaggedVitals, zone: tzinfo) -> str:
    entry = row.entry
    return late_entry_words(entry.current.observed_at, entry.entered_at, entry.entered_by,
                            entry.late_reason or "", zone)


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


class VitalsModel(RowsModel[FlaggedVitals]):
    """The session's vitals, flags beside the values, amended and struck sets marked."""

    def __init__(self, zone: tzinfo, parent: QObject | None = None, *,
                 day: date | None = None) -> None:
        self._zone = zone
        #: The sets accepted from a monitor, by vitals id (the chart's `accepted_readings`).
        self.accepted: Mapping[int, MonitorReading] = {}
        super().__init__([
            Column("Time", lambda f: _observed(f, zone, day)),
            Column(BLOOD_PRESSURE.short,
                   lambda f: (f"{f.entry.current.systolic}/{f.entry.current.diastolic}"
                              if f.entry.current.has_bp else "")),
            Column(HEART_RATE.short, lambda f: _number(f.entry.current.heart_rate),
                   align_right=True),
            Column(SPO2.short, lambda f: spo2_words(f.entry.current), align_right=True),
            Column(RESPIRATORY_RATE.short,
                   lambda f: _number(f.entry.current.respiratory_rate), align_right=True),
            Column(ETCO2.short, lambda f: _number(f.entry.current.etco2), align_right=True),
            Column("Entered", lambda f: _entered(f, zone, day)),
            Column("Source", lambda f: source_words(f.entry, self.accepted)),
            Column("Flags", lambda f: "  ".join(f"{theme.FLAG_MARK} {flag.message}"
                                                for flag in f.flags)),
        ], parent)

    def show_rows(self, rows: Sequence[FlaggedVitals],
                  accepted: Mapping[int, MonitorReading]) -> None:
        """The sets, knowing which came from a monitor."""
        self.accepted = accepted
        self.set_rows(rows)

    def extra_data(self, row: FlaggedVitals, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and row.entry.in_error:
            font = QFont()
            font.setStrikeOut(True)
            return font
        flags = _flags_in(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and flags:
            return QBrush(QColor(_ink_on_paper(max(flag.level for flag in flags))))
        if role == Qt.ItemDataRole.FontRole and flags and column in (_BP_COLUMN, _FLAGS_COLUMN):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and row.entry.is_late and column in (0, 6):
            return _late_tip(row, self._zone)
        if role == Qt.ItemDataRole.ToolTipRole and row.entry.amendments:
            return "\n".join(
                f"{a.field}: {a.old_value} → {a.new_value} ({a.reason}; {a.amended_by})"
                for a in row.entry.amendments)
        return None


_BP_COLUMN = 1
_FLAGS_COLUMN = 8
#: Which column shows each measurement a flag can name.
_FIELD_COLUMNS = {"systolic": _BP_COLUMN, "diastolic": _BP_COLUMN, "heart_rate": 2, "spo2": 3,
                  "respiratory_rate": 4, "etco2": 5}


def _flags_in(row: FlaggedVitals, column: int) -> list[Flag]:
    """The flags a cell shows: the flags column all of them, a value's column only those
    naming that value, so a normal number beside a flagged one stays in ordinary ink."""
    if column == _FLAGS_COLUMN:
        return list(row.flags)
    return [flag for flag in row.flags
            if any(_FIELD_COLUMNS.get(field) == column for field in flag.fields)]


def _ink_on_paper(level: Level) -> str:
    """A flagged value's colour on the table's white: the critical tier's own ink is light
    (drawn on its dark red), so on paper it is written in that dark red."""
    return theme.CRITICAL_BG if level is Level.CRITICAL else theme.FLAG_STYLE[level][0]
