"""Where ketamonitor keeps its files on this workstation, per platform conventions."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ketamonitor"
DATABASE_ENV = "KETAMONITOR_DB"
LOG_DIR_ENV = "KETAMONITOR_LOG_DIR"
PROTOCOLS_ENV = "KETAMONITOR_PROTOCOLS"


def default_database_path() -> Path:
    """`--db` wins, then KETAMONITOR_DB, then the user data folder's ketamonitor.db."""
    chosen = os.environ.get(DATABASE_ENV)
    if chosen:
        return Path(chosen).expanduser()
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "ketamonitor.db"


def log_directory() -> Path:
    chosen = os.environ.get(LOG_DIR_ENV)
    if chosen:
        return Path(chosen).expanduser()
    return platformdirs.user_log_path(APP_NAME, appauthor=False)


def clinic_protocol_folder() -> Path:
    """The clinic's own protocol and checklist files: KETAMONITOR_PROTOCOLS, else the
    `protocols` folder in the user data folder (it need not exist)."""
    chosen = os.environ.get(PROTOCOLS_ENV)
    if chosen:
        return Path(chosen).expanduser()
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "protocols"
