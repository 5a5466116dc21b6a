"""The monitor simulator: believable seeded sessions (the generator, without sockets), the
messages a listener reads from them, and the sender against a small MLLP listener of the
test's own on loopback that answers AA, drops a connection once and answers one AE."""

from __future__ import annotations

import itertools
import logging
import socket
import statistics
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ketamonitor.cli import ExitCode, main
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.hl7_ack import acknowledgement, refusal_acknowledgement
from ketamonitor.core.hl7_text import AckCode
from ketamonitor.core.mllp import Frame, FrameProblem, MllpReader, ProblemKind, frame
from ketamonitor.core.monitor_message import (
    MessageRefusal,
    MonitorMessage,
    parse_monitor_message,
)
from ketamonitor.core.oru_build import Flavour
from ketamonitor.feed.simulator import (
    SESSION,
    Artifact,
    BadAddress,
    BedFeed,
    Malformed,
    SimulatedReadings,
    Simulator,
    SimulatorOptions,
    bp_rise,
    parse_address,
    plan_session,
    read_ack,
    readings_at,
)
from tests.core.hl7_checks import strictly_valid

START = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
MINUTE = timedelta(minutes=1)
SEEDS_AND_BEDS = [(seed, bed) for seed in (1, 2, 3) for bed in (1, 2, 3, 4)]


def session_steps(step: timedelta = timedelta(seconds=30)) -> Iterator[timedelta]:
    moment = timedelta(0)
    while moment <= SESSION.length:
        yield moment
        moment += step


def played(seed: int, bed: int, *, artifacts: bool = False,
           step: timedelta = timedelta(seconds=30)) -> list[SimulatedReadings]:
    """A whole session of one bed, a message every `step`."""
    plan = plan_session(seed, bed)
    out, previous = [], None
    for moment in session_steps(step):
        out.append(readings_at(plan, moment, previous=previous, artifacts=artifacts))
        previous = moment
    return out


def nibp_at(readings: list[SimulatedReadings], start: timedelta,
            end: timedelta) -> list[int]:
    return [r.nibp[0] for r in readings if r.nibp and start <= r.elapsed < end]


# -- the physiology -------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "bed"), SEEDS_AND_BEDS)
def test_the_bp_rises_during_the_infusion_peaks_at_30_to_40_minutes_and_falls_back(seed, bed):
    plan = plan_session(seed, bed)
    readings = played(seed, bed)
    baseline = statistics.mean(nibp_at(readings, timedelta(0), SESSION.infusion_start))
    assert 110 <= baseline <= 140
    peak = SESSION.infusion_start + plan.peak_after
    assert timedelta(minutes=30) <= plan.peak_after <= timedelta(minutes=40)
    around_peak = statistics.mean(nibp_at(readings, peak - 4 * MINUTE, peak + 4 * MINUTE))
    assert 10 <= around_peak - baseline <= 30
    last = statistics.mean(nibp_at(readings, SESSION.length - 15 * MINUTE,
                                   SESSION.length + MINUTE))
    assert abs(last - baseline) <= 6
    diastolic = [r.nibp[1] for r in readings if r.nibp]
    assert max(diastolic) - min(diastolic) >= 8  # the diastolic rises with it
    assert bp_rise(plan, peak) == pytest.approx(1)
    assert bp_rise(plan, SESSION.infusion_start) == bp_rise(plan, SESSION.length) == 0


@pytest.mark.parametrize(("seed", "bed"), SEEDS_AND_BEDS)
def test_one_spo2_dip_during_the_infusion_with_the_breathing_slowing(seed, bed):
    plan = plan_session(seed, bed)
    assert SESSION.infusion_start <= plan.dip_start < SESSION.infusion_end
    readings = played(seed, bed, step=timedelta(seconds=5))
    low = [r for r in readings if r.spo2 is not None and r.spo2 <= 93]
    assert low, "no dip"
    assert all(plan.dip_start <= r.elapsed <= plan.dip_start + plan.dip_length for r in low)
    assert min(r.spo2 for r in low if r.spo2 is not None) in range(89, 93)
    deepest = readings_at(plan, plan.dip_start + plan.dip_length / 2)
    usual = readings_at(plan, plan.dip_start - 2 * MINUTE)
    assert deepest.respiratory_rate <= usual.respiratory_rate - 3
    assert deepest.etco2 >= usual.etco2 + 2
    elsewhere = [r.spo2 for r in readings if r not in low]
    assert min(s for s in elsewhere if s is not None) >= 94
    assert all(10 <= r.respiratory_rate <= 18 for r in readings if r not in low)


def test_nibp_comes_with_each_cuff_cycle_every_5_minutes_and_every_3_during_the_infusion():
    readings = played(1, 1)
    cuffs = [r.elapsed for r in readings if r.nibp]
    gaps = {(int(b.total_seconds() // 60), int((b - a).total_seconds() // 60))
            for a, b in itertools.pairwise(cuffs)}
    assert cuffs[0] == timedelta(0)
    assert all(gap == 5 for at, gap in gaps if at <= 20 or at > 60)
    assert all(gap == 3 for at, gap in gaps if 20 < at < 59)
    assert len(cuffs) == 4 + 14 + 13  # baseline, infusion, observation (and its end)
    assert cuffs[-1] == SESSION.length
    late = readings_at(plan_session(1, 1), SESSION.length + 5 * MINUTE,
                       previous=SESSION.length + 4 * MINUTE)
    assert late.nibp is None  # the session over, the cuff stays still
    assert all(r.spo2 is not None and r.respiratory_rate and r.etco2 for r in readings)


def test_nibp_is_sent_once_per_cycle_whatever_the_interval():
    plan = plan_session(1, 1)
    one = readings_at(plan, timedelta(minutes=5), previous=timedelta(minutes=4))
    again = readings_at(plan, timedelta(minutes=5, seconds=1), previous=timedelta(minutes=5))
    late = readings_at(plan, timedelta(minutes=6, seconds=10), previous=timedelta(minutes=4))
    assert one.nibp is not None and again.nibp is None
    assert late.nibp == one.nibp  # the cycle's values, not the message's time's


def test_the_same_seed_gives_the_same_session_in_any_order_and_another_seed_another():
    assert plan_session(7, 2) == plan_session(7, 2)
    assert plan_session(7, 2) != plan_session(8, 2) != plan_session(7, 3)
    forward = played(7, 2, artifacts=True)
    assert forward == played(7, 2, artifacts=True)
    plan = plan_session(7, 2)
    backward = [readings_at(plan, r.elapsed, previous=r.elapsed - timedelta(seconds=30),
                            artifacts=True) for r in reversed(forward[1:])]
    assert backward[::-1] == forward[1:]
    assert forward != played(8, 2, artifacts=True)


def test_the_same_seed_and_clock_send_the_same_bytes():
    def messages(seed: int) -> list[bytes]:
        feed = BedFeed(plan_session(seed, 1), flavour=Flavour.MINDRAY, run="R", artifacts=True)
        return [b"".join(o.prefix + o.framed for o in feed.next_messages(m, START + m))
                for m in session_steps(MINUTE)]

    assert messages(3) == messages(3)
    assert messages(3) != messages(4)


# -- the messages, as a listener reads them ---------------------------------------------------


def read(raw: bytes, now: datetime) -> MonitorMessage | MessageRefusal:
    return parse_monitor_message(raw, UTC, now)


def unframed(framed: bytes) -> bytes:
    (item,) = MllpReader(1 << 20).feed(framed)
    assert isinstance(item, Frame)
    return item.message


@pytest.mark.parametrize("flavour", list(Flavour))
def test_every_message_of_a_session_parses_with_its_readings(flavour):
    """On a monitor set to the clinic's time: the GE-like one writes its wall clock without
    an offset, read back in the clinic's zone."""
    feed = BedFeed(plan_session(5, 3), flavour=flavour, run="R", zone=NEW_YORK)
    for moment in session_steps(MINUTE):
        now = START + moment
        (outgoing,) = feed.next_messages(moment, now)
        parsed = parse_monitor_message(unframed(outgoing.framed), NEW_YORK, now)
        assert isinstance(parsed, MonitorMessage), parsed
        assert parsed.header.control_id == outgoing.control_id
        assert parsed.bed.text == "INFUSION^^Chair3" and parsed.ignored == ()
        (reading_set,) = parsed.reading_sets
        assert reading_set.observed_at == now
        expected = outgoing.readings
        assert expected is not None
        want = {"spo2": expected.spo2, "heart_rate": expected.heart_rate or expected.pulse_rate,
                "respiratory_rate": expected.respiratory_rate}
        if expected.nibp:
            want |= {"systolic": expected.nibp[0], "diastolic": expected.nibp[1]}
        got = reading_set.measurements()
        assert {key: got.get(key) for key in want} == want
        assert ("systolic" in got) == (expected.nibp is not None)
        assert {r.code.name: r.value for r in reading_set.readings}[
            "MDC_AWAY_CO2_ET"] == expected.etco2


@pytest.mark.parametrize("flavour", list(Flavour))
def test_a_simulated_message_is_valid_hl7(flavour):
    feed = BedFeed(plan_session(1, 1), flavour=flavour, run="R")
    (outgoing,) = feed.next_messages(timedelta(0), START)
    strictly_valid(unframed(outgoing.framed))


def artifact_messages() -> Iterator[tuple[SimulatedReadings, MonitorMessage | MessageRefusal]]:
    for seed, bed in SEEDS_AND_BEDS:
        feed = BedFeed(plan_session(seed, bed), flavour=Flavour.MINDRAY, run="R",
                       artifacts=True)
        for moment in session_steps(timedelta(seconds=30)):
            outgoing = feed.next_messages(moment, START + moment)[-1]
            assert outgoing.readings is not None
            yield outgoing.readings, read(unframed(outgoing.framed), START + moment)


def test_artifacts_reach_the_listener_as_meant():
    seen: dict[Artifact, int] = dict.fromkeys(Artifact, 0)
    for readings, parsed in artifact_messages():
        assert isinstance(parsed, MonitorMessage)  # an artifact never refuses the message
        got = parsed.reading_sets[0].measurements()
        for artifact in readings.artifacts:
            seen[artifact] += 1
        if Artifact.CUFF_MOTION in readings.artifacts:
            # charted as sent, for the nurse to mark as cuff motion
            assert got["systolic"] >= 235 and got["diastolic"] <= 45
        if Artifact.CUFF_FAILED in readings.artifacts:
            # status X: kept aside by the parser, the rest of the set charted
            assert "systolic" not in got
            assert any("result status X" in item.reason for item in parsed.ignored)
        if Artifact.PROBE_OFF in readings.artifacts:
            assert got.get("spo2") in (0, None)
            assert all(r.code.name != "MDC_PULS_OXIM_PULS_RATE"
                       for r in parsed.reading_sets[0].readings)
            assert ("heart_rate" in got) == (readings.heart_rate is not None)  # the ECG's
        if not readings.artifacts:
            assert parsed.ignored == ()
    assert all(count > 0 for count in seen.values()), seen


def test_without_artifacts_there_are_none():
    for seed, bed in SEEDS_AND_BEDS[:4]:
        assert all(not r.artifacts for r in played(seed, bed))
        feed = BedFeed(plan_session(seed, bed), flavour=Flavour.GE, run="R")
        assert all(feed.malformed_kind(number) is None for number in range(1, 2000))


def test_malformed_frames_are_what_a_listener_refuses_or_discards():
    kinds: dict[Malformed, int] = dict.fromkeys(Malformed, 0)
    for seed, bed in SEEDS_AND_BEDS:
        feed = BedFeed(plan_session(seed, bed), flavour=Flavour.GE, run="R", artifacts=True)
        for moment in session_steps(timedelta(seconds=30)):
            now = START + moment
            sent = feed.next_messages(moment, now)
            wire = b"".join(o.prefix + o.framed for o in sent)
            items = MllpReader(1 << 20).feed(wire)
            frames = [item for item in items if isinstance(item, Frame)]
            problems = [item.kind for item in items if isinstance(item, FrameProblem)]
            last = read(frames[-1].message, now)
            assert isinstance(last, MonitorMessage)  # the reading itself always goes
            assert last.header.control_id == sent[-1].control_id
            kind = next((o.malformed for o in sent if o.malformed), None) or (
                feed.malformed_kind(feed.sent))
            if kind is None:
                assert len(sent) == 1 and not problems
                continue
            kinds[kind] += 1
            if kind is Malformed.BROKEN_MSH:
                refused = read(frames[0].message, now)
                assert isinstance(refused, MessageRefusal)
                assert refused.ack_code is AckCode.REJECT and refused.header is None
            elif kind is Malformed.GARBAGE:
                assert problems == [ProblemKind.GARBAGE] and len(frames) == 1
            else:
                assert problems == [ProblemKind.UNFINISHED] and len(frames) == 1
    assert all(count > 0 for count in kinds.values()), kinds


# -- the sender against a listener of the test's own -----------------------------------------


@dataclass
class Received:
    connection: int
    message: bytes
    control_id: str
    bed: str
    answered: str


@dataclass
class FakeListener:
    """An MLLP listener on loopback: frames are numbered in arrival order (from 1); the
    frame numbered in `drop` has its connection closed instead of an answer, those in
    `silent` no answer at all (the connection left open), those in `error` are answered
    AE, every other AA (or AR/AE as the parser refuses it). `server`: a socket already
    bound, to listen on from now."""

    now: Callable[[], datetime]
    drop: frozenset[int] = frozenset()
    silent: frozenset[int] = frozenset()
    error: frozenset[int] = frozenset()
    server: socket.socket | None = None
    received: list[Received] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        if self.server is None:
            self.server = socket.create_server(("127.0.0.1", 0))
        else:
            self.server.listen()
        self.server.settimeout(0.05)
        self.port = self.server.getsockname()[1]
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self.threads = [threading.Thread(target=self._accept)]
        self.threads[0].start()

    def _accept(self) -> None:
        assert self.server is not None
        while not self.closing.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            with self.lock:
                self.connections += 1
                thread = threading.Thread(target=self._serve,
                                          args=(connection, self.connections))
                self.threads.append(thread)
            thread.start()

    def _serve(self, connection: socket.socket, number: int) -> None:
        reader = MllpReader(1 << 20)
        with connection:
            while data := connection.recv(65_536):
                for item in reader.feed(data):
                    if isinstance(item, Frame) and not self._answer(connection, number, item):
                        return

    def _answer(self, connection: socket.socket, number: int, item: Frame) -> bool:
        parsed = parse_monitor_message(item.message, UTC, self.now())
        with self.lock:
            count = len(self.received) + 1
            if isinstance(parsed, MessageRefusal):
                ack = refusal_acknowledgement(parsed, control_id=f"L{count}", now=self.now())
                control_id, bed, code = "", "", parsed.ack_code.value
            else:
                code = AckCode.ERROR if count in self.error else AckCode.ACCEPT
                ack = acknowledgement(code, parsed.header, control_id=f"L{count}",
                                      now=self.now(), reason="a test's AE")
                control_id, bed = parsed.header.control_id, parsed.bed.text
            dropped = count in self.drop
            silent = count in self.silent
            self.received.append(Received(number, item.message, control_id, bed,
                                          "dropped" if dropped else "silent" if silent
                                          else code))
        if dropped:
            return False
        if not silent:
            connection.sendall(frame(ack))
        return True

    def close(self) -> None:
        self.closing.set()
        for thread in self.threads:
            thread.join()
        assert self.server is not None
        self.server.close()


@pytest.fixture
def listener_for() -> Iterator[Callable[..., FakeListener]]:
    made: list[FakeListener] = []

    def make(**kwargs: object) -> FakeListener:
        made.append(FakeListener(now=lambda: START, **kwargs))
        return made[-1]

    yield make
    for listener in made:
        listener.close()


def simulate(listener: FakeListener, **options: object) -> Simulator:
    simulator = Simulator(SimulatorOptions(host="127.0.0.1", port=listener.port, interval=0,
                                           backoff=0, **options),
                          FakeClock(START))
    summary = simulator.run()
    assert not summary.interrupted
    return simulator


def control_ids_by_bed(listener: FakeListener) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in listener.received:
        out.setdefault(item.bed, []).append(item.control_id)
    return out


@pytest.mark.parametrize("flavour", list(Flavour))
def test_nothing_is_skipped_a_dropped_message_is_resent_as_itself_and_an_ae_is_not(
        listener_for, flavour):
    listener = listener_for(drop=frozenset({5}), error=frozenset({9}))
    simulator = simulate(listener, beds=3, count=6, flavour=flavour)
    received = listener.received
    assert len(received) == 3 * 6 + 1  # one resent
    dropped = received[4]
    assert dropped.answered == "dropped"
    resent = next(item for item in received[5:] if item.bed == dropped.bed)
    assert resent.control_id == dropped.control_id and resent.message == dropped.message
    assert resent.connection != dropped.connection  # on a new connection
    for bed, ids in control_ids_by_bed(listener).items():
        numbers = sorted(set(ids))
        assert len(numbers) == 6, bed  # every message of every bed, none skipped
        assert ids == sorted(ids)  # in order
        assert len(ids) == 6 + (bed == dropped.bed)
    assert [item.answered for item in received].count("AE") == 1
    summary = simulator.summary
    assert (summary.sent, summary.accepted, summary.errors, summary.rejected,
            summary.resent) == (18, 17, 1, 0, 1)
    assert summary.line() == ("sent 18 (0 malformed), AA 17, AE 1, AR 0, unanswered 0, "
                              "resent 1")
    if flavour is Flavour.GE:  # a connection per bed, and one more after the drop
        assert listener.connections == 3 + 1
        for number in range(1, 5):
            assert len({i.bed for i in received if i.connection == number}) == 1
    else:  # every bed on one connection, and one more after the drop
        assert listener.connections == 2
        assert {i.bed for i in received if i.connection == 1} == {
            "INFUSION^^Chair1", "INFUSION^^Chair2", "INFUSION^^Chair3"}


def test_a_message_without_an_ack_in_time_is_resent_on_a_new_connection(listener_for):
    listener = listener_for(silent=frozenset({2}))
    simulator = simulate(listener, beds=1, count=3, ack_timeout=0.5)
    ids = [item.control_id for item in listener.received]
    assert ids[1] == ids[2] and ids == sorted(ids) and len(set(ids)) == 3  # sent again
    assert [item.answered for item in listener.received] == ["AA", "silent", "AA", "AA"]
    assert listener.received[2].connection == 2
    assert simulator.summary.resent == 1 and simulator.summary.accepted == 3


class _Said(logging.Handler):
    def __init__(self, words: str) -> None:
        super().__init__()
        self.words, self.said = words, threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.words in record.getMessage():
            self.said.set()


def test_a_listener_not_there_yet_is_waited_for_and_nothing_is_counted_resent(listener_for):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
    said = _Said("trying again")
    logging.getLogger("ketamonitor.feed.simulator").addHandler(said)
    simulator = Simulator(SimulatorOptions("127.0.0.1", closed.getsockname()[1], count=2,
                                           interval=0, backoff=0), FakeClock(START))
    summary: list[object] = []
    sending = threading.Thread(target=lambda: summary.append(simulator.run()))
    try:
        sending.start()
        assert said.said.wait(10)
        listener = listener_for(server=closed)
        sending.join(10)
    finally:
        simulator.stop.set()
        sending.join()
        logging.getLogger("ketamonitor.feed.simulator").removeHandler(said)
    assert [item.answered for item in listener.received] == ["AA", "AA"]
    assert simulator.summary.line() == (  # sent when written: refused connections aside
        "sent 2 (0 malformed), AA 2, AE 0, AR 0, unanswered 0, resent 0")


def test_stopped_before_a_listener_came_nothing_is_counted_sent():
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    said = _Said("trying again")
    logging.getLogger("ketamonitor.feed.simulator").addHandler(said)
    simulator = Simulator(SimulatorOptions("127.0.0.1", closed.getsockname()[1], beds=2,
                                           flavour=Flavour.GE, interval=0, backoff=0),
                          FakeClock(START))
    sending = threading.Thread(target=simulator.run)
    try:
        sending.start()
        assert said.said.wait(10)
    finally:
        simulator.stop.set()
        sending.join()
        logging.getLogger("ketamonitor.feed.simulator").removeHandler(said)
        closed.close()
    assert (simulator.summary.sent, simulator.summary.resent) == (0, 0)


def test_a_malformed_frame_is_answered_ar_and_not_resent(listener_for):
    listener = listener_for()
    simulator = simulate(listener, beds=2, count=120, flavour=Flavour.GE, artifacts=True,
                         seed=2)
    summary = simulator.summary
    assert summary.malformed > 0 and summary.rejected >= 1
    assert summary.resent == 0 and summary.unanswered == 0
    assert summary.accepted + summary.rejected == summary.sent
    readable = [item for item in listener.received if item.control_id]
    assert len(readable) == 2 * 120 == len({item.control_id for item in readable})


def test_a_bug_in_a_connection_stops_them_all_and_is_raised(listener_for, monkeypatch):
    listener = listener_for()

    def broken(self, elapsed, now):
        raise RuntimeError("a bug")

    monkeypatch.setattr(BedFeed, "next_messages", broken)
    simulator = Simulator(SimulatorOptions("127.0.0.1", listener.port, beds=3, count=2,
                                           interval=0, flavour=Flavour.GE), FakeClock(START))
    with pytest.raises(RuntimeError, match="a bug"):
        simulator.run()
    assert listener.received == []


def test_the_sender_names_each_bed(listener_for):
    listener = listener_for()
    ge = Simulator(SimulatorOptions("127.0.0.1", listener.port, beds=2, flavour=Flavour.GE),
                   FakeClock(START))
    assert ge.beds() == ["bed INFUSION^^Chair1 as CARESCAPE_01",
                         "bed INFUSION^^Chair2 as CARESCAPE_02"]
    mindray = Simulator(SimulatorOptions("127.0.0.1", listener.port, beds=1),
                        FakeClock(START))
    assert mindray.beds() == [
        "bed INFUSION^^Chair1 as MINDRAY_EGATEWAY^00A0370000000001^EUI-64"]


def test_an_ack_is_read_for_its_code_and_the_message_it_answers():
    assert read_ack(b"MSH|^~\\&|K|||||20261123||ACK^R01^ACK|L1|P|2.6\rMSA|AA|R-01-000001\r"
                    ).control_id == "R-01-000001"
    answer = read_ack(b"MSH|^~\\&|K\rMSA|AR\rERR|||100\r")
    assert answer is not None and (answer.code, answer.control_id) == ("AR", "")
    assert read_ack(b"MSH|^~\\&|K\r") is None


# -- the command ---------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["nowhere", "localhost:", "localhost:0", ":2575",
                                     "localhost:99999", "::1:2575", "host.invalid:2575"])
def test_a_bad_address_is_refused(address):
    with pytest.raises(BadAddress):
        parse_address(address)


def test_an_address_is_a_host_and_a_port():
    assert parse_address("127.0.0.1:2575") == ("127.0.0.1", 2575)
    assert parse_address("[::1]:2575") == ("::1", 2575)


@pytest.fixture
def _logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KETAMONITOR_LOG_DIR", str(tmp_path / "logs"))


@pytest.mark.usefixtures("_logs")
@pytest.mark.parametrize("wrong", [["--to", "nowhere"], ["--to", "localhost:0"],
                                   ["--to", "127.0.0.1:2575", "--beds", "0"],
                                   ["--to", "127.0.0.1:2575", "--speed", "0"],
                                   ["--to", "127.0.0.1:2575", "--interval", "-1"]])
def test_the_command_says_what_is_wrong_and_exits_2(wrong, capsys):
    assert main(["monitor-sim", *wrong]) == ExitCode.USAGE == 2
    said = capsys.readouterr()
    assert said.err.startswith("ketamonitor monitor-sim: ") and "Traceback" not in said.err


@pytest.mark.usefixtures("_logs")
def test_the_command_sends_and_sums_up(capsys):
    listener = FakeListener(now=lambda: datetime.now(UTC))
    try:
        assert main(["monitor-sim", "--to", f"127.0.0.1:{listener.port}", "--beds", "2",
                     "--flavour", "ge", "--count", "3", "--interval", "0"]) == ExitCode.OK
    finally:
        listener.close()
    out = capsys.readouterr().out.splitlines()
    assert out == ["bed INFUSION^^Chair1 as CARESCAPE_01", "bed INFUSION^^Chair2 as CARESCAPE_02",
                   "sent 6 (0 malformed), AA 6, AE 0, AR 0, unanswered 0, resent 0"]


@pytest.mark.usefixtures("_logs")
def test_a_bug_is_one_line_and_exit_1_never_a_traceback(monkeypatch, capsys):
    def broken(self, elapsed, now):
        raise RuntimeError("a bug")

    monkeypatch.setattr(BedFeed, "next_messages", broken)
    listener = FakeListener(now=lambda: datetime.now(UTC))
    try:
        assert main(["monitor-sim", "--to", f"127.0.0.1:{listener.port}", "--count", "1",
                     "--interval", "0"]) == ExitCode.REFUSED
    finally:
        listener.close()
    err = capsys.readouterr().err
    assert "ketamonitor monitor-sim: stopped by an unexpected error (RuntimeError: a bug)" in err
    assert "Traceback" not in err
