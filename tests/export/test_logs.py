"""The administrator's logs as files: the session log and the audit log of a range of local
days, as CSV or JSON, identified or de-identified; refused, cancelled or failing without
leaving a file behind or changing the database."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from ketamonitor.core.alerts import AlertCondition, AlertKind, Priority
from ketamonitor.core.clock import FakeClock, SystemClock
from ketamonitor.core.date_range import local_day_bounds
from ketamonitor.core.deidentify import what_was_done
from ketamonitor.core.entries import NoteDraft
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.patient import Patient, age_on, parse_patient
from ketamonitor.core.permissions import PermissionDenied
from ketamonitor.core.phases import Action, Phase
from ketamonitor.demo import DEMO_PASSWORD, fill_demo_clinic
from ketamonitor.export import files
from ketamonitor.export.files import ExportCancelled, ExportFailed
from ketamonitor.export.logs import (
    AUDIT_COLUMNS,
    DEIDENTIFIED_AUDIT_COLUMNS,
    DEIDENTIFIED_SESSION_COLUMNS,
    FORMATS,
    SESSION_COLUMNS,
    LocalTimes,
    export_audit_log,
    export_session_log,
)
from ketamonitor.store import logs as store_logs
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.people import ADMIN, FAST_HASHER, NURSE, PHYSICIAN, audit_of, login_as
from tests.store.steps import BP_HIGH, raise_alert, row_counts
from tests.store.test_logs import charted_sessions
from tests.store.test_rems import discharged

#: The demo's moment (in the past, as the demo requires) and the clinic's zone: an hour
#: ahead of UTC, so local days and UTC days differ.
NOW = datetime(2025, 3, 3, 11, 40, tzinfo=UTC)
ZONE = ZoneInfo("Europe/Paris")
SEED, DAYS = 5, 14
FIRST, LAST = date(2025, 2, 17), date(2025, 3, 3)
EXPORTS = (export_session_log, export_audit_log)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    fill_demo_clinic(path, seed=SEED, days=DAYS, now=NOW, zone=ZONE, hasher=FAST_HASHER)
    return path


@pytest.fixture
def demo_path(demo_file: Path, tmp_path: Path) -> Path:
    """A copy of the demo clinic for one test (exports add audit rows)."""
    path = tmp_path / "clinic" / "demo.db"
    path.parent.mkdir()
    shutil.copyfile(demo_file, path)
    return path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[Store]:
    """The demo clinic, open for its administrator."""
    with Store.open(demo_path, FakeClock(NOW, ZONE), hasher=FAST_HASHER, create=True) as store:
        store.login("admin", DEMO_PASSWORD)
        yield store


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def _patients(store: Store) -> list[Patient]:
    return store.find_patients("", limit=10_000)


def _csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """A CSV log's columns and rows (a de-identified one's first "#" line skipped)."""
    with path.open(newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(line for line in stream if not line.startswith("#"))
        return list(reader.fieldnames or ()), list(reader)


def _json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _identifiers(patient: Patient) -> list[str]:
    """What identifies a patient, as written anywhere (a log shows "FAMILY, Given")."""
    details = patient.details
    return [details.family_name, details.family_name.upper(), details.given_name,
            details.mrn, details.birth_date.isoformat()]


# -- what the logs hold -------------------------------------------------------------------


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_de_identified_log_holds_no_name_mrn_or_birth_date(demo, out, export, fmt):
    patients = _patients(demo)
    assert len(patients) >= 20
    identified = export(demo, FIRST, LAST, fmt, out / f"identified.{fmt}", deidentify=False)
    text = identified.read_text(encoding="utf-8")
    for patient in patients:  # the search finds them where they are
        assert patient.details.mrn in text and patient.details.given_name in text
        assert patient.details.birth_date.isoformat() in text

    path = export(demo, FIRST, LAST, fmt, out / f"log.{fmt}", deidentify=True)
    text = path.read_text(encoding="utf-8")
    found = {value for patient in patients for value in _identifiers(patient) if value in text}
    assert found == set()


def test_the_session_log_has_one_row_per_session_of_the_local_days(demo, out):
    first, last = date(2025, 2, 24), date(2025, 2, 26)
    path = export_session_log(demo, first, last, "csv", out / "log.csv", deidentify=False)
    columns, rows = _csv(path)
    assert columns == list(SESSION_COLUMNS)
    expected = demo.sessions_between(*local_day_bounds(first, last, ZONE))
    assert 15 <= len(rows) == len(expected)
    assert [int(row["session"]) for row in rows] == [s.session_id for s in expected]
    assert {row["date"] for row in rows} == {"2025-02-24", "2025-02-25", "2025-02-26"}
    for row, listing in zip(rows, expected, strict=True):
        assert row["patient"] == listing.patient_name
        assert row["mrn"] == listing.mrn
        assert row["chair"] == listing.chair
        assert row["began"] == listing.began_at.astimezone(ZONE).isoformat(timespec="seconds")
        assert row["began"].endswith("+01:00")
        assert row["route"] in {"IV", "Intranasal"}
        assert (row["dose_mg_per_kg"] == "") == (row["route"] == "Intranasal")
        assert (row["devices"] == "") == (row["route"] == "IV")
        assert row["dose_started"] < row["dose_ended"] < row["ended"]
        assert row["worst_bp"].count("/") == 1
    assert any(row["side_effects"] for row in rows)


def test_csv_and_json_hold_the_same_rows(demo, out):
    csv_path = export_session_log(demo, FIRST, LAST, "csv", out / "log.csv", deidentify=True)
    json_path = export_session_log(demo, FIRST, LAST, "json", out / "log.json",
                                   deidentify=True)
    columns, rows = _csv(csv_path)
    document = _json(json_path)
    assert columns == list(DEIDENTIFIED_SESSION_COLUMNS)
    assert {k: v for k, v in document.items() if k != "rows"} == {
        "log": "session_log", "from": "2025", "to": "2025", "zone": "Europe/Paris",
        "deidentified": True, "deidentification": what_was_done(shifted=False)}
    assert len(document["rows"]) == len(rows) == 81
    assert all(list(record) == columns for record in document["rows"])
    as_text = [{k: "" if v is None else str(v) for k, v in record.items()}
               for record in document["rows"]]
    assert as_text == rows


def test_a_pseudonym_is_the_same_patient_in_every_log_and_export(demo, out):
    identified = _csv(export_session_log(demo, FIRST, LAST, "csv", out / "a.csv",
                                         deidentify=False))[1]
    first = _csv(export_session_log(demo, FIRST, LAST, "csv", out / "b.csv",
                                    deidentify=True))[1]
    again = _json(export_session_log(demo, FIRST, LAST, "json", out / "c.json",
                                     deidentify=True))["rows"]
    names = {(row["mrn"], pseudo["patient"]) for row, pseudo in zip(identified, first,
                                                                    strict=True)}
    assert len({mrn for mrn, _ in names}) == len({name for _, name in names}) == len(names)
    assert [row["patient"] for row in again] == [row["patient"] for row in first]
    assert all(row["patient"].startswith("P-") for row in first)
    audit = _json(export_audit_log(demo, FIRST, LAST, "json", out / "audit.json",
                                   deidentify=True))
    registered = {json.loads(row["new_value"])["patient"] for row in audit["rows"]
                  if row["action"] == "patients.create"}
    assert {row["patient"] for row in first} <= registered


def test_the_audit_log_is_the_trail_of_the_local_days(demo, out):
    path = export_audit_log(demo, date(2025, 2, 20), date(2025, 2, 20), "csv",
                            out / "audit.csv", deidentify=False)
    columns, rows = _csv(path)
    assert columns == list(AUDIT_COLUMNS)
    start, end = local_day_bounds(date(2025, 2, 20), date(2025, 2, 20), ZONE)
    assert [row["local_time"][:10] for row in rows] == ["2025-02-20"] * len(rows)
    trail = [row for row in audit_of(demo) if start <= datetime.fromisoformat(row["at"]) < end]
    assert [int(row["id"]) for row in rows] == [row["id"] for row in trail]
    assert [row["hash"] for row in rows] == [row["hash"] for row in trail]

    path = export_audit_log(demo, date(2025, 2, 20), date(2025, 2, 20), "csv",
                            out / "deidentified.csv", deidentify=True)
    assert _csv(path)[0] == list(DEIDENTIFIED_AUDIT_COLUMNS)  # no hashes to test names on


def test_local_days_decide_which_sessions_are_in(tmp_path, out):
    """A session begun at 23:30 in Los Angeles is on that day, though UTC says the next."""
    clock = FakeClock(datetime(2026, 11, 23, 7, 30, tzinfo=UTC),
                      ZoneInfo("America/Los_Angeles"))
    with Store.open(tmp_path / "la.db", clock, hasher=FAST_HASHER, create=True) as store:
        from tests.people import add_people

        add_people(store)
        Charting(store, clock).session()
        login_as(store, ADMIN)
        day = date(2026, 11, 22)
        rows = _csv(export_session_log(store, day, day, "csv", out / "a.csv",
                                       deidentify=False))[1]
        assert [(row["date"], row["began"]) for row in rows] == [
            ("2026-11-22", "2026-11-22T23:30:00-08:00")]
        after = date(2026, 11, 23)
        assert _csv(export_session_log(store, after, after, "csv", out / "b.csv",
                                       deidentify=False))[1] == []


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/New_York",
                                  "Australia/Lord_Howe"])  # the last changes by 30 min
def test_local_times_are_right_across_clock_changes(zone):
    local = LocalTimes(ZoneInfo(zone))
    for day in (datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 10, 3, tzinfo=UTC),
                datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 4, 4, tzinfo=UTC)):
        for step in range(0, 3 * 24 * 60, 7):
            moment = day + timedelta(minutes=step, seconds=step % 60, milliseconds=step % 999)
            stored = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
            expected = moment.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds")
            assert local(stored) == expected
    assert local(None) is None


def test_a_charted_session_reads_as_charted(store, charting, clock, out):
    charted = charted_sessions(store, charting, clock)
    login_as(store, ADMIN)
    day = charted.began.date()
    document = _json(export_session_log(store, day, day, "json", out / "log.json",
                                        deidentify=False))
    (row,) = document["rows"]
    assert row | {"protocol": None} == {
        "session": charted.first, "date": "2026-11-23", "chair": "3",
        "patient": "RIVERA, Ana", "mrn": "MRN-1001", "birth_date": "1984-05-06",
        "route": "IV", "protocol": None, "dose_mg_per_kg": 0.5, "devices": None,
        "total_mg": 36.0, "given_mg": 25.2,  # stopped early: 28 of 40 min at the pump rate
        "nurse": "Ana Nurse", "signed_by": "Dr Ada Obi",
        "began": charted.began.isoformat(timespec="seconds"),
        "dose_started": charted.dose_started.isoformat(timespec="seconds"),
        "dose_ended": charted.dose_ended.isoformat(timespec="seconds"),
        "ended": charted.ended.isoformat(timespec="seconds"),
        "outcome": "Stopped early: Patient's request", "critical_alerts": 0,
        "high_alerts": 1, "medium_alerts": 0, "reminders": 0,
        # neither over the stop line 180/110: 104 is nearer its line than 170 is
        "worst_bp": "142/104", "side_effects": "Dizziness; Headache"}


# -- the record of an export ---------------------------------------------------------------


@pytest.mark.parametrize("export, kind", [(export_session_log, "session_log"),
                                          (export_audit_log, "audit_log")])
def test_an_export_is_recorded_with_its_range_format_and_the_files_hash(demo, out, export,
                                                                        kind):
    path = export(demo, FIRST, LAST, "json", out / "log.json", deidentify=True)
    row = audit_of(demo, "exports")[-1]
    assert (row["action"], row["user"]) == (f"exports.{kind}", "admin")
    assert json.loads(row["new_value"]) == {
        "from": "2025-02-17", "to": "2025-03-03", "format": "json", "deidentify": True,
        "date_shift": False, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    assert sorted(p.name for p in out.iterdir()) == ["log.json"]


def test_the_pseudonym_key_is_kept_by_the_first_de_identified_export(demo, out):
    assert demo.pseudonym_key() is None
    export_session_log(demo, FIRST, LAST, "csv", out / "a.csv", deidentify=False)
    assert demo.pseudonym_key() is None
    export_session_log(demo, FIRST, LAST, "csv", out / "b.csv", deidentify=True)
    key = demo.pseudonym_key()
    assert key is not None
    export_audit_log(demo, FIRST, LAST, "csv", out / "c.csv", deidentify=True)
    assert demo.pseudonym_key() == key
    assert key.hex() not in (out / "c.csv").read_text()


# -- refusals, cancels and failures: no file, the database as it was ------------------------


@pytest.fixture
def unchanged(demo, demo_path, out) -> Iterator[None]:
    """The test's export must leave no file in the folder and the database as it was."""
    counts = row_counts(demo_path)
    yield
    assert list(out.iterdir()) == []
    assert row_counts(demo_path) == counts
    assert demo.pseudonym_key() is None


def test_a_nurse_is_refused_before_anything_is_read(demo, demo_path, out, monkeypatch):
    demo.logout()
    demo.login("nurse", DEMO_PASSWORD)
    counts = row_counts(demo_path)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the log was read")

    for reading in ("session_log", "audit_log", "pseudonym_key"):
        monkeypatch.setattr(Store, reading, never)
    for export in EXPORTS:
        with pytest.raises(PermissionDenied, match="may not export"):
            export(demo, FIRST, LAST, "csv", out / "log.csv", deidentify=True)
    assert list(out.iterdir()) == []
    # nothing written but the record of each refused attempt
    assert row_counts(demo_path) == {**counts, "audit": counts["audit"] + len(EXPORTS)}


def test_a_physician_exports_the_session_log_but_not_the_audit_log(store, out):
    login_as(store, PHYSICIAN)
    with pytest.raises(PermissionDenied, match="audit"):
        export_audit_log(store, FIRST, LAST, "csv", out / "audit.csv", deidentify=False)
    assert list(out.iterdir()) == []
    export_session_log(store, FIRST, LAST, "csv", out / "log.csv", deidentify=False)
    login_as(store, NURSE)


@pytest.mark.parametrize("since, until, fmt, field", [
    (LAST, FIRST, "csv", "to"),
    (FIRST, LAST, "xlsx", "format"),
])
def test_a_backwards_range_or_unknown_format_is_refused(demo, out, unchanged, since, until,
                                                        fmt, field):
    for export in EXPORTS:
        with pytest.raises(ValidationError) as refused:
            export(demo, since, until, fmt, out / "log.csv", deidentify=True)
        assert list(refused.value.reasons) == [field]


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_cancel_stops_the_export_and_leaves_no_file(demo, out, unchanged, monkeypatch,
                                                      export, fmt):
    monkeypatch.setattr(store_logs, "CHUNK_ROWS", 10)
    asked: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        asked.append((done, total))
        return len(asked) < 3  # cancel after two chunks were written

    with pytest.raises(ExportCancelled):
        export(demo, FIRST, LAST, fmt, out / f"log.{fmt}", deidentify=True, progress=progress)
    total = asked[0][1]
    assert total > 30
    assert asked == [(0, total), (10, total), (20, total)]


class _FillingDisk(io.TextIOBase):
    """A file on a disk that fills up after `room` characters."""

    def __init__(self, stream: io.TextIOBase, room: int) -> None:
        self.stream = stream
        self.room = room

    def write(self, text: str) -> int:
        self.room -= len(text)
        if self.room < 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.stream.write(text)

    def close(self) -> None:
        self.stream.close()
        super().close()


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_disk_filling_up_mid_export_leaves_no_file(demo, out, unchanged, monkeypatch,
                                                     export, fmt):
    real_open = open

    def filling_open(*args: Any, **kwargs: Any) -> _FillingDisk:
        return _FillingDisk(real_open(*args, **kwargs), room=5_000)  # some rows fit

    monkeypatch.setattr(files, "open", filling_open, raising=False)
    target = out / f"log.{fmt}"
    with pytest.raises(ExportFailed) as failed:
        export(demo, FIRST, LAST, fmt, target, deidentify=True)
    assert "the disk is full" in failed.value.message
    assert str(target) in failed.value.message
    assert "Free some space" in failed.value.message


def test_a_failed_export_keeps_an_older_file_of_that_name_as_it_was(demo, out, monkeypatch):
    target = out / "log.csv"
    target.write_text("last month's log\n")
    monkeypatch.setattr(store_logs, "CHUNK_ROWS", 10)
    with pytest.raises(ExportCancelled):
        export_session_log(demo, FIRST, LAST, "csv", target, deidentify=False,
                           progress=lambda done, total: done == 0)
    assert target.read_text() == "last month's log\n"
    assert [p.name for p in out.iterdir()] == ["log.csv"]


@pytest.mark.parametrize("where, reason", [
    ("missing/log.csv", "that folder does not exist"),
    ("a-file/log.csv", "part of that path is a file"),
    (".", "that name is a folder"),
])
def test_an_unwritable_output_path_is_refused_with_what_to_do(demo, out, unchanged, where,
                                                              reason):
    (out.parent / "a-file").write_text("not a folder")
    with pytest.raises(ExportFailed, match=reason):
        export_session_log(demo, FIRST, LAST, "csv", out.parent / where, deidentify=True)


def test_a_folder_one_may_not_write_in_is_refused_with_what_to_do(demo, out, unchanged,
                                                                  monkeypatch):
    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", refused)
    with pytest.raises(ExportFailed) as failed:
        export_audit_log(demo, FIRST, LAST, "json", out / "audit.json", deidentify=True)
    assert "you may not write in that folder" in failed.value.message
    assert "Choose a folder you may write in" in failed.value.message


@pytest.mark.parametrize("clock", [FakeClock(datetime(2026, 11, 23, 7, 30, tzinfo=UTC),
                                             SystemClock().local_zone)])
def test_a_log_exported_in_the_workstations_own_zone_names_it(store, charting, clock,
                                                              tmp_path, monkeypatch):
    """The app's real clock gives the system's zone: the JSON log's header names it (it
    once held the zone object's repr)."""
    monkeypatch.setenv("TZ", "America/New_York")
    charting.started()
    login_as(store, ADMIN)
    day = clock.now().astimezone(clock.local_zone).date()
    out = export_session_log(store, day, day, "json", tmp_path / "log.json", deidentify=False)
    assert json.loads(out.read_text(encoding="utf-8"))["zone"] == "America/New_York"


def test_the_log_counts_alerts_by_priority_and_says_how_each_session_ended(
        store, charting, clock, tmp_path):
    """A reminder that a check is due is not an alarm: critical, high and medium alerts
    are counted apart from the reminders; and each row says how the session ended."""
    ended = discharged(charting, "MRN-2001")
    for condition in (CRITICAL, BP_HIGH, MEDIUM, REMINDER, OTHER_REMINDER):
        raise_alert(store, ended, condition)
    charting.started(chair="4", patient=charting.patient(mrn="MRN-2002"))
    login_as(store, ADMIN)
    day = clock.now().date()
    out = export_session_log(store, day, day, "json", tmp_path / "log.json", deidentify=True)
    rows = {row["chair"]: row for row in _json(out)["rows"]}
    assert [rows["3"][key] for key in
            ("critical_alerts", "high_alerts", "medium_alerts", "reminders")] == [1, 1, 1, 2]
    assert rows["3"]["outcome"] == "Discharged"
    assert rows["4"]["outcome"] == ""  # still in the chair
    assert [rows["4"][key] for key in
            ("critical_alerts", "high_alerts", "medium_alerts", "reminders")] == [0, 0, 0, 0]


def _condition(key: str, priority: Priority) -> AlertCondition:
    return AlertCondition(key, AlertKind.BP_ABOVE_STOP_LINE, priority, f"test alert {key}")


CRITICAL = _condition("test:critical", Priority.CRITICAL)
MEDIUM = _condition("test:medium", Priority.MEDIUM)
REMINDER = _condition("test:reminder", Priority.LOW)
OTHER_REMINDER = _condition("test:reminder-2", Priority.LOW)


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_de_identified_audit_log_holds_nothing_a_person_typed(store, charting, clock,
                                                                tmp_path, fmt):
    """Issue 19: a note naming the patient with MRN and birth date came out word for word.
    Free text (notes, reasons) is removed; the codes the app wrote stay, so the trail can
    still be read (who did what, when, to which entity)."""
    session_id = charting.started()
    store.record_note(session_id, NoteDraft("Ana Rivera (MRN-1001, born 1984-05-06) asked "
                                            "for her sister", clock.now()))
    clock.advance(minutes=10)
    store.change_phase(session_id, Action.PAUSE_INFUSION, reason="Rivera felt faint")
    login_as(store, ADMIN)
    day = clock.now().date()
    out = export_audit_log(store, day, day, fmt, tmp_path / f"audit.{fmt}", deidentify=True)
    text = out.read_text(encoding="utf-8")
    for typed in ("Rivera", "RIVERA", "MRN-1001", "1984-05-06", "sister", "faint"):
        assert typed not in text
    assert "[removed]" in text
    assert "notes" in text or "events" in text  # the entities are still named
    assert "P-" in text  # the registration names the patient by pseudonym


# -- de-identified as HIPAA Safe Harbor asks: every patient of a demo clinic -----------------

DEID_DAYS = 30
DEID_FIRST, DEID_LAST = NOW.date() - timedelta(days=DEID_DAYS + 1), NOW.date()
#: The oldest patient's birth date: 94 on the demo's today, so shown as "90+".
OLDEST_BIRTH = "1930-06-01"
#: Any day-precise date: ISO (with or without dashes), or day/month/year either way round.
DAY_PRECISE = re.compile(r"\d{4}-\d\d-\d\d|(?<!\d)(?:19|20)\d\d[01]\d[0-3]\d(?!\d)"
                         r"|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}")
ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
#: A pseudonym or a SHA-256, whose hex digits are no date.
HEX = re.compile(r"\b[PS]-[0-9a-f]{16}\b|\b[0-9a-f]{64}\b")


@dataclass(frozen=True)
class _Typed:
    """A demo clinic whose open charts hold notes naming their patient, and an old patient
    (over 89) whose BPs are 187/107 and 184/114."""

    path: Path
    notes: tuple[str, ...]
    oldest_mrn: str


def _note_naming(patient: Patient) -> str:
    details = patient.details
    born = details.birth_date
    return (f"{details.given_name} {details.family_name} (MRN {details.mrn}, born "
            f"{born.isoformat()} = {born:%d/%m/%Y}) says her sister Maude drives today")


@pytest.fixture(scope="module")
def typed_demo(tmp_path_factory: pytest.TempPathFactory) -> _Typed:
    path = tmp_path_factory.mktemp("typed") / "demo.db"
    fill_demo_clinic(path, seed=SEED, days=DEID_DAYS, now=NOW, zone=ZONE, hasher=FAST_HASHER)
    clock = FakeClock(NOW, ZONE)
    notes = []
    with Store.open(path, clock, hasher=FAST_HASHER, create=True) as store:
        store.login("nurse", DEMO_PASSWORD)
        charting = Charting(store, clock)
        oldest = store.register_patient(parse_patient(
            {"mrn": "DEMO-OLD-1", "family_name": "Quillfeather", "given_name": "Ottoline",
             "birth_date": OLDEST_BIRTH, "weight_kg": "61"}, today=NOW.date()))
        old_session = charting.session(patient=oldest, chair="5")
        for systolic, diastolic in ((187, 107), (184, 114)):
            charting.vitals(old_session, confirmed=frozenset({"systolic", "diastolic"}),
                            systolic=str(systolic), diastolic=str(diastolic),
                            heart_rate="76", spo2="98", respiratory_rate="14")
        still_open = [listing for listing in store.sessions_between(
            NOW - timedelta(days=1), NOW + timedelta(minutes=1))
            if listing.phase not in (Phase.DISCHARGED, Phase.STOPPED_EARLY)]
        assert len(still_open) >= 3
        for listing in still_open:
            note = _note_naming(store.patient(listing.patient_id))
            store.record_note(listing.session_id, NoteDraft(note, clock.now()))
            notes.append(note)
    return _Typed(path, tuple(notes), "DEMO-OLD-1")


@pytest.fixture
def typed(typed_demo: _Typed, tmp_path: Path) -> Iterator[Store]:
    """A copy of the typed demo clinic, open for its administrator."""
    path = tmp_path / "typed.db"
    shutil.copyfile(typed_demo.path, path)
    with Store.open(path, FakeClock(NOW, ZONE), hasher=FAST_HASHER, create=True) as store:
        store.login("admin", DEMO_PASSWORD)
        yield store


def _typed_texts(store: Store, out: Path) -> set[str]:
    """Everything a person typed in the range, as the identified audit log holds it (notes,
    reasons, names, lots...): none of it may be in a de-identified file."""
    audit = _json(export_audit_log(store, DEID_FIRST, DEID_LAST, "json",
                                   out / "identified-audit.json", deidentify=False))
    typed = set()
    for row in audit["rows"]:
        if row["reason"]:
            typed.add(row["reason"])
        for column in ("old_value", "new_value"):
            values = json.loads(row[column]) if row[column] else {}
            for key in ("text", "reason", "note", "comment"):
                if isinstance(values, dict) and isinstance(values.get(key), str):
                    typed.add(values[key])
    return {text for text in typed if len(text) >= 8}


def _words(text: str) -> set[str]:
    """The file's words (letters, digits, - and _), to look names up in as whole words."""
    return set(re.findall(r"[\w-]+", text))


@pytest.mark.parametrize("shift", [False, True], ids=["year", "date-shift"])
def test_no_de_identified_file_holds_a_name_mrn_birth_date_full_date_or_note(
        typed, typed_demo, out, shift):
    patients = _patients(typed)
    assert len(patients) >= 30
    typed_texts = _typed_texts(typed, out)
    assert set(typed_demo.notes) <= typed_texts  # the notes are there to be found
    for export in EXPORTS:
        for fmt in FORMATS:
            path = export(typed, DEID_FIRST, DEID_LAST, fmt, out / f"{export.__name__}.{fmt}",
                          deidentify=True, date_shift=shift)
            text = path.read_text(encoding="utf-8")
            words = _words(text)
            assert "P-" in text  # patients are there, by pseudonym
            for patient in patients:
                for identifier in _identifiers(patient):
                    assert identifier not in words, (path.name, identifier)
                    assert re.fullmatch(r"[\w-]+", identifier) or identifier not in text
                born = patient.details.birth_date
                assert born.strftime("%d/%m/%Y") not in text
                assert born.strftime("%Y%m%d") not in HEX.sub("", text)
            for typed_text in typed_texts:
                assert typed_text not in text, (path.name, typed_text)
            for word in ("Maude", "sister", "Quillfeather", "Ottoline", "DEMO-OLD-1"):
                assert word not in text
            if not shift:  # (hex pseudonyms and hashes may hold 8 digits in a row)
                assert DAY_PRECISE.findall(HEX.sub("", text)) == [], path.name
            assert "[removed]" in text if export is export_audit_log else True


def test_a_de_identified_session_log_keeps_the_year_the_age_and_staff_by_pseudonym(typed, out):
    identified = _json(export_session_log(typed, DEID_FIRST, DEID_LAST, "json",
                                          out / "identified.json", deidentify=False))["rows"]
    document = _json(export_session_log(typed, DEID_FIRST, DEID_LAST, "json",
                                        out / "log.json", deidentify=True))
    rows = document["rows"]
    assert len(rows) == len(identified) > 100
    assert (document["from"], document["to"]) == ("2025", "2025")  # the range too
    assert document["deidentification"] == what_was_done(shifted=False)
    for row, real in zip(rows, identified, strict=True):
        for column in ("date", "began", "dose_started", "dose_ended", "ended"):
            assert row[column] == (real[column][:4] if real[column] else None)
        assert row["nurse"].startswith("S-") and real["nurse"] not in json.dumps(rows)
        assert row["worst_bp"] == real["worst_bp"]
        assert row["age"] == ("90+" if real["mrn"] == "DEMO-OLD-1" else
                              age_on(date.fromisoformat(real["birth_date"]),
                                     date.fromisoformat(real["date"])))
    (oldest,) = [row for row in rows if row["age"] == "90+"]
    assert oldest["worst_bp"] == "184/114"  # both over 180/110 beats 187 alone
    staff = {row["nurse"] for row in rows}
    assert len(staff) == len({row["nurse"] for row in identified}) > 1


def test_a_de_identified_csv_says_what_was_done_on_its_first_line(typed, out):
    for shift in (False, True):
        path = export_audit_log(typed, DEID_FIRST, DEID_LAST, "csv", out / f"{shift}.csv",
                                deidentify=True, date_shift=shift)
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# de-identified: standard: HIPAA Safe Harbor")
        assert ("moved by that patient's own stable number of days" in first) is shift
        assert _csv(path)[0] == list(DEIDENTIFIED_AUDIT_COLUMNS)
    identified = export_audit_log(typed, DEID_FIRST, DEID_LAST, "csv", out / "id.csv",
                                  deidentify=False)
    assert identified.read_text(encoding="utf-8").startswith("id,at,")


def _shift_of(shifted: str, real: str) -> int:
    return (date.fromisoformat(shifted[:10]) - date.fromisoformat(real[:10])).days


def test_a_date_shift_moves_each_patients_dates_by_the_patients_own_stable_offset(typed, out):
    identified = _json(export_session_log(typed, DEID_FIRST, DEID_LAST, "json",
                                          out / "identified.json", deidentify=False))["rows"]
    first, again = (_json(export_session_log(typed, DEID_FIRST, DEID_LAST, "json",
                                             out / f"{name}.json", deidentify=True,
                                             date_shift=True))
                    for name in ("first", "again"))
    assert first["rows"] == again["rows"]  # stable across exports
    shifts: dict[str, set[int]] = {}
    for row, real in zip(first["rows"], identified, strict=True):
        days = _shift_of(row["date"], real["date"])
        assert 0 < abs(days) <= 365
        shifts.setdefault(row["patient"], set()).add(days)
        for column in ("began", "dose_started", "dose_ended", "ended"):
            if real[column] is None:
                assert row[column] is None
                continue
            moved = (datetime.fromisoformat(row[column])
                     - datetime.fromisoformat(real[column]))
            assert moved == timedelta(days=days)  # the same instant, whole days later
    assert all(len(days) == 1 for days in shifts.values())  # one offset per patient
    offsets = [days for (days,) in shifts.values()]
    assert len(offsets) > 20
    assert len(set(offsets)) > len(offsets) * 3 // 4  # differing between patients (a few of
    # 37 draws from 730 offsets may meet, as two patients may share a birthday)
    assert first["deidentification"] == what_was_done(shifted=True)  # said, not given


def test_a_date_shifted_audit_log_moves_a_patients_rows_and_keeps_only_the_year_of_others(
        typed, out):
    identified = _json(export_audit_log(typed, DEID_FIRST, DEID_LAST, "json",
                                        out / "identified.json", deidentify=False))["rows"]
    sessions = zip(
        _json(export_session_log(typed, DEID_FIRST, DEID_LAST, "json", out / "shifted.json",
                                 deidentify=True, date_shift=True))["rows"],
        _json(export_session_log(typed, DEID_FIRST, DEID_LAST, "json", out / "real.json",
                                 deidentify=False))["rows"], strict=True)
    session_shift = {row["patient"]: _shift_of(row["date"], real["date"])
                     for row, real in sessions}
    rows = _json(export_audit_log(typed, DEID_FIRST, DEID_LAST, "json", out / "audit.json",
                                  deidentify=True, date_shift=True))["rows"]
    rows = rows[:len(identified)]  # and the exports since, about no patient
    assert [row["id"] for row in rows] == [row["id"] for row in identified]
    patients_shift: dict[str, set[int]] = {}
    about_patients = 0
    for row, real in zip(rows, identified, strict=True):
        patient = json.loads(row["new_value"]).get("patient") if row["new_value"] else None
        if patient is None:  # about no patient (a login, an account, an export): the year
            assert row["at"] == real["at"][:4] and row["local_time"] == real["local_time"][:4]
            assert ISO_DATE.findall(row["old_value"] or "") == []
            assert ISO_DATE.findall(row["new_value"] or "") == []
            continue
        about_patients += 1
        values = json.loads(row["new_value"])
        assert str(values.get("patient_id", patient)).startswith("P-")  # no row id
        if row["entity"] == "patients":
            assert row["entity_id"] == patient
        days = _shift_of(row["at"], real["at"])
        assert days != 0
        patients_shift.setdefault(patient, set()).add(days)
        assert row["at"][10:] == real["at"][10:]
        real_dates = set(ISO_DATE.findall(real["new_value"] or ""))
        for found in ISO_DATE.findall(row["new_value"]):
            assert found not in real_dates
            assert (date.fromisoformat(found) - timedelta(days=days)).isoformat() in real_dates
    assert about_patients > 1000
    assert all(len(days) == 1 for days in patients_shift.values())
    # the same patient, the same offset, in the session log and the audit log
    assert {patient: {days} for patient, days in session_shift.items()} == {
        patient: days for patient, days in patients_shift.items() if patient in session_shift}
