"""The systems, codes and small shapes every part of the FHIR bundle uses, and the two
things each part is given: the clinic's identifier systems (settings) and the resources'
ids (name-based UUIDs, so two exports of one session give the same ids).

Codes from CLINICAL.md ("Codes for exports") and LOINC; where no standard code exists, the
clinic's own code system (`ClinicSystems.codes`) names the thing (docs/fhir.md)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from ketamonitor.core.chart_view import AMENDED, CHARTED, IN_ERROR
from ketamonitor.core.settings import FHIR_CODE_SYSTEM, FHIR_MRN_SYSTEM
from ketamonitor.core.times import to_stored

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
CATEGORIES = "http://terminology.hl7.org/CodeSystem/observation-category"
INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
PROFILE = "http://hl7.org/fhir/StructureDefinition/"
#: ASTM E1762 signature types, as FHIR's Signature.type names them.
SIGNATURE_TYPES = "urn:iso-astm:E1762-95:2013"

#: Each entry's status in the chart view, as a FHIR resource's.
STATUS = {IN_ERROR: "entered-in-error", AMENDED: "amended", CHARTED: "final"}
#: The interpretations a flag gives (HL7 v3 ObservationInterpretation).
INTERPRETATIONS = {"H": "High", "L": "Low", "HH": "Critical high", "LL": "Critical low",
                   "A": "Abnormal", "AA": "Critical abnormal", "POS": "Positive"}

_NAMESPACE = uuid.UUID("6f1d3c1e-5b0e-4c53-9a55-0b6d0e9e6a11")


@dataclass(frozen=True)
class ClinicSystems:
    """The clinic's identifier systems (core/settings: fhir_mrn_system, fhir_code_system)."""

    mrn: str = FHIR_MRN_SYSTEM.default
    base: str = FHIR_CODE_SYSTEM.default

    @property
    def codes(self) -> str:
        """The clinic's own codes (scales without a LOINC code, checklists, alerts)."""
        return f"{self.base.rstrip('/')}/CodeSystem/ketamonitor"

    @property
    def staff(self) -> str:
        """Staff by their ketamonitor username."""
        return f"{self.base.rstrip('/')}/sid/staff-username"

    @property
    def staff_name(self) -> str:
        """Staff known only by the name typed on the session form (nurse, prescriber)."""
        return f"{self.base.rstrip('/')}/sid/staff-name"

    @property
    def entry(self) -> str:
        """Each resource's own identifier (its UUID): what makes a re-sent transaction a
        no-op on the server (conditional create)."""
        return f"{self.base.rstrip('/')}/sid/ketamonitor-entry"

    @property
    def session(self) -> str:
        return f"{self.base.rstrip('/')}/sid/session"

    @property
    def content_hash(self) -> str:
        return f"{self.base.rstrip('/')}/sid/content-hash"

    def code(self, code: str, display: str) -> dict[str, str]:
        return coding(self.codes, code, display)


class Ids:
    """Name-based UUIDs (uuid5) of what each resource stands for: the clinic's identity (its
    MRN system), then the session and the entry's row id; never random."""

    def __init__(self, systems: ClinicSystems, session_id: int) -> None:
        self._clinic = systems.mrn
        self._session = session_id

    def of(self, *parts: object) -> str:
        """A resource of this session (`parts`: its kind and row id)."""
        return self.clinic_wide("session", self._session, *parts)

    def clinic_wide(self, *parts: object) -> str:
        """A resource that is not the session's own (the patient, a practitioner)."""
        return str(uuid.uuid5(_NAMESPACE, "/".join([self._clinic, *map(str, parts)])))


def time(moment: datetime) -> str:
    return to_stored(moment)


def coding(system: str, code: str, display: str) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def concept(system: str, code: str, display: str, text: str | None = None) -> dict[str, Any]:
    return {"coding": [coding(system, code, display)], "text": text or display}


def quantity(value: float, unit: str, code: str | None = None) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": code or unit}


def reference(resource_id: str, display: str | None = None) -> dict[str, str]:
    """A reference to another entry of the bundle, by its fullUrl."""
    found = {"reference": f"urn:uuid:{resource_id}"}
    if display:
        found["display"] = display
    return found


def interpretation(code: str) -> list[dict[str, Any]]:
    return [concept(INTERPRETATION, code, INTERPRETATIONS[code])]


def identifier_query(system: str, value: str) -> str:
    """A search by identifier, as a transaction's `ifNoneExist` asks it."""
    return f"identifier={quote(system, safe=':/')}|{quote(value, safe=':/')}"
