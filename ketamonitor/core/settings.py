"""The clinic's settings, declared once: each with its default and what it may be.

Values are kept as text in the record's `settings` table (the latest row per key wins), each
change with its audit row; a key not declared here is not a setting.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ketamonitor.core import monitor_settings
from ketamonitor.core.backups import BackupMode
from ketamonitor.core.errors import ValidationError


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: str
    choices: tuple[str, ...] = ()
    max_length: int = 200
    #: The value names a system in what leaves as FHIR: an absolute URI, never empty.
    uri: bool = False
    #: A check of its own: the text kept, or a ValueError saying why not.
    check: Callable[[str], str] | None = None


ON, OFF = "on", "off"

AUDIBLE_ALERTS = Setting("audible_alerts", "Audible cue for new high-priority alerts", ON,
                         choices=(ON, OFF))
CLINIC_NAME = Setting("clinic_name", "Clinic name", "", max_length=80)
#: Minutes without input before a workstation locks (the issue's default: 10).
IDLE_LOCK_MINUTES = Setting("idle_lock_minutes", "Lock the screen after this many idle minutes",
                            "10", choices=("2", "5", "10", "15", "30"))
#: Where automatic backups go; empty: a "backups" folder beside the database (a relative
#: folder is taken from the database's folder).
BACKUP_FOLDER = Setting("backup_folder", "Folder for automatic backups", "", max_length=400)
#: How many automatic backups are kept; older ones (named by the app) are deleted.
BACKUP_KEEP = Setting("backup_keep", "Automatic backups kept", "14",
                      choices=("3", "7", "14", "30", "60", "90"))
AUTOMATIC_BACKUP = Setting("automatic_backup", "Automatic backup", BackupMode.DAILY.value,
                           choices=tuple(mode.value for mode in BackupMode))
#: The paper a summary PDF is laid out for unless the person exporting chooses another.
SUMMARY_PAGE_SIZE = Setting("summary_page_size", "Summary PDF page size", "A4",
                            choices=("A4", "Letter"))

#: Where the anchor log (the audit chain's heads, outside the database) is kept; empty: the
#: backup folder. Point it at another disk: whoever can rewrite the database should not
#: reach its anchor (a relative folder is taken from the database's folder).
ANCHOR_LOG = Setting("anchor_log", "Folder for the anchor log", "", max_length=400)

SETTINGS: dict[str, Setting] = {setting.key: setting for setting in (
    AUDIBLE_ALERTS, CLINIC_NAME, IDLE_LOCK_MINUTES, BACKUP_FOLDER, BACKUP_KEEP,
    AUTOMATIC_BACKUP, ANCHOR_LOG,
    SUMMARY_PAGE_SIZE)}

#: The clinic's own identifier systems in what leaves as FHIR (docs/fhir.md): the system of
#: its medical record numbers (the Patient's conditional create matches on it), and the base
#: of its other systems (staff usernames, session ids, its own codes). The defaults are
#: placeholders to replace with the clinic's (an EHR's MRN system is often an urn:oid:).
FHIR_MRN_SYSTEM = Setting("fhir_mrn_system", "FHIR: the clinic's MRN identifier system",
                          "https://clinic.example/fhir/sid/mrn", uri=True)
FHIR_CODE_SYSTEM = Setting("fhir_code_system", "FHIR: the base of the clinic's own systems",
                           "https://clinic.example/fhir", uri=True)
SETTINGS.update({setting.key: setting for setting in (FHIR_MRN_SYSTEM, FHIR_CODE_SYSTEM)})

#: The bedside monitors' feed (issue 21, core.monitor_settings): the listener binds to this
#: workstation only and takes frames from it only, unless an administrator says otherwise.
MONITOR_LISTEN_ADDRESS = Setting(
    "monitor_listen_address", "Monitor feed: listen on address", monitor_settings.LOOPBACK,
    max_length=60, check=monitor_settings.check_listen_address)
MONITOR_LISTEN_PORT = Setting(
    "monitor_listen_port", "Monitor feed: port", str(monitor_settings.MLLP_PORT),
    max_length=20, check=monitor_settings.check_port)
#: Comma-separated IP addresses and CIDR networks; empty: the loopback address only.
MONITOR_ALLOWED_SENDERS = Setting(
    "monitor_allowed_senders", "Monitor feed: senders allowed (addresses, networks)", "",
    max_length=2000, check=monitor_settings.check_allowed_senders)
MONITOR_MAX_FRAME_KB = Setting(
    "monitor_max_frame_kb", "Monitor feed: largest frame taken (KB)", "1024",
    max_length=20, check=monitor_settings.check_max_frame_kb)
MONITOR_IDLE_SECONDS = Setting(
    "monitor_idle_seconds", "Monitor feed: close a silent connection after (seconds)", "300",
    max_length=20, check=monitor_settings.check_idle_seconds)
MONITOR_MAX_CONNECTIONS = Setting(
    "monitor_max_connections", "Monitor feed: connections at once", "16",
    max_length=20, check=monitor_settings.check_max_connections)
#: Whether the window listens for the monitors itself while someone is logged in (off: a
#: workstation without monitors, or one where `ketamonitor listen` runs as a service).
MONITOR_LISTEN_ENABLED = Setting(
    "monitor_listen_enabled", "Monitor feed: listen in the window", OFF, choices=(ON, OFF))
SETTINGS.update({setting.key: setting for setting in (
    MONITOR_LISTEN_ENABLED, MONITOR_LISTEN_ADDRESS, MONITOR_LISTEN_PORT,
    MONITOR_ALLOWED_SENDERS, MONITOR_MAX_FRAME_KB, MONITOR_IDLE_SECONDS,
    MONITOR_MAX_CONNECTIONS)})


def check_setting(key: str, value: str) -> str:
    """The value as it is kept (spaces tidied), or a ValidationError naming the key."""
    setting = SETTINGS.get(key)
    if setting is None:
        raise ValidationError({key: "is not a setting ketamonitor knows"})
    cleaned = " ".join(value.split())
    if setting.choices and cleaned not in setting.choices:
        raise ValidationError({key: "must be one of " + ", ".join(setting.choices)})
    if setting.uri and not _is_uri(cleaned):
        raise ValidationError({key: "must be an absolute URI without spaces, such as "
                                    "urn:oid:1.2.3 or https://clinic.example/mrn"})
    if setting.check is not None:
        try:
            cleaned = setting.check(cleaned)
        except ValueError as refused:
            raise ValidationError({key: str(refused)}) from None
    if len(cleaned) > setting.max_length:
        raise ValidationError({key: f"at most {setting.max_length} characters"})
    return cleaned


def _is_uri(value: str) -> bool:
    """An EHR matches identifiers on their system: an empty or relative one would match
    nothing (or everything), so only urn: and http(s):// systems are kept."""
    return " " not in value and bool(re.fullmatch(r"(urn:[a-z0-9][a-z0-9-]*:|https?://)\S+",
                                                  value, re.IGNORECASE))
