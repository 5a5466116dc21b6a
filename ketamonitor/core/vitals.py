"""A set of vitals and the checks every set must pass before it is charted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from ketamonitor.core import measurements
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.parsing import (
    FieldProblem,
    clock_time_in_session,
    decimal_number,
    entry_time_problem,
    whole_number,
)
from ketamonitor.core.ranges import DEFAULT_RANGES, PlausibleRanges

#: The measurements a nurse types, in order (from the one table, core.measurements).
MEASUREMENTS = measurements.TYPED

#: Each typed field's full name: the measurements' from their table, then the others'.
LABELS = {
    **{key: measurements.measurement(key).label for key in MEASUREMENTS},
    "oxygen": "Room air or oxygen",
    "oxygen_l_per_min": "Oxygen L/min",
    "observed_at": "Time",
}

#: The typed text's key saying what the patient breathed when the SpO2 was read, and its
#: two answers; the flow in L/min is typed under OXYGEN_FLOW.
OXYGEN = "oxygen"
ROOM_AIR = "room_air"
ON_OXYGEN = "oxygen"
OXYGEN_FLOW = "oxygen_l_per_min"


class ConfirmationNeeded(ValidationError):
    """A set with extreme readings not yet confirmed: nothing is charted. `questions` holds,
    per field, what to ask beside it ("RR 0 — apnoea?"); `reasons` holds those questions and
    any other reason the set cannot be charted, so one Enter shows everything."""

    def __init__(self, reasons: Mapping[str, str], questions: Mapping[str, str]) -> None:
        super().__init__(reasons)
        self.questions = dict(questions)


@dataclass(frozen=True)
class Vitals:
    """One set of measurements taken at one time; any measurement may be absent except that
    systolic and diastolic come together."""

    observed_at: datetime
    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None
    respiratory_rate: int | None = None
    #: Oxygen given when the SpO2 was read, in L/min; None is room air (and every set
    #: charted before oxygen could be said).
    oxygen_l_per_min: float | None = None
    #: End-tidal CO2 in mmHg, for clinics with capnography.
    etco2: int | None = None

    @property
    def on_oxygen(self) -> bool:
        return bool(self.oxygen_l_per_min)

    @property
    def has_bp(self) -> bool:
        return self.systolic is not None and self.diastolic is not None

    def measurements(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in MEASUREMENTS}


def spo2_words(vitals: Vitals) -> str:
    """A set's SpO2 with what the patient breathed, worded once for every view and export:
    "94 %" on room air, "94 % (O2 2 L/min)" on oxygen. A SpO2 on oxygen reads differently
    (the Aldrete, the alerts), so the flow is never left out where the SpO2 is shown."""
    flow = f"O2 {vitals.oxygen_l_per_min:g} L/min" if vitals.on_oxygen else ""
    if vitals.spo2 is None:
        return flow
    return f"{vitals.spo2} % ({flow})" if flow else f"{vitals.spo2} %"


#: The Modified Aldrete's item scored from the SpO2 and the oxygen (scale id, item key in
#: resources/checklists): where the hint below is shown.
ALDRETE_OXYGEN_ITEM = ("modified_aldrete", "oxygen_saturation")


def aldrete_oxygen_hint(sets: Iterable[Vitals]) -> str:
    """What the Modified Aldrete's oxygen item is scored from (SpO2 > 92 % on room air
    scores 2, needing oxygen 1): the latest charted SpO2 and what it was read on."""
    latest = max((v for v in sets if v.spo2 is not None), key=lambda v: v.observed_at,
                 default=None)
    if latest is None:
        return "no SpO2 charted yet"
    breathing = f"on O2 {latest.oxygen_l_per_min:g} L/min" if latest.on_oxygen else "on room air"
    return f"latest SpO2 {latest.spo2} % {breathing}"


def oxygen_in_use(sets: Iterable[Vitals]) -> float | None:
    """The oxygen said with the latest charted set (None: room air, or nothing charted):
    a patient on oxygen stays on it until the nurse says otherwise, so the next set starts
    from it rather than from a default that could hide it."""
    latest = max(sets, key=lambda v: v.observed_at, default=None)
    return None if latest is None else latest.oxygen_l_per_min


def extremes_to_confirm(vitals: Vitals,
                        ranges: PlausibleRanges = DEFAULT_RANGES) -> dict[str, str]:
    """The readings a patient can have but that are beyond the usual band, each with the
    question to ask beside its field: a real extreme is charted once confirmed, a slip of
    the finger is caught before it is charted. Values beyond what is possible are not
    asked about: they are refused (see `check_vitals`)."""
    questions: dict[str, str] = {}
    bp = _bp_question(vitals, ranges)
    if bp:
        questions.update(bp)
    for name in ("heart_rate", "spo2", "respiratory_rate", "etco2"):
        value = getattr(vitals, name)
        if value is None or value in getattr(ranges, name):
            continue
        if value in getattr(ranges.possible, name):
            questions[name] = _question(name, value, vitals, ranges)
    return questions


def _bp_question(vitals: Vitals, ranges: PlausibleRanges) -> dict[str, str]:
    """One question for the BP, beside the number that is extreme (systolic first)."""
    systolic, diastolic = vitals.systolic, vitals.diastolic
    for name, value in (("systolic", systolic), ("diastolic", diastolic)):
        if (value is not None and value not in getattr(ranges, name)
                and value in getattr(ranges.possible, name)):
            shown = f"{_dash(systolic)}/{_dash(diastolic)}"
            return {name: f"BP {shown} — very low?"}
    return {}


def _dash(value: int | None) -> str:
    return "–" if value is None else str(value)


def _question(name: str, value: int, vitals: Vitals, ranges: PlausibleRanges) -> str:
    low = value < getattr(ranges, name).low
    if name == "respiratory_rate":
        if value == 0:
            return "RR 0 — apnoea?"
        return f"RR {value} — very {'slow' if low else 'fast'}?"
    if name == "spo2":
        on = f" on O2 {vitals.oxygen_l_per_min:g} L/min" if vitals.on_oxygen else ""
        return f"SpO2 {value} %{on} — very low: is the probe on?"
    if name == "heart_rate":
        return f"HR {value} — very {'slow' if low else 'fast'}: is it the pulse, not noise?"
    if value == 0:
        return "EtCO2 0 — no CO2: apnoea, or the line off?"
    return f"EtCO2 {value} mmHg — very high?"


def parse_vitals(
    typed: Mapping[str, str],
    *,
    now: datetime,
    session_began: datetime,
    zone: tzinfo,
    ranges: PlausibleRanges = DEFAULT_RANGES,
    confirmed: frozenset[str] = frozenset(),
) -> Vitals:
    """Vitals from the text of the form's fields (`time` empty means now; `oxygen` is
    ROOM_AIR, the default, or ON_OXYGEN with the flow typed under OXYGEN_FLOW), or every
    reason the text cannot be charted, keyed by field. `confirmed` names the fields whose
    extreme value the nurse has confirmed; any other extreme is asked about
    (ConfirmationNeeded), never charted unasked."""
    reasons: dict[str, str] = {}
    values: dict[str, int | None] = {}
    for name in MEASUREMENTS:
        text = typed.get(name, "")
        if not text.strip():
            values[name] = None
            continue
        try:
            values[name] = whole_number(text, getattr(ranges.possible, name))
        except FieldProblem as problem:
            reasons[name] = str(problem)
    oxygen = _oxygen(typed, ranges, reasons)
    try:
        observed_at = clock_time_in_session(typed.get("time", ""), now, zone, session_began)
    except FieldProblem as problem:
        reasons["time"] = str(problem)
        observed_at = now
    vitals = Vitals(observed_at=observed_at, oxygen_l_per_min=oxygen,
                    **{name: value for name, value in values.items() if name not in reasons})
    if reasons:
        reasons = _with_cross_field(reasons, values)
        questions = _unconfirmed(vitals, ranges, confirmed, reasons)
        if questions:
            raise ConfirmationNeeded({**questions, **reasons}, questions)
        raise ValidationError(reasons)
    check_vitals(vitals, now=now, session_began=session_began, zone=zone, ranges=ranges,
                 confirmed=confirmed)
    return vitals


def _oxygen(typed: Mapping[str, str], ranges: PlausibleRanges,
            reasons: dict[str, str]) -> float | None:
    """The oxygen flow said with the set, None for room air; a flow without "oxygen" chosen
    or "oxygen" without a flow is refused: neither may be guessed."""
    choice = typed.get(OXYGEN, "").strip() or ROOM_AIR
    flow = typed.get(OXYGEN_FLOW, "").strip()
    if choice not in (ROOM_AIR, ON_OXYGEN):
        reasons[OXYGEN] = "choose room air or oxygen"
        return None
    if choice == ROOM_AIR:
        if flow:
            reasons[OXYGEN_FLOW] = "choose Oxygen for a flow, or clear it for room air"
        return None
    if not flow:
        reasons[OXYGEN_FLOW] = "type the flow in L/min, or choose room air"
        return None
    try:
        return decimal_number(flow, ranges.oxygen_l_per_min)
    except FieldProblem as problem:
        reasons[OXYGEN_FLOW] = str(problem)
        return None


def _unconfirmed(vitals: Vitals, ranges: PlausibleRanges, confirmed: frozenset[str],
                 reasons: Mapping[str, str]) -> dict[str, str]:
    return {name: question for name, question in extremes_to_confirm(vitals, ranges).items()
            if name not in confirmed and name not in reasons}


def _with_cross_field(reasons: dict[str, str], values: Mapping[str, int | None]) -> dict[str, str]:
    """Add the cross-field reasons that can still be judged, so one Enter shows them all."""
    extra = _cross_field_reasons(values)
    return {**extra, **reasons}


def _cross_field_reasons(values: Mapping[str, int | None]) -> dict[str, str]:
    reasons: dict[str, str] = {}
    systolic, diastolic = values.get("systolic"), values.get("diastolic")
    if systolic is not None and diastolic is None:
        reasons["diastolic"] = "required with systolic"
    if diastolic is not None and systolic is None:
        reasons["systolic"] = "required with diastolic"
    if systolic is not None and diastolic is not None and diastolic >= systolic:
        reasons["diastolic"] = "must be below systolic"
    return reasons


def check_vitals(
    vitals: Vitals,
    *,
    now: datetime,
    session_began: datetime,
    zone: tzinfo,
    ranges: PlausibleRanges = DEFAULT_RANGES,
    confirmed: frozenset[str] = frozenset(),
) -> None:
    """Refuse a set that must not be charted, whatever its source (form, monitor, amendment,
    a script calling the store): a value no patient can have, an oxygen flow beyond the
    flowmeter, or an extreme reading not confirmed (ConfirmationNeeded, with the question as
    the field's reason)."""
    values = vitals.measurements()
    reasons = _cross_field_reasons(values)
    for name, value in values.items():
        possible = getattr(ranges.possible, name)
        if value is not None and value not in possible:
            reasons[name] = f"must be {possible.describe()}"
    if all(value is None for value in values.values()):
        reasons["systolic"] = "enter at least one measurement"
    elif all(value is None for name, value in values.items() if name != "etco2"):
        # the table holds no set without one of the first five (a CHECK of its own)
        reasons["etco2"] = "chart it with SpO2, RR, HR or BP"
    flow = vitals.oxygen_l_per_min
    if flow is not None and (flow != flow or flow not in ranges.oxygen_l_per_min):
        reasons[OXYGEN_FLOW] = f"must be {ranges.oxygen_l_per_min.describe()}"
    problem = entry_time_problem(
        vitals.observed_at, now=now, session_began=session_began, zone=zone
    )
    if problem:
        reasons["time"] = problem
    questions = _unconfirmed(vitals, ranges, confirmed, reasons)
    if questions:
        raise ConfirmationNeeded({**questions, **reasons}, questions)
    if reasons:
        raise ValidationError(reasons)
