"""`ketamonitor listen`: headless, it says where it listens once bound, answers monitors,
stops cleanly on SIGTERM or SIGINT, runs beside the app, and never makes a database."""

from __future__ import annotations

import signal
import socket
import sys

import pytest

from ketamonitor.cli import ExitCode, main
from ketamonitor.core.clock import SystemClock
from ketamonitor.core.mllp import Frame, MllpReader, frame
from ketamonitor.core.oru_build import build_oru, observation
from ketamonitor.store.store import Store
from tests.e2e.writer import Child
from tests.people import FAST_HASHER


def listening(child: Child) -> tuple[str, int]:
    line = child.line()
    assert line is not None and line.startswith("listening on "), child.stderr()
    host, _, port = line.removeprefix("listening on ").rpartition(":")
    return host, int(port)


def answer_to(port: int, message: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(frame(message))
        reader = MllpReader(1 << 20)
        while True:
            data = sock.recv(65536)
            assert data, "closed without an answer"
            frames = [item for item in reader.feed(data) if isinstance(item, Frame)]
            if frames:
                return frames[0].message


def oru(control_id: str) -> bytes:
    return build_oru([observation(150456, 97)], control_id=control_id,
                     observed_at=SystemClock().now())


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_listen_answers_and_stops_cleanly_on_a_signal(clinic, tmp_path, stop):
    child = Child([sys.executable, "-m", "ketamonitor", "listen", "--db", str(clinic),
                   "--port", "0"], log_dir=tmp_path / "logs")
    try:
        host, port = listening(child)
        assert host == "127.0.0.1"  # the loopback address by default
        assert b"MSA|AA|CLI-1" in answer_to(port, oru("CLI-1"))
        child.process.send_signal(stop)
        assert child.process.wait(timeout=10) == ExitCode.OK
        log = (tmp_path / "logs" / "ketamonitor.log").read_text(encoding="utf-8")
        assert "monitor connection from 127.0.0.1:" in log
    finally:
        child.close()


def test_listen_runs_beside_the_app(clinic, tmp_path):
    with Store.open(clinic, SystemClock(), hasher=FAST_HASHER):  # the app holds the lock
        child = Child([sys.executable, "-m", "ketamonitor", "listen", "--db", str(clinic),
                       "--port", "0"], log_dir=tmp_path / "logs")
        try:
            _, port = listening(child)
            assert b"MSA|AA|BESIDE-1" in answer_to(port, oru("BESIDE-1"))
        finally:
            child.close()


def test_listen_never_makes_a_database(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KETAMONITOR_LOG_DIR", str(tmp_path / "logs"))
    missing = tmp_path / "nowhere.db"
    assert main(["listen", "--db", str(missing), "--port", "0"]) == ExitCode.DATABASE
    assert "No database here" in capsys.readouterr().err
    assert not missing.exists()


def test_listen_refuses_a_port_out_of_range(clinic, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KETAMONITOR_LOG_DIR", str(tmp_path / "logs"))
    assert main(["listen", "--db", str(clinic), "--port", "70000"]) == ExitCode.USAGE
    assert "--port must be from 0 to 65535" in capsys.readouterr().err


def test_listen_says_when_the_port_is_taken(clinic, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KETAMONITOR_LOG_DIR", str(tmp_path / "logs"))
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        assert main(["listen", "--db", str(clinic), "--port", str(port)]) == ExitCode.USAGE
    assert "cannot listen on 127.0.0.1:" in capsys.readouterr().err
