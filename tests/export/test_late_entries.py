"""A late entry is marked late in every export: the PDF's table, the JSON, the CSV and the
FHIR Observations; times not on the session's day carry their date."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from ketamonitor.core.entries import LateVitals
from ketamonitor.core.phases import Action
from ketamonitor.core.vitals import Vitals
from ketamonitor.export.pdf.summary import local_clock
from ketamonitor.export.summary import build_summary, export_summary
from tests.charting import EARLY_END
from tests.people import PHYSICIAN, login_as

REASON = "Written on paper while the monitor was down"
MONTH = 30 * 24 * 60


def late_session(store, charting, clock) -> int:
    """A session stopped early, and a month later a set taken in it charted late."""
    session_id = charting.session()
    charting.bp(session_id, 128, 82)
    clock.advance(minutes=40)
    store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="Patient declined")
    clock.advance(minutes=MONTH)
    taken = store.chart(session_id).session.began_at + timedelta(minutes=20)
    store.record_late_vitals(session_id, LateVitals(
        Vitals(observed_at=taken, systolic=131, diastolic=83, heart_rate=71), REASON))
    login_as(store, PHYSICIAN)
    return session_id


def test_every_format_marks_the_late_set_and_says_why(store, charting, clock, tmp_path):
    session_id = late_session(store, charting, clock)
    data = json.loads(export_summary(store, session_id, "json",
                                     tmp_path / "s.json").read_text("utf-8"))
    reasons = [row["late_reason"] for row in data["vitals"]]
    assert reasons == [None, REASON]
    rows = list(csv.DictReader(io.StringIO(export_summary(
        store, session_id, "csv", tmp_path / "s.csv").read_text("utf-8"))))
    assert [row["late_reason"] for row in rows] == ["", REASON]
    bundle = json.loads(export_summary(store, session_id, "fhir",
                                       tmp_path / "s.fhir.json").read_text("utf-8"))
    observations = [entry["resource"] for entry in bundle["entry"]
                    if entry["resource"]["resourceType"] == "Observation"
                    and entry["resource"].get("note")]
    assert observations and all(REASON in o["note"][0]["text"] and o["issued"]
                                for o in observations)
    summary = build_summary(store, session_id)
    late = summary.vitals[1]
    words = summary.late_words(late)
    assert words is not None and words.startswith("Late entry: taken Mon 23 Nov 2026 ")
    assert REASON in words and summary.late_words(summary.vitals[0]) is None


def test_the_pdf_dates_a_time_not_on_the_sessions_day(store, charting, clock):
    session_id = late_session(store, charting, clock)
    summary = build_summary(store, session_id)
    late = summary.vitals[1]
    assert local_clock(summary, late.observed_at) == "07:50"
    assert local_clock(summary, late.entered_at) == "23 Dec 08:10"


def test_the_pdf_table_marks_the_late_set_with_its_reason(store, charting, clock):
    from ketamonitor.export.pdf.summary import _vitals as printed_table

    session_id = late_session(store, charting, clock)
    html = printed_table(build_summary(store, session_id))
    assert html.count("late entry") == 1 and REASON in html
