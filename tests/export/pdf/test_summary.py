"""The summary PDF of a long record (issue 19, item 6): a note of an old record charted
before the store capped notes prints whole, every word of it in the file; how fast (linear
in the record's size: a 1 MB note under 2 s) is `make bench`'s `summary_pdf_1mb_s`. The
fields themselves are read back in tests/export/test_summary.py.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path

import pypdf
import pytest

from ketamonitor import cli
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


def pdf_words(data: bytes, tmp_path: Path) -> list[str]:
    """The PDF's words as a reader extracts them (pypdf, the test extra: poppler's pdftotext
    is not on a fresh machine, where `make test` must pass)."""
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    return " ".join(page.extract_text() for page in pages).split()


def test_a_long_note_prints_every_word_of_it_in_order(summary, tmp_path):
    """A 100 kB note of an old record: every word in the file, in order, below the table.
    How long a 1 MB one takes is `make bench`'s `summary_pdf_1mb_s` (under 2 s; 412 s
    before issue 19): a timed test here would be slow (reading a 1 MB PDF back takes half
    a minute) and flaky on a loaded machine."""
    note = words(16_000)
    text = " ".join(note)
    assert len(text) > 100_000
    data = summary_pdf(with_note(summary, text))
    found = [word for word in pdf_words(data, tmp_path) if re.fullmatch(r"w\d+", word)]
    # the whole note, in order, below the table (a line at a page's foot is in the file on
    # both pages, clipped on one: read once)
    assert list(dict.fromkeys(found))[-len(note):] == note
    assert json.loads(summary_json(with_note(summary, text)))["events"][-2]["text"] == text


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


def test_the_printed_head_is_a_verify_command_that_holds(summary, store, tmp_path, capsys):
    """The command the summary prints checks the record against the head it was made from
    (issue 20: `verify --head ID:HASH` from a printed summary)."""
    text = " ".join(pdf_words(summary_pdf(summary), tmp_path))
    found = re.search(r"ketamonitor verify --head (\d+:[0-9a-f]{64})", text)
    assert found is not None, text[-400:]
    assert cli.main(["verify", "--db", str(store.path), "--head", found.group(1)]) == 0, (
        capsys.readouterr())
