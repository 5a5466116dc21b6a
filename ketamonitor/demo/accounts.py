"""The demo's accounts (administrator, nurse, physician) and the clinic's name, made as a
clinic would make them."""

from __future__ import annotations

from collections.abc import Sequence

from ketamonitor.core.accounts import Role
from ketamonitor.core.oru_build import DEFAULT_SENDERS, Flavour, default_bed, default_sender
from ketamonitor.core.settings import MONITOR_LISTEN_ENABLED, ON
from ketamonitor.store.store import Store

#: The demo's accounts: only demo databases hold them (the README says so).
DEMO_PASSWORD = "ketamonitor-demo"
_DEMO_GIVEN = "demo-given-by-admin"  # the administrator's, replaced at each first login
DEMO_ACCOUNTS = (("admin", "Demo Administrator", Role.ADMINISTRATOR),
                 ("nurse", "Demo Nurse", Role.NURSE),
                 ("physician", "Demo Physician", Role.PHYSICIAN))
#: The demo clinic's name, set by its administrator as a clinic's would be: the summaries'
#: header and the REMS form's "setting" field read it.
DEMO_CLINIC_NAME = "Harbour Demo Clinic"


def map_demo_monitors(store: Store, chairs: Sequence[str]) -> None:
    """The simulator's beds on the demo's chairs, as an administrator maps them in Clinic ▸
    Monitors, and the window listening for them (on the loopback address only, the
    default): `ketamonitor monitor-sim` then charts for the sessions in the room, in either
    flavour (a Mindray-like gateway for every bed, or a GE-like monitor per bed)."""
    store.set_setting(MONITOR_LISTEN_ENABLED.key, ON)
    for number, chair in enumerate(chairs, start=1):
        for flavour in Flavour:
            store.map_monitor_bed(default_sender(flavour, number), DEFAULT_SENDERS[flavour][1],
                                  default_bed(number), chair)


def add_demo_accounts(store: Store, chairs: Sequence[str] = ()) -> None:
    """The administrator first, then the nurse and physician with passwords the administrator
    gave, each replaced at a first login as the app asks, and the simulator's monitors on
    `chairs`; the demo then charts as the nurse."""
    (admin, admin_name, _), *others = DEMO_ACCOUNTS
    store.create_first_administrator(admin, admin_name, DEMO_PASSWORD)
    store.login(admin, DEMO_PASSWORD)
    store.set_setting("clinic_name", DEMO_CLINIC_NAME)
    for username, name, role in others:
        store.add_account(username, name, frozenset({role}), _DEMO_GIVEN)
    map_demo_monitors(store, chairs)
    for username, _name, _role in others:  # as each would at their first login
        store.logout()
        store.login(username, _DEMO_GIVEN)
        store.set_password(username, DEMO_PASSWORD)
    store.logout()
    store.login("nurse", DEMO_PASSWORD)
