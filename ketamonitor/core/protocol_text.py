"""A clinic's own protocol written as TOML: the numbers an administrator may change, what
they typed turned back into a protocol file, and the version written into the text.

The text is what is checked (`parse_protocol`), stored and kept with each session, so a
clinic copy reads like the shipped files: one table per part, one number per line.
"""

from __future__ import annotations

import copy
import json
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from ketamonitor.core.measurements import HEART_RATE, RESPIRATORY_RATE, SPO2
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import DoseUnit, ObservationStart, Protocol, ProtocolError

CLINIC_PREFIX = "clinic-"


class FieldKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    NUMBERS = "numbers"    # whole numbers separated by commas (the devices allowed)
    CHOICE = "choice"      # one of a list (observation start, a checklist)
    CHOICES = "choices"    # several of a list (the scales used)


@dataclass(frozen=True)
class ProtocolField:
    """One key of a protocol file an administrator may change in the app."""

    key: str
    label: str
    unit: str = ""
    kind: FieldKind = FieldKind.NUMBER
    dose_units: tuple[DoseUnit, ...] = ()  # the dose units it belongs to; empty: all
    optional: bool = False  # may be left empty (an empty list)

    def applies_to(self, unit: DoseUnit) -> bool:
        return not self.dose_units or unit in self.dose_units


@dataclass(frozen=True)
class FieldGroup:
    title: str
    fields: tuple[ProtocolField, ...]


_PER_KG = (DoseUnit.MG_PER_KG,)
_DEVICES = (DoseUnit.DEVICES,)

OBSERVATION_START_LABELS = {
    ObservationStart.INFUSION_END: "infusion end",
    ObservationStart.DOSE_START: "dose start",
}

PROTOCOL_FORM: tuple[FieldGroup, ...] = (
    FieldGroup("Protocol", (
        ProtocolField("name", "Name", kind=FieldKind.TEXT),
    )),
    FieldGroup("Dose", (
        ProtocolField("dose.default_mg_per_kg", "Default dose", "mg/kg", dose_units=_PER_KG),
        ProtocolField("dose.max_mg_per_kg", "Maximum dose", "mg/kg", dose_units=_PER_KG),
        ProtocolField("dose.default_concentration_mg_per_ml", "Concentration", "mg/mL",
                      dose_units=_PER_KG),
        ProtocolField("dose.infusion_minutes", "Infusion time", "min", dose_units=_PER_KG),
        ProtocolField("dose.mg_per_device", "Each device", "mg", dose_units=_DEVICES),
        ProtocolField("dose.allowed_devices", "Devices allowed", kind=FieldKind.NUMBERS,
                      dose_units=_DEVICES),
        ProtocolField("dose.default_devices", "Default devices", dose_units=_DEVICES),
        ProtocolField("dose.minutes_between_devices", "Between devices", "min",
                      dose_units=_DEVICES),
        ProtocolField("dose.end_tolerance_minutes", "May end early by", "min"),
    )),
    FieldGroup("Observation", (
        ProtocolField("observation.minimum_minutes", "At least", "min"),
        ProtocolField("observation.starts_at", "Counted from", kind=FieldKind.CHOICE),
        ProtocolField("observation.until_resolved", "Until resolved",
                      kind=FieldKind.CHOICES),
    )),
    FieldGroup("Vitals every", (
        *(ProtocolField(f"vitals_every_minutes.{phase.value}", phase.label, "min")
          for phase in Phase if not phase.is_finished),
        ProtocolField("vitals_every_minutes.overdue_grace_minutes", "Overdue after", "min late"),
        ProtocolField("vitals_checks.after_dose_minutes", "Also due at", "min in",
                      kind=FieldKind.NUMBERS, optional=True),
        ProtocolField("vitals_checks.before_discharge_minutes", "Pre-discharge", "min"),
    )),
    FieldGroup("Thresholds", (
        ProtocolField("thresholds.predose_systolic_above", "Pre-dose systolic above", "mmHg"),
        ProtocolField("thresholds.predose_diastolic_above", "Pre-dose diastolic above", "mmHg"),
        ProtocolField("thresholds.stop_systolic_above", "Stop systolic above", "mmHg"),
        ProtocolField("thresholds.stop_diastolic_above", "Stop diastolic above", "mmHg"),
        *(ProtocolField(f"thresholds.{m.key}_{side}", f"{m.label} {side}", m.unit)
          for m, side in ((HEART_RATE, "above"), (HEART_RATE, "below"), (SPO2, "below"),
                          (RESPIRATORY_RATE, "above"), (RESPIRATORY_RATE, "below"))),
        ProtocolField("thresholds.moaas_at_or_below", "MOAA/S at or below", "of 5"),
    )),
    FieldGroup("Discharge", (
        ProtocolField("discharge.aldrete_at_least", "Modified Aldrete at least", "of 10"),
        ProtocolField("discharge.bp_within_percent_of_baseline", "BP within baseline ±", "%"),
    )),
    FieldGroup("Checklists and scales", (
        ProtocolField("checklists.pre_session", "Pre-session", kind=FieldKind.CHOICE),
        ProtocolField("checklists.dissociation", "Dissociation", kind=FieldKind.CHOICE),
        ProtocolField("checklists.side_effects", "Side effects", kind=FieldKind.CHOICE),
        ProtocolField("checklists.discharge", "Discharge", kind=FieldKind.CHOICE),
        ProtocolField("checklists.scales", "Scales", kind=FieldKind.CHOICES),
    )),
)

FIELDS: dict[str, ProtocolField] = {f.key: f for group in PROTOCOL_FORM for f in group.fields}

Typed = Mapping[str, str | Sequence[str]]


def reference(protocol: Protocol) -> str:
    """How a version is named where another is based on it: "iv-racemic-ketamine version 1"."""
    return f"{protocol.id} version {protocol.version}"


def clinic_copy_id(protocol_id: str, taken: Iterable[str]) -> str:
    """The id of a clinic copy: never a shipped id, never one already used."""
    used = set(taken)
    base = protocol_id if protocol_id.startswith(CLINIC_PREFIX) else CLINIC_PREFIX + protocol_id
    base = base[:60]
    candidate, number = base, 2
    while candidate in used:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def form_values(protocol: Protocol) -> dict[str, str | list[str]]:
    """Each form field's value as it is shown for typing over."""
    data = protocol_data(protocol)
    values: dict[str, str | list[str]] = {}
    for key, field in FIELDS.items():
        found = _lookup(data, key)
        if found is None:
            continue
        if field.kind is FieldKind.CHOICES:
            values[key] = [str(item) for item in found]
        elif field.kind is FieldKind.NUMBERS:
            values[key] = ", ".join(str(item) for item in found)
        elif isinstance(found, float):
            values[key] = f"{found:g}"
        else:
            values[key] = str(found)
    return values


def protocol_data(protocol: Protocol) -> dict[str, Any]:
    return tomllib.loads(protocol.source_text)


def edited_data(protocol: Protocol, typed: Typed) -> dict[str, Any]:
    """`protocol`'s keys with the typed values in place of theirs, or a ProtocolError naming
    the first key whose text is not a number. Whether the numbers make sense together is
    `parse_protocol`'s to say."""
    data = copy.deepcopy(protocol_data(protocol))
    for key, value in typed.items():
        field = FIELDS[key]
        *tables, name = key.split(".")
        table = data
        for part in tables:
            table = table.setdefault(part, {})
        table[name] = _converted(field, value)
    return data


def _converted(field: ProtocolField, value: str | Sequence[str]) -> Any:
    if field.kind is FieldKind.CHOICES:
        return [str(item) for item in value]
    assert isinstance(value, str)
    if field.kind is FieldKind.TEXT:
        return " ".join(value.split())
    if field.kind is FieldKind.CHOICE:
        return value
    if field.kind is FieldKind.NUMBERS:
        parts = [part for part in re.split(r"[,\s]+", value.strip()) if part]
        if not parts and field.optional:
            return []
        if not parts:
            raise ProtocolError.at(field.key, "is required")
        if not all(part.isdigit() for part in parts):
            raise ProtocolError.at(field.key, "must be whole numbers separated by commas")
        return [int(part) for part in parts]
    return _number(field.key, value)


def _number(key: str, text: str) -> int | float:
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        raise ProtocolError.at(key, "is required")
    try:
        number = float(cleaned)
    except ValueError:
        raise ProtocolError.at(key, "must be a number") from None
    if not math.isfinite(number):
        raise ProtocolError.at(key, "must be a finite number")
    return int(number) if number.is_integer() else number


def clinic_header(user: str, at: datetime, based_on: str | None) -> list[str]:
    """The comment that opens a clinic protocol: who saved it, when, and from what."""
    lines = [(f"Clinic protocol, saved in ketamonitor by {user} on "
             f"{at.strftime('%Y-%m-%d %H:%M')} UTC.")]
    if based_on:
        lines.append(f"Based on {based_on}; see that protocol for the sources of its numbers.")
    lines.append("Every number here is the clinic's own choice.")
    return lines


@dataclass(frozen=True)
class ProtocolSave:
    """What saving the protocol form writes: the protocol file, and the version it is
    based on (kept with the draft, shown to the physician who countersigns)."""

    text: str
    based_on: str


def protocol_save(base: Protocol, typed: Typed, protocol_id: str, user: str,
                  at: datetime) -> ProtocolSave:
    """The file a save of the form writes: `base`'s keys with the typed values in place,
    under `protocol_id` (`base`'s own, or a new clinic copy's from `clinic_copy_id`),
    opened by the clinic header naming who saved it, when and from what. A ProtocolError
    names the first key whose text is not a number; whether the numbers make sense
    together is `parse_protocol`'s to say, when the store takes the text."""
    based_on = reference(base)
    data = edited_data(base, typed)
    data["id"] = protocol_id
    return ProtocolSave(render_protocol(data, clinic_header(user, at, based_on)), based_on)


def scales_in_order(shown: Sequence[str], ticked: Iterable[str]) -> list[str]:
    """The scales ticked, in the order the protocol gave them (the order their forms
    appear on the session page); one newly ticked comes after them."""
    return sorted(ticked, key=lambda s: shown.index(s) if s in shown else len(shown))


def problem_in_words(problem: str) -> str:
    """A protocol's problem as said beside its field: the keys it names by their field's
    label ("must be below “Heart rate above” (120)"), the longest key first so that
    "a.b_c" is never read as "a.b" followed by "_c"."""
    for key in sorted(FIELDS, key=len, reverse=True):
        problem = problem.replace(key, f"“{FIELDS[key].label}”")
    return problem


_TOP_ORDER = ("id", "version", "name", "route")
_TABLE_ORDER = ("dose", "observation", "vitals_every_minutes", "vitals_checks", "thresholds",
                "critical", "worsening", "low_bp", "recheck", "etco2", "discharge", "checklists")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def render_protocol(data: Mapping[str, Any], header: Sequence[str] = ()) -> str:
    """TOML text for protocol data: the header as comments, then the top-level keys, then
    one table per part in the shipped files' order."""
    lines = [f"# {line}".rstrip() for line in header]
    if lines:
        lines.append("")
    _table(lines, "", data, _TOP_ORDER, _TABLE_ORDER)
    return "\n".join(lines).strip("\n") + "\n"


def _table(lines: list[str], path: str, table: Mapping[str, Any],
           key_order: Sequence[str] = (), table_order: Sequence[str] = ()) -> None:
    def ordered(keys: list[str], order: Sequence[str]) -> list[str]:
        return sorted(keys, key=lambda k: (order.index(k) if k in order else len(order),
                                           keys.index(k)))

    scalars = [key for key, value in table.items() if not isinstance(value, Mapping)]
    tables = [key for key, value in table.items() if isinstance(value, Mapping)]
    for key in ordered(scalars, key_order):
        lines.append(f"{_key(key)} = {_value(table[key])}")
    for key in ordered(tables, table_order):
        dotted = f"{path}.{_key(key)}" if path else _key(key)
        lines += ["", f"[{dotted}]"]
        _table(lines, dotted, table[key])


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value} in a protocol")
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise ValueError(f"cannot write {type(value).__name__} values in a protocol")


_HEAD_END = re.compile(r"^[ \t]*\[", re.MULTILINE)
_VERSION_LINE = re.compile(r"^[ \t]*version[ \t]*=.*$", re.MULTILINE)


def with_version(text: str, version: int) -> str:
    """`text` with its top-level `version = …` line set to `version`, so that a stored text
    and the version its row gives always agree."""
    found = _HEAD_END.search(text)
    head_end = found.start() if found else len(text)
    head, count = _VERSION_LINE.subn(f"version = {version}", text[:head_end], count=1)
    if not count:
        raise ProtocolError.at("version", "must be written as a line `version = N` before "
                                          "the first table")
    return head + text[head_end:]


def _lookup(data: Mapping[str, Any], dotted: str) -> Any:
    found: Any = data
    for part in dotted.split("."):
        if not isinstance(found, Mapping) or part not in found:
            return None
        found = found[part]
    return found


@dataclass(frozen=True)
class FieldChange:
    """One number (or choice) of a protocol that a new version changes: what a physician
    reads before countersigning, "Stop systolic above: 180 → 170 mmHg"."""

    key: str
    label: str
    old: str
    new: str
    unit: str = ""

    def __str__(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.label}: {self.old or '—'} → {self.new or '—'}{unit}"


def protocol_changes(before: Protocol, after: Protocol) -> tuple[FieldChange, ...]:
    """Each form field whose value differs between two versions, in the form's order; a
    field that belongs to neither's dose unit is left out."""
    old, new = form_values(before), form_values(after)
    changes = []
    for key, field in FIELDS.items():
        was, now = _shown(old.get(key)), _shown(new.get(key))
        if was != now:
            changes.append(FieldChange(key, field.label, was, now, field.unit))
    return tuple(changes)


def _shown(value: str | list[str] | None) -> str:
    if value is None:
        return ""
    return ", ".join(value) if isinstance(value, list) else value
