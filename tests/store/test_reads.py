"""A patient's sessions, read back for the course view."""

from __future__ import annotations

from ketamonitor.core.phases import Action
from tests.charting import EARLY_END


def test_a_patients_sessions_come_first_to_last_and_only_theirs(store, charting, clock):
    ana = charting.patient("MRN-1")
    ben = charting.patient("MRN-2")
    first = charting.session(patient=ana)
    store.change_phase(first, Action.END_SESSION_EARLY, early_end=EARLY_END,
                       reason="patient declined")
    clock.advance(minutes=3 * 24 * 60)
    other = charting.session(patient=ben)
    clock.advance(minutes=4 * 24 * 60)
    second = charting.session(patient=ana)
    listed = store.patient_sessions(ana.id)
    assert [s.session_id for s in listed] == [first, second]
    assert all(s.patient_id == ana.id and s.mrn == "MRN-1" for s in listed)
    assert [s.session_id for s in store.patient_sessions(ben.id)] == [other]
    assert store.patient_sessions(ben.id + 100) == []
