"""The `ketamonitor` command: no subcommand opens the window; subcommands work headless."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from pathlib import Path

from ketamonitor import __version__
from ketamonitor.core.clock import SystemClock
from ketamonitor.places import DATABASE_ENV, clinic_protocol_folder, default_database_path
from ketamonitor.store.errors import StoreError
from ketamonitor.store.store import Store

log = logging.getLogger(__name__)

#: Exit status when the database cannot be used (in use, read-only, damaged, foreign).
EXIT_DATABASE = 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ketamonitor",
        description="Charting for ketamine infusion rooms. Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"ketamonitor {__version__}")
    parser.add_argument("--db", type=Path, help=f"the database file (default: ${DATABASE_ENV}, "
                        f"else {default_database_path()})")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser("demo", help="fill a database with a synthetic demo clinic")
    demo.add_argument("--db", type=Path, required=True, dest="demo_db",
                      help="the database file to fill (created if missing)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    demo.add_argument("--days", type=int, default=30, help="days of history (default 30)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from ketamonitor.logs import setup_logging

    setup_logging()
    if args.command == "demo":
        return _demo(args.demo_db, seed=args.seed, days=args.days)
    return _window(args.db or default_database_path())


def _user() -> str:
    """Who is charting, until accounts arrive: the workstation login name."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _refuse(error: StoreError) -> int:
    sys.stderr.write(f"ketamonitor: {error.title}\n\n{error.message}\n")
    return EXIT_DATABASE


def _window(path: Path) -> int:
    from ketamonitor.ui.app import run_window, show_startup_error

    try:
        store = Store.open(path, SystemClock(), user=_user(),
                           extra_protocol_folders=[clinic_protocol_folder()])
    except StoreError as error:
        show_startup_error(error)
        return _refuse(error)
    for problem in store.library.problems:
        log.warning("protocol or checklist refused: %s", problem)
    try:
        return run_window(store)
    finally:
        store.close()


def _demo(path: Path, *, seed: int, days: int) -> int:
    from ketamonitor.demo import DemoRefused, fill_demo_clinic

    if days < 1 or days > 3650:
        sys.stderr.write("ketamonitor demo: --days must be between 1 and 3650\n")
        return 2
    try:
        summary = fill_demo_clinic(path, seed=seed, days=days, user=_user())
    except StoreError as error:
        return _refuse(error)
    except DemoRefused as refusal:
        sys.stderr.write(f"ketamonitor demo: {refusal}\n")
        return 2
    sys.stdout.write(f"{summary}\n")
    return 0
