"""The live infusion room: the day's sessions, each held once (its chart and alerts), the
entries made through it, and the alerts judged on the cached charts."""

from ketamonitor.room.chair import ChairState
from ketamonitor.room.change import ChartChange
from ketamonitor.room.judging import JUDGING_FAILED_KEY
from ketamonitor.room.room import Room
from ketamonitor.room.session import OpenSession

__all__ = ["JUDGING_FAILED_KEY", "ChairState", "ChartChange", "OpenSession", "Room"]
