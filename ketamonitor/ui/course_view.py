"""A patient's course in a window: the sessions' BP charts side by side and the trends."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ketamonitor.plotting import style
from ketamonitor.plotting.course_plot import CoursePlot
from ketamonitor.store.interface import StoreApi


class CourseDialog(QDialog):
    """Reads the patient's sessions once when opened; reopen it to see later entries."""

    def __init__(self, store: StoreApi, patient_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        patient = store.patient(patient_id)
        listings = store.patient_sessions(patient_id)
        self.charts = [store.chart(listing.session_id) for listing in listings]
        self.setWindowTitle(f"Course — {patient.display_name} ({patient.mrn})")
        heading = QLabel(
            f"<b>{escape(patient.display_name)}</b> · MRN {escape(patient.mrn)} · "
            f"{len(self.charts)} "
            f"session{'s' if len(self.charts) != 1 else ''}; each chart in minutes from its "
            "dose start, on the same scales")
        heading.setWordWrap(True)
        self.canvas = style.canvas()
        self.plot = CoursePlot(self.canvas.ci, store.clock.local_zone)
        self.plot.show_course(self.charts)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(buttons)
        self.resize(1240, 680)
