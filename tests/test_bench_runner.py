"""`make bench` keeps going past a broken benchmark and says which one broke."""

from __future__ import annotations

import pytest

from benchmarks import __main__ as bench
from benchmarks.people import NURSE, add_nurse
from ketamonitor.core.clock import FakeClock
from ketamonitor.core.patient import parse_patient
from ketamonitor.store.store import Store
from tests.conftest import START
from tests.people import FAST_HASHER


def _fine() -> list[str]:
    return ["bench fine_ms: 1.0 ms"]


def _broken() -> list[str]:
    raise FileNotFoundError("dist/ketamonitor is not built")


_broken.__module__ = "benchmarks.frozen_start"


def test_a_broken_benchmark_is_reported_and_the_rest_still_run(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(bench, "BENCHMARKS", (_broken, _fine))

    code = bench.main()

    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out == [
        "bench frozen_start: n/a (FileNotFoundError: dist/ketamonitor is not built)",
        "bench fine_ms: 1.0 ms",
    ]


def test_a_clean_run_exits_zero(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(bench, "BENCHMARKS", (_fine,))

    assert bench.main() == 0
    assert capsys.readouterr().out == "bench fine_ms: 1.0 ms\n"


def test_the_benchmarks_nurse_can_chart_as_the_room_does(tmp_path) -> None:
    """The benchmarks chart as a nurse an administrator added: one who has chosen their own
    password (one still on a given password may not chart, and every figure would break)."""
    clock = FakeClock(START)
    with Store.open(tmp_path / "bench.db", clock, hasher=FAST_HASHER, create=True) as store:
        add_nurse(store)
        assert store.account.username == NURSE
        patient = store.register_patient(parse_patient(
            {"mrn": "MRN-1", "family_name": "Lin", "given_name": "Bo",
             "birth_date": "1990-01-02", "weight_kg": "70"}, today=clock.now().date()))
        assert patient.id > 0
