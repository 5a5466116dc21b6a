"""What the store's parts use of each other, declared once.

`Store` gathers its parts (entries, reads, clinic, accounts, ...), each a class of its own
module; a part often needs another's reading or check (an entry reads the chart back, a
backup reads a setting, a signature re-asks the password). Each part derives from
`StoreCore`, which declares those: the real method is the part's named beside it, found
first in `Store`'s method order, and mypy checks that both say the same. A part can then
be read alone, and nothing goes through `self` undeclared.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ketamonitor.core.accounts import Account
from ketamonitor.core.alerts import AlertRecord
from ketamonitor.core.chart import SessionChart
from ketamonitor.core.lockout import LoginEvent, LoginState
from ketamonitor.core.monitor_readings import MonitorReading
from ketamonitor.core.patient import Patient
from ketamonitor.core.permissions import Permission
from ketamonitor.core.protocol import Protocol
from ketamonitor.core.records import EarlyEnd, RiskAssessment, SessionListing
from ketamonitor.core.vitals import Vitals
from ketamonitor.store.base import StoreBase


def _part(name: str) -> NotImplementedError:
    return NotImplementedError(f"the {name} part of Store implements this")


class StoreCore(StoreBase):
    """The shared core (`StoreBase`: the connection, the transaction, the audit row, the
    permission check, the library) and what each part lends the others."""

    # -- reads (store.reads) -------------------------------------------------------------

    def chart(self, session_id: int,
              held: tuple[MonitorReading, ...] | None = None) -> SessionChart:
        raise _part("reads")

    def patient(self, patient_id: int) -> Patient:
        raise _part("reads")

    def patient_by_mrn(self, mrn: str) -> Patient | None:
        raise _part("reads")

    def patient_sessions(self, patient_id: int) -> list[SessionListing]:
        raise _part("reads")

    def listing(self, session_id: int) -> SessionListing:
        raise _part("reads")

    def _listings(self, where: str, params: list[Any]) -> list[SessionListing]:
        raise _part("reads")

    # -- entries (store.entries) ---------------------------------------------------------

    def _session_open(self, session_id: int,
                      permission: Permission = Permission.CHART) -> datetime:
        raise _part("entries")

    def _session_charting(self, session_id: int) -> datetime:
        raise _part("entries")

    def _checked_vitals(self, session_id: int, vitals: Vitals, source: str,
                        confirmed: frozenset[str]) -> dict[str, Any]:
        raise _part("entries")

    # -- a monitor's readings (store.monitor_readings) ----------------------------------

    def _readings(self, where: str, params: Sequence[Any]) -> list[MonitorReading]:
        raise _part("monitor_readings")

    # -- alerts (store.alert_log) --------------------------------------------------------

    def alerts(self, session_ids: list[int]) -> dict[int, list[AlertRecord]]:
        raise _part("alert_log")

    def _record_seen_at_signing(self, session_id: int, signature_id: int,
                                seen: list[AlertRecord]) -> None:
        raise _part("alert_log")

    # -- the clinic (store.clinic, store.bookings) ---------------------------------------

    def setting(self, key: str, default: str | None = None) -> str:
        raise _part("clinic")

    def _check_in_force(self, protocol: Protocol) -> None:
        raise _part("clinic")

    def _check_appointment_open(self, appointment_id: int,
                                patient_id: int | None = None) -> None:
        raise _part("bookings")

    # -- risk (store.risk_assessments) ---------------------------------------------------

    def _risk_assessments(self, session_id: int) -> tuple[RiskAssessment, ...]:
        raise _part("risk_assessments")

    def _early_end(self, session_id: int) -> EarlyEnd | None:
        raise _part("risk_assessments")

    def _record_early_end(self, session_id: int, event_id: int, early_end: EarlyEnd) -> None:
        raise _part("risk_assessments")

    # -- accounts (store.accounts) -------------------------------------------------------

    def _account(self, username: str) -> Account | None:
        raise _part("accounts")

    def login_state(self, username: str) -> LoginState:
        raise _part("accounts")

    def _password_matches(self, account: Account, password: str,
                          failure: LoginEvent | None = LoginEvent.FAILED) -> bool:
        raise _part("accounts")

    def _failed(self, username: str, account: Account | None,
                event: LoginEvent = LoginEvent.FAILED) -> None:
        raise _part("accounts")

    def confirm_password(self, password: str) -> bool:
        raise _part("accounts")

    def _confirmed_key(self, account: Account, password: str) -> Ed25519PrivateKey:
        raise _part("accounts")
