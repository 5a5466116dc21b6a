"""A synthetic clinic for trainers, tests and first looks (filled in by `fill_demo_clinic`).

The demo charts the way a nurse does: every entry goes through the store's public interface
while a fake clock is moved through each session, so validation, the phase gates and the
audit trail treat it exactly like real charting. Nothing reaches the file behind the rules'
back: if a gate refuses a demo session, the demo's data is unrealistic and must be fixed.

How it is built: courses of sessions are drawn for each patient (IV racemic ketamine about
six times over two to three weeks, intranasal esketamine twice weekly; `people`, `courses`);
each session is planned as a script of entries at minutes from arrival (`planner`, with the
`body`'s vitals, `side_effects` and `incidents`); the scripts of a day are placed in the
room's chairs (`day`) and then charted in time order, as the room would have charted them
(`charting`). After each entry a rule reads, the room's alert rules judge the chart at that
moment and the store records what they raise and clear; the nurse acknowledges each alert
that asks for it before the patient leaves, calling the prescriber for a high one
(`alerts`). Every session has its prescriber, its vial or device lots, and the medicines a
side effect's intervention calls for. Today's last sessions are cut at the real current
time, so a few are still in the room. `clinic` is the entry point.
"""

from ketamonitor.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from ketamonitor.demo.clinic import DemoRefused, DemoSummary, fill_demo_clinic
from ketamonitor.demo.courses import INTRANASAL_PROTOCOL, IV_PROTOCOL, LOOKBACK_DAYS
from ketamonitor.demo.day import CHAIRS, LIVE_PHASES, NURSES, OPENS
from ketamonitor.demo.people import MRN_PREFIX

__all__ = [
    "CHAIRS",
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "INTRANASAL_PROTOCOL",
    "IV_PROTOCOL",
    "LIVE_PHASES",
    "LOOKBACK_DAYS",
    "MRN_PREFIX",
    "NURSES",
    "OPENS",
    "DemoRefused",
    "DemoSummary",
    "fill_demo_clinic",
]
