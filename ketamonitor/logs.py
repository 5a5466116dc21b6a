"""Logging to a rotating file, so a problem at 7 a.m. can be read at noon."""

from __future__ import annotations

import logging
import logging.handlers

from ketamonitor.places import log_directory


def setup_logging() -> None:
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.WARNING)
    root.addHandler(stderr)
    try:
        folder = log_directory()
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / "ketamonitor.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError as error:
        root.warning("no log file (%s); logging to the terminal only", error)
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
