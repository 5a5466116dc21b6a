"""Clinic protocols saved in the app: versions, audit rows, and sessions that keep the version
they began with; clinic settings."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from ketamonitor.core.errors import ValidationError
from ketamonitor.core.library import Origin
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.protocol import ProtocolError, parse_protocol
from ketamonitor.core.protocol_text import (
    clinic_copy_id,
    edited_data,
    reference,
    render_protocol,
)
from ketamonitor.core.timers import session_timers
from ketamonitor.store.store import Store
from tests.people import ADMIN, FAST_HASHER, NURSE, PASSWORD, audit_of, login_as
from tests.protocol_drafts import countersigned

IV = "iv-racemic-ketamine"


@pytest.fixture(autouse=True)
def as_administrator(store):
    """Protocols and settings are an administrator's to change."""
    login_as(store, ADMIN)


def copy_text(store: Store, source_id: str = IV, **typed: str) -> str:
    """What the protocol dialog writes: the source's keys with the typed values, new id."""
    source = store.library.protocol(source_id)
    data = edited_data(source, {"name": f"{source.name} (clinic)", **typed})
    data["id"] = clinic_copy_id(source.id, store.library.protocols)
    return render_protocol(data, ["a clinic copy"])


def edit_text(store: Store, protocol_id: str, **typed: str) -> str:
    return render_protocol(edited_data(store.library.protocol(protocol_id), typed))


def test_a_clinic_copy_is_version_1_then_each_change_the_next_with_its_audit_row(store):
    first = countersigned(store, store.save_clinic_protocol(copy_text(store), based_on=reference(
        store.library.protocol(IV)), reason="our own copy"))
    assert (first.id, first.version) == ("clinic-iv-racemic-ketamine", 1)
    assert store.library.origin(first.id) is Origin.CLINIC
    second = countersigned(store, store.save_clinic_protocol(
        edit_text(store, first.id, **{"observation.minimum_minutes": "90"}),
        based_on=reference(first), reason="physician asked for 90 min"))
    assert second.version == 2
    assert parse_protocol(second.source_text).version == 2  # the text says what the row says
    assert store.library.protocol(first.id).observation_minutes == 90
    versions = store.protocol_versions(first.id)
    assert [(v.version, v.based_on, v.created_by) for v in versions] == [
        (1, "iv-racemic-ketamine version 1", "admin"),
        (2, "clinic-iv-racemic-ketamine version 1", "admin")]
    audit = audit_of(store, "protocols")
    assert [(row["action"], row["reason"]) for row in audit] == [
        ("protocols.create", "our own copy"), ("protocols.create", "physician asked for 90 min")]
    assert audit[0]["old_value"] is None
    assert audit[1]["old_value"] == versions[0].text
    assert json.loads(audit[1]["new_value"])["toml"] == versions[1].text
    assert store.protocol_versions(IV) == []


def test_a_running_session_keeps_its_version_and_a_new_one_takes_the_change(
        store, charting, clock, db_path):
    copy = countersigned(store, store.save_clinic_protocol(copy_text(store), based_on=None,
                                                           reason="copy"))
    login_as(store, NURSE)
    running = charting.started(copy.id)
    assert store.chart(running).infusion_time == timedelta(minutes=40)
    clock.advance(minutes=5)
    login_as(store, ADMIN)
    countersigned(store, store.save_clinic_protocol(
        edit_text(store, copy.id, **{"dose.infusion_minutes": "60",
                                     "thresholds.stop_systolic_above": "170"}),
        based_on=reference(copy), reason="slower infusion"))
    login_as(store, NURSE)
    after = charting.started(copy.id, patient=charting.patient("MRN-2002"))

    kept, changed = store.chart(running), store.chart(after)
    assert (kept.protocol.version, kept.infusion_time) == (1, timedelta(minutes=40))
    assert kept.protocol.thresholds.stop_systolic_above == 180
    assert (changed.protocol.version, changed.infusion_time) == (2, timedelta(minutes=60))
    assert changed.protocol.thresholds.stop_systolic_above == 170
    assert session_timers(kept, clock.now()).infusion_remaining == timedelta(minutes=33)
    clock.advance(minutes=33)
    store.change_phase(running, Action.END_INFUSION)  # 40 min run: complete under version 1
    assert store.chart(running).phase is Phase.OBSERVATION

    store.close()
    with Store.open(db_path, clock, hasher=FAST_HASHER, create=True) as reopened:
        login_as(reopened, NURSE)
        assert reopened.library.protocol(copy.id).version == 2
        assert reopened.chart(running).infusion_time == timedelta(minutes=40)


def test_a_shipped_protocol_is_never_overwritten(store):
    text = edit_text(store, IV, **{"dose.infusion_minutes": "60"})
    with pytest.raises(ProtocolError) as refused:
        store.save_clinic_protocol(text, based_on=None, reason="slower")
    assert refused.value.key == "id"
    assert "shipped protocol's id" in str(refused.value)
    assert audit_of(store, "protocols") == []
    assert store.library.protocol(IV).dosing.infusion_minutes == 40


def test_a_clinic_file_is_not_overwritten_from_the_app(tmp_path, clock, store):
    folder = tmp_path / "ours"
    folder.mkdir()
    (folder / "ours.toml").write_text(copy_text(store))
    with Store.open(tmp_path / "other.db", clock, hasher=FAST_HASHER,
                    extra_protocol_folders=[folder], create=True) as opened:
        opened.create_first_administrator(ADMIN, "Ada Admin", PASSWORD)
        login_as(opened, ADMIN)
        assert opened.library.origin("clinic-iv-racemic-ketamine") is Origin.CLINIC_FILE
        with pytest.raises(ProtocolError, match="clinic file protocol's id"):
            opened.save_clinic_protocol(copy_text(store), based_on=None, reason="copy")


@pytest.mark.parametrize(("typed", "key", "problem"), [
    ({"observation.minimum_minutes": "-30"}, "observation.minimum_minutes", "must be above 0"),
    ({"thresholds.heart_rate_below": "130"}, "thresholds.heart_rate_below",
     "must be below thresholds.heart_rate_above (120)"),
    ({"checklists.pre_session": "missing_list"}, "checklists.pre_session",
     "names checklist missing_list, which is not there"),
    ({"name": "IV racemic ketamine, 0.5 mg/kg over 40 min"}, "name",
     "is already the name of iv-racemic-ketamine"),
])
def test_a_refused_protocol_writes_nothing(store, typed, key, problem):
    with pytest.raises(ProtocolError) as refused:
        store.save_clinic_protocol(copy_text(store, **typed), based_on=None, reason="try")
    assert (refused.value.key, refused.value.problem) == (key, problem)
    assert audit_of(store, "protocols") == []
    assert store.protocol_versions("clinic-iv-racemic-ketamine") == []
    assert "clinic-iv-racemic-ketamine" not in store.library.protocols


def test_a_change_needs_a_reason_and_a_change(store):
    with pytest.raises(ValidationError) as refused:
        store.save_clinic_protocol(copy_text(store), based_on=None, reason="  ")
    assert refused.value.reasons == {"reason": "say why the protocol changes"}
    draft = store.save_clinic_protocol(copy_text(store), based_on=None, reason="copy")
    with pytest.raises(ValidationError, match="nothing changed from version 1, the draft"):
        store.save_clinic_protocol(copy_text(store), based_on=None, reason="again")
    copy = countersigned(store, draft)
    with pytest.raises(ValidationError, match="nothing changed from version 1, the one in"):
        store.save_clinic_protocol(edit_text(store, copy.id), based_on=None, reason="again")
    assert len(store.protocol_versions(copy.id)) == 1


def test_an_im_injection_ends_at_once_and_observation_counts_from_it(store, charting, clock):
    login_as(store, NURSE)
    session_id = charting.started("im-racemic-ketamine")
    chart = store.chart(session_id)
    assert chart.infusion_time == timedelta()
    assert chart.session.dose.pump_rate_ml_per_h is None
    assert chart.session.dose.total_mg == 36
    assert chart.phase is Phase.OBSERVATION  # the injection, given at once, ends dosing too
    assert chart.timeline.infusion_ended_at == chart.timeline.dose_started_at
    clock.advance(minutes=20)
    state = session_timers(store.chart(session_id), clock.now())
    assert state.observation_remaining == timedelta(minutes=40)
    assert state.vitals_due_in == timedelta(minutes=-5)  # every 15 min from the injection
    clock.advance(minutes=40)
    charting.bp(session_id, 126, 80)
    store.change_phase(session_id, Action.COMPLETE_OBSERVATION)
    charting.answer_all(session_id, "discharge")
    charting.aldrete(session_id)
    store.change_phase(session_id, Action.DISCHARGE)
    assert store.chart(session_id).phase is Phase.DISCHARGED


def test_settings_have_defaults_round_trip_and_are_audited(store, clock):
    assert store.setting("audible_alerts") == "on"
    assert store.setting("clinic_name", "Unnamed") == "Unnamed"
    assert store.set_setting("audible_alerts", "off")
    clock.advance(minutes=1)
    assert store.set_setting("clinic_name", "  Northside   Ketamine Clinic ")
    assert not store.set_setting("audible_alerts", "off")  # already in force: nothing written
    assert store.set_setting("audible_alerts", "on")
    assert store.setting("audible_alerts") == "on"
    assert store.setting("clinic_name") == "Northside Ketamine Clinic"
    audit = audit_of(store, "settings")
    assert [(json.loads(r["new_value"])["key"], r["old_value"]) for r in audit] == [
        ("audible_alerts", None), ("clinic_name", None), ("audible_alerts", "off")]
    assert {r["action"] for r in audit} == {"settings.set"}
    with pytest.raises(ValidationError) as refused:
        store.set_setting("audible_alerts", "loud")
    assert refused.value.reasons == {"audible_alerts": "must be one of on, off"}
    with pytest.raises(ValidationError):
        store.set_setting("theme", "dark")
    assert len(audit_of(store, "settings")) == 3
