"""The clinic's settings: each change is saved with its audit row (see core.settings)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ketamonitor.core.settings import (
    ANCHOR_LOG,
    AUDIBLE_ALERTS,
    AUTOMATIC_BACKUP,
    BACKUP_FOLDER,
    BACKUP_KEEP,
    CLINIC_NAME,
    FHIR_CODE_SYSTEM,
    FHIR_MRN_SYSTEM,
    IDLE_LOCK_MINUTES,
    MONITOR_LISTEN_ADDRESS,
    MONITOR_LISTEN_ENABLED,
    MONITOR_LISTEN_PORT,
    OFF,
    ON,
    SUMMARY_PAGE_SIZE,
    Setting,
)
from ketamonitor.store.interface import StoreApi
from ketamonitor.ui.export_summary_dialog import page_size_words
from ketamonitor.ui.fields import FieldErrors, save_cancel_buttons
from ketamonitor.ui.prompts import Prompts
from ketamonitor.ui.writes import attempt_done

_BACKUP_MODES = {"after_each_discharge": "after each discharge (and daily)", "daily": "daily",
                 "off": "off"}


class SettingsDialog(QDialog):
    def __init__(self, store: StoreApi, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.prompts = prompts
        self.setWindowTitle("Settings")
        self.errors = FieldErrors()
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.audible = QCheckBox(AUDIBLE_ALERTS.label)
        self.audible.setObjectName("setting_audible_alerts")
        self.audible.setChecked(store.setting(AUDIBLE_ALERTS.key) == ON)
        form.addRow(self.audible)
        form.addRow(self.errors.add(AUDIBLE_ALERTS.key, self.audible))
        note = QLabel("A cue in the room when a new high-priority alert appears. ketamonitor's "
                      "alerts are protocol reminders; they never replace the bedside "
                      "monitor's own alarms.")
        note.setProperty("role", "muted")
        note.setWordWrap(True)
        note.setMinimumHeight(note.heightForWidth(560))  # wrapped text in a form: its height
        form.addRow(note)
        self.clinic_name = self._text(form, CLINIC_NAME)
        self.idle_lock = self._choice(form, IDLE_LOCK_MINUTES, lambda m: f"{m} minutes")
        self.summary_page_size = self._choice(form, SUMMARY_PAGE_SIZE, page_size_words)
        self.automatic_backup = self._choice(form, AUTOMATIC_BACKUP,
                                             lambda mode: _BACKUP_MODES.get(mode, mode))
        self.backup_keep = self._choice(form, BACKUP_KEEP, lambda n: f"the newest {n}")
        self.backup_folder = self._text(form, BACKUP_FOLDER)
        self.backup_folder.setPlaceholderText("a “backups” folder beside the database")
        self.anchor_log = self._text(form, ANCHOR_LOG)
        self.anchor_log.setPlaceholderText("the backup folder (better: another disk)")
        self.anchor_log.setToolTip("The audit chain's heads are appended here, outside the "
                                   "database: on another disk, a rollback or a rewritten "
                                   "record is caught by “ketamonitor verify”.")
        self.fhir_mrn_system = self._text(form, FHIR_MRN_SYSTEM)
        self.fhir_code_system = self._text(form, FHIR_CODE_SYSTEM)
        form.addRow(self._monitor_feed(store))
        errors = QHBoxLayout()
        for setting in (MONITOR_LISTEN_ENABLED, MONITOR_LISTEN_ADDRESS, MONITOR_LISTEN_PORT):
            errors.addWidget(self.errors.add(setting.key, self._feed_fields[setting.key]), 1)
        form.addRow(errors)
        self.buttons = save_cancel_buttons(self, self.save)
        form.addRow(self.buttons)
        self.setMinimumWidth(640)

    def _monitor_feed(self, store: StoreApi) -> QWidget:
        """The window's own listener, on one line (the dialog must fit a 768-pixel screen):
        whether it listens, and where."""
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.monitor_listen = QCheckBox("Monitor feed: listen in the window on")
        self.monitor_listen.setObjectName(f"setting_{MONITOR_LISTEN_ENABLED.key}")
        self.monitor_listen.setChecked(store.setting(MONITOR_LISTEN_ENABLED.key) == ON)
        self.monitor_listen.setToolTip(
            "The window listens for the bedside monitors (HL7 over MLLP) while it is open. "
            "Leave it off where “ketamonitor listen” runs as a service, or no monitor is "
            "wired to this workstation.")
        line.addWidget(self.monitor_listen)
        self.monitor_listen_address = QLineEdit(store.setting(MONITOR_LISTEN_ADDRESS.key))
        self.monitor_listen_port = QLineEdit(store.setting(MONITOR_LISTEN_PORT.key))
        for field, setting in ((self.monitor_listen_address, MONITOR_LISTEN_ADDRESS),
                               (self.monitor_listen_port, MONITOR_LISTEN_PORT)):
            field.setObjectName(f"setting_{setting.key}")
            field.setMaxLength(setting.max_length)
            field.setAccessibleName(setting.label)
        self.monitor_listen_address.setMinimumWidth(130)
        self.monitor_listen_port.setMinimumWidth(70)
        line.addWidget(self.monitor_listen_address, 3)
        line.addWidget(QLabel("port"))
        line.addWidget(self.monitor_listen_port, 1)
        self._feed_fields: dict[str, QWidget] = {
            MONITOR_LISTEN_ENABLED.key: self.monitor_listen,
            MONITOR_LISTEN_ADDRESS.key: self.monitor_listen_address,
            MONITOR_LISTEN_PORT.key: self.monitor_listen_port}
        return row

    def _text(self, form: QFormLayout, setting: Setting) -> QLineEdit:
        field = QLineEdit(self.store.setting(setting.key))
        field.setObjectName(f"setting_{setting.key}")
        field.setMaxLength(setting.max_length)
        form.addRow(setting.label, field)
        form.addRow(self.errors.add(setting.key, field))
        return field

    def _choice(self, form: QFormLayout, setting: Setting,
                label: Callable[[str], str]) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"setting_{setting.key}")
        for value in setting.choices:
            combo.addItem(label(value), value)
        combo.setCurrentIndex(max(0, combo.findData(self.store.setting(setting.key))))
        form.addRow(setting.label, combo)
        form.addRow(self.errors.add(setting.key, combo))
        return combo

    def typed(self) -> dict[str, str]:
        return {AUDIBLE_ALERTS.key: ON if self.audible.isChecked() else OFF,
                CLINIC_NAME.key: self.clinic_name.text(),
                IDLE_LOCK_MINUTES.key: self.idle_lock.currentData(),
                AUTOMATIC_BACKUP.key: self.automatic_backup.currentData(),
                BACKUP_KEEP.key: self.backup_keep.currentData(),
                BACKUP_FOLDER.key: self.backup_folder.text(),
                ANCHOR_LOG.key: self.anchor_log.text(),
                SUMMARY_PAGE_SIZE.key: self.summary_page_size.currentData(),
                FHIR_MRN_SYSTEM.key: self.fhir_mrn_system.text(),
                FHIR_CODE_SYSTEM.key: self.fhir_code_system.text(),
                MONITOR_LISTEN_ENABLED.key: ON if self.monitor_listen.isChecked() else OFF,
                MONITOR_LISTEN_ADDRESS.key: self.monitor_listen_address.text(),
                MONITOR_LISTEN_PORT.key: self.monitor_listen_port.text()}

    def save(self) -> bool:
        """Save each changed setting (one audit row each); the dialog closes once all are."""
        def write() -> None:
            for key, value in self.typed().items():
                self.store.set_setting(key, value)

        if not attempt_done(write, self.errors.show, self.prompts, self):
            return False
        self.accept()
        return True
