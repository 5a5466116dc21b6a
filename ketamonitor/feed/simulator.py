"""A monitor simulator: believable, seeded ketamine sessions sent as a bedside monitor or
its gateway would send them (HL7 v2 ORU^R01 over MLLP), for demos, tests and benchmarks of
the listener (issue 21, item 5).

Two parts, kept apart so the first is tested without a socket:

- The session generator (pure): `plan_session(seed, bed)` draws one bed's session, and
  `readings_at(plan, elapsed, ...)` gives its readings at an elapsed time of the session.
  Every value is a function of (seed, bed, elapsed) alone: nothing counts calls or ticks,
  so the same seed gives the same readings whatever the order or pace they are asked in.
  `BedFeed` turns them into the messages (and, with artifacts, the malformed frames) a
  monitor sends.
- The sender (`Simulator`): one TCP connection per bed (GE-like) or one for every bed
  (Mindray-like, the bed in PV1-3). Each message is framed, its ACK awaited; on no ACK, a
  timeout or a dropped connection it reconnects with backoff and resends the same message
  (the same control id) until it is answered: nothing is skipped. An AE or AR is counted
  and logged, never resent (resending it cannot help).

The session (minutes from its start; `SessionShape`): 20 of baseline, 40 of infusion, 60 of
observation. Systolic and diastolic rise by 15-25 / 8-15 mmHg, peaking 30-40 minutes into
the infusion, and fall back over the observation; the heart rate rises a little with them;
one SpO2 dip to 90-92 % for about a minute during the infusion, the respiratory rate falling
and the EtCO2 rising with it. NIBP comes with a cuff cycle (every 5 minutes, every 3 during
the infusion), the other readings with every message.

Times: a message is stamped with the injected clock's time (a monitor stamps its readings
with its own clock, and a listener refuses readings dated ahead of its clock), while the
session's elapsed time, which the physiology follows, is the clock's elapsed time times
`speed`: at 60, a whole session plays in two minutes.
"""

from __future__ import annotations

import logging
import math
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum

from ketamonitor.core.clock import Clock
from ketamonitor.core.hl7_text import AckCode
from ketamonitor.core.mllp import Frame, MllpReader, frame
from ketamonitor.core.oru_build import (
    Flavour,
    Observation,
    OruPatient,
    build_oru,
    default_bed,
    default_sender,
    observation,
)

log = logging.getLogger(__name__)

# -- the session ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionShape:
    """The phases' lengths and the cuff's cycles of a simulated session."""

    baseline: timedelta = timedelta(minutes=20)
    infusion: timedelta = timedelta(minutes=40)
    observation: timedelta = timedelta(minutes=60)
    cuff_every: timedelta = timedelta(minutes=5)
    cuff_every_infusing: timedelta = timedelta(minutes=3)
    #: How long after the infusion's end the BP is back at its baseline.
    recovered_after: timedelta = timedelta(minutes=45)

    @property
    def infusion_start(self) -> timedelta:
        return self.baseline

    @property
    def infusion_end(self) -> timedelta:
        return self.baseline + self.infusion

    @property
    def length(self) -> timedelta:
        return self.baseline + self.infusion + self.observation

    def cuff_times(self, after: timedelta, until: timedelta) -> list[timedelta]:
        """The cuff cycles' start times in (after, until]: from each phase's start, every
        `cuff_every` (`cuff_every_infusing` during the infusion); after the session, none."""
        times: list[timedelta] = []
        for start, end, every in (
                (timedelta(0), self.infusion_start, self.cuff_every),
                (self.infusion_start, self.infusion_end, self.cuff_every_infusing),
                (self.infusion_end, self.length + timedelta(microseconds=1), self.cuff_every)):
            moment = start
            while moment < end and moment <= until:
                if moment > after:
                    times.append(moment)
                moment += every
        return times


SESSION = SessionShape()


@dataclass(frozen=True)
class BedPlan:
    """One bed's session, drawn from the seed: the patient's baseline, the infusion's BP
    rise and its peak, and the SpO2 dip."""

    seed: int
    bed: int
    systolic: float
    diastolic: float
    heart_rate: float
    spo2: float
    respiratory_rate: float
    etco2: float
    systolic_rise: float
    diastolic_rise: float
    heart_rate_rise: float
    #: The BP's peak, from the infusion's start.
    peak_after: timedelta
    #: The SpO2 dip: its start (from the session's start), its length, its lowest value.
    dip_start: timedelta
    dip_length: timedelta
    dip_low: float
    #: Whether the monitor has ECG leads on (an ECG heart rate beside the oximeter's pulse).
    ecg: bool
    shape: SessionShape = SESSION


def plan_session(seed: int, bed: int, shape: SessionShape = SESSION) -> BedPlan:
    """Bed `bed`'s session (from 1) of the seed `seed`."""
    rng = _rng(seed, bed, "plan")
    dip_into_infusion = timedelta(minutes=rng.uniform(12, 34))
    return BedPlan(
        seed=seed, bed=bed,
        systolic=rng.uniform(117, 133), diastolic=rng.uniform(72, 84),
        heart_rate=rng.uniform(64, 80), spo2=rng.uniform(97.2, 98.6),
        respiratory_rate=rng.uniform(13, 15.5), etco2=rng.uniform(34, 38),
        systolic_rise=rng.uniform(15, 25), diastolic_rise=rng.uniform(8, 15),
        heart_rate_rise=rng.uniform(4, 10),
        peak_after=timedelta(minutes=rng.uniform(30, 38)),
        dip_start=shape.infusion_start + dip_into_infusion,
        dip_length=timedelta(seconds=rng.uniform(60, 90)),
        dip_low=rng.uniform(90, 92),
        ecg=rng.random() < 0.5,
        shape=shape,
    )


class Artifact(StrEnum):
    """What a monitor gets wrong, for the nurse (or the parser) to set aside."""

    #: The patient moved during the cuff's cycle: an implausible BP (250/40).
    CUFF_MOTION = "cuff motion"
    #: The cuff's cycle failed: NIBP sent with result status X (no result obtained).
    CUFF_FAILED = "cuff failed"
    #: The SpO2 probe is off: SpO2 0 %, or no SpO2 at all, and no pulse rate.
    PROBE_OFF = "probe off"


#: NIBP's result status (OBX-11) as monitors send it: not verified, and no result.
STATUS_READING = "R"
STATUS_NO_RESULT = "X"


@dataclass(frozen=True)
class SimulatedReadings:
    """What the monitor shows at `elapsed`: None for what it does not send then."""

    elapsed: timedelta
    #: Systolic, diastolic and mean of a cuff cycle that ended since the last message.
    nibp: tuple[int, int, int] | None
    nibp_status: str
    spo2: int | None
    pulse_rate: int | None
    heart_rate: int | None
    respiratory_rate: int
    etco2: int
    artifacts: tuple[Artifact, ...] = ()


def bp_rise(plan: BedPlan, elapsed: timedelta) -> float:
    """The share (0 to 1) of the bed's BP rise at `elapsed`: none before the infusion,
    rising smoothly to its peak, then falling back, none again `recovered_after` the
    infusion's end."""
    shape = plan.shape
    peak = shape.infusion_start + plan.peak_after
    recovered = shape.infusion_end + shape.recovered_after
    if elapsed <= shape.infusion_start or elapsed >= recovered:
        return 0.0
    if elapsed <= peak:
        return math.sin(math.pi / 2 * ((elapsed - shape.infusion_start) / plan.peak_after)) ** 2
    return math.cos(math.pi / 2 * ((elapsed - peak) / (recovered - peak))) ** 2


def dip_depth(plan: BedPlan, elapsed: timedelta) -> float:
    """The share (0 to 1) of the SpO2 dip at `elapsed`: a V over the dip's length."""
    into = (elapsed - plan.dip_start) / plan.dip_length
    if not 0 <= into <= 1:
        return 0.0
    return math.sin(math.pi * into)


def readings_at(plan: BedPlan, elapsed: timedelta, *, previous: timedelta | None = None,
                artifacts: bool = False) -> SimulatedReadings:
    """The bed's readings at `elapsed` into its session, for a message sent then; NIBP
    when a cuff cycle started after `previous` (the elapsed time of the bed's message
    before, None for its first: then only a cycle starting at `elapsed` itself)."""
    elapsed = max(elapsed, timedelta(0))
    after = previous if previous is not None else elapsed - timedelta(microseconds=1)
    cuffs = plan.shape.cuff_times(after, elapsed)
    rng = _rng(plan.seed, plan.bed, "noise", elapsed)
    rise, dip = bp_rise(plan, elapsed), dip_depth(plan, elapsed)
    found: list[Artifact] = []
    nibp, nibp_status = None, STATUS_READING
    if cuffs:
        nibp, nibp_status, cuff_artifact = _cuff(plan, cuffs[-1], artifacts)
        if cuff_artifact:
            found.append(cuff_artifact)
    pulse = round(plan.heart_rate + plan.heart_rate_rise * rise + 3 * dip + rng.gauss(0, 1.5))
    spo2: int | None = min(100, round(plan.spo2 - 0.6 * rise
                                      - (plan.spo2 - plan.dip_low) * dip + rng.gauss(0, 0.4)))
    pulse_rate: int | None = pulse + round(rng.gauss(0, 1))
    respiratory = round(plan.respiratory_rate - 5 * dip + rng.gauss(0, 0.7))
    etco2 = round(plan.etco2 + 4 * dip + rng.gauss(0, 0.8))
    probe_off = _probe_off(plan, elapsed) if artifacts else None
    if probe_off is not None:
        found.append(Artifact.PROBE_OFF)
        spo2 = 0 if probe_off else None
        pulse_rate = None
    return SimulatedReadings(
        elapsed=elapsed, nibp=nibp, nibp_status=nibp_status, spo2=spo2,
        pulse_rate=pulse_rate, heart_rate=pulse if plan.ecg else None,
        respiratory_rate=max(respiratory, 4), etco2=etco2, artifacts=tuple(found))


def _cuff(plan: BedPlan, started: timedelta, artifacts: bool
          ) -> tuple[tuple[int, int, int], str, Artifact | None]:
    """The NIBP of the cuff cycle started at `started`: its values drawn from that time
    (not the message's), so every message carrying it carries the same."""
    rng = _rng(plan.seed, plan.bed, "cuff", started)
    rise = bp_rise(plan, started)
    systolic = round(plan.systolic + plan.systolic_rise * rise + rng.gauss(0, 3))
    diastolic = round(plan.diastolic + plan.diastolic_rise * rise + rng.gauss(0, 2))
    artifact = None
    if artifacts and rng.random() < 0.12:
        if rng.random() < 0.5:
            artifact = Artifact.CUFF_MOTION
            systolic, diastolic = rng.randint(235, 260), rng.randint(35, 45)
        else:
            artifact = Artifact.CUFF_FAILED
    mean = round(diastolic + (systolic - diastolic) / 3)
    status = STATUS_NO_RESULT if artifact is Artifact.CUFF_FAILED else STATUS_READING
    return (systolic, diastolic, mean), status, artifact


#: Probe-off episodes: at most one in each window of this length, in a quarter of them.
_PROBE_WINDOW = timedelta(minutes=10)


def _probe_off(plan: BedPlan, elapsed: timedelta) -> bool | None:
    """None when the probe is on at `elapsed`; else whether the monitor sends SpO2 0 %
    (True) or no SpO2 at all (False) for it."""
    window = elapsed // _PROBE_WINDOW
    rng = _rng(plan.seed, plan.bed, "probe", window)
    if rng.random() >= 0.25:
        return None
    start = _PROBE_WINDOW * window + timedelta(seconds=rng.uniform(0, 480))
    if not start <= elapsed < start + timedelta(seconds=rng.uniform(40, 90)):
        return None
    return rng.random() < 0.5


def _rng(seed: int, bed: int, what: str, at: object = "") -> random.Random:
    """A generator for one draw of one bed: the same (seed, bed, what, at) always draws
    the same numbers (a string seed is hashed with SHA-512, not Python's salted hash)."""
    if isinstance(at, timedelta):
        at = round(at / timedelta(milliseconds=1))
    return random.Random(f"{seed}:{bed}:{what}:{at}")


# -- the messages ----------------------------------------------------------------------------


class Malformed(StrEnum):
    """A frame a monitor or a line sends wrong (with artifacts)."""

    #: A message whose MSH's encoding characters are broken: refused (AR) by a listener.
    BROKEN_MSH = "broken MSH"
    #: Bytes outside any frame, written before a message's frame.
    GARBAGE = "garbage"
    #: A frame started and never finished, the next message's frame coming first.
    TRUNCATED = "truncated"


@dataclass(frozen=True)
class Outgoing:
    """A message to send and have answered: its frame, and bytes to write before it the
    first time only (garbage, an unfinished frame)."""

    control_id: str
    bed: int
    framed: bytes
    #: A malformed message sent on purpose: answered AR or AE, or not at all; never resent.
    malformed: Malformed | None = None
    prefix: bytes = b""
    readings: SimulatedReadings | None = None


#: The share of messages sent with a malformed frame beside them (with artifacts).
MALFORMED_SHARE = 0.03
GARBAGE_BYTES = b"\x00\xffNOT HL7 \x07\x1b[0m\r\n"


class BedFeed:
    """One bed's messages, in order: each reading's ORU^R01, control ids numbered from 1
    after a run tag, and (with artifacts) an occasional malformed frame."""

    def __init__(self, plan: BedPlan, *, flavour: Flavour, run: str, artifacts: bool = False,
                 zone: tzinfo = UTC, bed_text: str | None = None,
                 sending_application: str | None = None) -> None:
        self.plan = plan
        #: The monitor's clock: the GE-like flavour writes its wall-clock time, no offset.
        self.zone = zone
        self.flavour = flavour
        self.artifacts = artifacts
        self.bed_text = bed_text or default_bed(plan.bed)
        self.sending_application = sending_application or default_sender(flavour, plan.bed)
        self.run = run
        self.sent = 0
        self._previous: timedelta | None = None

    def control_id(self, number: int, tag: str = "") -> str:
        return f"{self.run}-{self.plan.bed:02d}{tag}-{number:06d}"

    def next_messages(self, elapsed: timedelta, now: datetime) -> list[Outgoing]:
        """The message of the readings at `elapsed`, stamped `now`; with artifacts, a
        malformed frame before it now and then (chosen by the message's number)."""
        readings = readings_at(self.plan, elapsed, previous=self._previous,
                               artifacts=self.artifacts)
        self._previous = elapsed
        self.sent += 1
        control_id = self.control_id(self.sent)
        message = build_oru(
            simulated_observations(readings, self.flavour), control_id=control_id,
            observed_at=now, bed=self.bed_text, flavour=self.flavour,
            patient=OruPatient(f"SIM-{self.plan.seed}-{self.plan.bed:02d}", "Simulated",
                               f"Bed {self.plan.bed}"),
            sending_application=self.sending_application, zone=self.zone)
        kind = self.malformed_kind(self.sent)
        out: list[Outgoing] = []
        prefix = b""
        if kind is Malformed.BROKEN_MSH:
            out.append(Outgoing(self.control_id(self.sent, "X"), self.plan.bed,
                                frame(broken_msh(message, self.control_id(self.sent, "X"))),
                                malformed=kind))
        elif kind is Malformed.GARBAGE:
            prefix = GARBAGE_BYTES
        elif kind is Malformed.TRUNCATED:
            prefix = b"\x0b" + message[:len(message) // 2]
        out.append(Outgoing(control_id, self.plan.bed, frame(message), prefix=prefix,
                            readings=readings))
        return out

    def malformed_kind(self, number: int) -> Malformed | None:
        """Whether message `number` of the bed comes with a malformed frame, and which."""
        if not self.artifacts:
            return None
        rng = _rng(self.plan.seed, self.plan.bed, "malformed", number)
        if rng.random() >= MALFORMED_SHARE:
            return None
        return rng.choice(list(Malformed))


def simulated_observations(readings: SimulatedReadings, flavour: Flavour) -> list[Observation]:
    """The OBX of the readings, NIBP first, as the flavour writes them."""
    out: list[Observation] = []
    if readings.nibp is not None:
        for code, value in zip((150021, 150022, 150023), readings.nibp, strict=True):
            item = observation(code, value, flavour=flavour)
            out.append(Observation(item.code, item.value, item.units,
                                   status=readings.nibp_status))
    for code, reading in ((150456, readings.spo2), (149530, readings.pulse_rate),
                          (147842, readings.heart_rate), (151562, readings.respiratory_rate),
                          (151708, readings.etco2)):
        if reading is not None:
            out.append(observation(code, reading, flavour=flavour))
    return out


def broken_msh(message: bytes, control_id: str) -> bytes:
    """The message with its MSH's encoding characters cut to two and its control id
    replaced: a header no HL7 reader can split."""
    segments = message.split(b"\r")
    fields = segments[0].split(b"|")
    fields[1] = b"^~"
    fields[9] = control_id.encode()
    return b"\r".join([b"|".join(fields), *segments[1:]])


# -- the sender -----------------------------------------------------------------------------


class BadAddress(ValueError):
    """A `--to` that names no place to connect to."""


def parse_address(text: str) -> tuple[str, int]:
    """HOST:PORT (an IPv6 host in brackets) as a host and a port; BadAddress otherwise."""
    host, colon, port_text = text.rpartition(":")
    if not colon or not host or not port_text.isdigit():
        raise BadAddress(f"{text!r} is not HOST:PORT")
    port = int(port_text)
    if not 0 < port < 65536:
        raise BadAddress(f"port {port} is not between 1 and 65535")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise BadAddress(f"{text!r} is not HOST:PORT (an IPv6 address goes in brackets)")
    if not host:
        raise BadAddress(f"{text!r} names no host")
    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise BadAddress(f"host {host!r} cannot be found ({error})") from None
    return host, port


@dataclass(frozen=True)
class SimulatorOptions:
    """How to send: see `ketamonitor monitor-sim --help`."""

    host: str
    port: int
    beds: int = 1
    seed: int = 1
    #: Seconds of session time between a bed's messages; 0: as fast as ACKs come back.
    interval: float = 30.0
    flavour: Flavour = Flavour.MINDRAY
    artifacts: bool = False
    #: Messages per bed (None: until `minutes` of session time).
    count: int | None = None
    minutes: float | None = None
    speed: float = 1.0
    ack_timeout: float = 10.0
    #: The first wait before reconnecting, doubled each time up to `backoff_max`.
    backoff: float = 0.2
    backoff_max: float = 5.0


@dataclass
class Summary:
    """What was sent and how it was answered: `sent` counts the messages written (each
    once, malformed ones among them), `resent` the times one was written again."""

    sent: int = 0
    malformed: int = 0
    accepted: int = 0
    errors: int = 0
    rejected: int = 0
    unanswered: int = 0
    resent: int = 0
    interrupted: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, what: str, by: int = 1) -> None:
        with self.lock:
            setattr(self, what, getattr(self, what) + by)

    def line(self) -> str:
        return (f"sent {self.sent} ({self.malformed} malformed), AA {self.accepted}, "
                f"AE {self.errors}, AR {self.rejected}, unanswered {self.unanswered}, "
                f"resent {self.resent}{', interrupted' if self.interrupted else ''}")


class _Lost(Exception):
    """The connection failed before an answer came: reconnect and resend."""


@dataclass(frozen=True)
class Answer:
    """An ACK read back: its code and the control id it answers (MSA-2, "" when the
    message could not be read)."""

    code: str
    control_id: str


def read_ack(message: bytes) -> Answer | None:
    """MSA-1 and MSA-2 of an ACK; None when the bytes hold no MSA."""
    text = message.decode("utf-8", "replace")
    separator = text[3:4] if text.startswith("MSH") else "|"
    for segment in text.replace("\n", "\r").split("\r"):
        if segment.startswith("MSA" + separator):
            fields = segment.split(separator)
            return Answer(fields[1] if len(fields) > 1 else "",
                          fields[2] if len(fields) > 2 else "")
    return None


class _Link:
    """One TCP connection to the listener, made again when lost."""

    def __init__(self, options: SimulatorOptions, stop: threading.Event, name: str) -> None:
        self.options = options
        self.stop = stop
        self.name = name
        self.socket: socket.socket | None = None
        self.reader = MllpReader(1_048_576)
        self.answers: list[Answer] = []

    def send(self, data: bytes) -> None:
        if self.socket is None:
            try:
                self.socket = socket.create_connection(
                    (self.options.host, self.options.port), timeout=self.options.ack_timeout)
            except OSError as error:
                raise _Lost(f"cannot connect ({error.strerror or error})") from None
            self.reader = MllpReader(1_048_576)
            self.answers = []
        try:
            self.socket.sendall(data)
        except OSError as error:
            raise _Lost(f"the connection failed while sending ({error.strerror or error})"
                        ) from None

    def answer(self, control_id: str, deadline: float, now: Callable[[], float], *,
               unreadable: bool = False) -> Answer:
        """The ACK of `control_id`; _Lost on a dropped connection or at the deadline. An
        answer naming no message (MSA-2 empty: to bytes that were not a readable message)
        is taken only for a message sent `unreadable`: a readable one is answered by its
        control id, and must not be taken as answered by the answer to garbage sent
        before it."""
        assert self.socket is not None
        while True:
            while self.answers:
                answer = self.answers.pop(0)
                if answer.control_id == control_id or (unreadable and not answer.control_id):
                    return answer
                log.info("%s: an ACK for %r while waiting for %s's: not its answer",
                         self.name, answer.control_id, control_id)
            left = deadline - now()
            if left <= 0 or self.stop.is_set():
                raise _Lost("no ACK in time")
            try:
                self.socket.settimeout(min(left, 0.5))
                data = self.socket.recv(65_536)
            except TimeoutError:
                continue
            except OSError as error:
                raise _Lost(f"the connection failed ({error.strerror or error})") from None
            if not data:
                raise _Lost("the listener closed the connection")
            for item in self.reader.feed(data):
                found = read_ack(item.message) if isinstance(item, Frame) else None
                if found is not None:
                    self.answers.append(found)

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close()
            self.socket = None


class Simulator:
    """Beds sending their sessions to a listener, until each has sent its count or played
    its minutes (or `stop` is set)."""

    def __init__(self, options: SimulatorOptions, clock: Clock, *,
                 monotonic: Callable[[], float] | None = None) -> None:
        self.options = options
        self.clock = clock
        self.started = clock.now()
        run = self.started.strftime("%d%H%M%S")
        self.feeds = [BedFeed(plan_session(options.seed, bed), flavour=options.flavour,
                              run=run, artifacts=options.artifacts, zone=clock.local_zone)
                      for bed in range(1, options.beds + 1)]
        self.summary = Summary()
        self.stop = threading.Event()
        self._monotonic = monotonic or time.monotonic
        #: What stopped a connection's thread that is not the network's (a bug).
        self.failure: Exception | None = None

    def beds(self) -> list[str]:
        """One line per bed: its PV1-3 and its sender."""
        return [f"bed {feed.bed_text} as {feed.sending_application}" for feed in self.feeds]

    def run(self) -> Summary:
        """Send, one thread per connection, and wait for them all. A bug in a thread stops
        them all and is raised here, for the command's last net."""
        groups = ([[feed] for feed in self.feeds] if self.options.flavour is Flavour.GE
                  else [self.feeds])
        threads = [threading.Thread(target=self._send_group, args=(group,),
                                    name=f"monitor-sim-{index}", daemon=True)
                   for index, group in enumerate(groups, start=1)]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.25)
        except KeyboardInterrupt:
            self.summary.interrupted = True
            self.stop.set()
            for thread in threads:
                thread.join()
        if self.failure is not None:
            raise self.failure
        return self.summary

    def elapsed(self) -> timedelta:
        """The session time: the clock's elapsed time times the speed."""
        return (self.clock.now() - self.started) * self.options.speed

    def _send_group(self, feeds: Sequence[BedFeed]) -> None:
        name = ", ".join(feed.bed_text for feed in feeds)
        link = _Link(self.options, self.stop, name)
        try:
            for _ in self._rounds():
                for feed in feeds:
                    for outgoing in feed.next_messages(self.elapsed(), self.clock.now()):
                        self._deliver(link, outgoing)
                        if self.stop.is_set():
                            return
        except Exception as error:  # a bug: every thread stops, `run` raises it
            self.failure = self.failure or error
            self.stop.set()
        finally:
            link.close()

    def _rounds(self) -> Iterator[int]:
        """The rounds of messages: each waits until its time (`interval` of session time
        after the last), and ends with the count or the minutes."""
        options = self.options
        period = options.interval / options.speed
        number = 0
        due = self._monotonic()
        while not self.stop.is_set():
            if options.count is not None and number >= options.count:
                return
            if (options.minutes is not None
                    and self.elapsed() >= timedelta(minutes=options.minutes)):
                return
            if period and self.stop.wait(max(0.0, due - self._monotonic())):
                return
            number += 1
            due += period
            yield number

    def _deliver(self, link: _Link, outgoing: Outgoing) -> None:
        """Send `outgoing` until it is answered (a malformed one: once, answered or not)."""
        summary, options = self.summary, self.options
        wait, written = options.backoff, False
        data = outgoing.prefix + outgoing.framed
        while not self.stop.is_set():
            try:
                link.send(data)
                if written:  # counted once it is on the wire (again)
                    summary.count("resent")
                else:
                    summary.count("sent")
                    if outgoing.malformed:
                        summary.count("malformed")
                written, data = True, outgoing.framed
                answer = link.answer(outgoing.control_id,
                                     self._monotonic() + options.ack_timeout, self._monotonic,
                                     unreadable=outgoing.malformed is Malformed.BROKEN_MSH)
            except _Lost as lost:
                link.close()
                if self.stop.is_set():
                    return
                if outgoing.malformed and written:
                    log.info("%s: no answer to the %s frame (%s)", link.name,
                             outgoing.malformed, lost)
                    summary.count("unanswered")
                    return
                log.warning("%s: %s: %s; %s in %.1f s", link.name, outgoing.control_id,
                            lost, "sending it again" if written else "trying again", wait)
                if self.stop.wait(wait):
                    return
                wait = min(wait * 2, options.backoff_max)
                continue
            self._counted(link, outgoing, answer)
            return

    def _counted(self, link: _Link, outgoing: Outgoing, answer: Answer) -> None:
        summary = self.summary
        if answer.code in (AckCode.ACCEPT, "CA"):
            summary.count("accepted")
            if outgoing.malformed:
                log.warning("%s: the %s frame %s was accepted (AA)", link.name,
                            outgoing.malformed, outgoing.control_id)
            return
        summary.count("errors" if answer.code in (AckCode.ERROR, "CE") else "rejected")
        level = logging.INFO if outgoing.malformed else logging.WARNING
        log.log(level, "%s: %s answered %s", link.name, outgoing.control_id,
                answer.code or "without a code")
