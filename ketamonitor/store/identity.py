"""The store notices its file: the database at the path must stay the file it opened.

An open SQLite connection holds the file it opened, not its name. If that file is deleted,
moved away or replaced by another (a copy put back by hand, a restore run past the lock, a
sync tool), the connection goes on committing into a file no one will open again, and every
entry the app acknowledges after that is lost: once 387 saves. So before a write is
acknowledged, and on each tick of the room, the store confirms that the path still gives the
device and inode it had when opened (one `os.stat`, about a microsecond, against a commit's
milliseconds of fsync). Once it does not, the store is lost for good: every later write is
refused with the same DatabaseMoved, and the window keeps what was typed on screen.
"""

from __future__ import annotations

import errno
import logging
from pathlib import Path

from ketamonitor.store.errors import DatabaseMoved, DatabaseUnavailable, StoreError

log = logging.getLogger(__name__)

#: The errno values of a path that no longer leads to any file.
_GONE = (errno.ENOENT, errno.ENOTDIR)


def identity_of(path: Path) -> tuple[int, int]:
    """The file at `path` (following links) by its device and inode number."""
    found = path.stat()
    return found.st_dev, found.st_ino


class FileIdentity:
    """The database file a store opened, by its device and inode, and whether the path
    still leads to it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._opened = identity_of(path)
        self._lost = False

    @property
    def lost(self) -> bool:
        """The path was found to lead elsewhere (or nowhere): the store writes no more."""
        return self._lost

    def confirm(self) -> None:
        """Return if the path still leads to the file opened; else a DatabaseMoved, now and
        at every later call (the file does not come back by being put back: what was
        written meanwhile went into the one that left). A path that cannot be looked at
        just now (an I/O error on the folder) refuses this write only."""
        if self._lost:
            raise moved(self.path)
        try:
            now = identity_of(self.path)
        except OSError as error:
            if error.errno not in _GONE:
                raise _cannot_look(self.path, error) from None
            now = None
        if now != self._opened:
            self._lost = True
            log.error("the database %s was %s while open (opened as device %s inode %s); "
                      "no more writes", self.path,
                      "deleted or moved" if now is None else
                      f"replaced by device {now[0]} inode {now[1]}", *self._opened)
            raise moved(self.path)


def moved(path: Path) -> DatabaseMoved:
    """The error of a store whose file was deleted, moved or replaced while open."""
    return DatabaseMoved(
        path,
        "The database file was deleted, moved or replaced while ketamonitor had it open, "
        "so nothing more can be saved into it: what was being saved now was not saved, "
        "and nothing will be until the app is started again on the clinic's file.",
        "What you typed is kept on screen: note it on paper, with the time, so it can be "
        "charted again. Then close ketamonitor and ask the administrator before anyone "
        "starts it again: do not delete anything in the database's folder (the file that "
        "was here may be needed); the administrator finds the file or restores the latest "
        "backup with `ketamonitor restore`.")


def _cannot_look(path: Path, error: OSError) -> StoreError:
    return DatabaseUnavailable(
        path, f"The database file could not be checked just now ({error.strerror}), so "
              "this entry was not saved.",
        "What you typed is kept on screen. Check the disk, then save again; if it keeps "
        "happening, ask the administrator.")
