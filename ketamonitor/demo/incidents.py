"""The incidents as the nurse charts them: the reading that goes wrong, the hold or stop, the
physician's call and the recovery."""

from __future__ import annotations

from ketamonitor.core.phases import Action
from ketamonitor.demo.incident_kinds import Incident
from ketamonitor.demo.script import Outcome, Script
from ketamonitor.demo.side_effects import dissociation


def infusion_incident(script: Script, minute: float, start: float) -> Outcome:
    """The reading that goes wrong at `minute`, and what the nurse does about it."""
    if script.incident in (Incident.BP_PAUSE, Incident.BP_STOP):
        return bp_incident(script, minute, minute - start)
    if script.incident is Incident.SPO2_PAUSE:
        return spo2_incident(script, minute)
    return distress_incident(script, minute, minute - start)


def bp_incident(script: Script, minute: float, since_dose: float) -> Outcome:
    """BP above the stop line: held and the physician called; resumed once it is back
    under the line (sometimes with clonidine), or stopped if it stays above."""
    limits = script.protocol.thresholds
    line = f"{limits.stop_systolic_above}/{limits.stop_diastolic_above}"
    high = script.vitals(minute, systolic=script.rng.randint(182, 198),
                         diastolic=script.rng.randint(100, 116))
    script.phase(minute + 1, Action.PAUSE_INFUSION,
                 f"BP {high['systolic']}/{high['diastolic']} above the stop line ({line}): "
                 "infusion held, physician called")
    if script.incident is Incident.BP_STOP:
        still = script.vitals(minute + 9, systolic=script.rng.randint(181, 190),
                              diastolic=script.rng.randint(104, 114))
        script.side_effect(minute + 10, "bp_increased", "severe", "infusion_stopped")
        script.phase(minute + 10, Action.STOP_INFUSION_EARLY,
                     f"BP {still['systolic']}/{still['diastolic']} still above the stop line "
                     "after a 10 min hold: stopped on the physician's instruction")
        script.body.stopped_at = since_dose + 10
        return Outcome(minute + 10, minute + 9, stopped=True)
    clonidine = script.rng.random() < 0.5
    script.side_effect(minute + 2, "bp_increased", "moderate",
                       "clonidine" if clonidine else "infusion_paused")
    if clonidine:
        script.note(minute + 3, "Physician ordered clonidine 0.1 mg by mouth; given.")
    script.body.eased_after = since_dose
    script.vitals(minute + 9)
    script.phase(minute + 10, Action.RESUME_INFUSION,
                 "BP back under the line; physician agreed to resume")
    return Outcome(minute + 10, minute + 9)


def spo2_incident(script: Script, minute: float) -> Outcome:
    """SpO2 under the floor with shallow breathing: held, airway, then resumed."""
    low = script.rng.randint(87, 91)
    script.vitals(minute, spo2=low, respiratory_rate=script.rng.randint(8, 10))
    script.moaas(minute + 1, script.rng.choice((2, 3)))
    script.side_effect(minute + 1, "respiratory_depression", "moderate",
                       script.rng.choice(("stimulation_airway", "oxygen")))
    script.phase(minute + 1, Action.PAUSE_INFUSION,
                 f"SpO2 {low} % with shallow breathing: infusion held, airway repositioned")
    script.vitals(minute + 5, spo2=script.rng.randint(95, 97), respiratory_rate=12)
    script.moaas(minute + 6, 4)
    script.phase(minute + 6, Action.RESUME_INFUSION, "SpO2 and breathing back to normal")
    return Outcome(minute + 6, minute + 5)


def distress_incident(script: Script, minute: float, since_dose: float) -> Outcome:
    """Distressing dissociation: a short hold with reassurance, or the patient asks to
    stop and the infusion is stopped early."""
    script.vitals(minute)
    dissociation(script, minute + 1, strength=1.6, report=False)
    if script.incident is Incident.DISTRESS_STOP:
        script.side_effect(minute + 2, "dissociation", "severe", "infusion_stopped")
        script.phase(minute + 2, Action.STOP_INFUSION_EARLY,
                     "Patient asked to stop: distressing dissociation despite reassurance")
        script.body.stopped_at = since_dose + 2
        return Outcome(minute + 2, minute, stopped=True)
    script.side_effect(minute + 1, "anxiety", "moderate", "infusion_paused")
    script.phase(minute + 2, Action.PAUSE_INFUSION,
                 "Distressing dissociation: infusion held, reassurance in a quieter room")
    script.vitals(minute + 7)
    script.phase(minute + 8, Action.RESUME_INFUSION, "Settled; happy to continue")
    return Outcome(minute + 8, minute + 7)


def bp_after_dosing(script: Script, minute: float) -> None:
    """After a nasal dose, BP above the line at the first check: the physician informed,
    sometimes clonidine, and a recheck 15 minutes later."""
    high = script.vitals(minute, systolic=script.rng.randint(182, 192),
                         diastolic=script.rng.randint(98, 112))
    clonidine = script.rng.random() < 0.4
    script.side_effect(minute + 1, "bp_increased", "moderate",
                       "clonidine" if clonidine else None)
    script.note(minute + 2, f"BP {high['systolic']}/{high['diastolic']}: physician "
                "informed; recheck in 15 min.")
    script.body.eased_after = minute - script.plan.start
    script.vitals(minute + 15)
    script.incident = Incident.NONE
