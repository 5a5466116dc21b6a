"""Beside the vitals form, the bedside monitor's latest reading not yet validated: one key
accepts it as the nurse's set, "Artifact…" marks it with a reason (issue 21).

An extreme value is asked about as the typed form asks (the question beside the reading
and a "Yes, chart it" box; the key again charts it once the box is ticked); a refusal is
shown here, and nothing the nurse chose or typed in the artifact dialog is lost. The page
decides and charts; this panel shows and forwards."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import tzinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.monitor_readings import MonitorReading, artifact_reasons
from ketamonitor.core.monitor_words import MONITOR, pending_words, values_words
from ketamonitor.core.times import format_clock
from ketamonitor.ui import theme
from ketamonitor.ui.fields import FieldErrors, save_cancel_buttons
from ketamonitor.ui.vitals_form import CONFIRM_TEXT, ConfirmBox

#: The one key that accepts the latest reading waiting (free everywhere in the window:
#: F2 patients, F3 charts to sign, Esc the room, Alt+N a tile, R/Home the chart's view).
ACCEPT_KEY = "F9"

ShowReasons = Callable[[Mapping[str, str]], None]
#: `record(reading_id, reason, show_reasons)` marks it and says whether it was charted.
MarkArtifact = Callable[[int, str, ShowReasons], bool]


class MonitorPanel(QFrame):
    """Shown once the chart has readings from a monitor. Emits `accept_requested` (the
    button or the key) and `artifact_requested`; `ask` shows an extreme value's question
    and its box, kept while the same reading is the latest one waiting."""

    accept_requested = Signal()
    artifact_requested = Signal()

    def __init__(self, zone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self.setObjectName("monitor_panel")
        self.setStyleSheet(f"#monitor_panel {{ border-left: 3px dashed {theme.MUTED}; }}")
        #: The reading shown (the one the key accepts), and the one a question is about.
        self.reading: MonitorReading | None = None
        self._asked_for: int | None = None
        self._questions: dict[str, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 4)
        layout.setSpacing(2)
        title = QLabel(f"{MONITOR} readings")
        title.setProperty("role", "section")
        layout.addWidget(title)
        self.head = QLabel("")
        self.head.setObjectName("monitor_head")
        self.head.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.head)
        self.values = QLabel("")
        self.values.setObjectName("monitor_values")
        self.values.setTextFormat(Qt.TextFormat.PlainText)
        big = QFont(self.values.font())
        big.setPointSize(theme.BASE_POINT_SIZE + 2)
        big.setItalic(True)
        self.values.setFont(big)
        layout.addWidget(self.values)
        self.problem = QLabel("")
        self.problem.setObjectName("monitor_problem")
        self.problem.setProperty("role", "field-error")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        self.confirm = ConfirmBox(CONFIRM_TEXT)
        self.confirm.setObjectName("monitor_confirm")
        self.confirm.submit_requested.connect(self.accept_requested.emit)
        self.confirm.hide()
        layout.addWidget(self.confirm)
        buttons = QHBoxLayout()
        self.accept_button = QPushButton(f"Accept  ({ACCEPT_KEY})")
        self.accept_button.setObjectName("monitor_accept")
        self.accept_button.setProperty("role", "primary")
        self.accept_button.setToolTip("Chart the latest reading waiting as your vitals set, "
                                      "marked as from the monitor")
        self.accept_button.clicked.connect(self.accept_requested.emit)
        buttons.addWidget(self.accept_button)
        self.artifact_button = QPushButton("Artifact…")
        self.artifact_button.setObjectName("monitor_artifact")
        self.artifact_button.setToolTip("Mark the latest reading waiting as an artifact, "
                                        "with why: it then counts for nothing")
        self.artifact_button.clicked.connect(self.artifact_requested.emit)
        buttons.addWidget(self.artifact_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.hide()

    def show_chart(self, chart: SessionChart) -> None:
        """The latest reading waiting, or that none waits; hidden for a chair that has no
        monitor's readings at all."""
        self.setVisible(bool(chart.monitor_readings))
        latest = chart.latest_pending_reading
        if latest is not None and latest == self.reading:
            return
        self.reading = latest
        if latest is None or latest.id != self._asked_for:
            self._drop_question()
        if latest is None:
            self.head.setText("Every reading validated")
            self.values.setText("")
        else:
            self.head.setText(pending_words(latest, len(chart.pending_readings), self.zone))
            self.values.setText(values_words(latest.vitals))
        for button in (self.accept_button, self.artifact_button):
            button.setEnabled(latest is not None)

    def confirmed(self, reading_id: int) -> frozenset[str]:
        """The fields said yes to for this reading (none unless its question was asked
        and the box ticked)."""
        if self._asked_for != reading_id or not self.confirm.isChecked():
            return frozenset()
        return frozenset(self._questions)

    def ask(self, reading_id: int, questions: Mapping[str, str]) -> None:
        """An extreme value's question, and the box to say yes to it."""
        if self._asked_for != reading_id:
            self.confirm.setChecked(False)
        self._asked_for = reading_id
        self._questions = dict(questions)
        self.confirm.show()

    def show_reasons(self, reasons: Mapping[str, str]) -> None:
        self.problem.setText("\n".join(reasons.values()))
        self.problem.setVisible(bool(reasons))

    def verdict_given(self) -> None:
        """After a verdict: nothing asked any more."""
        self._drop_question()

    def _drop_question(self) -> None:
        self._asked_for = None
        self._questions = {}
        self.confirm.setChecked(False)
        self.confirm.hide()
        self.problem.setText("")
        self.problem.hide()


#: The most readings waiting the artifact dialog offers (the latest ones): at a reading a
#: second the oldest are long past telling apart.
READINGS_OFFERED = 60


def _offered(reading: MonitorReading,
             waiting: Sequence[MonitorReading]) -> list[MonitorReading]:
    """The readings to choose from, the latest first, the one asked for among them."""
    latest = sorted(waiting, key=lambda r: (r.observed_at, r.id), reverse=True)
    offered = latest[:READINGS_OFFERED]
    if reading not in offered:
        offered.insert(0, reading)
    return offered


class ArtifactDialog(QDialog):
    """Why a monitor's reading is an artifact: one of the clinic's reasons, words of the
    nurse's own, or both. Closes only once the mark is in the record (or on Cancel, Esc,
    the ✕); a refusal stays beside the field with the choice and the typing kept."""

    def __init__(self, parent: QWidget, reading: MonitorReading, zone: tzinfo,
                 record: MarkArtifact, waiting: Sequence[MonitorReading] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("artifact_dialog")
        self.setWindowTitle("Mark a monitor reading as an artifact")
        self.setMinimumWidth(640)  # the longest reason offered, whole
        self.reading = reading
        self._record = record
        self.errors = FieldErrors()
        form = QFormLayout(self)
        #: Which reading: the one asked for, or another still waiting (the latest first;
        #: a cuff that moved three readings ago is marked as such).
        self.readings = QComboBox()
        self.readings.setObjectName("artifact_reading")
        self._offered = _offered(reading, waiting)
        for choice in self._offered:
            self.readings.addItem(f"{format_clock(choice.observed_at, zone)}  "
                                  f"{values_words(choice.vitals)}")
        self.readings.setCurrentIndex(self._offered.index(reading))
        self.readings.currentIndexChanged.connect(self._chosen)
        form.addRow(f"{MONITOR} reading", self.readings)
        words = QLabel("An artifact counts for nothing (not on the chart's lines, the gates "
                       "or the exports' values); the mark and its reason are kept with your "
                       "name.")
        words.setWordWrap(True)
        form.addRow(words)
        self.choices = QButtonGroup(self)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        self.reason_buttons: list[QRadioButton] = []
        for offered in artifact_reasons():
            button = QRadioButton(offered.label)
            button.setObjectName(f"artifact_{offered.key}")
            self.choices.addButton(button)
            column.addWidget(button)
            self.reason_buttons.append(button)
        form.addRow("Reason", holder)
        self.details = QLineEdit()
        self.details.setObjectName("artifact_details")
        self.details.setPlaceholderText("details, or a reason of your own")
        self.details.textChanged.connect(lambda _text: self.errors.forget("reason"))
        form.addRow("In your words", self.details)
        form.addRow(self.errors.add("reason", self.details))
        self.general = self.errors.add("general", self)
        form.addRow(self.general)
        self.buttons = save_cancel_buttons(self, self.submit, "Mark as artifact")
        form.addRow(self.buttons)
        self.details.setFocus()

    def _chosen(self, index: int) -> None:
        if 0 <= index < len(self._offered):
            self.reading = self._offered[index]
            self.errors.forget("general")

    def reason(self) -> str:
        """The reason chosen and the words typed, as charted ("" for neither: the rules
        then say why that will not do)."""
        chosen = self.choices.checkedButton()
        label = chosen.text() if chosen is not None else ""
        typed = self.details.text().strip()
        return f"{label}: {typed}" if label and typed else label or typed

    def submit(self) -> None:
        if self._record(self.reading.id, self.reason(), self.errors.show):
            self.accept()
