"""The RunState fold, on synthetic events."""

from __future__ import annotations

from workloads.events import (
    DONE,
    FAILED,
    RUNNING,
    THREAD,
    WAITING,
    Output,
    Progress,
    Result,
    RunFailed,
    RunFinished,
    RunStarted,
    RunStatus,
    Span,
    State,
    StateChanged,
    WorkerFailed,
    WorkerFinished,
    WorkerStarted,
)
from workloads.run_state import fold

START = RunStarted(10.0, "threads", {"numbers": 5}, 0.5, 4242, "3.11.7", True, 0.005)


def test_a_run_folds_to_workers_outputs_and_totals() -> None:
    s = fold(
        [
            START,
            WorkerStarted("t1", 10.1, "print_numbers", THREAD, 4242, 7),
            WorkerStarted("t2", 10.1, "print_letters", THREAD, 4242, 8),
            Output("t1", 10.2, "Number: 0"),
            Progress("t1", 10.2, 1, 5),
            Output("t2", 10.3, "Letter: A"),
            WorkerFinished("t1", 11.0, "", 0.01),
            WorkerFinished("t2", 11.5, "", 0.02),
            RunFinished(12.0, 1.9, 0.05),
        ]
    )
    assert s.status == RunStatus.FINISHED
    assert (s.demo, s.host_pid, s.time_scale) == ("threads", 4242, 0.5)
    assert list(s.workers) == ["t1", "t2"]
    t1 = s.workers["t1"]
    assert (t1.kind, t1.pid, t1.tid, t1.state, t1.done, t1.total) == ("thread", 4242, 7, DONE, 1, 5)
    assert [(o.worker, o.text) for o in s.outputs] == [("t1", "Number: 0"), ("t2", "Letter: A")]
    assert list(t1.lines) == ["Number: 0"]
    assert (s.wall_s, s.cpu_s, s.elapsed(99.0)) == (1.9, 0.05, 2.0)
    assert s.events == 9


def test_a_view_of_the_first_workers_shares_the_rest() -> None:
    s = fold(
        [
            START,
            WorkerStarted("t1", 10.1, "a", THREAD, 4242, 7),
            WorkerStarted("t2", 10.2, "b", THREAD, 4242, 8),
            Output("t2", 10.3, "from b"),
        ]
    )
    view = s.first_workers(1)
    assert list(view.workers) == ["t1"] and list(s.workers) == ["t1", "t2"]
    assert view.outputs is s.outputs and view.started == s.started
    assert s.first_workers(2) is s and s.first_workers(5) is s


def test_worker_state_follows_waits_and_spans() -> None:
    s = fold([START, WorkerStarted("t1", 10.0, "w", THREAD, 1, 2)])
    assert s.status == RunStatus.RUNNING
    assert s.workers["t1"].state == RUNNING
    s.apply(StateChanged("t1", 10.1, WAITING, "sleep(2)"))
    assert (s.workers["t1"].state, s.workers["t1"].detail) == (WAITING, "sleep(2)")
    s.apply(Span("t1", 10.1, 12.1, WAITING))
    assert s.workers["t1"].state == RUNNING
    assert s.workers["t1"].spans == [Span("t1", 10.1, 12.1, WAITING)]


def test_failures_and_cancel() -> None:
    s = fold(
        [
            START,
            WorkerStarted("t1", 10.0, "w", THREAD, 1, 2),
            WorkerStarted("t2", 10.0, "v", THREAD, 1, 3),
            WorkerFailed("t1", 10.5, "ValueError: boom", "Traceback...", 0.0),
        ]
    )
    assert s.workers["t1"].state == FAILED
    assert s.workers["t1"].error == "ValueError: boom"
    s.cancel(11.0)
    assert s.status == RunStatus.CANCELLED
    assert s.workers["t2"].state == State.CANCELLED  # cancelled is not failed
    assert s.workers["t1"].state == FAILED  # what failed before stays failed
    assert s.over
    s.apply(RunFinished(12.0, 2.0, 0.0))  # a late event does not undo the cancel
    assert s.status == RunStatus.CANCELLED


def test_run_failure_and_unknown_worker_events() -> None:
    s = fold([START, Output("stray", 10.0, "hello")])
    assert s.workers["stray"].lines[-1] == "hello"
    s.apply(RunFailed(10.5, "ImportError: x", "tb"))
    assert (s.status, s.error) == (RunStatus.FAILED, "ImportError: x")
    assert fold([]).status == RunStatus.STARTING


def test_results_are_kept_by_row() -> None:
    s = fold([START, Result("t1", 10.0, 2, {"url": "b"}), Result("t2", 10.0, 0, {"url": "a"})])
    assert [s.results[i]["url"] for i in sorted(s.results)] == ["a", "b"]


def test_a_flood_keeps_the_first_lines_and_the_latest_ones(monkeypatch) -> None:
    import workloads.run_state as rs

    monkeypatch.setattr(rs, "RUN_LINES", 10)
    s = fold([START, *(Output("t1", 10.0 + i, f"line {i}") for i in range(50))])
    assert len(s.outputs) == 10 and s.outputs_dropped == 40 and s.output_count == 50
    assert [o.text for o in s.output_lines(8, 12)] == ["line 8", "line 9", "line 10", "line 11"]
    assert [o.text for o in s.output_lines(45, 50)] == [f"line {i}" for i in range(45, 50)]
    snap = s.snapshot()
    s.apply(Output("t1", 99.0, "after"))
    assert snap.output_count == 50 and snap.outputs_tail[-1].text == "line 49"
