"""A child that fails before its worker registers: the fold, whatever order its events
and its parent's report of its exit arrive in."""

from __future__ import annotations

from workloads.events import (
    FAILED,
    PROCESS,
    THREAD,
    ProcessExited,
    WorkerFailed,
    WorkerStarted,
)
from workloads.run_state import fold

PID = 4321
ERROR = "AttributeError: Can't get attribute 'square_numbers' on <module '__main__'>"


def _child_events() -> list:
    return [
        WorkerStarted("p1", 1.0, "Process-1", PROCESS, PID, PID),
        WorkerFailed("p1", 1.1, ERROR, "Traceback ...\n" + ERROR, 0.0),
    ]


def test_its_own_report_first() -> None:
    state = fold([*_child_events(), ProcessExited(1.2, PID, 1)])
    assert list(state.workers) == ["p1"]
    w = state.workers["p1"]
    assert (w.state, w.error) == (FAILED, ERROR) and ERROR in w.traceback


def test_its_exit_first_the_stand_in_gives_way() -> None:
    state = fold([ProcessExited(1.2, PID, 1), *_child_events()])
    assert list(state.workers) == ["p1"]  # no "pid4321" beside it
    w = state.workers["p1"]
    assert (w.state, w.error) == (FAILED, ERROR) and ERROR in w.traceback


def test_a_late_thread_of_a_killed_process_is_over_too() -> None:
    late_thread = WorkerStarted("p1.t1", 1.0, "work", THREAD, PID, PID + 1)
    state = fold([ProcessExited(1.2, PID, -9), late_thread])
    assert list(state.workers) == ["p1.t1"]
    w = state.workers["p1.t1"]
    assert (w.state, w.error, w.finished) == (FAILED, "its process was killed by SIGKILL", 1.2)


def test_a_process_that_never_reported_is_still_shown() -> None:
    state = fold([ProcessExited(1.2, PID, 1)])
    assert state.workers[f"pid{PID}"].error == "exited with code 1 before it reported anything"
