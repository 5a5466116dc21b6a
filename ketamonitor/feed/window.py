"""The monitors' listener a window runs beside its charting (issue 21): bound where the
clinic's settings say, journaling to the window's own file through a connection of its own
(opened on the listener's thread, as SQLite wants), on the window's clock."""

from __future__ import annotations

from collections.abc import Callable

from ketamonitor.core.monitor_readings import FrameRead
from ketamonitor.core.monitor_settings import listen_settings
from ketamonitor.feed.listener import Listener
from ketamonitor.store.interface import StoreApi
from ketamonitor.store.store import Store


def window_listener(store: StoreApi,
                    on_charted: Callable[[FrameRead], None] | None = None) -> Listener:
    """A listener for `store`'s file, not started; `on_charted` is called on the listener's
    thread each time a frame's sets are charted (the window wakes its room with it).
    ValueError when a monitor feed setting in the file is one no check would take (never
    a listener bound where no one chose)."""
    path, clock = store.path, store.clock
    return Listener(listen_settings(store.setting),
                    lambda: Store.open_beside_app(path, clock), clock, on_charted=on_charted)
