"""Checklists and scales drawn from their TOML definitions; each answer is charted at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import tzinfo
from html import escape

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ketamonitor.core.checklists import Answer, Checklist, Scale
from ketamonitor.core.protocol import Route
from ketamonitor.core.records import ChecklistEntry, ScaleScore
from ketamonitor.core.side_effects import Course
from ketamonitor.core.times import format_clock
from ketamonitor.ui import theme
from ketamonitor.ui.fields import FieldErrors
from ketamonitor.ui.note_box import NoteGuard

#: Room reserved for "✓ 10:42 · a.username" beside each answer, in average characters.
STAMP_CHARACTERS = 24


def _answer_width(button: QPushButton) -> int:
    """One width for an answer button whether or not it is checked (checked is bold)."""
    bold = QFont(button.font())
    bold.setBold(True)
    return max(64, QFontMetrics(bold).horizontalAdvance(button.text()) + 32)


def _who_when(entry: ChecklistEntry | ScaleScore, zone: tzinfo) -> str:
    return f"{format_clock(entry.observed_at, zone)} · {entry.entered_by}"


class YesNoChecklistView(QWidget):
    """Each item answered Yes or No with one click; the click is the confirmation."""

    answered = Signal(str, str)

    def __init__(self, checklist: Checklist, route: Route, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checklist = checklist
        self._groups: dict[str, QButtonGroup] = {}
        self._buttons: dict[tuple[str, str], QPushButton] = {}
        self._stamps: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        grid.setVerticalSpacing(6)
        for row, item in enumerate(checklist.items_for(route)):
            label = QLabel(item.label)
            label.setWordWrap(True)
            grid.addWidget(label, row, 0)
            group = QButtonGroup(self)
            group.setExclusive(True)
            for column, answer in enumerate((Answer.YES, Answer.NO), start=1):
                button = QPushButton(answer.value.capitalize())
                button.setCheckable(True)
                button.setObjectName(f"{checklist.id}_{item.key}_{answer.value}")
                button.setFixedWidth(_answer_width(button))
                button.clicked.connect(
                    lambda _checked=False, key=item.key, value=answer.value:
                    self.answered.emit(key, value))
                group.addButton(button)
                grid.addWidget(button, row, column)
                self._buttons[(item.key, answer.value)] = button
            stamp = QLabel("not answered")
            stamp.setProperty("role", "muted")
            # The who-when text is longer than "not answered": a column sized by its text
            # would narrow the others and slide every Yes/No under the pointer.
            stamp.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            grid.addWidget(stamp, row, 3)
            self._groups[item.key] = group
            self._stamps[item.key] = stamp
        grid.setColumnStretch(0, 1)
        grid.setColumnMinimumWidth(3, self.fontMetrics().averageCharWidth() * STAMP_CHARACTERS)
        grid.setRowStretch(len(self._groups), 1)

    def show_answers(self, answers: Mapping[str, ChecklistEntry], zone: tzinfo) -> None:
        for key, group in self._groups.items():
            entry = answers.get(key)
            group.setExclusive(False)
            for button in group.buttons():
                button.setChecked(False)
            group.setExclusive(True)
            stamp = self._stamps[key]
            if entry is None:
                stamp.setText("not answered")
                stamp.setToolTip("")
                stamp.setStyleSheet("")
                continue
            self._buttons[(key, entry.value)].setChecked(True)
            expected = self.checklist.item(key).expected
            unexpected = expected is not None and entry.value != expected
            stamp.setText((f"{theme.FLAG_MARK} " if unexpected else "✓ ") + _who_when(entry, zone))
            stamp.setToolTip(stamp.text())  # a long name is cut at the column's edge
            stamp.setStyleSheet(f"color: {theme.CAUTION}; font-weight: bold;" if unexpected
                                else f"color: {theme.OK};")

    def show_note(self, key: str, text: str, detail: str = "", *, caution: bool) -> None:
        """Say something of an item beside its answer, after `show_answers`: an answer the
        chart contradicts (`caution`), or one the record gives itself; `detail` is the
        tooltip (the whole sentence, where the column cuts the text)."""
        stamp = self._stamps.get(key)
        if stamp is None:
            return
        stamp.setText((f"{theme.FLAG_MARK} " if caution else "✓ ") + text)
        stamp.setToolTip(detail or stamp.text())
        stamp.setStyleSheet(f"color: {theme.CAUTION}; font-weight: bold;" if caution
                            else f"color: {theme.OK};")


class PresenceChecklistView(QWidget):
    """An assessment: tick what is present now, save all items (present or absent) at once."""

    assessed = Signal(dict)

    def __init__(self, checklist: Checklist, route: Route, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checklist = checklist
        self._boxes: dict[str, QCheckBox] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)  # the focus ring's margin already parts the boxes; Save in view
        hint = QLabel("Tick what is present now, then save the assessment "
                      "(unticked items are charted as absent).")
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        for item in checklist.items_for(route):
            box = QCheckBox(item.label)
            box.setObjectName(f"{checklist.id}_{item.key}")
            layout.addWidget(box)
            self._boxes[item.key] = box
        row = QHBoxLayout()
        self.save = QPushButton("Save assessment")
        self.save.setObjectName(f"{checklist.id}_save")
        self.save.clicked.connect(self._emit)
        row.addWidget(self.save)
        self.last = QLabel("No assessment yet")
        self.last.setProperty("role", "muted")
        self.last.setWordWrap(True)
        row.addWidget(self.last, 1)
        layout.addLayout(row)
        layout.addStretch(1)

    def _emit(self) -> None:
        self.assessed.emit({key: (Answer.PRESENT if box.isChecked() else Answer.ABSENT).value
                            for key, box in self._boxes.items()})

    def saved(self) -> None:
        for box in self._boxes.values():
            box.setChecked(False)

    def show_entries(self, entries: tuple[ChecklistEntry, ...], zone: tzinfo) -> None:
        valid = [e for e in entries if not e.in_error]
        if not valid:
            return
        latest_at = max(e.observed_at for e in valid)
        present = [e.label for e in valid if e.observed_at == latest_at and e.value == "present"]
        assessments = len({e.observed_at for e in valid})
        self.last.setText(f"Last assessment {format_clock(latest_at, zone)} "
                          f"({assessments} so far): "
                          + ("; ".join(present) if present else "none present"))


class SideEffectForm(QWidget):
    """Side effect, severity and an optional intervention, charted with one button."""

    submitted = Signal(str, str, str, str)
    #: The item key of a side effect still present, to chart resolved now.
    resolved = Signal(str)

    def __init__(self, checklist: Checklist, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checklist = checklist
        self.errors = FieldErrors()
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        self.effect = QComboBox()
        self.effect.setObjectName("side_effect_item")
        self.effect.addItem("— choose —", "")
        for item in checklist.items:
            self.effect.addItem(item.label, item.key)
        self.severity = QComboBox()
        self.severity.setObjectName("side_effect_severity")
        self.severity.addItem("— choose —", "")
        for severity in checklist.severities:
            self.severity.addItem(severity.capitalize(), severity)
        self.intervention = QComboBox()
        self.intervention.setObjectName("side_effect_intervention")
        self.intervention.addItem("none", "")
        for choice in checklist.interventions:
            self.intervention.addItem(choice.label, choice.key)
        self.note = QLineEdit()
        self.note.setObjectName("side_effect_note")
        self.note.setPlaceholderText("optional note (Enter charts the side effect)")
        self.add = QPushButton("Chart side effect")
        self.add.setObjectName("side_effect_save")
        self.add.clicked.connect(self._emit)
        self.note.returnPressed.connect(self.add.click)  # not while Add is disabled
        for column, (caption, widget, field) in enumerate([
            ("Side effect", self.effect, "item"),
            ("Severity", self.severity, "severity"),
            ("Intervention", self.intervention, "intervention"),
        ]):
            grid.addWidget(QLabel(caption), 0, column)
            grid.addWidget(widget, 1, column)
            grid.addWidget(self.errors.add(field, widget), 2, column)
        # the button under the intervention, not in a column of its own: the form is no
        # wider than its three choices, so it fits beside the chart at 1366x768
        grid.addWidget(self.note, 3, 0, 1, 2)
        note_error = self.errors.add("note", self.note)
        grid.addWidget(note_error, 4, 0, 1, 3)
        self.note_guard = NoteGuard(self.note, self.add, note_error)
        grid.addWidget(self.add, 3, 2)
        # a side effect charted present is later charted resolved (a new entry: the onset
        # stays on the record); only those still present are offered
        self.still_present = QComboBox()
        self.still_present.setObjectName("side_effect_still_present")
        self.resolve = QPushButton("Chart resolved now")
        self.resolve.setObjectName("side_effect_resolve")
        self.resolve.clicked.connect(self._emit_resolved)
        grid.addWidget(QLabel("Still present"), 5, 0)
        grid.addWidget(self.still_present, 5, 1)
        grid.addWidget(self.resolve, 5, 2)
        grid.addWidget(self.errors.add("resolve", self.still_present), 6, 0, 1, 3)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 2)
        for combo in (self.effect, self.severity, self.intervention, self.still_present):
            _compact(combo)
        self.show_still_present(())

    def _emit(self) -> None:
        self.submitted.emit(self.effect.currentData(), self.severity.currentData(),
                            self.intervention.currentData(), self.note.text())

    def _emit_resolved(self) -> None:
        if self.still_present.currentData():
            self.resolved.emit(self.still_present.currentData())

    def show_still_present(self, courses: Sequence[Course], zone: tzinfo | None = None) -> None:
        """The side effects that can be charted resolved: each still present, with its
        severity and onset."""
        self.still_present.clear()
        for course in courses:
            since = f" since {format_clock(course.onset, zone)}" if zone else ""
            self.still_present.addItem(f"{course.label} ({course.severity}){since}",
                                       course.item)
        if not courses:
            self.still_present.addItem("none", "")
        self.still_present.setEnabled(bool(courses))
        self.resolve.setEnabled(bool(courses))

    def saved(self) -> None:
        self.errors.clear()
        for combo in (self.effect, self.severity, self.intervention):
            combo.setCurrentIndex(0)
        self.note.clear()


class ScaleForm(QWidget):
    """A scored scale: each item chosen from its options, charted as a whole."""

    submitted = Signal(dict, object)

    def __init__(self, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scale = scale
        self.errors = FieldErrors()
        self._choices: dict[str, QComboBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 4, 4, 4)
        row = 0
        if scale.question:
            question = QLabel(scale.question)
            question.setWordWrap(True)
            question.setProperty("role", "muted")
            grid.addWidget(question, row, 0, 1, 3)
            row += 1
        self.timepoint = QComboBox()
        if scale.timepoints:
            self.timepoint.setObjectName(f"{scale.id}_timepoint")
            for timepoint in scale.timepoints:
                self.timepoint.addItem(timepoint, timepoint)
            grid.addWidget(QLabel("When"), row, 0)
            grid.addWidget(self.timepoint, row, 1)
            grid.addWidget(self.errors.add("timepoint", self.timepoint), row, 2)
            row += 1
        self._item_labels: dict[str, QLabel] = {}
        for item in scale.items:
            label = QLabel(item.label)
            label.setWordWrap(True)
            label.setObjectName(f"{scale.id}_{item.key}_label")
            self._item_labels[item.key] = label
            combo = QComboBox()
            combo.setObjectName(f"{scale.id}_{item.key}")
            combo.addItem("—", None)
            for option in item.options:
                combo.addItem(_numbered(option.label, option.score), option.score)
            _compact(combo, characters=28)
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(self.errors.add(item.key, combo), row, 2)
            self._choices[item.key] = combo
            row += 1
        self.save = QPushButton(f"Chart {scale.title}")
        self.save.setObjectName(f"{scale.id}_save")
        self.save.clicked.connect(self._emit)
        grid.addWidget(self.save, row, 1)
        self.last = QLabel("Not scored yet")
        self.last.setObjectName(f"{scale.id}_last")
        self.last.setWordWrap(True)
        grid.addWidget(self.last, row, 0)
        grid.setColumnStretch(0, 1)

    def _emit(self) -> None:
        scores = {key: combo.currentData() for key, combo in self._choices.items()}
        timepoint = self.timepoint.currentData() if self.scale.timepoints else None
        self.submitted.emit(scores, timepoint)

    def choose(self, scores: Mapping[str, int]) -> None:
        for key, score in scores.items():
            combo = self._choices[key]
            combo.setCurrentIndex(combo.findData(score))

    def saved(self) -> None:
        self.errors.clear()
        for combo in self._choices.values():
            combo.setCurrentIndex(0)

    def default(self, item_key: str, score: int) -> None:
        """Offer `score` for an item not chosen yet (the Aldrete's items the chart gives);
        a choice the nurse made is left as it is."""
        combo = self._choices.get(item_key)
        if combo is not None and combo.currentData() is None:
            combo.setCurrentIndex(combo.findData(score))

    def hint(self, item_key: str, text: str) -> None:
        """A muted line under an item's label: what the chart says about it (the Aldrete's
        oxygen item: the latest SpO2 and whether it was on room air)."""
        label = self._item_labels.get(item_key)
        item = next((i for i in self.scale.items if i.key == item_key), None)
        if label is not None and item is not None:
            label.setText(f"{escape(item.label)}<br><span style='color:{theme.MUTED}'>"
                          f"{escape(text)}</span>")

    def show_latest(self, score: ScaleScore | None, zone: tzinfo) -> None:
        if score is None:
            return
        band = self.scale.band(score.total)
        when = f" ({score.timepoint})" if score.timepoint else ""
        self.last.setText(f"Last: <b>{score.total}</b> of {self.scale.max_total}"
                          + (f", {band}" if band else "") + f"{when} · {_who_when(score, zone)}")


def _numbered(label: str, score: int) -> str:
    """An option's text starting with its score, so typing the number chooses it (PHQ-9's
    "Not at all" could not be chosen by typing 0); labels that already start with it stay."""
    number = str(score)
    return label if label.startswith(number) else f"{number} - {label}"


def _compact(combo: QComboBox, characters: int = 14) -> None:
    """Long option texts must not force the page wider than a 1366-pixel screen."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
