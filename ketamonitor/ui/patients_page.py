"""Patients: find or register one, and start a session with the dose worked out."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.appointments import Appointment, parse_appointment
from ketamonitor.core.clock import local_today
from ketamonitor.core.patient import Patient, age_on, parse_patient
from ketamonitor.core.protocol import DoseUnit, Protocol, Route
from ketamonitor.core.setup import dose_preview, parse_session_setup
from ketamonitor.core.times import format_clock
from ketamonitor.store.interface import StoreApi
from ketamonitor.ui.fields import FieldErrors
from ketamonitor.ui.models import Column, RowsModel, patient_columns
from ketamonitor.ui.prompts import Prompts
from ketamonitor.ui.views import read_only_table
from ketamonitor.ui.writes import attempt


def _form_row(form: QFormLayout, errors: FieldErrors, name: str, caption: str,
              widget: QWidget) -> None:
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(widget, 1)
    row.addWidget(errors.add(name, widget), 1)
    form.addRow(caption, holder)


class PatientForm(QGroupBox):
    """Register a new patient; the reason for each refused field shows beside it."""

    registered = Signal(object)

    def __init__(self, store: StoreApi, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__("Register a new patient", parent)
        self.store = store
        self.prompts = prompts
        self.errors = FieldErrors()
        self.inputs: dict[str, QLineEdit] = {}
        form = QFormLayout(self)
        for name, caption, hint in [
            ("mrn", "MRN", "medical record number"),
            ("family_name", "Family name", ""),
            ("given_name", "Given name", ""),
            ("birth_date", "Date of birth", "YYYY-MM-DD"),
            ("weight_kg", "Weight (kg)", "e.g. 72.5"),
        ]:
            field = QLineEdit()
            field.setObjectName(f"patient_{name}")
            field.setPlaceholderText(hint)
            field.returnPressed.connect(self.submit)
            field.textEdited.connect(lambda _text, n=name: self.errors.forget(n))
            self.inputs[name] = field
            _form_row(form, self.errors, name, caption, field)
        self.save = QPushButton("Register patient")
        self.save.setObjectName("patient_save")
        self.save.setProperty("role", "primary")
        self.save.clicked.connect(self.submit)
        form.addRow(self.save)

    def submit(self) -> Patient | None:
        typed = {name: field.text() for name, field in self.inputs.items()}
        patient = attempt(lambda: self.store.register_patient(
            parse_patient(typed, today=local_today(self.store.clock))),
            self.errors.show, self.prompts, self)
        if patient is None:
            return None
        self.errors.clear()
        for field in self.inputs.values():
            field.clear()
        self.registered.emit(patient)
        return patient


class SessionForm(QGroupBox):
    """Start a session: protocol, chair, nurse, today's weight and the dose, worked out live."""

    started = Signal(int)
    booked = Signal(int)
    cancel_booking_requested = Signal(int)

    def __init__(self, store: StoreApi, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__("Start a session", parent)
        self.store = store
        self.prompts = prompts
        self.patient: Patient | None = None
        self.errors = FieldErrors()
        form = QFormLayout(self)
        self.who = QLabel("")
        self.who.setObjectName("session_patient")
        self.who.setTextFormat(Qt.TextFormat.RichText)
        form.addRow(self.who)
        self.protocol = QComboBox()
        self.protocol.setObjectName("session_protocol")
        self.reload_protocols()
        form.addRow("Protocol", self.protocol)
        self.inputs: dict[str, QLineEdit] = {}
        for name, caption in [("chair", "Chair"), ("nurse", "Nurse"),
                              ("prescriber", "Prescriber"),
                              ("weight_kg", "Weight today (kg)"), ("mg_per_kg", "Dose (mg/kg)"),
                              ("concentration", "Concentration (mg/mL)")]:
            if name == "nurse":
                # not typed: the person logged in when the session starts (a handover to
                # another nurse is recorded on the session page)
                self.nurse = QLabel("")
                self.nurse.setObjectName("session_nurse")
                _form_row(form, self.errors, name, caption, self.nurse)
                continue
            field = QLineEdit()
            field.setObjectName(f"session_{name}")
            field.textChanged.connect(self._show_dose)
            field.returnPressed.connect(self.submit)
            self.inputs[name] = field
            _form_row(form, self.errors, name, caption, field)
        self.devices = QComboBox()
        self.devices.setObjectName("session_devices")
        self.devices.currentIndexChanged.connect(self._show_dose)
        _form_row(form, self.errors, "devices", "Devices", self.devices)
        self.dose = QLabel("")
        self.dose.setObjectName("session_dose")
        self.dose.setWordWrap(True)
        form.addRow("Dose", self.dose)
        self.save = QPushButton("Start session now")
        self.save.setObjectName("session_save")
        self.save.setProperty("role", "primary")
        self.save.clicked.connect(self.submit)
        form.addRow(self.save)
        self.checking_in = QLabel("")
        self.checking_in.setObjectName("checking_in")
        self.cancel_booking = QPushButton("Cancel this booking…")
        self.cancel_booking.setObjectName("cancel_booking")
        self.cancel_booking.clicked.connect(
            lambda: self.cancel_booking_requested.emit(self.appointment_id))
        form.addRow(self.checking_in, self.cancel_booking)
        for widget in (self.checking_in, self.cancel_booking):
            widget.setVisible(False)
        booking = QWidget()
        booking_row = QHBoxLayout(booking)
        booking_row.setContentsMargins(0, 0, 0, 0)
        self.booking_time = QLineEdit()
        self.booking_time.setObjectName("booking_time")
        self.booking_time.setPlaceholderText("HH:MM")
        self.booking_time.setMaximumWidth(90)
        self.book = QPushButton("Book for later today")
        self.book.setObjectName("booking_save")
        self.book.clicked.connect(self.book_appointment)
        booking_row.addWidget(self.booking_time)
        booking_row.addWidget(self.book)
        booking_row.addWidget(self.errors.add("time", self.booking_time), 1)
        form.addRow("Or book at", booking)
        self.appointment_id: int | None = None
        self._form = form
        self.show_nurse()
        self.protocol.currentIndexChanged.connect(self._protocol_chosen)
        self._protocol_chosen()

    def reload_protocols(self) -> None:
        """The protocols in use, a clinic's new version included, keeping the choice made."""
        chosen = self.protocol.currentData()
        self.protocol.blockSignals(True)
        self.protocol.clear()
        for protocol in self.store.library.protocols.values():
            self.protocol.addItem(protocol.name, protocol.id)
        found = self.protocol.findData(chosen)
        self.protocol.setCurrentIndex(max(found, 0))
        self.protocol.blockSignals(False)
        if hasattr(self, "dose"):
            self._protocol_chosen()

    def chosen_protocol(self) -> Protocol:
        return self.store.library.protocol(self.protocol.currentData())

    def set_patient(self, patient: Patient) -> None:
        self.patient = patient
        age = age_on(patient.details.birth_date, local_today(self.store.clock))
        self.who.setText(f"<b>{escape(patient.display_name)}</b> · "
                         f"MRN {escape(patient.mrn)} · {age} y"
                         + (" · <b>DEMO</b>" if patient.details.is_demo else ""))
        last = attempt(lambda: (self.store.last_protocol_id(patient.id),
                                self.store.last_weight(patient.id)),
                       self.errors.show, self.prompts, self, typed=False)
        last_protocol, weight = last if last is not None else (None, None)  # file said
        if last_protocol is not None and self.protocol.findData(last_protocol) >= 0:
            self.protocol.setCurrentIndex(self.protocol.findData(last_protocol))
        self.inputs["weight_kg"].setText("" if weight is None else f"{weight:g}")
        self.errors.clear()
        self._show_dose()

    def _show_row(self, field: QWidget, visible: bool) -> None:
        """Show or hide the form's row of a field (by the holder it sits in)."""
        holder = field.parentWidget()
        if holder is not None:
            self._form.setRowVisible(holder, visible)

    def _protocol_chosen(self) -> None:
        protocol = self.chosen_protocol()
        dosing = protocol.dosing
        per_kg = dosing.unit is DoseUnit.MG_PER_KG
        self._show_row(self.inputs["mg_per_kg"], per_kg)
        self._show_row(self.inputs["concentration"], per_kg and protocol.route is Route.IV)
        self._show_row(self.devices, not per_kg)
        if per_kg:
            self.inputs["mg_per_kg"].setText(f"{dosing.default_mg_per_kg:g}")
            self.inputs["concentration"].setText(f"{dosing.default_concentration_mg_per_ml:g}")
        else:
            self.devices.clear()
            for count in dosing.allowed_devices:
                self.devices.addItem(f"{count} × {dosing.mg_per_device:g} mg", count)
            self.devices.setCurrentIndex(self.devices.findData(dosing.default_devices))
        self._show_dose()

    def _nurse_now(self) -> str:
        """The session's nurse: whoever is logged in at this moment, never whoever was when
        the form was built (an administrator before a Switch user, say)."""
        account = self.store.account
        return "" if account is None else account.username

    def show_nurse(self) -> None:
        account = self.store.account
        self.nurse.setText("" if account is None else
                           f"{account.display_name} ({account.username}), logged in")

    def showEvent(self, event: QShowEvent) -> None:
        """The person logged in may have changed since the form was last shown."""
        self.show_nurse()
        super().showEvent(event)

    def typed(self) -> dict[str, str]:
        typed = {name: field.text() for name, field in self.inputs.items()}
        typed["nurse"] = self._nurse_now()
        typed["devices"] = str(self.devices.currentData() or "")
        return typed

    def _show_dose(self) -> None:
        """The worked-out dose, or why it cannot be worked out yet, as the nurse types."""
        if not hasattr(self, "dose"):
            return
        dose = dose_preview(self.typed(), self.chosen_protocol())
        self.dose.setText("—" if dose is None else f"<b>{dose.describe()}</b>")

    def submit(self) -> int | None:
        if self.patient is None:
            self.prompts.show_problem(self, "Choose a patient",
                                      "Find or register the patient first.")
            return None
        patient = self.patient
        self.show_nurse()
        session_id = attempt(lambda: self.store.start_session(
            parse_session_setup(
                self.typed(), patient, self.chosen_protocol(),
                first_treatment=self.store.first_esketamine_treatment(patient.id)),
            appointment_id=self.appointment_id), self.errors.show, self.prompts, self)
        if session_id is None:
            return None
        self.errors.clear()
        self.inputs["chair"].clear()
        self.check_in(None)
        self.started.emit(session_id)
        return session_id

    def check_in(self, appointment: Appointment | None) -> None:
        """Start the session of a booking: its chair and protocol, linked to it."""
        self.appointment_id = appointment.id if appointment else None
        self.checking_in.setVisible(appointment is not None)
        self.cancel_booking.setVisible(appointment is not None)
        if appointment is None:
            return
        booked_for = format_clock(appointment.scheduled_for, self.store.clock.local_zone)
        self.checking_in.setText(f"Checking in the booking for {booked_for}, chair "
                                 f"{appointment.chair}")
        found = self.protocol.findData(appointment.protocol_id)
        if found >= 0:
            self.protocol.setCurrentIndex(found)
        self.inputs["chair"].setText(appointment.chair)

    def book_appointment(self) -> int | None:
        """Book the chosen patient for a time later today: the room lists who is coming."""
        if self.patient is None:
            self.prompts.show_problem(self, "Choose a patient",
                                      "Find or register the patient first.")
            return None
        clock, patient = self.store.clock, self.patient
        typed = {"time": self.booking_time.text(), "chair": self.inputs["chair"].text()}
        appointment_id = attempt(lambda: self.store.schedule_appointment(parse_appointment(
            typed, patient, self.chosen_protocol(), now=clock.now(), zone=clock.local_zone)),
            self.errors.show, self.prompts, self)
        if appointment_id is None:
            return None
        self.errors.clear()
        self.booking_time.clear()
        self.booked.emit(appointment_id)
        return appointment_id


class PatientsPage(QWidget):
    """Find or register a patient and start a session; emits `session_started` with its id."""

    session_started = Signal(int)

    def __init__(self, store: StoreApi, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        #: Each patient with an unsigned chart flagged by PHQ-9 item 9, and its mark.
        self.item9: dict[int, str] = {}
        self.patients_model: RowsModel[Patient] = RowsModel(
            [*patient_columns(), Column("PHQ-9 item 9", lambda p: self.item9.get(p.id, ""))],
            self)
        self.patient_form = PatientForm(store, prompts)
        self.session_form = SessionForm(store, prompts)
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 8, 10, 8)
        back = QPushButton("◀ Infusion room  (Esc)")
        back.setObjectName("back_to_room")
        self.back = back
        grid.addWidget(back, 0, 0, Qt.AlignmentFlag.AlignLeft)
        find_box = QGroupBox("Find a patient")
        find_layout = QVBoxLayout(find_box)
        self.search = QLineEdit()
        self.search.setObjectName("patient_search")
        self.search.setPlaceholderText("MRN or name…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh_patients)
        find_layout.addWidget(self.search)
        self.patients_view = read_only_table(self.patients_model)
        self.patients_view.setObjectName("patients_table")
        self.patients_view.selectionModel().currentRowChanged.connect(self._patient_chosen)
        self.patients_view.activated.connect(self._patient_chosen)
        find_layout.addWidget(self.patients_view)
        self.new_patient = QPushButton("New patient…")
        self.new_patient.setObjectName("new_patient")
        self.new_patient.clicked.connect(self._show_new_patient_form)
        find_layout.addWidget(self.new_patient)
        grid.addWidget(find_box, 1, 0)
        self.right = QStackedWidget()
        self.right.addWidget(self.patient_form)
        self.right.addWidget(self.session_form)
        grid.addWidget(self.right, 1, 1)
        grid.setRowStretch(1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.patient_form.registered.connect(self.choose_patient)
        self.session_form.started.connect(self.session_started.emit)
        self.refresh_patients()

    def _show_new_patient_form(self) -> None:
        self.right.setCurrentWidget(self.patient_form)

    def refresh_patients(self) -> None:
        self.item9 = self.store.item9_patients()
        self.patients_model.set_rows(self.store.find_patients(self.search.text()))

    def focus_search(self) -> None:
        """The page is opened to find someone: the first key typed goes into the search."""
        self.search.setFocus()
        self.search.selectAll()

    def choose_patient(self, patient: Patient) -> None:
        self.search.setText(patient.mrn)
        self.session_form.set_patient(patient)
        self.right.setCurrentWidget(self.session_form)
        self.session_form.inputs["chair"].setFocus()

    def _patient_chosen(self, index: QModelIndex) -> None:
        """The row the keyboard targets is the row chosen, so it is highlighted too: Tab into
        the list made row 1 current unselected, and Down then went to row 2."""
        if index.isValid():
            if not self.patients_view.selectionModel().isRowSelected(index.row()):
                self.patients_view.selectRow(index.row())
            self.session_form.set_patient(self.patients_model.row_value(index.row()))
            self.right.setCurrentWidget(self.session_form)
