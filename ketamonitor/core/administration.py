"""Doses given: each intranasal device with its time and lot number (the REMS form and the
controlled-substance record ask for both)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from ketamonitor.core.chart import SessionChart
from ketamonitor.core.errors import ValidationError
from ketamonitor.core.protocol import DoseUnit
from ketamonitor.core.records import Administration

DEVICE = "device"
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
    cleaned = " ".join(lot.split())
    if not cleaned:
        raise ValidationError({"lot": "type the lot number printed on the device"})
    if not _LOT.match(cleaned):
        raise ValidationError({"lot": "letters, digits, - / . and spaces (up to 40)"})
    if given and given_at < given[-1].given_at:
        raise ValidationError({"time": "is before the previous device"})
    return DeviceDraft(number=len(given) + 1, of=dose.devices,
                       amount_mg=protocol.dosing.mg_per_device or 0, lot=cleaned,
                       given_at=given_at)


@dataclass(frozen=True)
class DeviceSpacing:
    """The next device and the earliest the protocol's spacing allows it."""

    number: int
    of: int
    from_at: datetime | None


def device_spacing(chart: SessionChart) -> DeviceSpacing | None:
    dose = chart.session.dose
    if dose.devices is None:
        return None
    given = devices_given(chart)
    if len(given) >= dose.devices:
        return None
    spacing = timedelta(minutes=chart.protocol.dosing.minutes_between_devices or 0)
    return DeviceSpacing(len(given) + 1, dose.devices,
                         given[-1].given_at + spacing if given else None)
