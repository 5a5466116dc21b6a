"""A session charted partly from a bedside monitor (issue 21), as the exports' tests read it:
a set typed by the nurse, a monitor's reading she accepted, one she marked as an artifact
and one left pending, each journaled and read as the listener does (store.journal_frame,
then store.chart_frame)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from ketamonitor.core.clock import FakeClock
from ketamonitor.core.oru_build import build_oru, observation
from ketamonitor.store.store import Store
from tests.charting import Charting
from tests.monitor_frames import journal_and_read
from tests.people import ADMIN, NURSE, login_as
from tests.store.steps import running

APP = "MINDRAY_EGATEWAY^00A0370000000001^EUI-64"
CUFF_MOTION = "Cuff motion: she was moving her arm"
_SENT = count(1)


def monitor_reading(store: Store, clock: FakeClock, systolic: int, diastolic: int,
                    heart_rate: int, spo2: int) -> int:
    """A frame from chair 3's monitor at the clock's time, journaled and read; the id of
    the reading it charted."""
    raw = build_oru([observation(150021, systolic), observation(150022, diastolic),
                     observation(147842, heart_rate), observation(150456, spo2)],
                    control_id=f"X{next(_SENT)}", observed_at=clock.now())
    journal_and_read(store, raw)
    return store.last_monitor_reading()


@dataclass(frozen=True)
class MonitorSession:
    session_id: int
    typed_id: int
    accepted_reading: int
    accepted_id: int
    artifact_reading: int
    pending_reading: int


def monitor_session(store: Store, charting: Charting) -> MonitorSession:
    """Chair 3's session: the baseline typed at 07:30 (124/80), the monitor's 07:35 reading
    (132/84, HR 72, SpO2 98) accepted at 07:36, its 07:40 reading (210/60, HR 75, SpO2 97)
    marked an artifact at 07:41, its 07:45 reading (171/99, HR 101, SpO2 95) never
    validated. The administrator is left logged in, to export it."""
    clock = charting.clock
    login_as(store, ADMIN)
    store.map_monitor_bed(APP, "INFUSION", "INFUSION^^Chair1", "3")
    login_as(store, NURSE)
    session_id, typed_id = running(charting)
    clock.advance(minutes=5)
    accepted = monitor_reading(store, clock, 132, 84, 72, 98)
    clock.advance(minutes=1)
    accepted_id = store.accept_monitor_reading(accepted)
    clock.advance(minutes=4)
    artifact = monitor_reading(store, clock, 210, 60, 75, 97)
    clock.advance(minutes=1)
    store.mark_monitor_artifact(artifact, CUFF_MOTION)
    clock.advance(minutes=4)
    pending = monitor_reading(store, clock, 171, 99, 101, 95)
    clock.advance(minutes=1)
    login_as(store, ADMIN)
    return MonitorSession(session_id, typed_id, accepted, accepted_id, artifact, pending)
