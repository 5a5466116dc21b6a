"""The record's interface: each confirmed entry is written with its audit row in one
transaction, committed (and fsynced) before the call returns.

`Store` gathers its parts, each in a module of its own: the connection, the audit chain and
the permission check (base), charted entries (entries), reading back (reads), the clinic's
protocols and settings (clinic), appointments (bookings), alerts (alert_log), accounts and
logins (accounts), signatures (signatures), exports (exports), typing not yet saved
(unsaved_typing), sessions handed over to another nurse (handovers), medicines given
(medications), physicians' overrides of holds and gaps (overrides), PHQ-9 item 9
risk assessments and early ends (risk_assessments), the bedside monitors' journal and
bed map (monitor_feed), and the readings they chart (monitor_readings).
"""

from __future__ import annotations

from ketamonitor.store.accounts import Accounts, LoginRefused
from ketamonitor.store.alert_log import AlertLog
from ketamonitor.store.backup import Backups
from ketamonitor.store.bookings import Bookings
from ketamonitor.store.clinic import ClinicSetup
from ketamonitor.store.entries import EntryWrites
from ketamonitor.store.exports import Exports
from ketamonitor.store.handovers import Handovers
from ketamonitor.store.logs import Logs
from ketamonitor.store.medications import MedicationWrites
from ketamonitor.store.monitor_readings import MonitorReadings
from ketamonitor.store.overrides import OverrideWrites
from ketamonitor.store.reads import PatientCounts, RecordReads
from ketamonitor.store.rems import RemsForms
from ketamonitor.store.risk_assessments import RiskAssessments
from ketamonitor.store.signatures import PasswordNotConfirmed, Signatures
from ketamonitor.store.unsaved_typing import UnsavedTypingStore


class Store(EntryWrites, RecordReads, ClinicSetup, Bookings, AlertLog, Accounts, Signatures,
            Exports, Logs, Backups, RemsForms, UnsavedTypingStore, Handovers,
            MedicationWrites, OverrideWrites, RiskAssessments, MonitorReadings):
    """A ketamonitor database, opened at one workstation for the person logged in."""


__all__ = ["LoginRefused", "PasswordNotConfirmed", "PatientCounts", "Store"]
