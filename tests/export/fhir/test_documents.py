"""What was written: the note and the addendum as DocumentReferences, and each signature as
a Provenance with its `signature` (an author's signature, when, who, the content hash)."""

from __future__ import annotations

import base64

import pytest

from tests.export.fhir.whole_chart import (
    ADDENDUM,
    bundle_of,
    by_reference,
    codes,
    resources,
    whole_chart,
)
from tests.export.test_summary import NOTE

AUTHORS = "1.2.840.10065.1.12.1.1"


@pytest.fixture
def signed(store, charting):
    return whole_chart(store, charting)


def text_of(document):
    return base64.b64decode(document["content"][0]["attachment"]["data"]).decode("utf-8")


def test_the_note_and_the_addendum_are_documents(store, signed, tmp_path):
    bundle = bundle_of(store, signed, tmp_path)
    note, addendum = resources(bundle, "DocumentReference")
    assert (codes(note, "type"), text_of(note)) == (["34109-9"], NOTE)
    assert (codes(addendum, "type"), text_of(addendum)) == (["55107-7"], ADDENDUM)
    (encounter,) = resources(bundle, "Encounter")
    assert all(d["context"]["encounter"] == [{"reference": f"urn:uuid:{encounter['id']}"}]
               for d in (note, addendum))
    assert by_reference(bundle, addendum["author"][0])["identifier"][0]["value"] == "dr.obi"


def test_each_signature_is_a_provenance_with_its_signature(store, signed, tmp_path):
    bundle = bundle_of(store, signed, tmp_path)
    review, addendum = store.signatures(signed)
    first, second = resources(bundle, "Provenance")
    (document,) = [d for d in resources(bundle, "DocumentReference")
                   if codes(d, "type") == ["55107-7"]]
    assert second["target"][1] == {"reference": f"urn:uuid:{document['id']}"}
    for provenance, signature in ((first, review), (second, addendum)):
        (signed_as,) = provenance["signature"]
        assert signed_as["type"][0]["code"] == AUTHORS
        assert signed_as["when"] == provenance["recorded"]
        assert base64.b64decode(signed_as["data"]).decode() == signature.content_hash
        assert by_reference(bundle, signed_as["who"])["identifier"][0]["value"] == "dr.obi"
    assert [t["code"] for t in first["signature"][0]["type"]] == [
        AUTHORS, "1.2.840.10065.1.12.1.5"]  # the review is also a verification
