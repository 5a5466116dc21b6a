"""The clinic's protocols: an administrator sees every protocol, makes a clinic copy of
one, changes its numbers and saves them with a reason, as a draft; a physician sees each
draft's changes (old → new) and countersigns it, with the password again, or declines it
with a reason. Only a countersigned version is used by new sessions.

The dialog only shows and forwards: the typed values become protocol text in core
(`protocol_text`), are checked there (`parse_protocol`) and saved by the store, which refuses
anything impossible with the key at fault; the reason shows beside that key's field and
nothing is written. Shipped protocols and clinic files are read-only here.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.library import SLOT_KINDS, Origin, ProtocolDraft
from ketamonitor.core.permissions import Permission, allowed
from ketamonitor.core.protocol import ObservationStart, Protocol, ProtocolError, Resolution
from ketamonitor.core.protocol_text import (
    FIELDS,
    OBSERVATION_START_LABELS,
    PROTOCOL_FORM,
    FieldKind,
    clinic_copy_id,
    form_values,
    problem_in_words,
    protocol_save,
    reference,
    scales_in_order,
)
from ketamonitor.store.interface import LoginRefused, PasswordNotConfirmed, StoreApi
from ketamonitor.ui.countersign_dialog import CountersignDialog, changes_text
from ketamonitor.ui.fields import FieldErrors
from ketamonitor.ui.models import Column, RowsModel
from ketamonitor.ui.prompts import Prompts
from ketamonitor.ui.signature_views import ShowReasons
from ketamonitor.ui.views import read_only_table, scrolled
from ketamonitor.ui.writes import attempt, attempt_done, reasons_in_dialog

#: Which form groups share a column, so the whole form fits a 1366x768 screen.
_COLUMNS = (("Dose", "Observation"), ("Vitals every", "Discharge"), ("Thresholds",),
            ("Checklists and scales",))
_GENERAL = "general"
#: Room left around the dialog for its title bar and borders, which the window manager adds.
_FRAME = QSize(16, 40)


class ProtocolDialog(QDialog):
    """Emits `protocol_saved` with the id of each draft saved, `protocol_in_force` with the
    id of each draft countersigned (the protocols new sessions may use have changed)."""

    protocol_saved = Signal(str)
    protocol_in_force = Signal(str)

    def __init__(self, store: StoreApi, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.prompts = prompts
        self.setWindowTitle("Protocols")
        self._shown: Protocol | None = None
        self._copy_of: Protocol | None = None
        self._as_shown: dict[str, str | list[str]] = {}  # the form before any typing
        self.errors = FieldErrors()
        self.inputs: dict[str, QLineEdit | QComboBox] = {}
        self.scales: dict[str, QCheckBox] = {}
        self.resolutions: dict[str, QCheckBox] = {}
        self._rows: dict[str, tuple[QFormLayout, QWidget]] = {}
        self._error_rows: list[tuple[QFormLayout, QLabel]] = []
        #: The drafts awaiting countersignature, by protocol id (for those who may see them).
        self._drafts: dict[str, ProtocolDraft] = {}
        self.countersign_dialog: CountersignDialog | None = None

        layout = QVBoxLayout(self)
        self.model: RowsModel[Protocol] = RowsModel([
            Column("Protocol", lambda p: p.name),
            Column("Id", lambda p: p.id),
            Column("Version", lambda p: str(p.version), align_right=True),
            Column("Route", lambda p: p.route.label),
            Column("Kept as", self._kept_as),
            Column("Draft", self._draft_label),
        ], self)
        self.table = read_only_table(self.model)
        self.table.setObjectName("protocols")
        self.table.setMaximumHeight(150)
        layout.addWidget(self.table)

        actions = QHBoxLayout()
        self.status = QLabel("")
        self.status.setObjectName("protocol_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # typed reasons shown as typed
        actions.addWidget(self.status, 1)
        self.copy_button = QPushButton("Make clinic copy…")
        self.copy_button.setObjectName("protocol_copy")
        self.copy_button.clicked.connect(self.make_copy)
        actions.addWidget(self.copy_button)
        self.countersign_button = QPushButton("Countersign…")
        self.countersign_button.setObjectName("protocol_countersign")
        self.countersign_button.setProperty("role", "primary")
        self.countersign_button.clicked.connect(self.open_countersign)
        actions.addWidget(self.countersign_button)
        self.decline_button = QPushButton("Decline…")
        self.decline_button.setObjectName("protocol_decline")
        self.decline_button.clicked.connect(self.decline)
        actions.addWidget(self.decline_button)
        layout.addLayout(actions)
        self.changes = QLabel("")
        self.changes.setObjectName("protocol_changes")
        self.changes.setWordWrap(True)
        self.changes.setTextFormat(Qt.TextFormat.PlainText)  # typed reasons shown as typed
        layout.addWidget(self.changes)

        self.form_host = self._form()
        self.form_area = scrolled(self.form_host)
        layout.addWidget(self.form_area, 1)

        bottom = QGridLayout()
        self.reason = QLineEdit()
        self.reason.setObjectName("protocol_reason")
        self.reason.setPlaceholderText("why the numbers change, e.g. medical director's "
                                       "memo of 12 March")
        self.reason_label = QLabel("Reason for the change")
        bottom.addWidget(self.reason_label, 0, 0)
        bottom.addWidget(self.reason, 0, 1)
        bottom.addWidget(self.errors.add("reason", self.reason), 1, 1)
        self.save_button = QPushButton("Save as draft")
        self.save_button.setObjectName("protocol_save")
        self.save_button.setProperty("role", "primary")
        self.save_button.clicked.connect(self.save)
        bottom.addWidget(self.save_button, 0, 2)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        bottom.addWidget(close, 0, 3)
        self.general = self.errors.add(_GENERAL, self.save_button)
        self.general.hide()
        bottom.addWidget(self.general, 2, 0, 1, 4)
        self.refused_files = QLabel("")
        self.refused_files.setObjectName("protocol_problems")
        self.refused_files.setProperty("role", "muted")
        self.refused_files.setWordWrap(True)
        bottom.addWidget(self.refused_files, 3, 0, 1, 4)
        bottom.setColumnStretch(1, 1)
        layout.addLayout(bottom)

        self.table.selectionModel().currentRowChanged.connect(self._selected)
        self._reload()

    def showEvent(self, event: QShowEvent) -> None:
        """Lay the form's scroll bars out again once shown: the scroll area decided on them
        before the opening size and kept them showing, with nothing to scroll."""
        super().showEvent(event)
        self._lay_out_scroll_bars()

    def _lay_out_scroll_bars(self) -> None:
        area = self.form_area
        area.setVerticalScrollBarPolicy(area.verticalScrollBarPolicy())
        area.setHorizontalScrollBarPolicy(area.horizontalScrollBarPolicy())

    def hideEvent(self, event: QHideEvent) -> None:
        """Gone with the window (its close, Esc, Close): the countersignature asked over
        this dialog goes too, rather than stay open over nothing."""
        super().hideEvent(event)
        if self.countersign_dialog is not None:
            self.countersign_dialog.close()

    def _opening_size(self) -> QSize:
        """Wide and tall enough to show the whole form without scrolling (it opened at its
        layout's small default, the Thresholds cut off), yet within the screen: past that
        the form scrolls. Offscreen, where the main window may be larger than the virtual
        screen, within the main window instead."""
        area = self.form_area
        content = self.form_host.sizeHint()
        hint = self.sizeHint()
        # room for the scroll bars too: bounded in one direction, the form scrolls that way
        # and still shows whole in the other
        bars = QSize(area.verticalScrollBar().sizeHint().width(),
                     area.horizontalScrollBar().sizeHint().height())
        width = hint.width() - area.sizeHint().width() + content.width() + bars.width()
        # the height at that width: a wrapped label's own hint is for a narrow, tall label
        height = self.heightForWidth(width) if self.hasHeightForWidth() else hint.height()
        wanted = QSize(width, height - area.sizeHint().height() + content.height()
                       + bars.height())
        anchor = self.parentWidget()
        room = (anchor or self).screen().availableGeometry().size()
        if anchor is not None:
            room = room.expandedTo(anchor.window().size())
        return wanted.boundedTo(room - _FRAME)

    # -- building ------------------------------------------------------------------------

    def _form(self) -> QWidget:
        holder = QWidget()
        outer = QVBoxLayout(holder)
        outer.setContentsMargins(0, 0, 0, 0)
        groups = {group.title: group for group in PROTOCOL_FORM}
        top = QFormLayout()
        for field in groups["Protocol"].fields:
            self._add_field(top, field.key)
        outer.addLayout(top)
        grid = QHBoxLayout()
        outer.addLayout(grid)
        for titles in _COLUMNS:
            column = QVBoxLayout()
            for title in titles:
                box = QGroupBox(title)
                form = QFormLayout(box)
                form.setVerticalSpacing(2)
                for field in groups[title].fields:
                    self._add_field(form, field.key)
                column.addWidget(box)
            column.addStretch(1)
            grid.addLayout(column, 1)
        return holder

    def _add_field(self, form: QFormLayout, key: str) -> None:
        field = FIELDS[key]
        holder = QWidget()
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        widget: QWidget
        if field.kind is FieldKind.CHOICES:
            widget = QWidget()
            boxes = QVBoxLayout(widget)
            boxes.setContentsMargins(0, 0, 0, 0)
            if key == "observation.until_resolved":
                short = {Resolution.RESPIRATORY_DEPRESSION: "Resp. depression"}
                choices = [(r.value, short.get(r, r.label.capitalize())) for r in Resolution]
                ticks = self.resolutions
            else:
                choices = [(s.id, s.title) for s in self.store.library.scales.values()]
                ticks = self.scales
            for value, label in choices:
                box = QCheckBox(label)
                box.setObjectName(f"choice_{value}")
                ticks[value] = box
                boxes.addWidget(box)
        elif field.kind is FieldKind.CHOICE:
            combo = QComboBox()
            self._fill_choices(key, combo)
            self.inputs[key] = widget = combo
        else:
            text = QLineEdit()
            if field.kind is FieldKind.NUMBER:
                text.setMaximumWidth(60)
                text.setAlignment(Qt.AlignmentFlag.AlignRight)
            elif field.kind is FieldKind.NUMBERS:
                text.setPlaceholderText("e.g. 40" if field.optional else "e.g. 2, 3")
                text.setMaximumWidth(90)
            self.inputs[key] = widget = text
        widget.setObjectName(f"protocol_{key}")
        widget.setAccessibleName(field.label)
        number = field.kind is FieldKind.NUMBER
        line.addWidget(widget, 0 if number else 1)
        if field.unit:
            unit = QLabel(field.unit)
            unit.setProperty("role", "muted")
            line.addWidget(unit)
        if number:
            line.addStretch(1)
        form.addRow(field.label, holder)
        self._rows[key] = (form, holder)
        error = self.errors.add(key, widget)  # on its own row below, shown with a reason
        form.addRow(error)
        form.setRowVisible(error, False)
        self._error_rows.append((form, error))

    def _fill_choices(self, key: str, combo: QComboBox) -> None:
        if key == "observation.starts_at":
            for start in ObservationStart:
                combo.addItem(OBSERVATION_START_LABELS[start], start.value)
            return
        kind = SLOT_KINDS[key.split(".", 1)[1]]
        for checklist in self.store.library.checklists_of_kind(kind):
            combo.addItem(checklist.title, checklist.id)

    # -- showing -------------------------------------------------------------------------

    def _reload(self, select: str | None = None) -> None:
        library = self.store.library
        self._drafts = ({draft.version.protocol_id: draft for draft in self.store.protocol_drafts()}
                        if self._may(Permission.SEE_PROTOCOL_DRAFTS) else {})
        protocols = list(library.protocols.values()) + [
            draft.protocol for protocol_id, draft in self._drafts.items()
            if protocol_id not in library.protocols]  # a new copy, not in force yet
        self.model.set_rows(protocols)
        self.refused_files.setText(
            "Refused protocol files (fix them and restart): " + "; ".join(library.problems)
            if library.problems else "")
        self.refused_files.setVisible(bool(library.problems))
        ids = [p.id for p in protocols]
        row = ids.index(select) if select in ids else 0
        if protocols:
            self._put_selection(row)
            self._show(protocols[row])

    def _put_selection(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _selected(self) -> None:
        row = self.table.currentIndex().row()
        if not 0 <= row < self.model.rowCount():
            return
        chosen = self.model.row_value(row)
        if self._shown is not None and not self._may_leave_changes(f"Show “{chosen.name}”"):
            self._keep_row_of(self._shown)
            return
        self._show(chosen)

    def _keep_row_of(self, protocol: Protocol) -> None:
        """Put the table's selection back on the protocol whose form has the typing."""
        ids = [self.model.row_value(r).id for r in range(self.model.rowCount())]
        if protocol.id not in ids:
            return
        model = self.table.selectionModel()
        model.blockSignals(True)  # going back is not choosing again: no second question
        try:
            self._put_selection(ids.index(protocol.id))
        finally:
            model.blockSignals(False)
        self.table.viewport().update()

    def reject(self) -> None:
        """Close, Esc or the window's ✕: not over typed, unsaved numbers without asking."""
        if self._may_leave_changes("Close the protocols"):
            super().reject()

    def select(self, protocol_id: str) -> None:
        self._reload(select=protocol_id)

    def select_first_draft(self) -> None:
        """Show the first draft awaiting countersignature (or say there is none)."""
        if self._drafts:
            self.select(next(iter(self._drafts)))
        else:
            self.status.setText("No protocol draft awaits countersignature.")

    def _may(self, permission: Permission) -> bool:
        return allowed(self.store.account, permission)

    def _kept_as(self, protocol: Protocol) -> str:
        if protocol.id not in self.store.library.protocols:
            return "Clinic, draft"
        return self.store.library.origin(protocol.id).label

    def _draft_label(self, protocol: Protocol) -> str:
        draft = self._drafts.get(protocol.id)
        return "" if draft is None else f"Version {draft.version.version} awaits countersignature"

    def _show(self, protocol: Protocol, *, copy_of: Protocol | None = None) -> None:
        draft = self._drafts.get(protocol.id) if copy_of is None else None
        if draft is not None:
            protocol = draft.protocol  # the form shows the draft: a further edit builds on it
        self._shown = protocol
        self._copy_of = copy_of
        self._show_reasons({})
        values = form_values(protocol)
        if copy_of is not None:
            values["name"] = f"{protocol.name} (clinic)"
        for key, widget in self.inputs.items():
            value = values.get(key, "")
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0))
            else:
                widget.setText(str(value))
        chosen = values.get("checklists.scales", [])
        for scale_id, box in self.scales.items():
            box.setChecked(scale_id in chosen)
        resolved = values.get("observation.until_resolved", [])
        for value, box in self.resolutions.items():
            box.setChecked(value in resolved)
        for key, (form, holder) in self._rows.items():
            form.setRowVisible(holder, FIELDS[key].applies_to(protocol.dosing.unit))
        # measured now, without the rows just hidden: the scroll area otherwise decides on
        # scroll bars from the old, taller form and keeps them with room to spare
        form_layout = self.form_host.layout()
        if form_layout is not None:
            form_layout.activate()
        manages = self._may(Permission.MANAGE_PROTOCOLS)
        editable = manages and (copy_of is not None or draft is not None or self.store.library
                                .origin(protocol.id) is Origin.CLINIC)
        for control in [*self.inputs.values(), *self.scales.values(),
                        *self.resolutions.values(), self.reason, self.save_button]:
            control.setEnabled(editable)
        self.copy_button.setEnabled(copy_of is None and manages)
        self.copy_button.setVisible(manages)
        self.save_button.setVisible(manages)
        self.reason.setVisible(manages)
        self.reason_label.setVisible(manages)
        decides = draft is not None and self._may(Permission.COUNTERSIGN_PROTOCOL)
        for button in (self.countersign_button, self.decline_button):
            button.setVisible(decides)
            button.setEnabled(decides and draft is not None
                              and draft.version.created_by != self.store.user)
        self.changes.setText(changes_text(draft) if draft is not None else "")
        self.changes.setVisible(draft is not None)
        self.reason.clear()
        self.status.setText(self._describe(protocol, copy_of, draft))
        self._as_shown = self.typed()
        # grown, never shrunk, to show the whole form with what it says above it
        self.resize(self._opening_size().expandedTo(self.size()))
        if self.isVisible():
            self._lay_out_scroll_bars()

    def has_changes(self) -> bool:
        """Numbers or a reason typed into an editable form and not saved yet."""
        if not self.save_button.isEnabled() or self._shown is None:
            return False
        return bool(self.reason.text().strip()) or self.typed() != self._as_shown

    def _may_leave_changes(self, leaving_for: str) -> bool:
        """Typed changes are never dropped without a word: ask, and on No stay with them."""
        if not self.has_changes():
            return True
        name = self.inputs["name"]
        shown = (name.currentText() if isinstance(name, QComboBox) else name.text()
                 ) or "this protocol"
        return self.prompts.confirm(
            self, "Changes not saved",
            f"The changes typed into “{shown}” are not saved. {leaving_for} and drop them?"
            "\n\nNo goes back to the form, to save them with a reason first.")

    def _show_reasons(self, reasons: dict[str, str]) -> None:
        """Each reason beside its field; a field's reason line takes room only when shown."""
        self.errors.show(reasons)
        for form, label in self._error_rows:
            form.setRowVisible(label, bool(label.text()))
        self.general.setVisible(bool(self.general.text()))

    def _describe(self, protocol: Protocol, copy_of: Protocol | None,
                  draft: ProtocolDraft | None = None) -> str:
        if copy_of is not None:
            return (f"New clinic copy of {reference(copy_of)}, to be saved as draft version 1 "
                    f"of {self._copy_id()}: change its numbers, give a reason, save; a "
                    "physician countersigns it before sessions use it.")
        if draft is not None:
            return self._describe_draft(draft)
        origin = self.store.library.origin(protocol.id)
        if origin is Origin.SHIPPED:
            return "Shipped protocol, read-only: make a clinic copy to change its numbers."
        if origin is Origin.CLINIC_FILE:
            return ("The clinic's own file, read-only here: edit the file, or make a clinic "
                    "copy to change its numbers in the app.")
        versions = self.store.protocol_versions(protocol.id)
        current = next(v for v in versions if v.version == protocol.version)
        when = current.created_at.astimezone(self.store.clock.local_zone)
        based = f", based on {current.based_on}" if current.based_on else ""
        signed = f", countersigned by {current.decided_by}" if current.decided_by else ""
        text = (f"Clinic protocol, version {current.version} in force: saved by "
                f"{current.created_by} on {when:%Y-%m-%d %H:%M}{based}{signed}. A session "
                "keeps the version it started with.")
        latest = versions[-1]
        if latest.decision_reason and latest.version > current.version:
            text += (f" Draft version {latest.version} was declined by {latest.decided_by}: "
                     f"{latest.decision_reason}")
        return text

    def _describe_draft(self, draft: ProtocolDraft) -> str:
        version = draft.version
        when = version.created_at.astimezone(self.store.clock.local_zone)
        return (f"Draft version {version.version} of {version.protocol_id}, saved by "
                f"{version.created_by} on {when:%Y-%m-%d %H:%M} (“{draft.reason}”): it awaits "
                f"a physician's countersignature. {_until(draft)}")

    def _copy_id(self) -> str:
        assert self._copy_of is not None
        return clinic_copy_id(self._copy_of.id, [*self.store.library.protocols, *self._drafts])

    # -- acting --------------------------------------------------------------------------

    def make_copy(self) -> None:
        """Fill the form from the selected protocol, to be saved under a new clinic id."""
        if self._shown is not None and self._may_leave_changes("Start a new clinic copy"):
            self._show(self._shown, copy_of=self._shown)
            self.inputs["name"].setFocus()

    def typed(self) -> dict[str, str | list[str]]:
        assert self._shown is not None
        unit = self._shown.dosing.unit
        typed: dict[str, str | list[str]] = {}
        for key, widget in self.inputs.items():
            if FIELDS[key].applies_to(unit):
                typed[key] = (str(widget.currentData()) if isinstance(widget, QComboBox)
                              else widget.text())
        typed["checklists.scales"] = scales_in_order(
            list(self._shown.checklists.scales),
            [scale_id for scale_id, box in self.scales.items() if box.isChecked()])
        typed["observation.until_resolved"] = [
            value for value, box in self.resolutions.items() if box.isChecked()]
        return typed

    def save(self) -> Protocol | None:
        """Save the form as the next version; a refusal shows beside its field."""
        base = self._copy_of or self._shown
        if base is None:
            return None
        target = self._copy_id() if self._copy_of is not None else base.id

        def write() -> Protocol:
            try:
                save = protocol_save(base, self.typed(), target, self.store.user,
                                     self.store.clock.now())
                return self.store.save_clinic_protocol(save.text, based_on=save.based_on,
                                                       reason=self.reason.text())
            except ProtocolError as refused:  # the typed protocol's own fault: its field
                raise ValidationError(self._protocol_reasons(refused)) from refused

        saved = attempt(write, self._show_reasons, self.prompts, self)
        if saved is None:
            return None
        self._as_shown = self.typed()  # saved: selecting the new version drops nothing
        self.reason.clear()
        self._reload(select=saved.id)
        self.status.setText(
            f"Saved version {saved.version} of {saved.id} as a draft: a physician countersigns "
            "it (Clinic ▸ Protocols…, password asked again) before new sessions use it. "
            + _until(self._drafts[saved.id]))
        self.protocol_saved.emit(saved.id)
        return saved

    def _protocol_reasons(self, refused: ProtocolError) -> dict[str, str]:
        """A protocol's fault beside the field it names, or on the general line."""
        if refused.key in self.inputs or refused.key == "checklists.scales":
            return {refused.key: problem_in_words(refused.problem)}
        return {_GENERAL: str(refused)}

    # -- countersigning ------------------------------------------------------------------

    def shown_draft(self) -> ProtocolDraft | None:
        """The draft the form shows, if it awaits countersignature."""
        draft = None if self._shown is None else self._drafts.get(self._shown.id)
        return draft if draft is not None and self._copy_of is None else None

    def open_countersign(self) -> CountersignDialog | None:
        """Ask the physician's password again over the draft's changes."""
        draft = self.shown_draft()
        if draft is None:
            return None
        if self.countersign_dialog is not None:
            self.countersign_dialog.close()
        account = self.store.account
        signer = "" if account is None else f"{account.display_name} ({account.username})"
        self.countersign_dialog = CountersignDialog(
            self, draft, signer, lambda password, show: self.countersign(draft, password, show))
        self.countersign_dialog.open()
        return self.countersign_dialog

    def countersign(self, draft: ProtocolDraft, password: str,
                    show_reasons: ShowReasons) -> bool:
        """Put the draft in force; a refusal (a wrong password above all) is shown by
        `show_reasons` and nothing changes."""
        version = draft.version
        def write() -> None:
            try:
                self.store.countersign_protocol(version.protocol_id, version.version,
                                                password)
            except (PasswordNotConfirmed, LoginRefused) as refused:  # wrong, or must wait
                raise ValidationError({"password": str(refused)}) from refused

        def show(reasons: dict[str, str]) -> None:
            if set(reasons) == {"password"}:
                show_reasons(reasons)
            else:
                show_reasons({"draft": "; ".join(reasons.values())})

        if not attempt_done(write, show, self.prompts, self.countersign_dialog or self):
            return False
        self._reload(select=version.protocol_id)
        self.status.setText(f"Version {version.version} of {version.protocol_id} is in force, "
                            "countersigned by you: new sessions use it; sessions already "
                            "started keep their own version.")
        self.protocol_in_force.emit(version.protocol_id)
        return True

    def decline(self) -> bool:
        """Discard the draft with a reason; the version in force stays so."""
        draft = self.shown_draft()
        if draft is None:
            return False
        version = draft.version
        reason = self.prompts.reason(
            self, "Decline the protocol draft",
            f"Why is version {version.version} of {version.protocol_id} declined? "
            f"{version.created_by} reads your reason; the version in force stays so.", [])
        if reason is None:
            return False
        if not attempt_done(
                lambda: self.store.decline_protocol_draft(version.protocol_id,
                                                          version.version, reason),
                reasons_in_dialog(self.prompts, self, "Not declined"), self.prompts, self,
                typed=False):
            return False
        self._reload(select=version.protocol_id)
        self.status.setText(f"Version {version.version} of {version.protocol_id} is declined "
                            f"(“{' '.join(reason.split())}”); it never comes into force.")
        return True


def _until(draft: ProtocolDraft) -> str:
    """What new sessions use while the draft waits."""
    if draft.in_force and draft.compared_with is not None:
        return f"New sessions use version {draft.compared_with.version} until then."
    return "No session can use it until then."
