"""The record's interface: each confirmed entry is written with its audit row in one
transaction, committed (and fsynced) before the call returns.

`Store` gathers its parts, each in a module of its own: the connection and the audit row
(base), charted entries (entries), reading back (reads), the clinic's protocols and
settings (clinic), appointments (bookings) and alerts (alert_log).
"""

from __future__ import annotations

from ketamonitor.store.alert_log import AlertLog
from ketamonitor.store.bookings import Bookings
from ketamonitor.store.clinic import ClinicSetup
from ketamonitor.store.entries import EntryWrites
from ketamonitor.store.reads import PatientCounts, RecordReads


class Store(EntryWrites, RecordReads, ClinicSetup, Bookings, AlertLog):
    """A ketamonitor database, opened for one person charting at one workstation."""


__all__ = ["PatientCounts", "Store"]
