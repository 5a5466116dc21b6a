"""The summary PDF's cost grows with the record, not with its square (issue 19, item 6): a
note of an old record charted before the store capped notes (1 MB) exports in seconds, every
word of it in the file. The fields themselves are read back in tests/export/test_summary.py.
"""

from __future__ import annotations

import io
import json
import re
import time
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest

from ketamonitor.core.chart_view import SessionSummary
from ketamonitor.export.pdf.summary import summary_pdf
from ketamonitor.export.summary import build_summary
from ketamonitor.export.summary_data import summary_json
from tests.export.test_summary import HELD_REASON, charted_session, signed_session
from tests.people import PHYSICIAN, login_as


@pytest.fixture
def summary(qapp, store, charting) -> SessionSummary:
    return build_summary(store, signed_session(store, charting))


def words(count: int) -> list[str]:
    return [f"w{n}" for n in range(count)]


def with_note(summary: SessionSummary, text: str) -> SessionSummary:
    """The summary with its note's text replaced by `text` (as an old record may hold)."""
    return replace(summary, events=tuple(replace(e, text=text) if e.kind == "note" else e
                                         for e in summary.events))


def seconds_to_print(summary: SessionSummary) -> float:
    """The least of two runs: a busy machine slows one, rarely both."""
    times = []
    for _ in range(2):
        started = time.perf_counter()
        summary_pdf(summary)
        times.append(time.perf_counter() - started)
    return min(times)


def pdf_words(data: bytes, tmp_path: Path) -> list[str]:
    """The PDF's words as a reader extracts them (pypdf, the test extra: poppler's pdftotext
    is not on a fresh machine, where `make test` must pass)."""
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    return " ".join(page.extract_text() for page in pages).split()


def test_a_1_mb_note_prints_in_seconds_every_word_of_it(summary, tmp_path):
    note = words(150_000)
    text = " ".join(note)
    assert len(text) > 1_000_000
    quarter = seconds_to_print(with_note(summary, text[:len(text) // 4]))
    started = time.perf_counter()
    data = summary_pdf(with_note(summary, text))
    whole = time.perf_counter() - started
    # linear: four times the note, at most four times the time (the rest of the summary
    # costs the same in both); a quadratic layout would take sixteen times. 412 s before.
    assert whole < 4 * quarter + 0.5
    assert whole < 20  # 41 s before; about 1.5 s on a quiet machine, 4 s on a loaded one
    found = [word for word in pdf_words(data, tmp_path) if re.fullmatch(r"w\d+", word)]
    # the whole note, in order, below the table (a line at a page's foot is in the file on
    # both pages, clipped on one: read once)
    assert list(dict.fromkeys(found))[-len(note):] == note
    started = time.perf_counter()  # the data formats: trivially linear, whole
    data = summary_json(with_note(summary, text))
    assert time.perf_counter() - started < 2 and json.loads(data)["events"][-2]["text"] == text


def test_a_note_keeps_its_lines_and_a_long_one_is_begun_in_its_cell(summary, tmp_path):
    lines = "Escort arrived 10:40\nDiscussed next session\nPatient calm"
    text = " ".join(pdf_words(summary_pdf(with_note(summary, lines)), tmp_path))
    assert "Escort arrived 10:40 Discussed next session Patient calm" in text
    long = " ".join(words(2_000))
    found = " ".join(pdf_words(summary_pdf(with_note(summary, long)), tmp_path))
    assert "w76… (in full below the table: 10,889 characters)" in found
    assert "Note of 09:54 by nurse.ana, in full" in found



def test_a_held_start_an_escalation_and_a_medicine_given_print_whole(qapp, store, charting,
                                                                   tmp_path):
    """The session the issue asks to look at (its pages were rendered and looked at): a
    start held and overridden, an alert escalated to the physician, medicines given."""
    session_id = charted_session(store, charting, held_start=True)
    login_as(store, PHYSICIAN)
    summary = build_summary(store, session_id)
    data = summary_pdf(summary)
    (tmp_path / "held.pdf").write_bytes(data)
    (tmp_path / "long.pdf").write_bytes(summary_pdf(with_note(summary, " ".join(words(9000)))))
    text = " ".join(pdf_words(data, tmp_path))
    for expected in ("Physician overrides", ("Physician override of the start by Dr Ada Obi: "
                                          f"History of psychosis: yes. Reason: {HELD_REASON}"),
                  "Done: Infusion paused. Physician: Dr Ada Obi at 08:18.",
                  "Labetalol 10 mg IV", "Ondansetron 4 mg IV"):
        assert expected in text, expected
