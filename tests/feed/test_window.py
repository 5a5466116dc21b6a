"""feed.window: the listener a window runs is bound where the clinic's settings say and
journals to the window's own file through a connection of its own."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest

from ketamonitor.core.mllp import frame
from ketamonitor.core.oru_build import build_oru, observation
from ketamonitor.feed.window import window_listener
from tests.people import ADMIN, login_as


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_listener_follows_the_settings_and_journals_to_the_windows_file(store, clock):
    login_as(store, ADMIN)
    port = free_port()
    store.set_setting("monitor_listen_port", str(port))
    listener = window_listener(store)
    assert (listener.settings.address, listener.settings.port) == ("127.0.0.1", port)
    with listener:  # started
        assert listener.address is not None
        host, bound = listener.address
        with socket.create_connection((host, bound), timeout=5) as sender:
            sender.sendall(frame(build_oru([observation(150456, 97)], control_id="W1",
                                           observed_at=clock.now())))
            assert b"|AA|W1" in sender.recv(4096)
    journaled = store.frames_between(clock.now() - timedelta(1), clock.now() + timedelta(1))
    assert [f.control_id for f in journaled] == ["W1"]


def test_a_setting_no_check_would_take_is_refused_not_bound(store, monkeypatch):
    found = store.setting
    monkeypatch.setattr(store, "setting", lambda key, default=None: (
        "not an address" if key == "monitor_listen_address" else found(key, default)))
    with pytest.raises(ValueError):
        window_listener(store)
