"""The session page's header: the way back to the room, who and what this session is
(patient, chair, weight, nurse, plan, what was given), and the buttons for the session as a
whole (hand over, the patient's course, the summary export)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ketamonitor.core.chart import SessionChart
from ketamonitor.ui import theme
from ketamonitor.ui.session.words import given_tip, given_words, unbroken


class SessionHeader(QWidget):
    """The page connects the buttons (each opens a dialog of the page's) and says which
    are offered (`show_access`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.back = QPushButton("◀ All sessions  (Esc)")
        self.back.setObjectName("back")
        row.addWidget(self.back)
        self.title = QLabel("")
        self.title.setObjectName("session_title")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        row.addWidget(self.title, 1)
        self.handover_button = QPushButton("Hand over…")
        self.handover_button.setObjectName("hand_over")
        self.handover_button.setToolTip("Hand this session over to another nurse (recorded)")
        row.addWidget(self.handover_button)
        self.course_button = QPushButton("Course…")
        self.course_button.setObjectName("course")
        self.course_button.setToolTip("This patient's sessions side by side, with the PHQ-9")
        row.addWidget(self.course_button)
        self.export_button = QPushButton("Export summary…")
        self.export_button.setObjectName("export_summary")
        self.export_button.setToolTip("This session's summary as PDF, FHIR, JSON or CSV "
                                      "(physicians and administrators)")
        row.addWidget(self.export_button)

    def draw(self, chart: SessionChart) -> None:
        """Typed names go into rich text: escaped, so "<" or "&" in a name shows as typed.
        The plan (protocol and dose) has a line of its own and never breaks inside, where
        "1 mg/" over "mL" misreads."""
        session, patient = chart.session, chart.patient
        self.title.setText(
            f"<span style='font-size:{theme.HEADER_POINT_SIZE}pt'><b>"
            f"{escape(patient.display_name)}</b></span> &nbsp; MRN {escape(patient.mrn)} · "
            f"Chair <b>{escape(session.chair)}</b> · {session.weight_kg:g} kg · "
            f"Nurse {escape(session.nurse)}"
            + ("  <b>(DEMO PATIENT)</b>" if patient.details.is_demo else "")
            + f"<br>{escape(session.protocol.name)} · <b>{unbroken(session.dose.describe())}</b>"
            + given_words(chart))
        self.title.setToolTip(given_tip(chart))

    def show_access(self, may_export: bool, may_hand_over: bool) -> None:
        self.export_button.setVisible(may_export)
        self.handover_button.setVisible(may_hand_over)
