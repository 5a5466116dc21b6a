"""The `ketamonitor` command: no subcommand opens the window; subcommands work headless.

Commands that read or change the record act as a named account (`--user NAME`, the password
asked on the terminal or read from KETAMONITOR_PASSWORD for scheduled jobs); `verify` reads
no patient data and needs no login.

`verify`, the exports, `backup` and `users list` run beside an app that has the file open
(a nightly job on a workstation whose app stays open); the window, `demo`, the commands that
change accounts, and `restore` are second writers, refused while it runs. Every command
exits with an ExitCode."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import logging
import os
import sys
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path

from ketamonitor import __version__
from ketamonitor.core.accounts import check_roles
from ketamonitor.core.anchor import Anchor
from ketamonitor.core.clock import SystemClock
from ketamonitor.core.errors import RuleError, ValidationError
from ketamonitor.core.settings import SUMMARY_PAGE_SIZE
from ketamonitor.core.text import not_text, shown
from ketamonitor.places import DATABASE_ENV, clinic_protocol_folder, default_database_path
from ketamonitor.store.errors import DatabaseInUse, StoreError
from ketamonitor.store.store import Store

log = logging.getLogger(__name__)


class ExitCode(IntEnum):
    """The exit status of every command, one table for all (the README's "Exit status"
    table is checked against it), so a scheduled job tells a refusal from a full disk."""

    OK = 0
    REFUSED = 1
    USAGE = 2
    DATABASE = 3
    OUTPUT = 4


#: What each status means, in the README's words (tests/test_exit_codes.py checks the table).
EXIT_MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "done",
    ExitCode.REFUSED: "refused (no login or a wrong one, a role that may not, an unknown "
                      "session, a backwards range), or `verify` found something wrong",
    ExitCode.USAGE: "the command line is wrong, or asks what cannot be done (demo on a file "
                    "that holds a record, verify of a path that is not a file)",
    ExitCode.DATABASE: "the database cannot be used: open in the app for a command that "
                       "changes it, read-only, damaged, not ketamonitor's, from a newer "
                       "version, locked, its disk full; or a restore refused",
    ExitCode.OUTPUT: "the file to write (an export, a backup) cannot be written: folder, "
                     "permissions, full disk, a copy that failed its check; the database is "
                     "untouched",
}

#: The names older scripts and tests import; the values are ExitCode's.
EXIT_PROBLEMS = ExitCode.REFUSED
EXIT_USAGE = ExitCode.USAGE
EXIT_DATABASE = ExitCode.DATABASE
EXIT_OUTPUT = ExitCode.OUTPUT

#: The password of `--user`, for scheduled jobs with no terminal.
PASSWORD_ENV = "KETAMONITOR_PASSWORD"
#: The password of an account being added, for scripts (else asked twice on the terminal).
NEW_PASSWORD_ENV = "KETAMONITOR_NEW_PASSWORD"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ketamonitor",
        description="Charting for ketamine infusion rooms. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"ketamonitor {__version__}")
    parser.add_argument("--db", type=Path, help=f"the database file (default: ${DATABASE_ENV}, "
                        f"else {default_database_path()})")
    parser.add_argument("--new-clinic", action="store_true", dest="new_clinic",
                        help="start a new clinic's record: make the database at --db if "
                             "there is none (without it, only the default place's first "
                             "start makes one)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser("demo", help="fill a database with a synthetic demo clinic")
    demo.add_argument("--db", type=Path, required=True, dest="demo_db",
                      help="the database file to fill (created if missing)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    demo.add_argument("--days", type=int, default=30, help="days of history (default 30)")
    _monitor_sim_parser(commands)

    verify = commands.add_parser(
        "verify", help="check the file and its audit chain (no login; reads no patient data)")
    _database_option(verify)
    against = verify.add_mutually_exclusive_group()
    against.add_argument("--anchor", type=Path, default=None, metavar="PATH",
                         help="check the chain against this anchor log (a copy kept "
                              "elsewhere); default: the log the database's settings name")
    against.add_argument("--head", default=None, metavar="ID:HASH",
                         help="check the chain against a head printed on a summary (audit "
                              "row ID, hash HASH)")

    users = commands.add_parser("users", help="manage accounts (administrators)")
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add an account (on an empty database: the first "
                                         "administrator, no --user needed)")
    add.add_argument("username")
    add.add_argument("--name", required=True, dest="display_name",
                     help='the printed name signatures show, e.g. "Dr Ada Obi"')
    add.add_argument("--role", action="append", required=True, dest="roles",
                     choices=["nurse", "physician", "administrator"],
                     help="a role (repeat for several)")
    add.add_argument("--new-clinic", action="store_true", dest="add_new_clinic",
                     help="make the database at --db if there is none, for its first "
                          "administrator")
    _acting_options(add)
    listing = actions.add_parser("list", help="list the accounts")
    _acting_options(listing)
    disable = actions.add_parser("disable", help="disable an account (never deleted)")
    disable.add_argument("username")
    disable.add_argument("--reason", required=True, help="why, for the audit trail")
    _acting_options(disable)
    enable = actions.add_parser("enable", help="let a disabled account log in again")
    enable.add_argument("username")
    enable.add_argument("--reason", required=True, help="why, for the audit trail")
    _acting_options(enable)
    unlock = actions.add_parser("unlock", help="unlock an account locked by failed logins")
    unlock.add_argument("username")
    _acting_options(unlock)
    _export_parsers(commands)
    backup = commands.add_parser("backup", help="a checked copy of the database (administrators)")
    backup.add_argument("--out", type=Path, required=True, help="the backup file to write")
    _acting_options(backup)
    restore = commands.add_parser(
        "restore", help="put a backup in place of the database (an administrator of the "
                        "backup, the app closed; the current file is kept beside it)")
    restore.add_argument("--backup", type=Path, required=True, help="the backup file")
    _database_option(restore)
    restore.add_argument("--user", dest="acting_user", default=None,
                         help="an administrator's username in the backup (password asked, "
                              f"or ${PASSWORD_ENV})")
    listen = commands.add_parser(
        "listen", help="receive bedside monitors' readings (HL7 v2 over MLLP) headless, "
                       "journaling every frame before its ACK (no login)")
    _database_option(listen)
    listen.add_argument("--port", type=int, default=None,
                        help="the TCP port (default: the setting monitor_listen_port, "
                             "2575; 0: any free one)")
    return parser


def _monitor_sim_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]
                        ) -> None:
    sim = commands.add_parser(
        "monitor-sim", help="send simulated bedside monitors' readings (HL7 over MLLP) to a "
                            "listener: seeded ketamine sessions, for demos and tests")
    sim.add_argument("--to", required=True, metavar="HOST:PORT", dest="sim_to",
                     help="the listener's address (an IPv6 address in brackets)")
    sim.add_argument("--beds", type=int, default=1, help="how many beds (default 1)")
    sim.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    sim.add_argument("--interval", type=float, default=30.0, metavar="S",
                     help="seconds of session time between a bed's messages (default 30; "
                          "0: as fast as the ACKs come back)")
    sim.add_argument("--flavour", choices=["ge", "mindray"], default="mindray",
                     help="ge: one connection per bed; mindray: one connection for every "
                          "bed, the bed in PV1-3 (default)")
    sim.add_argument("--artifacts", action="store_true",
                     help="cuff-motion and probe-off artifacts, and now and then a "
                          "malformed frame")
    until = sim.add_mutually_exclusive_group()
    until.add_argument("--count", type=int, default=None, metavar="N",
                       help="messages per bed, then stop")
    until.add_argument("--minutes", type=float, default=None, metavar="M",
                       help="minutes of session time, then stop (default: one whole "
                            "session, 120)")
    sim.add_argument("--speed", type=float, default=1.0, metavar="X",
                     help="session time per real time (60: a minute a second; default 1)")
    sim.add_argument("--ack-timeout", type=float, default=10.0, metavar="S",
                     dest="ack_timeout",
                     help="seconds to wait for an ACK before resending (default 10)")


def _export_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser("export", help="session summaries, REMS forms and logs "
                                                "(physicians and administrators)")
    kinds = export.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    summary = kinds.add_parser("summary", help="one session's summary")
    summary.add_argument("session_id", type=int, metavar="SESSION_ID")
    summary.add_argument("--format", required=True, choices=["pdf", "json", "csv", "fhir"])
    summary.add_argument("--page-size", default=None, choices=["A4", "Letter"],
                         help="for PDF (default: the clinic's setting, A4 unless changed)")
    summary.add_argument("--out", type=Path, required=True)
    summary.add_argument("--fhir-bundle", default="transaction",
                         choices=["transaction", "collection", "document"],
                         help="for FHIR: the bundle's type (default transaction)")
    _acting_options(summary)
    rems = kinds.add_parser("rems", help="one esketamine session's Spravato REMS form")
    rems.add_argument("session_id", type=int, metavar="SESSION_ID")
    rems.add_argument("--format", required=True, choices=["pdf", "json"])
    rems.add_argument("--page-size", default="A4", choices=["A4", "Letter"],
                      help="for PDF (default A4)")
    rems.add_argument("--out", type=Path, required=True)
    _acting_options(rems)
    for name, what in (("log", "one row per session in a date range"),
                       ("audit", "the audit trail of a date range")):
        log = kinds.add_parser(name, help=what)
        log.add_argument("--from", dest="since", required=True, metavar="YYYY-MM-DD")
        log.add_argument("--to", dest="until", required=True, metavar="YYYY-MM-DD")
        log.add_argument("--format", required=True, choices=["csv", "json"])
        log.add_argument("--deidentify", action="store_true",
                         help="HIPAA Safe Harbor: a stable pseudonym for the patient and "
                              "staff, dates to the year, ages over 89 as 90+, typed text "
                              "removed")
        log.add_argument("--date-shift", action="store_true", dest="date_shift",
                         help="with --deidentify: move each patient's dates by the "
                              "patient's own stable number of days instead of keeping "
                              "only the year")
        log.add_argument("--out", type=Path, required=True)
        _acting_options(log)


def _database_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--db", type=Path, dest="command_db", default=None,
                         help="the database file (as the --db before the command)")


def _acting_options(command: argparse.ArgumentParser) -> None:
    _database_option(command)
    command.add_argument("--user", dest="acting_user", default=None,
                         help=f"your username (password asked, or ${PASSWORD_ENV})")


def main(argv: list[str] | None = None) -> int:
    """Run the command; its ExitCode. Nothing reaches the terminal as a traceback: a
    refusal is a message, and anything unexpected (a bug) one line naming the log file that
    holds its details (see `_unexpected`)."""
    _readable_output()
    args = _parser().parse_args(argv)
    from ketamonitor.logs import setup_logging

    setup_logging()
    try:
        return _run(args)
    except KeyboardInterrupt:
        sys.stderr.write("\nketamonitor: interrupted; entries already saved are kept.\n")
        return ExitCode.REFUSED
    except Exception as error:  # the last net: a bug, told in one line, logged whole
        return _unexpected(args, error)


def _readable_output() -> None:
    """Text that is not UTF-8 (a path or name given in another encoding, held as Python's
    surrogate escapes) is printed with its odd bytes escaped, never a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _unexpected(args: argparse.Namespace, error: Exception) -> ExitCode:
    """A bug stopped the command: its traceback to the log file, one line to the person
    (what happened, where the details are, that what was saved stays saved)."""
    from ketamonitor.logs import LOG_FILE_NAME
    from ketamonitor.places import log_directory

    command = " ".join(part for part in (args.command, getattr(args, "users_command", None),
                                         getattr(args, "export_command", None)) if part)
    log.critical("ketamonitor %s stopped by an unexpected error", command or "(window)",
                 exc_info=error, extra={"terminal": False})  # said below, in one line
    sys.stderr.write(
        f"ketamonitor{' ' + command if command else ''}: stopped by an unexpected error "
        f"({type(error).__name__}: {error}). This is a bug in ketamonitor, not something "
        f"you did; entries already saved are kept. Its details are in the log file "
        f"{log_directory() / LOG_FILE_NAME}: send it to whoever supports ketamonitor.\n")
    return ExitCode.REFUSED


def _run(args: argparse.Namespace) -> int:
    unreadable = _path_not_utf8(args)
    if unreadable:
        sys.stderr.write(f"ketamonitor: {unreadable}\n")
        return ExitCode.USAGE
    if args.command == "demo":
        return _demo(args.demo_db, seed=args.seed, days=args.days)
    if args.command == "monitor-sim":
        return _monitor_sim(args)
    path = getattr(args, "command_db", None) or args.db or default_database_path()
    if args.command == "verify":
        return _verify(path, anchor=args.anchor, head=args.head)
    if args.command == "users":
        return _users(path, args)
    if args.command == "export":
        return _as_user(path, args, f"export {args.export_command}",
                        _EXPORTS[args.export_command], beside_app=True)
    if args.command == "backup":
        return _as_user(path, args, "backup", _backup, beside_app=True)
    if args.command == "restore":
        return _restore(args.backup, path, args.acting_user)
    if args.command == "listen":
        return _listen(path, port=args.port)
    # the first start at the default place makes the clinic's record; a path given with
    # --db makes one only when asked (--new-clinic): a mistyped one must not
    return _window(path, create=args.new_clinic or args.db is None)


def _path_not_utf8(args: argparse.Namespace) -> str | None:
    """Why a path given (an option, or KETAMONITOR_DB) cannot be used, if its name is not
    UTF-8: SQLite opens files by UTF-8 names only, so such a name is refused before
    anything is opened or written, with what to do."""
    given = [(f"--{name.removeprefix('command_').removeprefix('demo_')}", value)
             for name, value in vars(args).items() if isinstance(value, Path)]
    from_env = os.environ.get(DATABASE_ENV)
    if from_env is not None:
        given.append((DATABASE_ENV, Path(from_env)))
    for option, path in given:
        if not_text(str(path)):
            return (f"the path given with {option} ({shown(str(path))}) is not UTF-8 text "
                    "(it holds bytes of another encoding). Rename the file or folder with letters "
                    "this system writes as UTF-8, or give another path.")
    return None


def _refuse(error: StoreError, *, changing: str | None = None) -> ExitCode:
    """Say why the file (or a backup's output) cannot be used; its exit status. `changing`
    names a command that changes the record, refused because the app has the file open."""
    from ketamonitor.store.backup import BackupFailed

    sys.stderr.write(f"ketamonitor: {error.title}\n\n{error.message}\n")
    if changing and isinstance(error, DatabaseInUse):
        sys.stderr.write(f"\n`ketamonitor {changing}` changes the record, so it runs only with "
                         "the app closed; export, backup and verify run beside the app.\n")
    return ExitCode.OUTPUT if isinstance(error, BackupFailed) else ExitCode.DATABASE


def _say_refused(command: str, error: RuleError) -> ExitCode:
    if isinstance(error, ValidationError):
        reasons = "; ".join(f"{field}: {why}" for field, why in error.reasons.items())
        sys.stderr.write(f"ketamonitor {command}: {reasons}\n")
    else:
        sys.stderr.write(f"ketamonitor {command}: {error}\n")
    return ExitCode.REFUSED


def _window(path: Path, *, create: bool) -> int:
    from ketamonitor.ui.app import run_window, show_startup_error

    try:
        store = Store.open(path, SystemClock(), extra_protocol_folders=[clinic_protocol_folder()],
                           create=create)
    except StoreError as error:
        show_startup_error(error)
        return _refuse(error)
    for problem in store.library.problems:
        log.warning("protocol or checklist refused: %s", problem)
    try:
        return run_window(store)
    finally:
        store.close()


def _demo(path: Path, *, seed: int, days: int) -> ExitCode:
    from ketamonitor.demo import DemoRefused, fill_demo_clinic

    if days < 1 or days > 3650:
        sys.stderr.write("ketamonitor demo: --days must be between 1 and 3650\n")
        return ExitCode.USAGE
    try:
        summary = fill_demo_clinic(path, seed=seed, days=days)
    except StoreError as error:
        return _refuse(error)
    except DemoRefused as refusal:
        sys.stderr.write(f"ketamonitor demo: {refusal}\n")
        return ExitCode.USAGE
    sys.stdout.write(f"{summary}\n")
    return ExitCode.OK


def _monitor_sim(args: argparse.Namespace) -> ExitCode:
    """Simulated monitors sending to a listener until each bed has sent its count or
    played its minutes; a summary line at the end."""
    from ketamonitor.core.oru_build import Flavour
    from ketamonitor.feed.simulator import (
        SESSION,
        BadAddress,
        Simulator,
        SimulatorOptions,
        parse_address,
    )

    wrong = _monitor_sim_usage(args)
    if wrong:
        sys.stderr.write(f"ketamonitor monitor-sim: {wrong}\n")
        return ExitCode.USAGE
    try:
        host, port = parse_address(args.sim_to)
    except BadAddress as error:
        sys.stderr.write(f"ketamonitor monitor-sim: --to {error}\n")
        return ExitCode.USAGE
    minutes = args.minutes
    if args.count is None and minutes is None:
        minutes = SESSION.length.total_seconds() / 60
    simulator = Simulator(SimulatorOptions(
        host=host, port=port, beds=args.beds, seed=args.seed, interval=args.interval,
        flavour=Flavour(args.flavour), artifacts=args.artifacts, count=args.count,
        minutes=minutes, speed=args.speed, ack_timeout=args.ack_timeout), SystemClock())
    sys.stdout.writelines(f"{line}\n" for line in simulator.beds())
    sys.stdout.flush()
    summary = simulator.run()
    sys.stdout.write(f"{summary.line()}\n")
    return ExitCode.OK


def _monitor_sim_usage(args: argparse.Namespace) -> str | None:
    """What is wrong with monitor-sim's numbers, if anything."""
    if not 1 <= args.beds <= 99:
        return "--beds must be between 1 and 99"
    if not args.interval >= 0 or args.interval > 86_400:
        return "--interval must be between 0 and 86400 seconds"
    if args.count is not None and args.count < 1:
        return "--count must be at least 1"
    if args.minutes is not None and not args.minutes > 0:
        return "--minutes must be above 0"
    if not 0 < args.speed <= 100_000:
        return "--speed must be above 0 (and at most 100000)"
    if not 0 < args.ack_timeout <= 3_600:
        return "--ack-timeout must be above 0 (and at most 3600 seconds)"
    return None


def _verify(path: Path, *, anchor: Path | None = None, head: str | None = None) -> ExitCode:
    """Check the file without opening it for writing: it may be a copy, or in use. The
    anchor (a log, or a head given) is read first: see `verify_database`."""
    from ketamonitor.store.verify import older_version, root_key_of, verify_database

    if not path.is_file():
        sys.stderr.write(f"ketamonitor verify: {path} is not a file. Give the database "
                         "with --db PATH.\n")
        return ExitCode.USAGE
    against = _anchor_for(path, anchor, head)
    if isinstance(against, ExitCode):
        return against
    try:
        problems = verify_database(path, against)
    except StoreError as error:  # not SQLite, not ours, or damaged past reading
        return _refuse(error)
    root = root_key_of(path)
    if root is not None:
        sys.stdout.write(f"root key: {root} (the same as printed when the clinic was set "
                         "up?)\n")
    older = older_version(path)
    if older is not None:
        sys.stdout.write(f"note: written by an older ketamonitor (its last upgrade: {older}): "
                         "checked as far as its tables go; rows are signed from 0016_keys "
                         "on. Verify an upgraded copy to check it in full.\n")
    if problems:
        sys.stdout.write(f"{path}: {len(problems)} problem(s)\n")
        sys.stdout.writelines(f"  {problem}\n" for problem in problems)
        return ExitCode.REFUSED
    sys.stdout.write(f"{path}: sound (integrity, foreign keys, audit chain, charted rows)\n")
    return ExitCode.OK


def _anchor_for(path: Path, anchor: Path | None, head: str | None) -> Anchor | ExitCode | None:
    """The heads to check the chain against, saying which it used; None (said too) when
    no anchor log is found; an ExitCode when the one given cannot be used."""
    from ketamonitor.core.anchor import parse_given_head
    from ketamonitor.store.anchor import configured_anchor, read_anchor

    if head is not None:
        try:
            given = parse_given_head(head)
        except ValueError as error:
            sys.stderr.write(f"ketamonitor verify: --head {error}\n")
            return ExitCode.USAGE
        sys.stdout.write(f"anchor: the head given (audit row {given.id})\n")
        return Anchor(f"the head given (audit row {given.id})", (given,))
    if anchor is None:
        configured, anchor = configured_anchor(path)
        if anchor is None:
            sys.stdout.write(f"no anchor log found at {configured}: truncation cannot be "
                             "detected\n")
            return None
    try:
        found = read_anchor(anchor)
    except OSError as error:
        sys.stderr.write(f"ketamonitor verify: the anchor log {anchor} cannot be read "
                         f"({error.strerror or error}). Give a readable copy with --anchor "
                         "PATH.\n")
        return ExitCode.USAGE
    sys.stdout.write(f"anchor: {anchor} ({len(found.heads)} heads)\n")
    return found


def _password(prompt: str, variable: str) -> str:
    """From the environment (scheduled jobs), else asked on the terminal without echo."""
    given = os.environ.get(variable)
    return _text_from(variable, given) if given is not None else _ask(prompt)


def _text_from(variable: str, given: str) -> str:
    """A password read from the environment, refused (ValidationError naming the
    variable) when its bytes are not UTF-8: no password can be one (they are typed as
    text), so it is said, not checked and counted as a wrong one."""
    if not_text(given):
        raise ValidationError({variable: "is not UTF-8 text: set it in the encoding the "
                                         "system uses (UTF-8)"})
    return given


def _ask(prompt: str) -> str:
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        return ""


def _new_password() -> str | None:
    if NEW_PASSWORD_ENV in os.environ:
        return _text_from(NEW_PASSWORD_ENV, os.environ[NEW_PASSWORD_ENV])
    first = _ask("Password for the new account: ")
    if first != _ask("The same password again: "):
        sys.stderr.write("ketamonitor users add: the two passwords differ; nothing was added\n")
        return None
    return first


def _logged_in(store: Store, username: str | None, command: str) -> bool:
    if not username:
        sys.stderr.write(f"ketamonitor {command}: say who you are with --user NAME\n")
        return False
    try:
        account = store.login(username, _password(f"Password for {username}: ", PASSWORD_ENV))
    except RuleError as refusal:
        _say_refused(command, refusal)
        return False
    if account.must_choose_password:
        sys.stderr.write(f"ketamonitor {command}: {account.username} still has the password "
                         "an administrator gave; log in to the app once to choose your own, "
                         "then run this again\n")
        return False
    return True


def _users(path: Path, args: argparse.Namespace) -> ExitCode:
    if args.users_command == "add":
        first = _first_administrator_if_none(path, args)
        if first is not None:
            return first
    return _as_user(path, args, f"users {args.users_command}",
                    _USER_ACTIONS[args.users_command],
                    beside_app=args.users_command == "list")


def _first_administrator_if_none(path: Path, args: argparse.Namespace) -> ExitCode | None:
    """On a file with no accounts, `users add` makes the first administrator (no login:
    there is no one to log in as); None when the file already has accounts."""
    try:
        store = Store.open(path, SystemClock(), create=args.add_new_clinic or args.new_clinic)
    except StoreError as error:
        return _refuse(error, changing="users add")
    try:
        return None if store.has_accounts() else _first_administrator(store, args)
    except StoreError as error:
        return _refuse(error)
    finally:
        store.close()


def _as_user(path: Path, args: argparse.Namespace, command: str,
             action: Callable[[Store, argparse.Namespace], None], *,
             beside_app: bool = False) -> ExitCode:
    """Open the file, log in as --user, run the action; every refusal a message and a
    non-zero exit (ExitCode), never a traceback. `beside_app`: the action only reads the
    record and writes its own audit rows, so it runs while the app has the file open
    (Store.open_beside_app); any other is a second writer, refused while the app runs."""
    from ketamonitor.export.files import ExportFailed
    from ketamonitor.store.errors import UnknownRecord

    try:
        store = (Store.open_beside_app(path, SystemClock()) if beside_app
                 else Store.open(path, SystemClock()))
    except StoreError as error:
        return _refuse(error, changing=None if beside_app else command)
    try:
        if not _logged_in(store, args.acting_user, command):
            return ExitCode.REFUSED
        action(store, args)
        return ExitCode.OK
    except RuleError as refusal:  # a ValidationError (bad dates, a missing reason) too
        return _say_refused(command, refusal)
    except UnknownRecord as unknown:
        sys.stderr.write(f"ketamonitor {command}: {unknown}\n")
        return ExitCode.REFUSED
    except ExportFailed as failed:
        sys.stderr.write(f"ketamonitor {command}: {failed.message}\n")
        return ExitCode.OUTPUT
    except StoreError as error:
        return _refuse(error)
    finally:
        store.close()


def _export_summary(store: Store, args: argparse.Namespace) -> None:
    from ketamonitor.export.summary import export_summary

    written = export_summary(store, _session_id(args.session_id), args.format, args.out,
                             page_size=args.page_size or store.setting(SUMMARY_PAGE_SIZE.key),
                             bundle_type=args.fhir_bundle)
    sys.stdout.write(f"wrote {written}\n")


def _export_rems(store: Store, args: argparse.Namespace) -> None:
    from ketamonitor.export.rems_form import export_rems_form

    written = export_rems_form(store, _session_id(args.session_id), args.format, args.out,
                               page_size=args.page_size)
    sys.stdout.write(f"wrote {written}\n")


def _session_id(typed: int) -> int:
    """A session id as typed; one no session can have (beyond SQLite's integers, or not
    above 0) is an unknown session, said as one, not an OverflowError."""
    from ketamonitor.store.errors import UnknownRecord

    if not 1 <= typed < 2**63:
        raise UnknownRecord(f"no session {typed}")
    return typed


def _export_log(store: Store, args: argparse.Namespace) -> None:
    from ketamonitor.core.date_range import RangeEnds, parse_date_range
    from ketamonitor.export.logs import export_audit_log, export_session_log

    since, until = parse_date_range(args.since, args.until, RangeEnds("--from", "--to"))
    export = export_session_log if args.export_command == "log" else export_audit_log
    written = export(store, since, until, args.format, args.out, deidentify=args.deidentify,
                     date_shift=args.date_shift)
    sys.stdout.write(f"wrote {written}\n")


def _backup(store: Store, args: argparse.Namespace) -> None:
    done = store.backup(args.out)
    sys.stdout.write(f"wrote {done.path} (integrity_check ok)\n")


def _restore(backup: Path, target: Path, username: str | None) -> ExitCode:
    """A backup put in place of the database, with the app closed, by an administrator of
    the *backup's* accounts (the current file may be the damaged or lost one: see
    `restore_backup`); audited in the restored file under that account, with the operating
    system's account name beside it."""
    from ketamonitor.store.backup import restore_backup

    if not username:
        sys.stderr.write("ketamonitor restore: say who you are with --user NAME (an "
                         "administrator's account in the backup being restored)\n")
        return ExitCode.REFUSED
    password = _password(f"Password for {username} (as in the backup): ", PASSWORD_ENV)
    try:
        done = restore_backup(backup, target, administrator=username, password=password)
    except RuleError as refusal:  # a wrong login, or an account that may not restore
        return _say_refused("restore", refusal)
    except StoreError as error:
        return _refuse(error, changing="restore")
    kept = f"; the file it replaced is kept as {done.kept}" if done.kept else ""
    sys.stdout.write(f"{done.restored_by} restored {done.backup} to {done.target}{kept}\n")
    return ExitCode.OK


def _listen(path: Path, *, port: int | None) -> ExitCode:
    """The monitors' listener, headless, until SIGINT or SIGTERM (then a clean stop, exit
    0). It writes beside an app that has the file open (Store.open_beside_app, each
    journal write taking its turn for the write lock), and holds no lock itself when none
    runs; a missing database is refused, never made. Prints `listening on HOST:PORT` once
    bound, for people and scripts to know it is up."""
    import signal
    import threading
    from dataclasses import replace

    from ketamonitor.core.monitor_settings import listen_settings
    from ketamonitor.feed.listener import Listener

    clock = SystemClock()
    try:
        with Store.open_beside_app(path, clock) as store:
            settings = listen_settings(store.setting)
    except StoreError as error:
        return _refuse(error)
    except ValueError as error:  # a setting put in the file that no check would take
        sys.stderr.write(f"ketamonitor listen: a monitor feed setting in {path} cannot be "
                         f"used: {error}\n")
        return ExitCode.DATABASE
    if port is not None:
        if not 0 <= port <= 65535:
            sys.stderr.write("ketamonitor listen: --port must be from 0 to 65535\n")
            return ExitCode.USAGE
        settings = replace(settings, port=port)
    listener = Listener(settings, lambda: Store.open_beside_app(path, clock), clock)
    stop = threading.Event()
    previous = {number: signal.signal(number, lambda *_: stop.set())
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            host, bound = listener.start()
        except StoreError as error:
            return _refuse(error)
        except OSError as error:
            sys.stderr.write(f"ketamonitor listen: cannot listen on {settings.address}:"
                             f"{settings.port} ({error.strerror or error}): another program "
                             "may use the port; change monitor_listen_port or give --port\n")
            return ExitCode.USAGE
        sys.stdout.write(f"listening on {host}:{bound}\n")
        sys.stdout.flush()
        while not stop.wait(1.0):
            if not listener.running:
                sys.stderr.write("ketamonitor listen: the listener stopped; see the log file\n")
                return ExitCode.REFUSED
        log.info("ketamonitor listen: stopping on a signal")
        return ExitCode.OK
    finally:
        listener.close()
        for number, handler in previous.items():
            signal.signal(number, handler)


_EXPORTS: dict[str, Callable[[Store, argparse.Namespace], None]] = {
    "summary": _export_summary, "rems": _export_rems, "log": _export_log,
    "audit": _export_log,
}


def _first_administrator(store: Store, args: argparse.Namespace) -> ExitCode:
    if args.roles != ["administrator"]:
        sys.stderr.write("ketamonitor users add: this database has no accounts yet; the first "
                         "one must be an administrator (--role administrator)\n")
        return ExitCode.REFUSED
    try:
        password = _new_password()
        if password is None:
            return ExitCode.REFUSED
        account = store.create_first_administrator(args.username, args.display_name, password)
    except RuleError as refusal:
        return _say_refused("users add", refusal)
    sys.stdout.write(f"added {account.username} ({account.roles_label}), the first "
                     "administrator\n")
    sys.stdout.write(f"the clinic's root key: {store.root_key_fingerprint()} (keep this line "
                     "apart from the database: verify traces every signature to it)\n")
    return ExitCode.OK


def _add(store: Store, args: argparse.Namespace) -> None:
    roles = check_roles(args.roles)
    password = _new_password()
    if password is None:
        raise ValidationError({"password": "not confirmed"})
    account = store.add_account(args.username, args.display_name, roles, password)
    sys.stdout.write(f"added {account.username} ({account.roles_label}); they choose their own "
                     "password at their first login in the app\n")


def _list(store: Store, _args: argparse.Namespace) -> None:
    locked = dict(store.locked_accounts())
    for account in store.accounts():
        status = account.activity
        if account.username in locked and not account.disabled:
            status = f"locked until {locked[account.username]:%Y-%m-%d %H:%M} UTC"
        sys.stdout.write(f"{account.username}\t{account.display_name}\t"
                         f"{account.roles_label}\t{status}\n")


def _disable(store: Store, args: argparse.Namespace) -> None:
    account = store.disable_account(args.username, args.reason)
    sys.stdout.write(f"disabled {account.username}\n")


def _enable(store: Store, args: argparse.Namespace) -> None:
    account = store.enable_account(args.username, args.reason)
    sys.stdout.write(f"enabled {account.username}\n")


def _unlock(store: Store, args: argparse.Namespace) -> None:
    store.unlock_account(args.username)
    sys.stdout.write(f"unlocked {args.username}\n")


_USER_ACTIONS: dict[str, Callable[[Store, argparse.Namespace], None]] = {
    "add": _add, "list": _list, "disable": _disable, "enable": _enable, "unlock": _unlock,
}
