"""The demo's REMS answers (demo/rems.py): most finished esketamine sessions' forms are
complete and agree with their charts; a few are left for the nurse to finish."""

from __future__ import annotations

from ketamonitor.core.protocol import Route
from ketamonitor.demo import DEMO_PASSWORD
from tests.store.test_demo import Clinic, _open, clinic  # noqa: F401 (the fixture)


def forms(clinic: Clinic):  # noqa: F811
    with _open(clinic.path) as store:
        store.login("admin", DEMO_PASSWORD)
        pending = {p.session_id for p in store.rems_pending()}
        return [store.rems_form_of(chart.session.id) for chart in clinic.charts
                if chart.session.id in pending], pending


def nurse_gaps(form) -> tuple[str, ...]:
    """What the nurse answers on the form (its questions, the ready time) and has not."""
    return tuple(gap for gap in form.gaps if "REMS monitoring form:" in gap
                 or "ready to leave" in gap or "Contradiction" in gap)


def test_most_demo_rems_forms_are_complete_and_a_few_are_not(clinic):  # noqa: F811
    """Complete as the form is filed: the nurse's answers and every field the record fills
    (the clinic's name, the prescriber, the device lots, the dose given)."""
    found, pending = forms(clinic)
    esketamine = [c for c in clinic.charts if c.protocol.route is Route.INTRANASAL]
    assert found and len(found) == len(pending) and len(esketamine) >= len(found)
    complete = [form for form in found if not form.gaps]
    assert len(complete) > len(found) * 3 / 4, [f.gaps for f in found if f.gaps][:3]
    left = [form for form in found if form.gaps]
    assert left and all(form.gaps == nurse_gaps(form) for form in left)  # only the nurse's


def test_no_demo_rems_answer_contradicts_its_chart(clinic):  # noqa: F811
    found, _ = forms(clinic)
    assert [form.contradictions for form in found if form.contradictions] == []
    answered = [form for form in found if "sedation_occurred" in form.answers]
    assert {form.answers["sedation_occurred"] for form in answered} <= {"yes", "no"}
    assert any(form.ready_without_minimum_at for form in found)
