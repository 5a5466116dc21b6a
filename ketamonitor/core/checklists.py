"""Checklists and scales as data: their wording comes from resources/, not from code."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ketamonitor.core.protocol import ProtocolError, Route


class ChecklistKind(StrEnum):
    YES_NO = "yes_no"          # pre-session and discharge: every item answered yes or no
    PRESENCE = "presence"      # dissociation: each item present or absent at an assessment
    SIDE_EFFECTS = "side_effects"  # item, severity, optional intervention


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    PRESENT = "present"
    ABSENT = "absent"
    #: A side effect charted present has passed (a new entry; the onset stays on record).
    RESOLVED = "resolved"


@dataclass(frozen=True)
class Choice:
    key: str
    label: str


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    expected: Answer | None = None
    routes: tuple[Route, ...] = ()
    #: The answer that holds the start until a physician overrides it (a contraindication
    #: answered "yes", an escort answered "no"); None for an item that never holds.
    hold: Answer | None = None

    def applies_to(self, route: Route) -> bool:
        return not self.routes or route in self.routes


@dataclass(frozen=True)
class Checklist:
    id: str
    version: int
    title: str
    kind: ChecklistKind
    items: tuple[ChecklistItem, ...]
    severities: tuple[str, ...] = ()
    interventions: tuple[Choice, ...] = ()

    def items_for(self, route: Route) -> tuple[ChecklistItem, ...]:
        return tuple(item for item in self.items if item.applies_to(route))

    def item(self, key: str) -> ChecklistItem:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def intervention_label(self, key: str) -> str:
        for choice in self.interventions:
            if choice.key == key:
                return choice.label
        raise KeyError(key)


@dataclass(frozen=True)
class Option:
    score: int
    label: str


@dataclass(frozen=True)
class ScaleItem:
    key: str
    label: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Band:
    at_least: int
    label: str
    #: What a rule reads the band by ("sedated"): the label is worded for people.
    key: str = ""


@dataclass(frozen=True)
class ItemFlag:
    item: str
    at_least: int
    message: str


@dataclass(frozen=True)
class Scale:
    id: str
    version: int
    title: str
    items: tuple[ScaleItem, ...]
    question: str = ""
    timepoints: tuple[str, ...] = ()
    bands: tuple[Band, ...] = ()
    item_flags: tuple[ItemFlag, ...] = ()

    @property
    def max_total(self) -> int:
        return sum(max(option.score for option in item.options) for item in self.items)

    def band_key(self, total: int) -> str | None:
        """The key of the band a total falls in (MOAA/S 2: "sedated"), if the scale has
        bands: what a rule reads, so no number of the scale is written in code."""
        found = None
        for band in sorted(self.bands, key=lambda b: b.at_least):
            if total >= band.at_least:
                found = band.key or None
        return found

    def band(self, total: int) -> str | None:
        """The named severity band of a total (PHQ-9: minimal … severe), if the scale has any."""
        found = None
        for band in sorted(self.bands, key=lambda b: b.at_least):
            if total >= band.at_least:
                found = band.label
        return found


def parse_checklist(text: str) -> Checklist | Scale:
    """Read one checklist or scale definition from its TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProtocolError(f"not valid TOML: {error}") from error
    try:
        if data["kind"] == "scale":
            return _scale(data)
        return _checklist(data)
    except (KeyError, TypeError, ValueError) as error:
        raise ProtocolError(f"checklist {data.get('id', '?')}: bad or missing {error}") from error


def _checklist(data: dict[str, Any]) -> Checklist:
    return Checklist(
        id=data["id"],
        version=int(data["version"]),
        title=data["title"],
        kind=ChecklistKind(data["kind"]),
        items=tuple(
            ChecklistItem(
                key=item["key"],
                label=item["label"],
                expected=Answer(item["expected"]) if "expected" in item else None,
                routes=tuple(Route(route) for route in item.get("routes", ())),
                hold=Answer(item["hold"]) if "hold" in item else None,
            )
            for item in data["items"]
        ),
        severities=tuple(data.get("severities", ())),
        interventions=tuple(Choice(c["key"], c["label"]) for c in data.get("interventions", ())),
    )


def _scale(data: dict[str, Any]) -> Scale:
    shared = tuple(Option(int(o["score"]), o["label"]) for o in data.get("options", ()))
    items = tuple(
        ScaleItem(
            key=item["key"],
            label=item["label"],
            options=tuple(Option(int(o["score"]), o["label"]) for o in item["options"])
            if "options" in item else shared,
        )
        for item in data["items"]
    )
    if any(not item.options for item in items):
        raise ValueError("options")
    return Scale(
        id=data["id"],
        version=int(data["version"]),
        title=data["title"],
        items=items,
        question=data.get("question", ""),
        timepoints=tuple(data.get("timepoints", ())),
        bands=tuple(Band(int(b["at_least"]), b["label"], b.get("key", ""))
                    for b in data.get("bands", ())),
        item_flags=tuple(
            ItemFlag(f["item"], int(f["at_least"]), f["message"])
            for f in data.get("item_flags", ())
        ),
    )
