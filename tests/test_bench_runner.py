"""`make bench` keeps going past a broken benchmark and says which one broke."""

from __future__ import annotations

import pytest

from benchmarks import __main__ as bench


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
