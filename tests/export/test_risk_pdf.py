"""The PDF summary shows the PHQ-9 item 9 assessment and the outcome of an early end."""

from __future__ import annotations

import json

from ketamonitor.core.phases import Action
from ketamonitor.core.records import EarlyEnd, EarlyEndOutcome
from ketamonitor.core.risk import assessment_words, item9_words
from ketamonitor.core.times import format_clock
from ketamonitor.export.summary import export_summary
from tests.charting import ASSESSMENT
from tests.export.test_summary import pdf_text, signed_session
from tests.people import PHYSICIAN, login_as
from tests.store.steps import running


def test_the_pdf_shows_the_physicians_risk_assessment(qapp, store, charting, tmp_path):
    signed = signed_session(store, charting)
    out = export_summary(store, signed, "pdf", tmp_path / "summary.pdf")
    text = " ".join(pdf_text(out)[1])
    for words in ("PHQ-9 item 9: physician's risk assessment", "Item 9: 1 — assessed",
                  ASSESSMENT.outcome, ASSESSMENT.plan, "Dr Ada Obi"):
        assert words in text, words


def test_the_pdf_shows_an_early_ends_outcome_destination_and_physician(qapp, store, charting,
                                                                        tmp_path):
    session_id, _ = running(charting)
    charting.clock.advance(minutes=5)
    store.change_phase(session_id, Action.END_SESSION_EARLY, reason="chest pain", early_end=(
        EarlyEnd(EarlyEndOutcome.TRANSFERRED, "Dr Ada Obi", "City Hospital ED")))
    login_as(store, PHYSICIAN)
    out = export_summary(store, session_id, "pdf", tmp_path / "summary.pdf")
    text = " ".join(pdf_text(out)[1])
    assert ("Transferred to emergency care (City Hospital ED); physician informed: Dr Ada Obi "
            "— chest pain") in text


def test_item_9_is_worded_in_the_pdf_and_the_json_as_the_session_pages_banner(
        qapp, store, charting, clock, tmp_path):
    """The red banner's words (core.risk.item9_words, assessment_words: the page calls
    them too) in every export, before and after the physician's assessment."""
    session_id = charting.started()
    charting.phq9(session_id, 2, "before session")
    login_as(store, PHYSICIAN)
    needed = "PHQ-9 Item 9: 2 — assessment needed"
    assert item9_words(store.chart(session_id)) == needed
    text = " ".join(pdf_text(export_summary(store, session_id, "pdf",
                                            tmp_path / "before.pdf"))[1])
    assert f"▲ {needed}" in text
    assert "No physician's risk assessment has been charted." in text
    data = json.loads(export_summary(store, session_id, "json",
                                     tmp_path / "before.json").read_text())
    assert data["item9"] == {"answer": 2, "assessed": False, "words": needed}
    store.record_risk_assessment(session_id, ASSESSMENT)
    chart = store.chart(session_id)
    (assessment,) = chart.risk_assessments
    words = assessment_words(assessment, lambda moment: format_clock(moment, clock.local_zone))
    text = " ".join(pdf_text(export_summary(store, session_id, "pdf",
                                            tmp_path / "after.pdf"))[1])
    assert "▲ PHQ-9 Item 9: 2 — assessed" in text and words in text
    data = json.loads(export_summary(store, session_id, "json",
                                     tmp_path / "after.json").read_text())
    assert data["item9"]["words"] == "PHQ-9 Item 9: 2 — assessed"
    assert data["risk_assessments"][0]["words"] == words
    assert data["scores"][0]["item_scores"][8] == {"item": "q9", "score": 2}
