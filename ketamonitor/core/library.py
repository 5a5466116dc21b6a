"""The protocols, checklists and scales: the shipped ones from the package's resources/, the
clinic's own files from its folders, and the clinic's versions saved in the app.

A file that cannot be used is refused on its own, with a message naming the file, the key and
the problem, collected in `Library.problems`; every valid file still loads, so the room keeps
working on the protocols it can trust. That holds whatever is in the clinic's folder: a
file that cannot be read, is not UTF-8, is not a regular file (a folder named x.toml, a
pipe, a device: never opened to wait on), is too large, or trips a check no one foresaw is
refused with the reason; files in sub-folders are not read, and a sub-folder holding some
is named.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from ketamonitor.core.checklists import Checklist, ChecklistKind, Scale, parse_checklist
from ketamonitor.core.medications import MEDICINES_KIND, MedicineList, parse_medicines
from ketamonitor.core.protocol import Protocol, ProtocolError, Route, parse_protocol
from ketamonitor.core.protocol_text import FieldChange


class Origin(StrEnum):
    """Where a protocol comes from; only the clinic's versions saved in the app are edited
    in the app (a shipped protocol or a clinic file is copied first)."""

    SHIPPED = "shipped"
    CLINIC_FILE = "clinic_file"
    CLINIC = "clinic"

    @property
    def label(self) -> str:
        return {"shipped": "Shipped", "clinic_file": "Clinic file",
                "clinic": "Clinic"}[self.value]


class VersionState(StrEnum):
    """Where a clinic protocol version saved in the app stands: an administrator's save is a
    draft, used by no session until a physician countersigns it."""

    COUNTERSIGNED = "countersigned"  # in force (the latest such), or was
    DRAFT = "draft"                  # awaits a physician's countersignature
    DECLINED = "declined"            # a physician declined it, with a reason
    SET_ASIDE = "set_aside"          # a later draft took its place before any decision

    @property
    def label(self) -> str:
        return {"countersigned": "Countersigned", "draft": "Draft, awaits countersignature",
                "declined": "Declined", "set_aside": "Set aside by a later draft"}[self.value]


@dataclass(frozen=True)
class ProtocolVersion:
    """One version of a clinic protocol saved in the app, as kept in the record."""

    protocol_id: str
    version: int
    name: str
    text: str
    based_on: str | None
    created_at: datetime
    created_by: str
    state: VersionState = VersionState.COUNTERSIGNED
    #: Who countersigned or declined it, and the reason given to decline.
    decided_by: str | None = None
    decision_reason: str | None = None


@dataclass(frozen=True)
class ProtocolDraft:
    """A version awaiting a physician's countersignature, with what it would change: the
    version in force now (None for a protocol not in force yet, compared then with the
    protocol it was based on, if that is known) and the administrator's reason."""

    version: ProtocolVersion
    protocol: Protocol
    compared_with: Protocol | None
    in_force: bool  # whether `compared_with` is the version sessions use now
    changes: tuple[FieldChange, ...]
    reason: str


@dataclass(frozen=True)
class Library:
    protocols: dict[str, Protocol]
    checklists: dict[str, Checklist]
    scales: dict[str, Scale]
    reasons: dict[str, list[str]]
    #: Each refused file or version: "<file>: <key> <problem>".
    problems: tuple[str, ...] = ()
    origins: dict[str, Origin] = field(default_factory=dict)
    #: The medicines offered when one is given: the shipped list, or the clinic's own file.
    medicines: MedicineList = field(
        default_factory=lambda: shipped_medicines())  # type: ignore[has-type]  # @cache, below

    def reasons_for(self, action: str) -> list[str]:
        """Suggested reasons for an action that needs one (any other may be typed)."""
        return list(self.reasons.get(action, ()))

    def protocol(self, protocol_id: str) -> Protocol:
        return self.protocols[protocol_id]

    def checklist(self, checklist_id: str) -> Checklist:
        return self.checklists[checklist_id]

    def scale(self, scale_id: str) -> Scale:
        return self.scales[scale_id]

    def origin(self, protocol_id: str) -> Origin:
        return self.origins.get(protocol_id, Origin.SHIPPED)

    def checklists_of_kind(self, kind: ChecklistKind) -> list[Checklist]:
        return [c for c in self.checklists.values() if c.kind is kind]

    def check_protocol(self, protocol: Protocol) -> None:
        """Refuse a protocol naming a checklist or scale this library lacks, or a checklist
        of the wrong kind for its place, with the key that names it."""
        _check_references(protocol, self.checklists, self.scales)

    def with_clinic_protocols(self, versions: Iterable[ProtocolVersion]) -> Library:
        """This library and the latest version of each clinic protocol saved in the app; a
        version that cannot be used is refused on its own (listed in `problems`)."""
        protocols = dict(self.protocols)
        origins = dict(self.origins)
        problems = list(self.problems)
        for version in versions:
            label = f"clinic protocol {version.protocol_id} version {version.version}"
            if self.origin(version.protocol_id) is Origin.SHIPPED and (
                    version.protocol_id in self.protocols):
                problems.append(f"{label}: id is a shipped protocol's; not used")
                continue
            try:
                protocol = parse_protocol(version.text)
                if (protocol.id, protocol.version) != (version.protocol_id, version.version):
                    raise ProtocolError.at("id", f"and version in the text ({protocol.id} "
                                           f"version {protocol.version}) differ from the record")
                self.check_protocol(protocol)
            except ProtocolError as error:
                problems.append(f"{label}: {error}")
                continue
            except Exception as error:  # a version the checks did not foresee: it alone
                problems.append(f"{label}: {_unforeseen(error)}")
                continue
            if origins.get(protocol.id) is Origin.CLINIC_FILE:
                problems.append(f"{label}: a clinic file with the same id is set aside; "
                                "the version saved in the app is used")
            protocols[protocol.id] = protocol
            origins[protocol.id] = Origin.CLINIC
        return dataclasses.replace(self, protocols=_in_order(protocols, origins),
                                   origins=origins, problems=tuple(problems))


def resource(*parts: str) -> Traversable:
    """A file or folder of the package ketamonitor.resources (the top-level resources/
    folder): the one way protocols, checklists and icons are found, so that it works alike
    from an editable install, a wheel and a frozen bundle (where there is no source tree to
    find them relative to)."""
    node = resources.files("ketamonitor.resources")
    for part in parts:
        node = node / part
    return node


def resource_text(*parts: str) -> str:
    """The text of a file under resources/ (see `resource`)."""
    return resource(*parts).read_text(encoding="utf-8")


def _toml_names(folder: str) -> list[str]:
    root = resource(folder)
    return sorted(entry.name for entry in root.iterdir() if entry.name.endswith(".toml"))


@cache
def shipped_medicines() -> MedicineList:
    """The shipped medicines list (read once; a test checks it loads)."""
    return parse_medicines(resource_text("medications.toml"))


@cache
def shipped_library() -> Library:
    """Every shipped definition (read once). Its `problems` are empty in a correct build: a
    test checks it, rather than the room finding out mid-session."""
    return load_library(())


#: The kind of checklist each place of a protocol's `[checklists]` table takes.
SLOT_KINDS = {
    "pre_session": ChecklistKind.YES_NO,
    "dissociation": ChecklistKind.PRESENCE,
    "side_effects": ChecklistKind.SIDE_EFFECTS,
    "discharge": ChecklistKind.YES_NO,
    "rems": ChecklistKind.YES_NO,
}
_ROUTE_ORDER = {route: number for number, route in enumerate(Route)}
_ORIGIN_ORDER = {origin: number for number, origin in enumerate(Origin)}


def load_library(extra_protocol_folders: Sequence[Path] = ()) -> Library:
    """The shipped protocols, checklists and scales, and the clinic's own `*.toml` files in
    `extra_protocol_folders` (a file with a top-level `kind` is a checklist or scale, any
    other a protocol). A missing folder holds nothing; each bad file, or a protocol naming a
    checklist or scale that is not there, is refused alone and listed in `problems`."""
    loader = _Loader()
    for name in _toml_names("protocols"):
        loader.protocol(f"protocols/{name}", resource_text("protocols", name), Origin.SHIPPED)
    for name in _toml_names("checklists"):
        loader.checklist(f"checklists/{name}", resource_text("checklists", name),
                         Origin.SHIPPED)
    for folder in extra_protocol_folders:
        for path in _clinic_files(Path(folder), loader.problems):
            loader.clinic_file(path)
    reasons = tomllib.loads(resource_text("reasons.toml"))
    return loader.library(reasons)


#: The largest clinic file read (bytes): the shipped protocols are about 5 kB; anything
#: near this is not a protocol or checklist, and is not read into memory to find out.
MAX_CLINIC_FILE_BYTES = 1_000_000


class _Refused(Exception):
    """A clinic file that cannot be used, with the reason said after its name."""


def _clinic_files(folder: Path, problems: list[str]) -> list[Path]:
    """The `*.toml` files directly in the clinic's folder, by name (hidden ones skipped).
    Sub-folders are not read; one holding `*.toml` files is named, so that a file put
    there by mistake is not silently ignored."""
    try:
        if not folder.exists():
            return []
        entries = sorted(path for path in folder.iterdir() if not path.name.startswith("."))
    except OSError as error:
        problems.append(f"{folder}: the clinic's protocol folder cannot be read ({error})")
        return []
    files = []
    for path in entries:
        if path.suffix == ".toml":
            files.append(path)  # even a folder or a pipe: refused with its reason
        elif _holds_toml(path):
            problems.append(f"{path}: a folder inside the clinic's protocol folder; files in "
                            f"sub-folders are not read (move them into {folder})")
    return files


def _holds_toml(path: Path) -> bool:
    try:
        return path.is_dir() and any(child.suffix == ".toml" for child in path.iterdir())
    except OSError:
        return False


def _read_clinic_file(path: Path) -> str:
    """A clinic file's text: a regular file, at most `MAX_CLINIC_FILE_BYTES`, UTF-8; opened
    without waiting (a FIFO named x.toml must not hang the app as it starts)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                             | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise _Refused(f"cannot be read ({error.strerror or error})") from error
    try:
        kind = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(kind):
            raise _Refused("is a folder, not a file; files in sub-folders are not read")
        if not stat.S_ISREG(kind):
            raise _Refused("is not a regular file (a pipe, socket or device); not read")
        data = _read_up_to(descriptor, MAX_CLINIC_FILE_BYTES + 1)
    except OSError as error:
        raise _Refused(f"cannot be read ({error.strerror or error})") from error
    finally:
        os.close(descriptor)
    if len(data) > MAX_CLINIC_FILE_BYTES:
        raise _Refused(f"is larger than {MAX_CLINIC_FILE_BYTES // 1_000_000} MB; a protocol "
                       "or checklist file is a few kB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _Refused(f"is not UTF-8 text (byte {error.start}); save it as UTF-8") from error


def _read_up_to(descriptor: int, limit: int) -> bytes:
    """At most `limit` bytes, to the end of the file (a read may return fewer than asked)."""
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = os.read(descriptor, limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _unforeseen(error: Exception) -> str:
    """A check no one foresaw failed on a file: said as plainly as it can be."""
    return f"cannot be used ({type(error).__name__}: {error})"


class _Loader:
    """Definitions gathered file by file; the first file to use an id keeps it."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self._protocols: list[tuple[str, Protocol, Origin]] = []
        self._checklists: dict[str, Checklist] = {}
        self._scales: dict[str, Scale] = {}
        self._sources: dict[str, tuple[str, Origin]] = {}
        self._medicines: tuple[str, MedicineList] | None = None

    def _claim(self, label: str, what: str, definition_id: str, origin: Origin) -> bool:
        key = f"{what} {definition_id}"
        if key in self._sources:
            other, other_origin = self._sources[key]
            if other_origin is Origin.SHIPPED and origin is not Origin.SHIPPED:
                self.problems.append(f"{label}: id {definition_id} is a shipped {what}'s; "
                                     f"give the clinic's {what} its own id")
            else:
                self.problems.append(f"{label}: id {definition_id} is already used by {other}")
            return False
        self._sources[key] = (label, origin)
        return True

    def clinic_file(self, path: Path) -> None:
        """One file of the clinic's folder: the medicines list, a checklist or scale if it
        has a top-level `kind`, else a protocol; refused alone, whatever is wrong with it."""
        try:
            text = _read_clinic_file(path)
            data = tomllib.loads(text)
        except _Refused as refused:
            self.problems.append(f"{path}: {refused}")
            return
        except tomllib.TOMLDecodeError as error:
            self.problems.append(f"{path}: not valid TOML: {error}")
            return
        except Exception as error:  # e.g. nesting too deep for the parser
            self.problems.append(f"{path}: {_unforeseen(error)}")
            return
        if data.get("kind") == MEDICINES_KIND:
            self.medicines(str(path), text)
        elif "kind" in data:
            self.checklist(str(path), text, Origin.CLINIC_FILE)
        else:
            self.protocol(str(path), text, Origin.CLINIC_FILE)

    def protocol(self, label: str, text: str, origin: Origin) -> None:
        try:
            protocol = parse_protocol(text)
        except ProtocolError as error:
            self.problems.append(f"{label}: {error}")
            return
        except Exception as error:  # a check the parser did not foresee: this file only
            self.problems.append(f"{label}: {_unforeseen(error)}")
            return
        if self._claim(label, "protocol", protocol.id, origin):
            self._protocols.append((label, protocol, origin))

    def checklist(self, label: str, text: str, origin: Origin) -> None:
        try:
            definition = parse_checklist(text)
        except ProtocolError as error:
            self.problems.append(f"{label}: {error}")
            return
        except Exception as error:  # a check the parser did not foresee: this file only
            self.problems.append(f"{label}: {_unforeseen(error)}")
            return
        what = "scale" if isinstance(definition, Scale) else "checklist"
        if not self._claim(label, what, definition.id, origin):
            return
        if isinstance(definition, Scale):
            self._scales[definition.id] = definition
        else:
            self._checklists[definition.id] = definition

    def medicines(self, label: str, text: str) -> None:
        """A clinic's own medicines list, which replaces the shipped one whole; a second
        such file is refused (two lists would leave the choice to file names)."""
        try:
            medicines = parse_medicines(text)
        except ProtocolError as error:
            self.problems.append(f"{label}: {error}")
            return
        if self._medicines is not None:
            self.problems.append(f"{label}: kind medicines: the clinic's medicines list is "
                                 f"already {self._medicines[0]}")
            return
        self._medicines = (label, medicines)

    def library(self, reasons: dict[str, list[str]]) -> Library:
        protocols: dict[str, Protocol] = {}
        origins: dict[str, Origin] = {}
        for label, protocol, origin in self._protocols:
            try:
                _check_references(protocol, self._checklists, self._scales)
            except ProtocolError as error:
                self.problems.append(f"{label}: {error}")
                continue
            except Exception as error:
                self.problems.append(f"{label}: {_unforeseen(error)}")
                continue
            protocols[protocol.id] = protocol
            origins[protocol.id] = origin
        return Library(_in_order(protocols, origins), self._checklists, self._scales, reasons,
                       tuple(self.problems), origins,
                       self._medicines[1] if self._medicines else shipped_medicines())


def _check_references(protocol: Protocol, checklists: dict[str, Checklist],
                      scales: dict[str, Scale]) -> None:
    named = protocol.checklists
    for slot, kind in SLOT_KINDS.items():
        checklist_id = getattr(named, slot)
        key = f"checklists.{slot}"
        if checklist_id is None:
            continue  # an optional slot (rems) the protocol does not use
        if checklist_id not in checklists:
            raise ProtocolError.at(key, f"names checklist {checklist_id}, which is not there")
        if checklists[checklist_id].kind is not kind:
            raise ProtocolError.at(key, f"names checklist {checklist_id}, a "
                                        f"{checklists[checklist_id].kind.value} checklist; "
                                        f"it must be a {kind.value} one")
    for scale_id in named.scales:
        if scale_id not in scales:
            raise ProtocolError.at("checklists.scales",
                                   f"names scale {scale_id}, which is not there")


def _in_order(protocols: dict[str, Protocol], origins: dict[str, Origin]) -> dict[str, Protocol]:
    """Shipped first, then the clinic's files, then its versions saved in the app; within
    each, IV, intranasal, IM, then by name: the order of every protocol choice."""
    ordered = sorted(protocols.values(), key=lambda p: (
        _ORIGIN_ORDER[origins.get(p.id, Origin.SHIPPED)], _ROUTE_ORDER[p.route], p.name))
    return {protocol.id: protocol for protocol in ordered}
