"""One wording of the vital signs: the form, the vitals table, the room's tile, the plot's
axes and the PDF's vitals table all say the names and units of core.measurements' table."""

from __future__ import annotations

import io

import pypdf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ketamonitor.core.measurements import (
    BLOOD_PRESSURE,
    HEART_RATE,
    PLOTTED,
    RESPIRATORY_RATE,
    SPO2,
    TYPED,
    measurement,
)
from ketamonitor.export.pdf.summary import summary_pdf
from ketamonitor.export.summary import build_summary
from ketamonitor.plotting.session_plot import BP
from ketamonitor.ui.main_window import MainWindow


def charted(window: MainWindow, charting, store, clock) -> int:
    session_id = charting.session()
    charting.ready_to_start(session_id)
    clock.advance(minutes=1)
    charting.vitals(session_id, systolic="124", diastolic="80", heart_rate="88", spo2="97",
                    respiratory_rate="16")
    return session_id


def test_the_screen_and_the_pdf_name_the_vitals_from_one_table(qapp, window, charting, store,
                                                               clock):
    session_id = charted(window, charting, store, clock)
    page = window.open_session(session_id)

    form = page.vitals_form
    captions = {label.text() for label in form.findChildren(QLabel)}
    for key in TYPED:
        shown = measurement(key)
        assert form.inputs[key].accessibleName() == shown.label
        assert any(text.startswith(f"{shown.short} ") and shown.unit in text
                   for text in captions), key

    model = page.vitals_model
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert [BLOOD_PRESSURE.short, HEART_RATE.short, SPO2.short,
            RESPIRATORY_RATE.short] == headers[1:5]

    plot = page.chart_view.plot
    for shown in PLOTTED:
        assert plot.panels[shown.key].plot.getAxis("left").labelText == shown.short
    assert plot.panels[BP].plot.getAxis("left").labelText == BLOOD_PRESSURE.heading

    window.room.reload()
    window.show_room()
    (tile,) = window.room_page.tiles
    for shown, value in ((HEART_RATE, 88), (SPO2, 97), (RESPIRATORY_RATE, 16)):
        assert f"{shown.short} <b>{shown.number_words(value)}</b>" in tile.vitals.text()

    pdf = pypdf.PdfReader(io.BytesIO(summary_pdf(build_summary(store, session_id))))
    text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    row = " ".join(m.short for m in (BLOOD_PRESSURE, HEART_RATE, SPO2, RESPIRATORY_RATE))
    assert f"Time Phase {row} Entered Flags" in text
