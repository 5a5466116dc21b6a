"""The anchor: heads of the audit chain kept outside the database, and what they prove.

The chain alone proves only that its rows follow each other: whoever can write the file can
remove rows from its end, put an older copy back, or change a row and compute every hash
after it again, and the chain still holds. A head (audit row id and hash) written somewhere
the file's writer cannot reach - an anchor log on another disk, a copy of it kept
elsewhere, the head printed on a summary PDF - pins the chain up to it: the file must still
hold that row with that hash, so its whole past (each hash covers the one before) is as it
was when the head was anchored.

A restore is a rollback that was meant: it is anchored as an event of its own, with the head
of the record as restored, and the heads anchored before it count no more (the restored head
pins whatever of them the backup held; the rest was rolled back on purpose).

The log is JSON lines, one head each, appended and never rewritten:
`{"id": 812, "hash": "…", "at": "2026-12-06T10:01:00.000Z", "database": "ketamonitor.db",
"event": "head", "root": "SHA256:…", "signature": "…"}`.

Each head also carries the fingerprint of the clinic's root key as the file held it then
(`root`): a file rewritten whole with keys of its own (a new "first administrator", every row
re-signed) has another root, and that is told apart from the file alone only by a root kept
outside it - here, or the line printed when the clinic was set up."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

#: A head anchored while the app writes (after a commit, at close, after a backup).
HEAD = "head"
#: The head of a record just restored from a backup: earlier heads count no more.
RESTORE = "restore"
#: The head of a backup, in the copy of the log that travels beside it.
BACKUP = "backup"
#: A head given on the command line (`verify --head ID:HASH`, e.g. from a summary PDF).
GIVEN = "given"
EVENTS = (HEAD, RESTORE, BACKUP, GIVEN)

#: How often a head is anchored while the app writes: at most once a minute after a commit
#: (each anchor is an fsync: after every commit it would double a save's cost), and always
#: at close and after a backup.
ANCHOR_INTERVAL = timedelta(seconds=60)

_HASH = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class AnchoredHead:
    id: int
    hash: str
    at: str | None = None
    event: str = HEAD
    database: str | None = None
    #: The head audit row's signature, when the rows are signed (else None).
    signature: str | None = None
    #: The fingerprint of the clinic's root key then (None: no key yet, or before keys).
    root: str | None = None

    def line(self) -> str:
        """The head as one line of the anchor log (with its newline)."""
        return json.dumps({"id": self.id, "hash": self.hash, "at": self.at,
                           "database": self.database, "event": self.event,
                           "root": self.root, "signature": self.signature},
                          sort_keys=True) + "\n"


@dataclass(frozen=True)
class Anchor:
    """Heads to check a chain against, read from `source` (a log's path, or words)."""

    source: str
    heads: tuple[AnchoredHead, ...]
    #: Lines of the log that could not be read: reported, since a log is never rewritten.
    problems: tuple[str, ...] = field(default=())


def anchor_due(last_anchored: datetime | None, now: datetime) -> bool:
    """After a commit: anchor the head if none was anchored yet, or the last is a minute
    old (a clock set back counts as due)."""
    return (last_anchored is None or now - last_anchored >= ANCHOR_INTERVAL
            or now < last_anchored)


def parse_log(text: str, source: str) -> Anchor:
    """The heads of an anchor log's text. An unreadable line is a problem, but for a last
    line cut short (the machine stopped while it was written): nothing was anchored by it."""
    heads: list[AnchoredHead] = []
    problems: list[str] = []
    lines = text.split("\n")
    torn = lines[-1]  # after the last newline: empty, or a line never finished
    for number, line in enumerate(lines[:-1], start=1):
        if not line.strip():
            continue
        try:
            heads.append(_head(json.loads(line)))
        except (ValueError, TypeError, KeyError) as error:
            problems.append(f"anchor log {source} line {number}: unreadable ({error}); the "
                            "log is only ever appended to, so it was changed")
    if torn.strip():
        with contextlib.suppress(ValueError, TypeError, KeyError):
            heads.append(_head(json.loads(torn)))
    return Anchor(source, tuple(heads), tuple(problems))


def _head(values: Mapping[str, object]) -> AnchoredHead:
    head_id, digest, event = values["id"], values["hash"], values.get("event", HEAD)
    if not isinstance(head_id, int) or isinstance(head_id, bool) or head_id < 0:
        raise ValueError(f"id {head_id!r} is not an audit row id")
    if not isinstance(digest, str) or not _HASH.fullmatch(digest):
        raise ValueError("hash is not a SHA-256 in hex")
    if event not in EVENTS:
        raise ValueError(f"event {event!r} is unknown")
    at, database, signature, root = (values.get(name) for name in
                                     ("at", "database", "signature", "root"))
    return AnchoredHead(head_id, digest, _text(at), str(event), _text(database),
                        _text(signature), _text(root))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def parse_given_head(text: str) -> AnchoredHead:
    """`ID:HASH` as printed on a summary PDF (audit row ID, hash HASH); ValueError if not."""
    head_id, _, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    if not head_id.strip().isdigit() or not _HASH.fullmatch(digest):
        raise ValueError(f"{text!r} is not ID:HASH (the audit row's number, a colon, and "
                         "its 64-character hash, as a summary PDF prints them)")
    return AnchoredHead(int(head_id), digest, event=GIVEN)


def in_force(heads: Sequence[AnchoredHead]) -> list[AnchoredHead]:
    """The heads the chain must hold: all, but those anchored before the last restore,
    whose own head stands for them."""
    found: list[AnchoredHead] = []
    for head in heads:
        if head.event == RESTORE:
            found = []
        found.append(head)
    return found


def anchor_problems(anchor: Anchor, chain: Mapping[int, str]) -> list[str]:
    """What the anchored heads say of a chain (audit row id -> hash): shortened at its end
    (truncated, or an older copy put back without a restore), or rows at or before a head
    changed and the hashes computed again; empty when it holds every head in force."""
    problems = list(anchor.problems)
    heads = in_force(anchor.heads)
    last = max(chain, default=0)
    beyond = [head for head in heads if head.id > last]
    if beyond:
        top = max(beyond, key=lambda head: head.id)
        problems.append(
            f"the chain was truncated or rolled back: it ends at audit row {last}, but "
            f"{_where(top, anchor)} holds audit row {top.id} (hash {top.hash[:16]}…): rows "
            "were removed from its end, or an older copy was put in place without a restore")
    changed = [head for head in heads if head.id <= last and chain.get(head.id) != head.hash]
    if changed:
        first = min(changed, key=lambda head: head.id)
        now = chain.get(first.id)
        problems.append(
            f"the chain was recomputed: audit row {first.id} has hash "
            f"{(now or 'none')[:16]}…, but {_where(first, anchor)} holds "
            f"{first.hash[:16]}…: rows at or before it were changed, and every hash after "
            "them computed again")
    return problems


def root_problems(anchor: Anchor, root: str | None) -> list[str]:
    """The file's root key against the roots anchored with the heads in force: another one
    means every key was replaced and every row signed again (the file rewritten whole)."""
    other = [head for head in in_force(anchor.heads)
             if head.root is not None and head.root != root]
    if not other:
        return []
    head = other[-1]
    return [(f"the clinic's root key is {root or 'missing'} in the file, but "
             f"{_where(head, anchor)} holds {head.root}: the accounts' keys were replaced "
             "and the rows signed again (the file was rewritten whole)")]


def _where(head: AnchoredHead, anchor: Anchor) -> str:
    when = f" (anchored {head.at})" if head.at else ""
    return f"{anchor.source}{when}"
