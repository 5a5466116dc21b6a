"""The PDF summary shows the PHQ-9 item 9 assessment and the outcome of an early end."""

from __future__ import annotations

from ketamonitor.core.phases import Action
from ketamonitor.core.records import EarlyEnd, EarlyEndOutcome
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
