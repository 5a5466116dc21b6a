"""The monitor's codes and units as data: resources/monitor_codes.toml, read and checked.

A reading from a monitor is charted only through this table: its IEEE 11073 MDC code
(OBX-3) names the vitals field it fills, and its units (OBX-6) must be the ones that code
is measured in. Anything else is kept aside with the reason, never guessed at: an EtCO2 in
kPa or in % read as mmHg, or an invasive arterial pressure read as the cuff's, would put a
wrong number on a chart that alerts are judged on.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ketamonitor.core import measurements
from ketamonitor.core.library import resource_text
from ketamonitor.core.protocol import ProtocolError

MONITOR_CODES_KIND = "monitor_codes"
#: The fields a monitor's code may fill: a vitals set's, and the measurements kept beside
#: them (the mean arterial pressure).
FIELDS = frozenset(m.key for m in measurements.ALL)


@dataclass(frozen=True)
class MonitorUnit:
    """A unit a reading may come in: its UCUM spellings (the first is the one we write)
    and its MDC code and name."""

    key: str
    label: str
    ucum: tuple[str, ...]
    mdc_code: int
    mdc_name: str

    @property
    def spellings(self) -> frozenset[str]:
        """Every identifier OBX-6 may give for this unit."""
        return frozenset((*self.ucum, str(self.mdc_code), self.mdc_name))

    def accepts(self, identifier: str, text: str = "") -> bool:
        """Whether OBX-6 (its identifier, else with none its text) names this unit."""
        given = identifier.strip() or text.strip()
        return given in self.spellings

    @property
    def mdc(self) -> str:
        """The unit as OBX-6 says it in MDC terms: "266016^MDC_DIM_MMHG^MDC"."""
        return f"{self.mdc_code}^{self.mdc_name}^MDC"

    @property
    def ucum_coded(self) -> str:
        """The unit as OBX-6 says it in UCUM terms: "mm[Hg]^mm[Hg]^UCUM"."""
        return f"{self.ucum[0]}^{self.ucum[0]}^UCUM"


@dataclass(frozen=True)
class MonitorCode:
    """One MDC code the chart takes: its number, its MDC_ name, the field it fills and the
    units it must come in. `fallback`: used for its field only when no other code gives
    that field at the same time (the oximeter's pulse rate beside an ECG heart rate)."""

    code: int
    name: str
    field: str
    units: MonitorUnit
    fallback: bool = False

    @property
    def in_vitals(self) -> bool:
        """Whether the field is one a vitals set holds (the MAP is kept, not charted)."""
        return self.field in measurements.TYPED

    @property
    def coded(self) -> str:
        """The code as OBX-3 says it: "150021^MDC_PRESS_BLD_NONINV_SYS^MDC"."""
        return f"{self.code}^{self.name}^MDC"


@dataclass(frozen=True)
class MonitorCodes:
    """The table: every code and unit, found by number or by name."""

    codes: tuple[MonitorCode, ...]
    units: tuple[MonitorUnit, ...]

    def find(self, identifier: str) -> MonitorCode | None:
        """The code OBX-3's identifier names, by its number ("150021") or its MDC_ name."""
        wanted = identifier.strip()
        for code in self.codes:
            if wanted in (str(code.code), code.name):
                return code
        return None

    def for_field(self, field: str) -> MonitorCode:
        """The first code, not a fallback, that fills `field` (KeyError if none does)."""
        for code in self.codes:
            if code.field == field and not code.fallback:
                return code
        raise KeyError(field)


def parse_monitor_codes(text: str) -> MonitorCodes:
    """The table from its TOML text, or a ProtocolError naming the key at fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProtocolError(f"not valid TOML: {error}") from error
    if data.get("kind") != MONITOR_CODES_KIND:
        raise ProtocolError.at("kind", f'must be "{MONITOR_CODES_KIND}"')
    units_table = data.get("units")
    if not isinstance(units_table, dict) or not units_table:
        raise ProtocolError.at("units", "must name at least one unit")
    units = {key: _unit(key, entry) for key, entry in units_table.items()}
    entries = data.get("codes")
    if not isinstance(entries, list) or not entries:
        raise ProtocolError.at("codes", "must list at least one code")
    codes: list[MonitorCode] = []
    for number, entry in enumerate(entries):
        code = _code(entry, f"codes[{number}]", units)
        for known in codes:
            if code.code == known.code or code.name == known.name:
                raise ProtocolError.at(f"codes[{number}]",
                                       f"{code.code} {code.name} is listed twice")
        codes.append(code)
    return MonitorCodes(codes=tuple(codes), units=tuple(units.values()))


@cache
def shipped_monitor_codes() -> MonitorCodes:
    """The shipped table (read once; a test checks it loads)."""
    return parse_monitor_codes(resource_text("monitor_codes.toml"))


def _unit(key: str, entry: object) -> MonitorUnit:
    where = f"units.{key}."
    if not isinstance(entry, dict):
        raise ProtocolError.at(f"units.{key}", "must be a table")
    ucum = entry.get("ucum")
    if (not isinstance(ucum, list) or not ucum
            or not all(isinstance(u, str) and u.strip() for u in ucum)):
        raise ProtocolError.at(f"{where}ucum", "must list at least one spelling")
    return MonitorUnit(key=key, label=_text(entry, "label", where), ucum=tuple(ucum),
                       mdc_code=_number(entry, "mdc_code", where),
                       mdc_name=_mdc_name(entry, "mdc_name", where, "MDC_DIM_"))


def _code(entry: object, where: str, units: Mapping[str, MonitorUnit]) -> MonitorCode:
    if not isinstance(entry, dict):
        raise ProtocolError.at(where, "must be a table")
    where = f"{where}."
    field = _text(entry, "field", where)
    if field not in FIELDS:
        raise ProtocolError.at(f"{where}field", f"{field} is not a measurement of ours "
                               f"(one of {', '.join(sorted(FIELDS))})")
    unit = _text(entry, "units", where)
    if unit not in units:
        raise ProtocolError.at(f"{where}units", f"{unit} is not a unit of [units]")
    fallback = entry.get("fallback", False)
    if not isinstance(fallback, bool):
        raise ProtocolError.at(f"{where}fallback", "must be true or false")
    return MonitorCode(code=_number(entry, "code", where),
                       name=_mdc_name(entry, "name", where, "MDC_"),
                       field=field, units=units[unit], fallback=fallback)


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ProtocolError.at(f"{where}{key}", "must be a text, not empty")
    return value.strip()


def _number(data: Mapping[str, Any], key: str, where: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ProtocolError.at(f"{where}{key}", "must be a whole number from 1")
    return value


def _mdc_name(data: Mapping[str, Any], key: str, where: str, prefix: str) -> str:
    name = _text(data, key, where)
    if not name.startswith(prefix) or not name.replace("_", "").isalnum():
        raise ProtocolError.at(f"{where}{key}", f"must be an MDC name ({prefix}...)")
    return name
