"""Work in stages with the window answering between them (and throughout a worker's stage):
each stage given the one before's result, on the thread it asks for; a failure ends the run
with the exception and runs no later stage."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QWidget

from ketamonitor.ui.export_progress import Stage, StagedRun


@pytest.fixture
def parent(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_each_stage_is_given_the_last_ones_result_on_the_thread_it_asks_for(qtbot, parent):
    threads: list[str] = []

    def step(add: int):
        def work(value):
            threads.append(threading.current_thread().name)
            return (value or 0) * 10 + add
        return work

    run = StagedRun(parent, "Counting", [Stage("one", step(1)),
                                         Stage("two", step(2), off_gui_thread=True),
                                         Stage("three", step(3))])
    run.start()
    assert threads == []  # started at the next turn of the event loop: the caller goes on
    with qtbot.waitSignal(run.finished) as finished:
        pass
    assert finished.args == [123]
    main = threading.main_thread().name
    assert threads[0] == main and threads[1] != main and threads[2] == main
    assert not run.running


@pytest.mark.parametrize("off_gui_thread", [False, True])
def test_a_stage_that_raises_ends_the_run_with_its_exception(qtbot, parent, off_gui_thread):
    ran: list[str] = []

    def refuse(_):
        raise ValueError("not this one")

    run = StagedRun(parent, "Failing", [Stage("refused", refuse, off_gui_thread=off_gui_thread),
                                        Stage("never", ran.append)])
    with qtbot.waitSignal(run.failed) as failed:
        run.start()
    (error,) = failed.args
    assert isinstance(error, ValueError) and str(error) == "not this one"
    assert ran == [] and not run.running
