"""The audit trail, for administrators: every change, login and refusal the record keeps,
newest first, filtered by dates, user, action and patient.

Read-only: the filters become the store's `audit_trail` arguments (dates as local days, a
patient by MRN), and the rows are shown as they are stored, times in the room's zone. The
full text of a long value shows in its tooltip; a row's hash by its first 12 hex digits
(`ketamonitor verify` checks the chain).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from PySide6.QtCore import QDate, QObject, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.clock import local_today
from ketamonitor.core.date_range import RangeEnds, out_of_order
from ketamonitor.core.errors import RuleError
from ketamonitor.core.permissions import refusal_words
from ketamonitor.core.times import from_stored
from ketamonitor.store.interface import StoreApi
from ketamonitor.ui.admin_panel import line_and_close, refusal_and_body
from ketamonitor.ui.fields import FieldErrors
from ketamonitor.ui.models import Column, RowsModel
from ketamonitor.ui.prompts import DialogPrompts, Prompts
from ketamonitor.ui.views import read_only_table
from ketamonitor.ui.writes import attempt

AuditRow = dict[str, Any]

ANYONE = "anyone"
DEFAULT_DAYS = 7
#: The two dates as the filter calls them: a reason about the range names these fields.
DATE_FIELDS = RangeEnds("From", "To")
LIMIT = 10_000
HASH_DIGITS = 12
REASON_WIDTH = 160  # pixels at most; the whole reason in its tooltip
_SHORT = 90  # characters of a value shown in its cell; the rest in its tooltip


def _short(text: str | None, length: int = _SHORT) -> str:
    """One line, cut with an ellipsis: a cell shows the start, the tooltip the whole."""
    if not text:
        return ""
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1] + "…"


def _readable(value: str | None) -> str:
    """A stored value in full, a JSON row one field a line."""
    if not value:
        return ""
    try:
        parsed = json.loads(value)
    except ValueError:
        return value
    if isinstance(parsed, dict):
        return "\n".join(f"{key}: {item}" for key, item in parsed.items())
    return value


def _new_value(row: AuditRow) -> str:
    """The new value on one line, a JSON row as `field=value, …` without the time and the
    user its own columns show (the tooltip has the whole row)."""
    value = row["new_value"]
    if not value:
        return ""
    try:
        parsed = json.loads(value)
    except ValueError:
        return _short(value)
    if not isinstance(parsed, dict):
        return _short(value)
    said = {row["at"], row["user"]}
    return _short(", ".join(f"{key}={item}" for key, item in parsed.items()
                            if not (isinstance(item, str) and item in said)))


def _entity(row: AuditRow) -> str:
    entity = row["entity"] or ""
    return entity if row["entity_id"] is None else f"{entity}#{row['entity_id']}"


def day_start(day: date, zone: tzinfo) -> datetime:
    """Local midnight at the start of a day, as an aware moment."""
    return datetime.combine(day, time(), tzinfo=zone)


class AuditModel(RowsModel[AuditRow]):
    """Audit rows as stored (the newest first), times shown in the room's zone."""

    REASON, HASH, NEW_VALUE = 5, 6, 7

    def __init__(self, zone: tzinfo, parent: QObject | None = None) -> None:
        super().__init__([
            Column("Time", lambda r: f"{from_stored(r['at']).astimezone(zone):%Y-%m-%d %H:%M:%S}"),
            Column("User", lambda r: r["user"]),
            Column("Workstation", lambda r: r["workstation"]),
            Column("Action", lambda r: r["action"]),
            Column("Entity", _entity),
            Column("Reason", lambda r: _short(r["reason"], 48)),
            Column("Hash", lambda r: r["hash"][:HASH_DIGITS]),
            Column("New value", _new_value),
        ], parent)

    def extra_data(self, row: AuditRow, column: int, role: int) -> Any:
        if role != Qt.ItemDataRole.ToolTipRole:
            return None
        if column == self.REASON and row["reason"]:
            return row["reason"]
        if column == self.NEW_VALUE and (row["new_value"] or row["old_value"]):
            shown = _readable(row["new_value"])
            if row["old_value"]:
                shown = f"was: {_readable(row['old_value'])}\n\n{shown}".rstrip()
            return shown
        if column == self.HASH:
            return f"hash {row['hash']}\nprevious {row['prev_hash']}"
        return None


class AuditDialog(QDialog):
    """Clinic ▸ Audit trail…: the filters, Apply, and the rows they find."""

    def __init__(self, store: StoreApi, parent: QWidget | None = None, *,
                 prompts: Prompts | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.prompts = prompts or DialogPrompts()
        self.limit = LIMIT
        self.allowed = True  # False once the store refuses the person logged in
        self.setWindowTitle("Audit trail")
        self.errors = FieldErrors()
        outer = QVBoxLayout(self)

        self.refused, self.body, layout = refusal_and_body(outer, "audit_refused")

        today = local_today(store.clock)
        self.since = self._date_edit("audit_since", today - timedelta(days=DEFAULT_DAYS - 1))
        self.until = self._date_edit("audit_until", today)
        self.user = QComboBox()
        self.user.setObjectName("audit_user")
        self.user.setEditable(True)
        self.user.setMinimumContentsLength(12)
        self.action = QLineEdit()
        self.action.setObjectName("audit_action")
        self.action.setPlaceholderText("starts with, e.g. vitals")
        self.patient = QLineEdit()
        self.patient.setObjectName("audit_patient")
        self.patient.setPlaceholderText("MRN")
        self.apply_button = QPushButton("Apply")
        self.apply_button.setObjectName("audit_apply")
        self.apply_button.setProperty("role", "primary")
        self.apply_button.setDefault(True)  # Return in any filter applies them
        self.apply_button.clicked.connect(self.apply)

        filters = QGridLayout()
        self.filter_fields: list[QWidget] = []
        for column, (name, caption, widget) in enumerate([
            ("since", DATE_FIELDS.first, self.since), ("until", DATE_FIELDS.last, self.until),
            ("user", "User", self.user), ("action", "Action", self.action),
            ("patient", "Patient", self.patient),
        ]):
            label = QLabel(caption)
            label.setBuddy(widget)
            filters.addWidget(label, 0, column)
            filters.addWidget(widget, 1, column)
            filters.addWidget(self.errors.add(name, widget), 2, column)
            self.filter_fields.append(widget)
        filters.addWidget(self.apply_button, 1, 5)
        filters.setColumnStretch(3, 1)
        filters.setColumnStretch(4, 1)
        layout.addLayout(filters)

        self.count = QLabel("")
        self.count.setObjectName("audit_count")
        self.count.setProperty("role", "muted")
        layout.addWidget(self.count)

        self.model = AuditModel(store.clock.local_zone, self)
        self.table = read_only_table(self.model)
        self.table.setObjectName("audit")
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)  # the new value: the rest of the width
        self.table.verticalHeader().setDefaultSectionSize(
            self.table.fontMetrics().height() + 8)
        layout.addWidget(self.table, 1)

        self.note = QLabel("Times in the room's time zone. Hover a value for its full text, "
                           "a hash for the whole chain link.")
        self.note.setProperty("role", "muted")
        line_and_close(self, outer, self.note, "audit_close")

        self.setMinimumSize(900, 520)
        self.resize(1280, 720)  # a refusal makes it small again
        self._fill_users()
        self.apply()
        self.action.setFocus()

    def _date_edit(self, name: str, day: date) -> QDateEdit:
        edit = QDateEdit(QDate(day.year, day.month, day.day))
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _fill_users(self) -> None:
        """Anyone, or one account; another name (a mistyped login) can be typed."""
        try:
            names = [account.username for account in self.store.accounts()]
        except RuleError:
            names = []
        self.user.clear()
        self.user.addItems([ANYONE, *names])
        self.user.setCurrentIndex(0)

    # -- filtering -----------------------------------------------------------------------

    def set_dates(self, since: date, until: date) -> None:
        self.since.setDate(QDate(since.year, since.month, since.day))
        self.until.setDate(QDate(until.year, until.month, until.day))

    def chosen_user(self) -> str | None:
        text = self.user.currentText().strip()
        return None if text in ("", ANYONE) else text

    def apply(self) -> int | None:
        """Find the rows the filters ask for; the number shown, or None with the reason
        beside the filter at fault (the rows shown before stay)."""
        self.errors.clear()
        since, until = self.since.date().toPython(), self.until.date().toPython()
        assert isinstance(since, date) and isinstance(until, date)
        backwards = out_of_order(since, until, DATE_FIELDS)
        if backwards:
            self.errors.show({"until": backwards})
            return None
        found = attempt(lambda: self._find(since, until), self.errors.show, self.prompts,
                        self)  # a file that cannot be read is said; the rows shown stay
        if found is None:
            return None
        rows, about = found
        more = len(rows) > self.limit
        rows = rows[: self.limit]
        self.model.set_rows(rows)
        self._fit_columns()
        self.count.setText(self._counted(len(rows), more, about))
        return len(rows)

    def _find(self, since: date, until: date) -> tuple[list[AuditRow], str] | None:
        """The rows the filters ask for and the words naming the patient; None once the
        reason is shown (an MRN no one has, or someone who may not see the trail)."""
        zone = self.store.clock.local_zone
        patient_id, about = None, ""
        try:
            mrn = self.patient.text().strip()
            if mrn:
                patient = self.store.patient_by_mrn(mrn)
                if patient is None:
                    self.errors.show({"patient": "no patient with this MRN"})
                    return None
                patient_id = patient.id
                about = f" for {patient.mrn} ({patient.display_name})"
            rows = self.store.audit_trail(
                since=day_start(since, zone), until=day_start(until + timedelta(days=1), zone),
                user=self.chosen_user(), action=self.action.text().strip() or None,
                patient_id=patient_id, limit=self.limit + 1)
        except RuleError as refused:  # for the dialog's whole life: in place of the rows
            self._refuse(refusal_words(refused, self.store.account, "see the audit trail"))
            return None
        return rows, about

    def _counted(self, shown: int, more: bool, about: str) -> str:
        if more:
            return (f"More than {self.limit:,} rows{about} match: the newest {self.limit:,} "
                    "shown. Narrow the dates or filters to see older ones")
        return (f"{shown:,} row{'' if shown == 1 else 's'}{about}; newest first; at most "
                f"{self.limit:,} shown")

    def _fit_columns(self) -> None:
        """Columns as wide as their text in the first rows, the long values cut to fit."""
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        if header.sectionSize(AuditModel.REASON) > REASON_WIDTH:
            header.resizeSection(AuditModel.REASON, REASON_WIDTH)

    def _refuse(self, text: str) -> None:
        """Only the reason and Close: nothing to read or press."""
        self.allowed = False
        self.refused.setText(text)
        self.refused.show()
        self.body.hide()
        self.note.clear()  # keeps its room, so Close stays at the right
        for widget in [*self.filter_fields, self.apply_button]:
            widget.setEnabled(False)
        self.apply_button.setDefault(False)
        self.setMinimumSize(460, 140)
        self.resize(620, 160)
