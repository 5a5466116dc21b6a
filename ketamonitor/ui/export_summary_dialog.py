"""Export summary… from a session's page: the format, the paper a PDF is laid out on (the
clinic's setting first) and the file, typed or chosen with Browse…. The dialog only asks;
the page runs the export in stages (`summary_stages`) with a progress dialog when it takes
over a second, and says where the file went."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from ketamonitor.export.summary import (
    GUI_THREAD_FORMATS,
    PAGE_SIZES,
    SummaryRead,
    render_summary,
)
from ketamonitor.export.summary_formats import SUMMARY_FORMATS, file_filters, summary_format_of
from ketamonitor.room.session import OpenSession
from ketamonitor.ui.export_progress import Stage
from ketamonitor.ui.fields import FieldErrors, confirm_cancel_buttons
from ketamonitor.ui.prompts import Prompts

#: Each paper as a person knows it.
_PAPER = {"A4": "A4 (210 × 297 mm)", "Letter": "US Letter (8.5 × 11 in)"}
_LABELS = {fmt: label for fmt, label, _ in SUMMARY_FORMATS}
_ENDINGS = {fmt: ending for fmt, _, ending in SUMMARY_FORMATS}


def page_size_words(size: str) -> str:
    """"A4 (210 × 297 mm)", "US Letter (8.5 × 11 in)": the Settings say it the same way."""
    return _PAPER.get(size, size)


@dataclass(frozen=True)
class SummaryExportChoice:
    """What the person chose: the format, the paper (a PDF's) and the file, a whole path."""

    fmt: str
    page_size: str
    path: Path


class ExportSummaryDialog(QDialog):
    """Closes on Export once what was typed can be exported (then `chosen` says it), or on
    Cancel, Esc, the ✕."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget, prompts: Prompts, session_id: int,
                 page_size: str) -> None:
        super().__init__(parent)
        self.setObjectName("export_summary_dialog")
        self.setWindowTitle("Export summary")
        self.setMinimumWidth(620)
        self.prompts = prompts
        self.errors = FieldErrors()
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        words = QLabel(f"Session {session_id}'s summary, as it stands in the record. The "
                       "export is written to the audit trail with the file's fingerprint.")
        words.setWordWrap(True)
        form.addRow(words)
        self.format = QComboBox()
        self.format.setObjectName("summary_format")
        for fmt, label, ending in SUMMARY_FORMATS:
            self.format.addItem(f"{label} ({ending})", fmt)
        form.addRow("Format", self.format)
        self.page_size = QComboBox()
        self.page_size.setObjectName("summary_page_size")
        for size in PAGE_SIZES:
            clinic = " · the clinic's setting" if size == page_size else ""
            self.page_size.addItem(page_size_words(size) + clinic, size)
        self.page_size.setCurrentIndex(max(0, self.page_size.findData(page_size)))
        form.addRow("Page size", self.page_size)
        self.path = QLineEdit(str(Path.home() / f"session-{session_id}-summary.pdf"))
        self.path.setObjectName("summary_path")
        browse = QPushButton("Browse…")
        browse.setObjectName("summary_browse")
        browse.clicked.connect(self.browse)
        path_row = QWidget()
        row = QHBoxLayout(path_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("File", path_row)
        form.addRow(self.errors.add("path", self.path))
        buttons, self.export_button = confirm_cancel_buttons(self, "Export", self.submit,
                                                             "summary_export")
        form.addRow(buttons)
        self.format.currentIndexChanged.connect(self._format_changed)
        self.path.textChanged.connect(lambda _: self.errors.forget("path"))
        self._format_changed()

    def browse(self) -> None:
        """The system's save dialog; a name ending as another format asks chooses it."""
        chosen = self.prompts.save_path(self, "Export summary", self._typed_path(),
                                        file_filters())
        if chosen is None:
            return
        fmt = summary_format_of(chosen)
        if fmt is None:
            chosen = chosen.with_name(chosen.name + _ENDINGS[self.format.currentData()])
        else:
            self.format.setCurrentIndex(self.format.findData(fmt))
        self.path.setText(str(chosen))

    def choice(self) -> SummaryExportChoice | None:
        """What was chosen, or None with the reason shown beside the file."""
        fmt = self.format.currentData()
        if not self.path.text().strip():
            self.errors.show({"path": "choose the file to write"})
            return None
        path = self._typed_path()
        if summary_format_of(path) != fmt:
            self.errors.show({"path": f"end the file name with {_ENDINGS[fmt]} for a "
                                      f"{_LABELS[fmt]}, or choose the format of its name"})
            return None
        return SummaryExportChoice(fmt, self.page_size.currentData(), path)

    def submit(self) -> bool:
        """Export: once the file is one to write (a file already there only if the person
        says to replace it), the dialog closes and the page writes it."""
        choice = self.choice()
        if choice is None:
            return False
        if choice.path.exists() and not self.prompts.confirm(
                self, "Replace the file?",
                f"{choice.path.name} already exists in {choice.path.parent}. Replace it?"):
            return False
        self.accept()
        self.chosen.emit(choice)
        return True

    def _typed_path(self) -> Path:
        """A name typed without a folder goes to the home folder, so the confirmation
        names a whole path."""
        path = Path(self.path.text().strip()).expanduser()
        return path if path.is_absolute() else Path.home() / path

    def _format_changed(self) -> None:
        """The paper is a PDF's only; the file's ending follows the format chosen."""
        fmt = self.format.currentData()
        self.page_size.setEnabled(fmt == "pdf")
        self.page_size.setToolTip("" if fmt == "pdf" else "Only a PDF has pages")
        typed = Path(self.path.text().strip())
        before = summary_format_of(typed)
        if before is not None and before != fmt:
            stem = typed.name[:len(typed.name) - len(_ENDINGS[before])]
            self.path.setText(str(typed.with_name(stem + _ENDINGS[fmt])))


def summary_stages(session: OpenSession, choice: SummaryExportChoice) -> list[Stage]:
    """The export in three stages: read on the GUI thread (the store's connection is bound
    to it), rendered (off it, but for a PDF: its progress shown first, as the PDF holds
    the window about a second), written with its audit row on the GUI thread; the last
    stage's result is the file's path."""
    label = _LABELS[choice.fmt]
    on_gui_thread = choice.fmt in GUI_THREAD_FORMATS

    def read(_: object) -> SummaryRead:
        return session.read_summary(choice.fmt, choice.page_size)

    def render(read: SummaryRead) -> tuple[SummaryRead, bytes]:
        return read, render_summary(read)

    def write(rendered: tuple[SummaryRead, bytes]) -> Path:
        read, data = rendered
        return session.write_summary(read, data, choice.path)

    return [Stage("Reading the session's record…", read),
            Stage(f"Writing the summary as a {label}…", render,
                  off_gui_thread=not on_gui_thread, shown_first=on_gui_thread),
            Stage(f"Saving {choice.path.name}…", write)]
