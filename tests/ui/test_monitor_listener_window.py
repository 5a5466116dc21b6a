"""Issue 21: the window starts the monitors' listener when the clinic's settings say so
(Clinic ▸ Settings, audited), closes it on quitting, and goes on when the port is taken,
saying so once: readings another process journals still reach the room at each tick."""

from __future__ import annotations

import socket

from ketamonitor.core.mllp import frame
from ketamonitor.core.oru_build import build_oru, observation
from tests.people import ADMIN, NURSE, audit_of, login_as
from tests.room.test_room_readings import APP, feed
from tests.ui.conftest import opened_window
from tests.ui.test_monitor_window import tile_of

# -- the window's listener -------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening_clinic(store, port: int) -> None:
    login_as(store, ADMIN)
    store.set_setting("monitor_listen_enabled", "on")
    store.set_setting("monitor_listen_port", str(port))
    login_as(store, NURSE)


def test_the_window_listens_only_when_the_clinic_says_so(window):
    assert window.listener is None and window.monitor_feed.text() == ""  # off by default


def test_the_window_starts_the_listener_and_closes_it_on_quitting(qtbot, store, prompts):
    port = free_port()
    listening_clinic(store, port)
    main = opened_window(qtbot, store, prompts)
    listener = main.listener
    assert listener is not None and listener.running
    assert main.monitor_feed.text() == f"Monitor feed: listening on 127.0.0.1:{port}"
    with socket.create_connection(("127.0.0.1", port), timeout=5) as monitor:
        monitor.sendall(b"\x0bnot HL7\x1c\x0d")  # journaled and answered AR by the window's
        assert monitor.recv(4096).startswith(b"\x0bMSH")
    main.ticker.stop()
    main.close()
    assert not listener.running and main.listener is None


def test_a_port_taken_is_said_once_and_readings_journaled_elsewhere_still_reach_the_room(
        qtbot, store, prompts, charting, clock):
    with socket.create_server(("127.0.0.1", 0)) as other:  # `ketamonitor listen`, say
        port = other.getsockname()[1]
        login_as(store, ADMIN)
        store.map_monitor_bed(APP, "INFUSION", "INFUSION^^Chair1", "3")
        listening_clinic(store, port)
        session_id = charting.started()
        main = opened_window(qtbot, store, prompts)
        assert main.listener is None
        said = main.monitor_feed.text()
        assert f"127.0.0.1:{port} is taken" in said and "ketamonitor listen" in said
        clock.advance(seconds=30)
        feed(store, clock)  # the other program's write
        main.tick()
        main.show_room()
        assert "not validated" in tile_of(main, session_id).monitor.text()
        assert main.monitor_feed.text() == said  # said once, kept, not cleared by a tick
        assert prompts.problems == []  # no dialog: the room goes on
        main.ticker.stop()
        main.close()


def test_the_administrator_switches_the_listener_on_in_settings_audited(
        qtbot, window, store):
    login_as(store, ADMIN)
    dialog = window.show_settings()
    assert not dialog.monitor_listen.isChecked()
    dialog.monitor_listen.setChecked(True)
    dialog.monitor_listen_port.setText(str(free_port()))
    assert dialog.save()
    assert store.setting("monitor_listen_enabled") == "on"
    (row,) = [r for r in audit_of(store, "settings") if "monitor_listen_enabled" in str(r)]
    assert "on" in row["new_value"]
    assert window.listener is not None and window.listener.running  # at once
    dialog = window.show_settings()
    dialog.monitor_listen_port.setText("70000")
    assert not dialog.save()
    assert "from 1 to 65535" in dialog.errors.text("monitor_listen_port")
    dialog.reject()


def test_a_reading_sent_to_the_windows_listener_reaches_the_tile_at_once(
        qtbot, store, prompts, charting, clock):
    """The listener tells the window when it charts: the room reads the reading and judges
    its alerts then, not at the next second's tick (stopped here, so it cannot be that)."""
    port = free_port()
    login_as(store, ADMIN)
    store.map_monitor_bed(APP, "INFUSION", "INFUSION^^Chair1", "3")
    listening_clinic(store, port)
    session_id = charting.started()
    main = opened_window(qtbot, store, prompts)
    main.ticker.stop()
    main.show_room()
    clock.advance(seconds=30)
    raw = build_oru([observation(150021, 196), observation(150022, 114)],
                    control_id="NOW-1", observed_at=clock.now())
    with qtbot.waitSignal(main.readings_charted, timeout=10_000), \
            socket.create_connection(("127.0.0.1", port), timeout=5) as monitor:
        monitor.sendall(frame(raw))
        assert b"|AA|NOW-1" in monitor.recv(4096)
    tile = tile_of(main, session_id)
    qtbot.waitUntil(lambda: "BP 196/114" in tile.monitor.text(), timeout=10_000)
    assert any("stop line" in row.text.text() for row in tile.alerts.rows)
    main.close()
