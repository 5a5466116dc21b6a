"""A child process for the end-to-end tests: a nurse charting as fast as the store allows.

    python writer.py DB            chart a running IV infusion, one vitals set after another
    python writer.py DB --hold     open the store, say "ready", and hold it until stdin closes

Charting mode prints `opening`, opens DB with the system clock, reuses the session already
running in it (or registers a patient and starts one), starts the infusion if it has not
started, then prints

    started <session id> <dose start, as stored: UTC ISO-8601 with milliseconds>

and records vitals sets in a loop, printing `saved <vitals id>` once each `record_vitals` has
returned, that is once the store has confirmed the entry. The parent kills it with SIGKILL.
Every line is flushed at once, so what the parent reads is what the child had confirmed.

The tests start it (or any command) through `Child`, which reads its output line by line with
timeouts, so no test ever sleeps to wait for a process.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from itertools import count
from pathlib import Path

from ketamonitor.core.clock import SystemClock
from ketamonitor.core.phases import Action, Phase
from ketamonitor.core.times import to_stored
from ketamonitor.core.vitals import parse_vitals
from ketamonitor.store.store import Store

REPO_ROOT = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).resolve()

#: An orphaned writer (its parent gone without killing it) stops on its own after this long.
MAX_SECONDS = 60.0


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _fast_hasher() -> object:
    """The tests' cheap Argon2id profile (tests/people.py), imported once the repository is
    on the path."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from tests.people import FAST_HASHER

    return FAST_HASHER


def hold(db_path: Path) -> int:
    with Store.open(db_path, SystemClock(), hasher=_fast_hasher(), create=True):
        say("ready")
        sys.stdin.read()  # until the parent closes our stdin, or kills us
    return 0


def running_session(store: Store) -> tuple[int, str]:
    """The infusing session of this database, started if need be; its id and dose start."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from tests.charting import Charting
    from tests.people import add_people

    add_people(store)

    charting = Charting(store, store.clock)  # it only asks its clock now() and the zone
    unfinished = store.unfinished_sessions()
    if unfinished:
        session_id = unfinished[0].session_id
    else:
        patient = store.patient_by_mrn("MRN-1001") or charting.patient()
        session_id = charting.session(patient=patient)
    chart = store.chart(session_id)
    if chart.phase is Phase.PRE_INFUSION:
        charting.ready_to_start(session_id)
        change = store.change_phase(session_id, Action.START_INFUSION)
        return session_id, to_stored(change.at)  # as it is stored: to the millisecond
    if chart.phase is not Phase.INFUSING:
        raise SystemExit(f"writer: session {session_id} is {chart.phase.value}, not infusing")
    started = chart.timeline.dose_started_at
    assert started is not None
    return session_id, to_stored(started)


def write(db_path: Path) -> int:
    clock = SystemClock()
    deadline = time.monotonic() + MAX_SECONDS
    say("opening")
    with Store.open(db_path, clock, hasher=_fast_hasher(), create=True) as store:
        session_id, dose_started = running_session(store)
        say(f"started {session_id} {dose_started}")
        began = store.chart(session_id).session.began_at
        for n in count():
            typed = {"systolic": str(110 + n % 40), "diastolic": str(60 + n % 30),
                     "heart_rate": str(60 + n % 41), "spo2": str(94 + n % 7),
                     "respiratory_rate": str(10 + n % 9)}
            vitals = parse_vitals(typed, now=clock.now(), session_began=began,
                                  zone=clock.local_zone)
            vitals_id = store.record_vitals(session_id, vitals)
            say(f"saved {vitals_id}")
            if time.monotonic() > deadline:
                break
    return 0


class Child:
    """A process started by a test; its stdout read line by line, with timeouts."""

    def __init__(self, args: Sequence[str], *, log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
               "KETAMONITOR_LOG_DIR": str(log_dir)}
        self._stderr_path = log_dir / f"stderr-{time.monotonic_ns()}.txt"
        self._stderr = self._stderr_path.open("wb")
        self.process = subprocess.Popen(
            list(args), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            env=env, cwd=REPO_ROOT, text=True, encoding="utf-8")
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._ended = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @classmethod
    def writer(cls, db_path: Path, *extra: str, log_dir: Path) -> Child:
        return cls([sys.executable, str(WRITER), str(db_path), *extra], log_dir=log_dir)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line.rstrip("\n"))
        self._lines.put(None)

    def line(self, timeout: float = 10.0) -> str | None:
        """The next line it printed; None once its output has ended."""
        if self._ended:
            return None
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no line from the child in {timeout} s; its stderr:\n"
                               f"{self.stderr()}") from None
        self._ended = line is None
        return line

    def pending(self) -> int:
        """How many lines it has printed that were not read yet."""
        return self._lines.qsize()

    def lines_for(self, seconds: float) -> list[str]:
        """Every line it prints in the next `seconds` (fewer if its output ends)."""
        deadline = time.monotonic() + seconds
        lines: list[str] = []
        while not self._ended:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                line = self.line(remaining)
            except TimeoutError:
                break
            if line is not None:
                lines.append(line)
        return lines

    def kill(self) -> list[str]:
        """SIGKILL it, wait for it to be gone, and return what it printed but was not read."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._reader.join(timeout=10)
        rest: list[str] = []
        while (line := self.line(timeout=1.0)) is not None:
            rest.append(line)
        return rest

    def stderr(self) -> str:
        self._stderr.flush()
        return self._stderr_path.read_text(encoding="utf-8", errors="replace")

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                self.kill()
            self.process.wait(timeout=10)
            self._reader.join(timeout=10)
        finally:
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    stream.close()
            self._stderr.close()

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def main(argv: list[str]) -> int:
    db_path = Path(argv[1])
    if argv[2:] == ["--hold"]:
        return hold(db_path)
    return write(db_path)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
