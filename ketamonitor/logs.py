"""Logging to a rotating file, so a problem at 7 a.m. can be read at noon."""

from __future__ import annotations

import logging
import logging.handlers

from ketamonitor.places import log_directory

#: The log file's name in the log folder (the command line names it when a bug stops it).
LOG_FILE_NAME = "ketamonitor.log"


class WithoutTraceback(logging.Formatter):
    """The terminal's copy of a warning: its message alone. A traceback is for the log
    file, never for the person at the terminal (a bug's details are read there)."""

    def format(self, record: logging.LogRecord) -> str:
        kept = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = kept


def for_terminal(record: logging.LogRecord) -> bool:
    """Whether a record is shown on the terminal too: not one logged with
    `extra={"terminal": False}`, whose words the command writes itself."""
    return bool(getattr(record, "terminal", True))


def setup_logging() -> None:
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.WARNING)
    stderr.setFormatter(WithoutTraceback())
    stderr.addFilter(for_terminal)
    root.addHandler(stderr)
    try:
        folder = log_directory()
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / LOG_FILE_NAME, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError as error:
        root.warning("no log file (%s); logging to the terminal only", error)
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
