"""A chart with every kind of entry, and its FHIR bundle read back and validated: the bundle
and every resource in it against the R4B models (fhir.resources)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from ketamonitor.export.fhir import export_fhir_summary
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.export.test_summary import signed_session
from tests.people import PASSWORD

ADDENDUM = "Called the patient next day: slept well, no nausea"


def whole_chart(store: Store, charting: Charting) -> int:
    """`signed_session` (vitals over the stop line, an alert acknowledged with its
    escalation, a pause, two medicines given, a side effect and its resolution, a
    dissociation assessment, PHQ-9 with item 9 answered 1 and its risk assessment, MOAA/S,
    Aldrete, a note, both checklists, corrections, the signature) and an addendum."""
    session_id = signed_session(store, charting)
    charting.clock.advance(minutes=10)
    store.add_addendum(session_id, ADDENDUM, PASSWORD)
    return session_id


def bundle_of(store: Store, session_id: int, folder: Path, kind: str = "transaction"
              ) -> dict[str, Any]:
    out = export_fhir_summary(store, session_id, folder / f"{kind}.fhir.json",
                              bundle_type=kind)
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    Bundle.model_validate(data)  # raises on anything R4B does not allow
    for entry in data["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return data


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def codes(resource: dict[str, Any], element: str = "code") -> list[str]:
    return [coding["code"] for coding in resource[element]["coding"]]


def coded(bundle: dict[str, Any], code: str) -> list[dict[str, Any]]:
    """The Observations whose code includes `code`."""
    return [o for o in resources(bundle, "Observation") if code in codes(o)]


def by_reference(bundle: dict[str, Any], reference: dict[str, str]) -> dict[str, Any]:
    (found,) = [e["resource"] for e in bundle["entry"] if e["fullUrl"] == reference["reference"]]
    return found


def interpretations(resource: dict[str, Any]) -> list[str]:
    return [c["code"] for i in resource.get("interpretation", []) for c in i["coding"]]
