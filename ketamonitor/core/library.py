"""The shipped protocols, checklists and scales, read once from the package's resources/."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ketamonitor.core.checklists import Checklist, Scale, parse_checklist
from ketamonitor.core.protocol import Protocol, ProtocolError, parse_protocol


@dataclass(frozen=True)
class Library:
    protocols: dict[str, Protocol]
    checklists: dict[str, Checklist]
    scales: dict[str, Scale]
    reasons: dict[str, list[str]]

    def reasons_for(self, action: str) -> list[str]:
        """Suggested reasons for an action that needs one (any other may be typed)."""
        return list(self.reasons.get(action, ()))

    def protocol(self, protocol_id: str) -> Protocol:
        return self.protocols[protocol_id]

    def checklist(self, checklist_id: str) -> Checklist:
        return self.checklists[checklist_id]

    def scale(self, scale_id: str) -> Scale:
        return self.scales[scale_id]


def resource_text(*parts: str) -> str:
    """The text of a file under ketamonitor/resources, from source or a frozen bundle alike."""
    node = resources.files("ketamonitor.resources")
    for part in parts:
        node = node / part
    return node.read_text(encoding="utf-8")


def _toml_names(folder: str) -> list[str]:
    root = resources.files("ketamonitor.resources") / folder
    return sorted(entry.name for entry in root.iterdir() if entry.name.endswith(".toml"))


@cache
def shipped_library() -> Library:
    """Every shipped definition, checked for consistency (a protocol naming a missing
    checklist is a packaging bug, caught at start-up rather than mid-session)."""
    protocols: dict[str, Protocol] = {}
    for name in _toml_names("protocols"):
        try:
            protocol = parse_protocol(resource_text("protocols", name))
        except ProtocolError as error:
            raise ProtocolError(f"protocols/{name}: {error}") from error
        protocols[protocol.id] = protocol
    checklists: dict[str, Checklist] = {}
    scales: dict[str, Scale] = {}
    for name in _toml_names("checklists"):
        try:
            definition = parse_checklist(resource_text("checklists", name))
        except ProtocolError as error:
            raise ProtocolError(f"checklists/{name}: {error}") from error
        if isinstance(definition, Scale):
            scales[definition.id] = definition
        else:
            checklists[definition.id] = definition
    for protocol in protocols.values():
        named = protocol.checklists
        for checklist_id in (named.pre_session, named.dissociation, named.side_effects,
                             named.discharge):
            if checklist_id not in checklists:
                raise ProtocolError(
                    f"protocol {protocol.id} names missing checklist {checklist_id}")
        for scale_id in named.scales:
            if scale_id not in scales:
                raise ProtocolError(f"protocol {protocol.id} names missing scale {scale_id}")
    reasons = tomllib.loads(resource_text("reasons.toml"))
    return Library(protocols, checklists, scales, reasons)
