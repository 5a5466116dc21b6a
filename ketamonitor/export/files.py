"""Writing an export file all or nothing.

The file is written to a temporary file in the same folder, flushed and fsynced, then moved
over the final name with `os.replace` (atomic on one file system). If anything goes wrong —
a full disk, a folder one may not write in, a cancel by the user — the temporary file is
removed and nothing is left under the final name (an older file of that name stays as it
was). Failures of the environment become `ExportFailed`, naming the file and what to do.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

_CHUNK = 1 << 20

# what went wrong, and what the person at the workstation can do about it
_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("the disk is full",
                   ("Free some space on that disk, or choose a folder on another disk, and "
                   "export again.")),
    errno.EDQUOT: ("the disk quota is used up",
                   "Free some space, or choose another folder, and export again."),
    errno.EACCES: ("you may not write in that folder",
                   ("Choose a folder you may write in (e.g. your Documents), or ask the "
                   "administrator for access.")),
    errno.EPERM: ("you may not write in that folder",
                  ("Choose a folder you may write in (e.g. your Documents), or ask the "
                  "administrator for access.")),
    errno.EROFS: ("that disk is read-only",
                  "Choose a folder on a disk you can write to."),
    errno.ENOENT: ("that folder does not exist",
                   "Choose an existing folder, or create it first."),
    errno.ENOTDIR: ("part of that path is a file, not a folder",
                    "Check the path and choose a folder."),
    errno.EISDIR: ("that name is a folder, not a file",
                   "Give a file name inside the folder (e.g. log.csv)."),
    errno.EIO: ("the disk reported an input/output error",
                "Check the disk or USB stick (is it still plugged in?) and export again."),
}


class ExportFailed(Exception):
    """An export file could not be written: the environment, never a bug. `message` is for
    the user; nothing was left under `path`."""

    title = "The export could not be written"

    def __init__(self, path: Path | str, reason: str,
                 advice: str = "Choose another folder and export again.") -> None:
        self.path = Path(path)
        self.reason = reason
        self.advice = advice
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return (f"The export could not be written: {self.reason}.\n\nFile: {self.path}\n\n"
                f"{self.advice}")

    @classmethod
    def from_os_error(cls, path: Path | str, error: OSError) -> ExportFailed:
        reason, advice = _REASONS.get(
            error.errno or 0,
            (error.strerror or str(error),
             ("Choose another folder and export again; if it keeps failing, tell the "
             "administrator.")))
        return cls(path, reason, advice)


class ExportCancelled(Exception):
    """The person exporting cancelled: nothing was left under the final name."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        super().__init__(f"export to {self.path} cancelled: no file was written")


Writer = Callable[[IO[str]], None] | Callable[[IO[bytes]], None]


def atomic_write(path: Path | str, write: Writer | bytes | str, *, binary: bool = False,
                 encoding: str = "utf-8", newline: str = "") -> str:
    """Write `path` all or nothing and return the SHA-256 (hex) of the bytes written.

    `write` is the content (bytes or str), or a function given the open file to write into:
    a text file (`encoding`, `newline=""` so a csv writer's line ends are kept), or a binary
    file if `binary`. An exception the function raises (e.g. `ExportCancelled`) is re-raised
    after the temporary file is removed; an OSError becomes `ExportFailed`."""
    path = Path(path)
    if path.is_dir():
        raise ExportFailed.from_os_error(path, IsADirectoryError(errno.EISDIR, "is a folder"))
    temp: Path | None = None
    try:
        fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".part")
        temp = Path(temp_name)
        with os.fdopen(fd, "wb") as raw:
            if isinstance(write, bytes):
                raw.write(write)
            elif isinstance(write, str):
                raw.write(write.encode(encoding))
            elif binary:
                write(raw)  # type: ignore[arg-type]
            else:
                with open(raw.fileno(), "w", encoding=encoding, newline=newline,
                          closefd=False) as text:
                    write(text)  # type: ignore[arg-type]
            raw.flush()
            os.fsync(raw.fileno())
        digest = _sha256(temp)
        temp.replace(path)  # os.replace: atomic within one file system
        temp = None
        _sync_folder(path.parent)
    except OSError as error:
        log.error("export to %s failed: %s", path, error)
        raise ExportFailed.from_os_error(path, error) from error
    finally:
        if temp is not None:
            temp.unlink(missing_ok=True)
    return digest


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); where folders cannot be opened, skip."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
