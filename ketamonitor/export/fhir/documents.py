"""What was written: each note as a DocumentReference (LOINC 34109-9 Note), each addendum as
a DocumentReference (55107-7 Addendum), and each signature (the review and each addendum's)
as a Provenance with its `signature`: an author's signature (ASTM E1762
1.2.840.10065.1.12.1.1; a review also a verification), when, who, and as data the base64 of
the chart content hash that was signed."""

from __future__ import annotations

import base64
from typing import Any

from ketamonitor.core.chart_view import EventRow, SignatureRow
from ketamonitor.core.records import EventKind
from ketamonitor.core.signature import SignatureKind
from ketamonitor.export.fhir.codes import LOINC, SIGNATURE_TYPES, STATUS, coding, concept, time
from ketamonitor.export.fhir.people import Context

Resource = dict[str, Any]

NOTE, ADDENDUM = ("34109-9", "Note"), ("55107-7", "Addendum Document")
AUTHOR = ("1.2.840.10065.1.12.1.1", "Author's Signature")
VERIFICATION = ("1.2.840.10065.1.12.1.5", "Verification Signature")
_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"


def notes(context: Context) -> list[Resource]:
    return [note(context, row) for row in context.summary.events if row.kind == EventKind.NOTE]


def signatures(context: Context) -> list[Resource]:
    """Each signature's Provenance, an addendum's after its DocumentReference."""
    found: list[Resource] = []
    for number, signature in enumerate(context.summary.signatures, start=1):
        targets = [context.encounter]
        if signature.kind == SignatureKind.ADDENDUM.value and signature.text:
            addendum = _document(context, context.ids.of("addendum", number), ADDENDUM,
                                 signature.text, signature.signed_at, signature.signer,
                                 "current")
            found.append(addendum)
            targets.append({"reference": f"urn:uuid:{addendum['id']}"})
        found.append(provenance(context, signature, number, targets))
    return found


def _document(context: Context, rid: str, kind: tuple[str, str], text: str, moment: Any,
              author: str, status: str) -> Resource:
    return {
        "resourceType": "DocumentReference", "id": rid,
        "status": status,
        "type": concept(LOINC, *kind),
        "subject": context.subject,
        "date": time(moment),
        "author": [context.staff(author)],
        "content": [{"attachment": {
            "contentType": "text/plain; charset=utf-8",
            "data": base64.b64encode(text.encode("utf-8")).decode("ascii"),
            "title": kind[1]}}],
        "context": {"encounter": [context.encounter]},
    }


def note(context: Context, row: EventRow) -> Resource:
    """A note; one struck as entered in error keeps its place, marked so."""
    status = "entered-in-error" if STATUS.get(row.status) == "entered-in-error" else "current"
    return _document(context, context.ids.of("note", row.id), NOTE, row.text or "",
                     row.occurred_at, row.entered_by, status)


def provenance(context: Context, signature: SignatureRow, number: int,
               targets: list[dict[str, str]]) -> Resource:
    review = signature.kind == SignatureKind.SIGNATURE.value
    role = "verifier" if review else "author"
    who = context.staff(signature.signer)
    types = [coding(SIGNATURE_TYPES, *AUTHOR)]
    if review:
        types.append(coding(SIGNATURE_TYPES, *VERIFICATION))
    return {
        "resourceType": "Provenance", "id": context.ids.of("signature", number),
        "target": targets,
        "recorded": time(signature.signed_at),
        "reason": [{"text": signature.meaning}],
        "agent": [{"type": {"coding": [coding(_PARTICIPANT, role, role.capitalize())]},
                   "who": who}],
        "entity": [{"role": "source", "what": {
            "identifier": {"system": context.systems.content_hash,
                           "value": signature.content_hash},
            "display": "The chart content signed"}}],
        "signature": [{
            "type": types, "when": time(signature.signed_at), "who": who,
            "sigFormat": "text/plain",
            "data": base64.b64encode(signature.content_hash.encode("ascii")).decode("ascii")}],
    }
