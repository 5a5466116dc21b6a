"""Doses given, with their lot numbers: each intranasal device with its time (the REMS form
and the controlled-substance record ask for both), and each vial or bag of an IV infusion
(ketamine is a controlled substance: a recall, or a count that does not add up, is traced
by lot)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.phases import Phase
from ketamonitor.core.protocol import DoseUnit, Protocol, Route
from ketamonitor.core.records import Administration

DEVICE = "device"
#: The phases a device may be given in: the first starts the dose, the rest follow it.
#: From observation on dosing is over, and no device is offered or charted.
DEVICE_PHASES = frozenset({Phase.PRE_INFUSION, Phase.INFUSING, Phase.PAUSED})
INFUSION = "infusion"
INJECTION = "injection"
_LOT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-/. ]{0,39}$")


@dataclass(frozen=True)
class DeviceDraft:
    number: int
    of: int
    amount_mg: float
    lot: str
    given_at: datetime

    @property
    def is_first(self) -> bool:
        return self.number == 1

    @property
    def is_last(self) -> bool:
        return self.number == self.of


def devices_given(chart: SessionChart) -> tuple[Administration, ...]:
    return tuple(a for a in chart.administrations if a.item == DEVICE)


def next_device(chart: SessionChart, lot: str, given_at: datetime) -> DeviceDraft:
    """The next device of the session's dose, or the reason it cannot be charted."""
    protocol, dose = chart.protocol, chart.session.dose
    if protocol.dosing.unit is not DoseUnit.DEVICES or dose.devices is None:
        raise ValidationError({"lot": "this session's dose is not given in devices"})
    given = devices_given(chart)
    if len(given) >= dose.devices:
        raise ValidationError({"lot": f"all {dose.devices} devices have been charted"})
    if chart.phase not in DEVICE_PHASES:
        raise ValidationError({"lot": "dosing is over: a device is given before observation, "
                                      "not during it"})
    cleaned = clean_lot(lot, "the device")
    if given and given_at < given[-1].given_at:
        raise ValidationError({"time": "is before the previous device"})
    return DeviceDraft(number=len(given) + 1, of=dose.devices,
                       amount_mg=protocol.dosing.mg_per_device or 0, lot=cleaned,
                       given_at=given_at)


def clean_lot(lot: str, on: str) -> str:
    """The lot number as printed `on` the item, spaces tidied, or why it cannot be one."""
    cleaned = " ".join(lot.split())
    if not cleaned:
        raise ValidationError({"lot": f"type the lot number printed on {on}"})
    if not _LOT.match(cleaned):
        raise ValidationError({"lot": "letters, digits, - / . and spaces (up to 40)"})
    return cleaned


@dataclass(frozen=True)
class DrugLot:
    """A vial, bag or syringe of an IV or IM dose, charted with its lot: usually one; a
    second when the first was replaced (dropped, or the line re-primed)."""

    item: str
    number: int
    amount_mg: float
    lot: str
    given_at: datetime


#: What holds the dose, by route: the administration's item, and the words on the label.
_CONTAINERS = {Route.IV: (INFUSION, "the vial or bag"), Route.IM: (INJECTION, "the vial")}


def drug_lots(chart: SessionChart) -> tuple[Administration, ...]:
    """The lots charted for an IV or IM dose (not the intranasal devices)."""
    return tuple(a for a in chart.administrations if a.item in (INFUSION, INJECTION))


def charts_drug_lots(protocol: Protocol) -> bool:
    """Whether a dose under `protocol` is charted by the lot of its vial or bag (IV, IM),
    rather than device by device (intranasal)."""
    return (protocol.route in _CONTAINERS
            and protocol.dosing.unit is not DoseUnit.DEVICES)


def next_drug_lot(chart: SessionChart, lot: str, given_at: datetime) -> DrugLot:
    """The next vial or bag of the session's IV or IM dose, or why it cannot be charted."""
    if not charts_drug_lots(chart.protocol):
        raise ValidationError({"lot": "this session's dose is given in devices: chart each "
                                      "device with its lot"})
    item, on = _CONTAINERS[chart.protocol.route]
    return DrugLot(item=item, number=len(drug_lots(chart)) + 1,
                   amount_mg=chart.session.dose.total_mg, lot=clean_lot(lot, on),
                   given_at=given_at)


@dataclass(frozen=True)
class DeviceSpacing:
    """The next device and the earliest the protocol's spacing allows it."""

    number: int
    of: int
    from_at: datetime | None


def device_spacing(chart: SessionChart) -> DeviceSpacing | None:
    """The next device to give, or None: all given, the dose is not in devices, or dosing
    is over (observation, discharge, stopped early), when no device may be offered."""
    dose = chart.session.dose
    if dose.devices is None or chart.phase not in DEVICE_PHASES:
        return None
    given = devices_given(chart)
    if len(given) >= dose.devices:
        return None
    spacing = timedelta(minutes=chart.protocol.dosing.minutes_between_devices or 0)
    return DeviceSpacing(len(given) + 1, dose.devices,
                         given[-1].given_at + spacing if given else None)
