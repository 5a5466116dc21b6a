"""A session's summary as a FHIR Bundle (R4; validated against R4B in the tests):
`transaction` (the default: what an EHR takes in), `collection` or `document`.

A transaction's every entry carries its `request`: each a POST with a conditional create
(`ifNoneExist`) on an identifier, so sending one twice makes nothing twice: the Patient on
the clinic's MRN, a Practitioner on the username (or the name typed), the Encounter on the
session id, every other resource on its own id (a Provenance has no identifier in R4: it is
a plain POST). A document starts with its Composition, whose sections follow the PDF
summary's order. Every reference is the `urn:uuid:` fullUrl of an entry of the bundle (or a
`#` contained resource). Ids are name-based UUIDs (codes.Ids): two exports of one session
give the same ids. docs/fhir.md maps each thing charted to its resource."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ketamonitor.core.chart_view import SessionSummary
from ketamonitor.export.fhir.charted import (
    alerts,
    checklists,
    dissociation,
    overrides,
    rems,
    side_effects,
)
from ketamonitor.export.fhir.codes import LOINC, ClinicSystems, concept, identifier_query, time
from ketamonitor.export.fhir.documents import notes, signatures
from ketamonitor.export.fhir.doses import dose, medications
from ketamonitor.export.fhir.people import Context, encounter, patient
from ketamonitor.export.fhir.scores import risk_assessments, scores
from ketamonitor.export.fhir.vitals import vitals

Resource = dict[str, Any]

TRANSACTION, COLLECTION, DOCUMENT = "transaction", "collection", "document"
#: The bundle types a summary is written as, the default first.
BUNDLE_TYPES = (TRANSACTION, COLLECTION, DOCUMENT)
#: The document's type: LOINC 28570-0 Procedure note.
PROCEDURE_NOTE = ("28570-0", "Procedure note")
#: Resources whose `identifier` is a list, and those with a single one (R4 and R4B alike).
_LISTED = frozenset({"Observation", "MedicationAdministration", "DocumentReference",
                     "RiskAssessment"})
_SINGLE = frozenset({"QuestionnaireResponse", "Composition"})


def bundle_type_of(kind: str) -> str:
    """"transaction", "collection" or "document", however typed; ValueError for another."""
    cleaned = kind.strip().lower()
    if cleaned not in BUNDLE_TYPES:
        raise ValueError(f"unknown FHIR bundle type {kind!r}: choose one of "
                         + ", ".join(BUNDLE_TYPES))
    return cleaned


def _sections(context: Context) -> list[tuple[str, list[Resource]]]:
    """What the bundle holds, in the PDF summary's order of sections."""
    summary = context.summary
    raised = alerts(context)
    alert_ids = {row.id: resource["id"] for row, resource in zip(summary.alerts, raised,
                                                                  strict=True)}
    parts: list[tuple[str, Callable[[], list[Resource]]]] = [
        ("Vitals", lambda: vitals(context)),
        ("Dose given", lambda: dose(context)),
        ("Pre-session checklist", lambda: checklists(context, summary.pre_session)),
        ("Physician overrides", lambda: overrides(context)),
        ("Dissociation assessments", lambda: dissociation(context)),
        ("Side effects and interventions", lambda: side_effects(context)),
        ("Medications given", lambda: medications(context, alert_ids)),
        ("Scores", lambda: scores(context)),
        ("PHQ-9 item 9: physician's risk assessment", lambda: risk_assessments(context)),
        ("Alerts and acknowledgements", lambda: raised),
        ("Notes", lambda: notes(context)),
        ("Discharge checklist", lambda: checklists(context, summary.discharge)),
        ("Spravato REMS patient monitoring form", lambda: rems(context)),
        ("Signatures and addenda", lambda: signatures(context)),
    ]
    return [(title, build()) for title, build in parts]


def fhir_bundle(summary: SessionSummary, systems: ClinicSystems | None = None,
                kind: str = TRANSACTION, names: Mapping[str, str] | None = None
                ) -> dict[str, Any]:
    """The bundle as JSON values, of type `kind` (ValueError for an unknown one); `names`:
    the display names of the accounts it names (people.usernames), for the Practitioners."""
    kind = bundle_type_of(kind)
    context = Context(summary, systems or ClinicSystems(), names)
    people = [patient(context), encounter(context)]
    sections = _sections(context)
    charted = [resource for _, found in sections for resource in found]
    first = [_composition(context, sections)] if kind == DOCUMENT else []
    resources = [*first, *people, *context.practitioners(), *charted]
    for resource in resources:
        _identify(resource, context.systems)
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": context.ids.of("bundle", kind),
        "identifier": {"system": context.systems.session,
                       "value": f"session-{summary.session_id}-{kind}"},
        "type": kind,
        "timestamp": time(summary.generated_at),
        "entry": [_entry(resource, kind, context.systems) for resource in resources],
    }
    return bundle


def fhir_bundle_bytes(summary: SessionSummary, systems: ClinicSystems | None = None,
                      kind: str = TRANSACTION, names: Mapping[str, str] | None = None
                      ) -> bytes:
    text = json.dumps(fhir_bundle(summary, systems, kind, names), indent=2,
                      ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def _identify(resource: Resource, systems: ClinicSystems) -> None:
    """The resource's own identifier (its UUID under the clinic's entry system): what a
    conditional create matches on."""
    own = {"system": systems.entry, "value": f"urn:uuid:{resource['id']}"}
    if resource["resourceType"] in _LISTED:
        resource["identifier"] = [*resource.get("identifier", []), own]
    elif resource["resourceType"] in _SINGLE:
        resource["identifier"] = own


def _entry(resource: Resource, kind: str, systems: ClinicSystems) -> dict[str, Any]:
    entry: dict[str, Any] = {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}
    if kind == TRANSACTION:
        entry["request"] = _request(resource, systems)
    return entry


def _request(resource: Resource, systems: ClinicSystems) -> dict[str, str]:
    """A POST of the resource, conditional on its first identifier where it has one."""
    request = {"method": "POST", "url": resource["resourceType"]}
    found = resource.get("identifier")
    listed: list[dict[str, str]] = found if isinstance(found, list) else [found] if found else []
    if resource["resourceType"] == "Patient":  # on the clinic's MRN
        listed = [i for i in listed if i["system"] == systems.mrn]
    first = listed[0] if listed else None
    if first is not None:
        request["ifNoneExist"] = identifier_query(first["system"], first["value"])
    return request


def _composition(context: Context, sections: list[tuple[str, list[Resource]]]) -> Resource:
    """The document's table of contents: its sections in the PDF's order (an empty one
    left out), attested by the signing physician once signed."""
    summary = context.summary
    signature = summary.signature
    composition: Resource = {
        "resourceType": "Composition", "id": context.ids.of("composition"),
        "status": "final" if signature is not None else "preliminary",
        "type": concept(LOINC, *PROCEDURE_NOTE),
        "subject": context.subject, "encounter": context.encounter,
        "date": time(summary.generated_at),
        "author": [context.staff(summary.generated_by)],
        "title": "Ketamine session summary",
        "section": [{"title": title,
                     "entry": [{"reference": f"urn:uuid:{r['id']}"} for r in found]}
                    for title, found in sections if found],
    }
    if summary.clinic_name:
        composition["custodian"] = {"display": summary.clinic_name}
    if signature is not None:
        composition["attester"] = [{"mode": "legal", "time": time(signature.signed_at),
                                    "party": context.staff(signature.signer)}]
    return composition
