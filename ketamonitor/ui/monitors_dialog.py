"""Clinic ▸ Monitors, for administrators: which bedside monitor or bed charts for which
chair (issue 21, item 3).

Two tables: the beds on the map as it stands (`store.monitor_beds`), and below it the
monitors and beds heard from in the last day that are on no chair (core.monitor_senders,
from the journal's frames answered AA). "Map to chair…" opens a panel inside the dialog
with the chosen sender and bed filled in (or typed by hand) and the chair; Save writes it
through `store.map_monitor_bed`, which checks every value, refuses anyone but an
administrator, and signs and audits the change. "Take off the map" asks first.

The dialog only shows and forwards: a refusal shows beside its field (the store's reasons,
by field name), the typed text stays, and nothing is written. A nurse or physician who
opens it sees why not in place of the body (core's `refusal_words`), refused by the store
(`may_map_monitors`, recorded) before anything is read.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.errors import RuleError
from ketamonitor.core.monitor_feed import MonitorBed, bed_key, check_chair
from ketamonitor.core.monitor_senders import SEEN_FOR, SenderSeen, seen_window, senders_seen
from ketamonitor.core.permissions import refusal_words
from ketamonitor.core.times import format_moment
from ketamonitor.store.interface import StoreApi
from ketamonitor.ui.admin_panel import action_button, line_and_close, refusal_and_body
from ketamonitor.ui.fields import FieldErrors, field_row
from ketamonitor.ui.models import Column, RowsModel
from ketamonitor.ui.prompts import DialogPrompts, Prompts
from ketamonitor.ui.views import read_only_table
from ketamonitor.ui.writes import attempt, attempt_done

#: What the refusal says the screen is for ("Only administrators can …").
DOING = "map monitors to chairs"
#: How a monitor that sends no bed (one bed per connection) shows in the bed's column.
NO_BED = "—"
#: The reason no field owns, shown beside the panel's buttons.
GENERAL = "general"
#: The panel's fields: (name, caption, hint). The names are the store's field names, so
#: its reasons land beside them.
FIELDS = (
    ("sending_application", "Sender (MSH-3)", "the monitor's or gateway's sending application"),
    ("sending_facility", "Facility (MSH-4)", "its sending facility, as sent (may be empty)"),
    ("bed", "Bed (PV1-3)", "as sent, e.g. INFUSION^^Chair1; empty: one bed per connection"),
    ("chair", "Chair", "the room's chair, as sessions name it, e.g. 3"),
)

Key = tuple[str, str, str]
#: The rows each table shows at least, the map's panel open or not.
_ROWS_AT_LEAST = 3


def _bed_text(bed: str) -> str:
    return bed or NO_BED


class MonitorBedsModel(RowsModel[MonitorBed]):
    """The map as it stands: each monitor or bed on a chair."""

    CHAIR = 3

    def __init__(self, zone: tzinfo, now: Callable[[], datetime],
                 parent: QObject | None = None) -> None:
        super().__init__([
            Column("Sender (MSH-3)", lambda b: b.sending_application),
            Column("Facility (MSH-4)", lambda b: b.sending_facility),
            Column("Bed (PV1-3)", lambda b: _bed_text(b.bed)),
            Column("Chair", lambda b: b.chair),
            Column("Set by", lambda b: b.set_by),
            Column("Set at", lambda b: format_moment(b.set_at, zone, now())),
        ], parent)

    def sender_keys(self) -> list[Key]:
        return [_key_of(self.row_value(r)) for r in range(self.rowCount())]

    def extra_data(self, row: MonitorBed, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and column == self.CHAIR:
            font = QFont()
            font.setBold(True)
            return font
        return None


class SendersSeenModel(RowsModel[SenderSeen]):
    """The monitors and beds heard from lately and on no chair."""

    def __init__(self, zone: tzinfo, now: Callable[[], datetime],
                 parent: QObject | None = None) -> None:
        super().__init__([
            Column("Sender (MSH-3)", lambda s: s.sending_application),
            Column("Facility (MSH-4)", lambda s: s.sending_facility),
            Column("Bed (PV1-3)", lambda s: _bed_text(s.bed)),
            Column("Frames", lambda s: f"{s.frames:,}", align_right=True),
            Column("Last seen", lambda s: format_moment(s.last_seen, zone, now())),
        ], parent)

    def sender_keys(self) -> list[Key]:
        return [self.row_value(r).key for r in range(self.rowCount())]


def _key_of(bed: MonitorBed) -> Key:
    return (bed.sending_application, bed.sending_facility, bed.bed)


def _named(key: Key) -> str:
    """A sender in words: "CARESCAPE_GW / INFUSION, bed ICU^^3"."""
    application, facility, bed = key
    sender = f"{application} / {facility}" if facility else application
    return f"{sender}, bed {bed}" if bed else sender


class MapForm(QGroupBox):
    """The panel that maps a monitor or bed to a chair: its identifiers (filled in from the
    table, or typed) and the chair. `mapped` carries the key and chair once written."""

    mapped = Signal(object, str)
    cancelled = Signal()

    def __init__(self, store: StoreApi, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__("Map to chair", parent)
        self.setObjectName("monitor_map_form")
        self.store = store
        self.prompts = prompts
        self.errors = FieldErrors()
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.inputs: dict[str, QLineEdit] = {}
        for name, caption, hint in FIELDS:
            field = QLineEdit()
            field.setObjectName(f"monitor_{name}")
            field.setPlaceholderText(hint)
            field.returnPressed.connect(self.submit)
            field.textEdited.connect(lambda _text, name=name: self.errors.forget(name))
            self.inputs[name] = field
            field_row(form, self.errors, name, caption, field)
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("monitor_map_save")
        self.save_button.setProperty("role", "primary")
        self.save_button.setAutoDefault(False)  # Return submits through returnPressed
        self.save_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("monitor_map_cancel")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancelled.emit)
        buttons = QHBoxLayout()  # the reason no field owns beside the buttons: one row less
        buttons.addWidget(self.errors.add(GENERAL, self.save_button), 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)

    def fill(self, key: Key | None, chair: str = "") -> None:
        """The panel for `key` (None: every field empty, to type by hand)."""
        self.errors.clear()
        values = ("", "", "") if key is None else key
        for name, value in zip(("sending_application", "sending_facility", "bed"), values,
                               strict=True):
            self.inputs[name].setText(value)
        self.inputs["chair"].setText(chair)
        first = "sending_application" if key is None else "chair"
        self.inputs[first].setFocus()

    def typed(self) -> dict[str, str]:
        return {name: field.text() for name, field in self.inputs.items()}

    def submit(self) -> int | None:
        """Write the map's new row (its id), or None once the reason is shown. A blank
        chair takes the bed off the map: asked first, as the button is."""
        typed = self.typed()
        key = (typed["sending_application"], typed["sending_facility"], typed["bed"])
        if not typed["chair"].strip() and not self.prompts.confirm(
                self, "Take off the map", _take_off_question(key)):
            return None
        written = attempt(lambda: self.store.map_monitor_bed(**typed), self.errors.show,
                          self.prompts, self)
        if written is None:
            return None
        # as the store keeps them (it took them: core's cleaning cannot refuse them now)
        self.mapped.emit(bed_key(*key), check_chair(typed["chair"]))
        return written


def _take_off_question(key: Key) -> str:
    return (f"Take {_named(key)} off the map? Its readings will then be kept in the journal "
            "only, charted for no chair.")


class MonitorsDialog(QDialog):
    """Clinic ▸ Monitors…: emits `beds_changed` after each change of the map."""

    beds_changed = Signal()

    def __init__(self, store: StoreApi, parent: QWidget | None = None, *,
                 prompts: Prompts | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.prompts = prompts or DialogPrompts()
        self.allowed = True  # False once the person logged in may not map monitors
        self.setWindowTitle("Monitors")
        outer = QVBoxLayout(self)
        self.refused, self.body, layout = refusal_and_body(outer, "monitors_refused")

        about = QLabel("Which chair each monitor or bed is at. Its readings are kept in the "
                       "journal; charting them for the session in that chair is not built "
                       "yet. Every change is signed and kept in the audit trail.")
        about.setWordWrap(True)
        about.setProperty("role", "muted")
        layout.addWidget(about)

        zone, now = store.clock.local_zone, store.clock.now
        self.beds_model = MonitorBedsModel(zone, now, self)
        self.beds_table = read_only_table(self.beds_model)
        self.beds_table.setObjectName("monitor_beds")
        self.change_button = action_button("Change chair…", "monitor_change", self.show_change)
        self.take_off_button = action_button("Take off the map", "monitor_take_off",
                                            self.take_off)
        self.beds_heading = self._heading("On the map")
        layout.addWidget(self.beds_heading)
        layout.addLayout(self._table_and_buttons(
            self.beds_table, [self.change_button, self.take_off_button]), 1)

        self.seen_model = SendersSeenModel(zone, now, self)
        self.seen_table = read_only_table(self.seen_model)
        self.seen_table.setObjectName("monitors_seen")
        self.seen_table.doubleClicked.connect(self.show_map)
        self.map_button = action_button("Map to chair…", "monitor_map", self.show_map)
        self.by_hand_button = action_button("Map by hand…", "monitor_map_by_hand",
                                           self.show_by_hand)
        self.by_hand_button.setToolTip("A monitor or bed not heard from yet: type its "
                                       "MSH-3, MSH-4 and PV1-3 as it will send them")
        self.refresh_button = action_button("Read again", "monitors_refresh", self.refresh)
        self.refresh_button.setToolTip("Read the journal again: a monitor just connected "
                                       "shows once its first frame is answered AA")
        hours = int(SEEN_FOR.total_seconds() // 3600)
        self.seen_heading = self._heading(f"Heard from in the last {hours} hours, on no chair")
        layout.addWidget(self.seen_heading)
        layout.addLayout(self._table_and_buttons(
            self.seen_table, [self.map_button, self.by_hand_button, self.refresh_button]), 1)

        self.form = MapForm(store, self.prompts)
        self.form.hide()
        self.form.mapped.connect(self._mapped)
        self.form.cancelled.connect(self.close_form)
        layout.addWidget(self.form)

        self.status = QLabel("")
        self.status.setObjectName("monitors_status")
        line_and_close(self, outer, self.status, "monitors_close")

        self.beds_table.selectionModel().currentRowChanged.connect(self._selected)
        self.seen_table.selectionModel().currentRowChanged.connect(self._selected)
        self.setMinimumSize(820, 560)
        self.resize(1080, 700)  # a refusal makes it small again
        self.reload()


    def _heading(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setStyleSheet("font-weight: bold;")
        return label

    def _table_and_buttons(self, table: QTableView, buttons: list[QPushButton]) -> QVBoxLayout:
        """A table the dialog's whole width (a gateway's MSH-3 is long), its buttons under
        it."""
        table.setMinimumHeight(_ROWS_AT_LEAST * table.verticalHeader().defaultSectionSize()
                               + table.horizontalHeader().sizeHint().height() + 4)
        column = QVBoxLayout()
        column.addWidget(table, 1)
        row = QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        column.addLayout(row)
        return column

    # -- showing -------------------------------------------------------------------------

    def _read(self) -> tuple[list[MonitorBed], list[SenderSeen]] | None:
        """The map and the senders heard from on no chair; None, with the reason in place
        of the body, for someone who may not map monitors (for the dialog's whole life)."""
        try:
            self.store.may_map_monitors()  # refused (and recorded) before anything is read
            beds = self.store.monitor_beds()
            heard = self.store.frames_heard(*seen_window(self.store.clock.now()))
        except RuleError as refused:
            self._refuse(refusal_words(refused, self.store.account, DOING))
            return None
        return beds, senders_seen(heard, beds, self.store.clock.local_zone)

    def reload(self, select: Key | None = None) -> bool:
        """Read the map and the journal again; False (and the reason shown) when the person
        logged in may not map monitors."""
        read = attempt(self._read, self._show_status, self.prompts, self, typed=False)
        if read is None:
            return False
        beds, seen = read
        self.beds_model.set_rows(beds)
        self.seen_model.set_rows(seen)
        self.beds_heading.setText(f"On the map ({len(beds)})" if beds else
                                  "On the map: no monitor or bed yet")
        hours = int(SEEN_FOR.total_seconds() // 3600)
        self.seen_heading.setText(
            f"Heard from in the last {hours} hours, on no chair ({len(seen)})" if seen else
            f"Heard from in the last {hours} hours, on no chair: none")
        self._select(self.beds_table, self.beds_model.sender_keys(), select)
        self._select(self.seen_table, self.seen_model.sender_keys(), None)
        self._selected()
        return True

    def refresh(self) -> bool:
        """Read the map and the journal again, the bed chosen on the map kept."""
        bed = self.chosen_bed()
        return self.reload(select=None if bed is None else _key_of(bed))

    def _select(self, table: QTableView, keys: list[Key], chosen: Key | None) -> None:
        if not keys:
            return
        row = keys.index(chosen) if chosen in keys else 0
        table.selectionModel().setCurrentIndex(
            table.model().index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)

    def _show_status(self, reasons: dict[str, str]) -> None:
        self.status.setText("; ".join(reasons.values()))

    def _refuse(self, text: str) -> None:
        """Only the reason and Close: nothing to read or press."""
        self.allowed = False
        self.refused.setText(text)
        self.refused.show()
        self.body.hide()
        self.close_form()
        self.setMinimumSize(460, 140)
        self.resize(620, 160)

    def chosen_bed(self) -> MonitorBed | None:
        """The bed chosen on the map."""
        row = self.beds_table.currentIndex().row()
        return self.beds_model.row_value(row) if 0 <= row < self.beds_model.rowCount() else None

    def chosen_seen(self) -> SenderSeen | None:
        """The sender chosen among those heard from."""
        row = self.seen_table.currentIndex().row()
        return self.seen_model.row_value(row) if 0 <= row < self.seen_model.rowCount() else None

    def _selected(self) -> None:
        on_map = self.allowed and self.chosen_bed() is not None
        self.change_button.setEnabled(on_map)
        self.take_off_button.setEnabled(on_map)
        self.map_button.setEnabled(self.allowed and self.chosen_seen() is not None)
        self.by_hand_button.setEnabled(self.allowed)
        self.refresh_button.setEnabled(self.allowed)

    # -- acting --------------------------------------------------------------------------

    def _open_form(self, title: str, key: Key | None, chair: str = "") -> MapForm | None:
        if not self.allowed:
            return None
        self.form.setTitle(title)
        self.form.show()
        self.form.fill(key, chair)
        self.status.clear()
        return self.form

    def close_form(self) -> None:
        self.form.hide()

    def show_map(self) -> MapForm | None:
        """The panel for the sender chosen among those heard from."""
        seen = self.chosen_seen()
        if seen is None:
            return None
        return self._open_form(f"Map to chair: {_named(seen.key)}", seen.key)

    def show_by_hand(self) -> MapForm | None:
        """The panel with every field empty: a monitor not heard from yet."""
        return self._open_form("Map a monitor or bed to a chair", None)

    def show_change(self) -> MapForm | None:
        """The panel for the bed chosen on the map, its chair filled in."""
        bed = self.chosen_bed()
        if bed is None:
            return None
        return self._open_form(f"Change chair: {_named(_key_of(bed))}", _key_of(bed),
                               bed.chair)

    def take_off(self) -> bool:
        """Take the bed chosen on the map off it, once confirmed."""
        bed = self.chosen_bed()
        if not self.allowed or bed is None:
            return False
        key = _key_of(bed)
        if not self.prompts.confirm(self, "Take off the map", _take_off_question(key)):
            return False
        if not attempt_done(lambda: self.store.map_monitor_bed(*key, ""), self._show_status,
                            self.prompts, self, typed=False):
            return False
        self.close_form()
        self.reload()
        self.status.setText(f"{_named(key)} is off the map: its readings are kept in the "
                            "journal only.")
        self.beds_changed.emit()
        return True

    def _mapped(self, key: Key, chair: str) -> None:
        self.close_form()
        self.reload(select=key)
        self.status.setText(f"{_named(key)} is off the map: its readings are kept in the "
                            "journal only." if not chair else
                            f"{_named(key)} is mapped to chair {chair}.")
        self.beds_changed.emit()


__all__ = ["MapForm", "MonitorBedsModel", "MonitorsDialog", "SendersSeenModel"]
