"""End session early through the store: the outcome, a transfer's destination and the
physician informed, stored beside the phase event; refused without them (a script is a
path in too)."""

from __future__ import annotations

import pytest

from ketamonitor.core.errors import PhaseChangeRefused
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.records import EarlyEnd, EarlyEndOutcome
from tests.people import audit_of
from tests.store.steps import row_counts, running

TRANSFER = EarlyEnd(EarlyEndOutcome.TRANSFERRED, "Dr Ada Obi", "St Mary's emergency department")


@pytest.mark.parametrize(("early_end", "missing"), [
    (None, ("the outcome (transferred, left against advice, patient's request or clinical "
           "stop) and the physician informed")),
    (EarlyEnd(EarlyEndOutcome.TRANSFERRED, "Dr Ada Obi"), "the destination of the transfer"),
    (EarlyEnd(EarlyEndOutcome.AGAINST_ADVICE, ""), "the physician informed (name)"),
])
def test_an_early_end_without_its_outcome_is_refused_and_writes_nothing(
        store, charting, db_path, early_end, missing):
    session_id, _ = running(charting)
    charting.clock.advance(minutes=5)
    before = row_counts(db_path)
    with pytest.raises(PhaseChangeRefused) as refused:
        store.change_phase(session_id, Action.END_SESSION_EARLY, reason="unwell",
                           early_end=early_end)
    assert refused.value.missing == (missing,)
    assert row_counts(db_path) == before
    assert store.chart(session_id).phase is Phase.PRE_INFUSION


def test_a_transfer_is_stored_with_its_destination_and_the_physician(store, charting):
    session_id, _ = running(charting)
    charting.clock.advance(minutes=5)
    change = store.change_phase(session_id, Action.END_SESSION_EARLY, early_end=TRANSFER)
    assert change.reason == ("Transferred to emergency care (St Mary's emergency department); "
                             "physician informed: Dr Ada Obi")
    chart = store.chart(session_id)
    assert (chart.phase, chart.early_end) == (Phase.STOPPED_EARLY, TRANSFER)
    (row,) = audit_of(store, "early_ends")
    assert row["action"] == "early_ends.create"
    assert '"destination":"St Mary\'s emergency department"' in row["new_value"]
