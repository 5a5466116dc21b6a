"""A believable IHE PCD-01 ORU^R01, as a bedside monitor or its gateway sends one.

The tests feed the listener with it now, and the monitor simulator will later: one message
per reading time, MSH (MSH-18 the character set, MSH-21 the PCD-01 profile), PID, PV1 with
the bed in PV1-3, OBR, and one OBX per metric with its MDC code, its units and its time.

Two flavours, as two kinds of central stations differ:
- `ge`: a GE-like gateway, one bed per connection. Units in UCUM ("mm[Hg]^mm[Hg]^UCUM"),
  times on the unit's wall clock without an offset, the reading time in OBR-7 only (OBX-14
  empty): the receiver's clinic zone and its OBR-7 fallback are used.
- `mindray`: a Mindray-like gateway, many beds on one connection, each message's bed in
  PV1-3. Units as MDC codes ("266016^MDC_DIM_MMHG^MDC"), times with their offset, OBX-14 on
  every OBX.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from enum import StrEnum

from ketamonitor.core.hl7_text import (
    ENCODING_CHARACTERS,
    FIELD_SEPARATOR,
    codec_for,
    escape,
    format_local_ts,
    format_ts,
)
from ketamonitor.core.monitor_codes import MonitorCodes, shipped_monitor_codes

#: MSH-21 of a PCD-01 message: the IHE profile it follows.
PCD_01_PROFILE = "IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO"
#: OBR-4 of a monitor's observation report: "monitoring of patient" (SNOMED CT).
MONITORING_OF_PATIENT = "182777000^monitoring of patient^SCT"


class Flavour(StrEnum):
    """Which kind of gateway a message looks like it came from."""

    GE = "ge"
    MINDRAY = "mindray"


#: Each flavour's sending application (MSH-3) and facility (MSH-4) when none is given.
DEFAULT_SENDERS = {
    Flavour.GE: ("CARESCAPE_GW", "INFUSION"),
    Flavour.MINDRAY: ("MINDRAY_EGATEWAY^00A0370000000001^EUI-64", "INFUSION"),
}


def default_sender(flavour: Flavour, bed: int) -> str:
    """MSH-3 of a bed: a GE-like monitor is its own sender, one per bed; a Mindray-like
    gateway is one sender for every bed."""
    if flavour is Flavour.GE:
        return f"CARESCAPE_{bed:02d}"
    return DEFAULT_SENDERS[flavour][0]


def default_bed(bed: int) -> str:
    """PV1-3 of a bed as the simulator sends it: what a demo clinic maps to its chairs."""
    return f"INFUSION^^Chair{bed}"


@dataclass(frozen=True)
class Observation:
    """One OBX to send. Every text is HL7 text as it will be written (`value` and `units`
    may be anything, for a test's bad input); `observed_at` None: the message's time."""

    code: str
    value: str
    units: str
    value_type: str = "NM"
    status: str = "R"
    observed_at: datetime | None = None


@dataclass(frozen=True)
class OruPatient:
    """Who the monitor says is in the bed (PID-3 and PID-5)."""

    identifier: str
    family: str
    given: str = ""


def observation(code: int | str, value: float | str, *, flavour: Flavour = Flavour.MINDRAY,
                observed_at: datetime | None = None,
                codes: MonitorCodes | None = None) -> Observation:
    """The OBX of a code of the table (by number or MDC_ name) with its units as the
    flavour writes them; KeyError for a code the table does not hold."""
    table = codes or shipped_monitor_codes()
    found = table.find(str(code))
    if found is None:
        raise KeyError(code)
    units = found.units.ucum_coded if flavour is Flavour.GE else found.units.mdc
    text = value if isinstance(value, str) else f"{value:g}"
    return Observation(code=found.coded, value=text, units=units, observed_at=observed_at)


def build_oru(
    observations: Sequence[Observation],
    *,
    control_id: str,
    observed_at: datetime,
    bed: str = "INFUSION^^Chair1",
    flavour: Flavour = Flavour.MINDRAY,
    patient: OruPatient | None = None,
    sending_application: str | None = None,
    sending_facility: str | None = None,
    receiving_application: str = "KETAMONITOR",
    charset: str = "UNICODE UTF-8",
    encoding: str | None = None,
    zone: tzinfo = UTC,
    sent_at: datetime | None = None,
) -> bytes:
    """The message (not framed) of `observations` read at `observed_at` for `bed` (PV1-3 as
    HL7 text: point of care^room^bed). `charset` is MSH-18; `encoding` the codec of the
    bytes (None: the one MSH-18 names; another one for a test of a sender that says one
    charset and sends another). `zone` is the monitor's clock: its offset is written by the
    Mindray-like flavour, its wall-clock time alone by the GE-like one."""
    codec = encoding or codec_for(charset)
    if codec is None:
        raise ValueError(f"no codec for MSH-18 {charset!r}: pass `encoding`")
    default_application, default_facility = DEFAULT_SENDERS[flavour]

    def when(moment: datetime) -> str:
        if flavour is Flavour.GE:
            return format_local_ts(moment, zone)
        return format_ts(moment, zone)

    msh = "MSH" + FIELD_SEPARATOR + _join(
        ENCODING_CHARACTERS, sending_application or default_application,
        default_facility if sending_facility is None else sending_facility,
        receiving_application, "", when(sent_at or observed_at), "", "ORU^R01^ORU_R01",
        escape(control_id), "P", "2.6", "", "", "AL", "NE", "", charset, "", "", PCD_01_PROFILE)
    pid = _pid(patient)
    pv1 = _join("PV1", "", "I", bed)
    obr = _join("OBR", "1", "", "", MONITORING_OF_PATIENT, "", "", when(observed_at))
    segments = [msh, pid, pv1, obr]
    for number, item in enumerate(observations, start=1):
        moment = item.observed_at or (None if flavour is Flavour.GE else observed_at)
        obx = [str(number), item.value_type, item.code, _sub_id(item.code, number),
               escape(item.value), item.units, "", "", "", "", item.status]
        if moment is not None:
            obx += ["", "", when(moment)]
        segments.append(_join("OBX", *obx))
    return ("\r".join(segments) + "\r").encode(codec)


def _pid(patient: OruPatient | None) -> str:
    """PID: the patient the monitor knows, or the empty PID a monitor sends when no
    patient was admitted on it."""
    if patient is None:
        return "PID"
    name = f"{escape(patient.family)}^{escape(patient.given)}".rstrip("^")
    return _join("PID", "", "", f"{escape(patient.identifier)}^^^^MR", "", name)


def _sub_id(code: str, number: int) -> str:
    """OBX-4, the observation's place in the device's hierarchy (medical device system,
    virtual device, channel, metric), as PCD-01 writes it: "1.1.<n>.<code>"."""
    return f"1.1.{number}.{code.split('^')[0]}"


def _join(*fields: str) -> str:
    return FIELD_SEPARATOR.join(fields).rstrip(FIELD_SEPARATOR)
