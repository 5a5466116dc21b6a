"""The administrator's audit trail: the last week by default, newest first, in the room's
time zone; filtered by user, action prefix, days and patient; a nurse is told plainly."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt

from ketamonitor.core.clock import FakeClock
from ketamonitor.core.times import from_stored
from ketamonitor.store.store import Store
from ketamonitor.ui.audit_dialog import ANYONE, AuditDialog, AuditModel
from tests.conftest import START
from tests.people import ADMIN, NURSE, login_as

#: The room is five hours behind UTC: 07:30 UTC on Monday is 02:30 there.
ROOM = timezone(timedelta(hours=-5))
MONDAY, WEDNESDAY = date(2026, 11, 23), date(2026, 11, 25)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START, local_zone=ROOM)


@pytest.fixture
def week(store, charting, clock) -> Store:
    """Monday: one patient's session with a set of vitals; Wednesday: another's; then the
    administrator logs in."""
    first = charting.session()
    charting.bp(first, 124, 80)
    clock.advance(minutes=2 * 24 * 60)
    second = charting.session(patient=charting.patient("MRN-1002"))
    charting.bp(second, 130, 82)
    clock.advance(minutes=5)
    login_as(store, ADMIN)
    return store


def open_dialog(qtbot, store: Store) -> AuditDialog:
    dialog = AuditDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


@pytest.fixture
def dialog(qtbot, week) -> Iterator[AuditDialog]:
    opened = open_dialog(qtbot, week)
    yield opened
    opened.close()


def shown(dialog: AuditDialog, column: int) -> list[str]:
    return [dialog.model.index(r, column).data() for r in range(dialog.model.rowCount())]


def test_the_last_seven_days_show_newest_first_in_the_rooms_time(qtmodeltester, dialog, week):
    qtmodeltester.check(dialog.model)
    assert dialog.since.date().toPython() == WEDNESDAY - timedelta(days=6)
    assert dialog.until.date().toPython() == WEDNESDAY
    rows = week.audit_trail()
    assert dialog.model.rowCount() == len(rows) > 20
    assert dialog.count.text() == f"{len(rows)} rows; newest first; at most 10,000 shown"
    newest = rows[0]
    assert newest["action"] == "login"
    assert shown(dialog, 0)[0] == "2026-11-25 02:35:00"  # 07:35 UTC
    assert shown(dialog, 1)[0] == ADMIN
    assert shown(dialog, 4)[0] == f"accounts#{newest['entity_id']}"
    assert shown(dialog, AuditModel.HASH) == [row["hash"][:12] for row in rows]
    assert shown(dialog, 0) == sorted(shown(dialog, 0), reverse=True)


def test_a_long_value_is_cut_in_its_cell_and_whole_in_its_tooltip(dialog, week):
    rows = week.audit_trail(action="sessions.create")
    row = next(r for r in range(dialog.model.rowCount())
               if dialog.model.row_value(r)["id"] == rows[0]["id"])
    cell = dialog.model.index(row, AuditModel.NEW_VALUE)
    assert cell.data().endswith("…")
    assert len(cell.data()) <= 90
    assert "\n" not in cell.data()
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    assert "protocol_toml: " in tip and "chair: 3" in tip
    hash_tip = dialog.model.index(row, AuditModel.HASH).data(Qt.ItemDataRole.ToolTipRole)
    assert hash_tip == f"hash {rows[0]['hash']}\nprevious {rows[0]['prev_hash']}"


def test_filtering_by_user(dialog, week):
    assert dialog.user.itemText(0) == ANYONE
    assert NURSE in [dialog.user.itemText(i) for i in range(dialog.user.count())]
    dialog.user.setCurrentText(NURSE)
    dialog.apply_button.click()
    users = set(shown(dialog, 1))
    assert users == {NURSE}
    assert dialog.model.rowCount() == len(week.audit_trail(user=NURSE))
    dialog.user.setCurrentText("someone.else")  # a name only a failed login ever typed
    assert dialog.apply() == 0
    assert dialog.count.text().startswith("0 rows;")
    dialog.user.setCurrentIndex(0)
    assert dialog.apply() == len(week.audit_trail())


def test_filtering_by_action_prefix(qtbot, dialog, week):
    dialog.action.setText("vitals")
    qtbot.keyClick(dialog.action, Qt.Key.Key_Return)
    actions = shown(dialog, 3)
    assert actions == ["vitals.create", "vitals.create"]
    dialog.action.setText("%")  # a wildcard typed is a character sought, not a pattern
    assert dialog.apply() == 0


def test_filtering_by_days_in_the_rooms_time(dialog, week):
    dialog.set_dates(MONDAY, MONDAY)
    assert dialog.apply() > 0
    assert {day[:10] for day in shown(dialog, 0)} == {"2026-11-23"}
    monday = week.audit_trail(until=datetime(2026, 11, 24, 5, tzinfo=UTC))
    assert dialog.model.rowCount() == len(monday)

    dialog.set_dates(WEDNESDAY, WEDNESDAY)
    dialog.apply()
    assert {day[:10] for day in shown(dialog, 0)} == {"2026-11-25"}
    assert "vitals.create" in shown(dialog, 3)

    dialog.set_dates(MONDAY + timedelta(days=1), MONDAY + timedelta(days=1))
    assert dialog.apply() == 0


def test_a_range_ending_before_it_starts_is_refused_beside_the_to_date(dialog):
    before = dialog.model.rowCount()
    dialog.set_dates(WEDNESDAY, MONDAY)
    assert dialog.apply() is None
    assert dialog.errors.text("until") == (
        f"{MONDAY} is before the first day {WEDNESDAY}: set To on or after From (both days "
        "are included)")
    assert dialog.model.rowCount() == before
    dialog.set_dates(MONDAY, WEDNESDAY)
    assert dialog.apply() == before
    assert dialog.errors.text("until") == ""


def test_filtering_by_patient_mrn(dialog, week):
    second = week.patient_by_mrn("MRN-1002")
    dialog.patient.setText(" mrn-1002 ")
    found = dialog.apply()
    assert found == len(week.audit_trail(patient_id=second.id)) > 0
    assert dialog.count.text() == (f"{found} rows for MRN-1002 (RIVERA, Ana); newest first; "
                                   "at most 10,000 shown")
    assert set(shown(dialog, 4)) >= {f"patients#{second.id}"}
    assert all(from_stored(dialog.model.row_value(r)["at"]).date() == WEDNESDAY
               for r in range(found))

    dialog.patient.setText("MRN-9999")
    assert dialog.apply() is None
    assert dialog.errors.text("patient") == "no patient with this MRN"
    assert dialog.model.rowCount() == found


def test_more_rows_than_the_limit_say_so(dialog):
    dialog.limit = 3
    assert dialog.apply() == 3
    assert dialog.count.text() == ("More than 3 rows match: the newest 3 shown. Narrow the "
                                   "dates or filters to see older ones")


def test_a_nurse_is_told_only_administrators_see_the_audit_trail(qtbot, store):
    dialog = open_dialog(qtbot, store)  # the store fixture is logged in as the nurse
    assert dialog.refused.isVisible()
    assert dialog.refused.text() == ("Only administrators can see the audit trail. You are "
                                     f"logged in as {NURSE} (nurse): ask an administrator.")
    assert not dialog.table.isVisible()
    assert dialog.model.rowCount() == 0
    assert not dialog.apply_button.isEnabled()
    assert not dialog.allowed
    assert dialog.width() < 700  # just the reason and Close
    assert dialog.user.count() == 1  # no account names for a nurse either
    dialog.close()
