"""The fold of the scheduler sampler's readings and of the workers' current lines."""

from __future__ import annotations

from workloads.events import (
    CORE,
    GIL,
    PROCESS,
    READY,
    RUNNING,
    THREAD,
    WAITING,
    CurrentLine,
    RunStarted,
    SamplerStatus,
    Span,
    StateChanged,
    ThreadActivity,
    ThreadSpan,
    Ticking,
    WorkerFinished,
    WorkerStarted,
)
from workloads.run_state import RunState, fold
from workloads.timeline import TimelineModel, Window, bucket

A = ThreadActivity


def _run(*events: object, sampler: bool = True, gil: bool = True) -> RunState:
    head: list[object] = [RunStarted(0.0, "x", {}, 1.0, 10, "3.11", gil, 0.005)]
    if sampler:
        head.append(SamplerStatus(0.0, True, 200.0, ""))
    head += [
        WorkerStarted("t1", 0.0, "spin", THREAD, 10, 11),
        WorkerStarted("t2", 0.0, "spin", THREAD, 10, 12),
    ]
    return fold([*head, *events])  # type: ignore[list-item]


def _states(state: RunState, wid: str) -> list[tuple[float, float, str]]:
    return [(s.start, s.end, s.state) for s in state.workers[wid].spans]


def test_sampled_spans_are_the_timeline_of_a_worker_that_does_not_tick() -> None:
    s = _run(
        Span("t1", 0.0, 1.0, RUNNING),  # what the instrumentation can say: one long run
        ThreadSpan(10, 11, 0.0, 0.5, A.RUNNING, ""),
        ThreadSpan(10, 11, 0.5, 1.0, A.GIL, "futex"),
        ThreadSpan(10, 12, 0.0, 0.5, A.GIL, "futex"),
        ThreadSpan(10, 12, 0.5, 1.0, A.RUNNING, ""),
        ThreadSpan(99, 99, 0.0, 1.0, A.RUNNING, ""),  # not a worker: ignored
    )
    assert _states(s, "t1") == [(0.0, 0.5, RUNNING), (0.5, 1.0, GIL)]
    assert _states(s, "t2") == [(0.0, 0.5, GIL), (0.5, 1.0, RUNNING)]
    assert s.workers["t1"].live_state(1.0, window=0.4) == GIL


def test_a_futex_wait_the_worker_declared_is_a_wait_not_the_gil() -> None:
    s = _run(
        StateChanged("t1", 0.2, WAITING, "join(t2)"),
        ThreadSpan(10, 11, 0.0, 0.2, A.RUNNING, ""),
        ThreadSpan(10, 11, 0.2, 0.6, A.GIL, "futex"),
        Span("t1", 0.2, 0.6, WAITING),
        ThreadSpan(10, 11, 0.6, 0.7, A.GIL, "futex"),  # the join is over: the GIL
    )
    assert _states(s, "t1") == [(0.0, 0.2, RUNNING), (0.2, 0.6, WAITING), (0.6, 0.7, GIL)]
    assert [x.state for x in s.workers["t1"].sampled] == [RUNNING, WAITING, GIL]


def test_without_a_gil_a_futex_wait_is_a_wait() -> None:
    s = _run(ThreadSpan(10, 11, 0.0, 0.2, A.GIL, "futex"), gil=False)
    assert _states(s, "t1") == [(0.0, 0.2, WAITING)]


def test_a_ticking_worker_keeps_its_own_spans() -> None:
    s = _run(
        Ticking("t1", 0.0),
        Span("t1", 0.0, 0.05, RUNNING),
        ThreadSpan(10, 11, 0.0, 0.1, A.CORE, ""),
        Span("t1", 0.05, 0.1, RUNNING),
    )
    assert _states(s, "t1") == [(0.0, 0.05, RUNNING), (0.05, 0.1, RUNNING)]
    assert [x.state for x in s.workers["t1"].sampled] == [CORE]


def test_running_declared_before_the_first_tick_is_kept() -> None:
    s = _run(Span("t1", 0.0, 0.01, RUNNING), Ticking("t1", 0.01))
    assert _states(s, "t1") == [(0.0, 0.01, RUNNING)]


def test_a_thread_the_sampler_never_saw_keeps_its_declared_spans() -> None:
    s = _run(Span("t1", 0.0, 0.003, RUNNING), WorkerFinished("t1", 0.003, "", 0.003))
    assert _states(s, "t1") == [(0.0, 0.003, RUNNING)]


def test_without_the_sampler_declared_spans_are_the_timeline() -> None:
    s = _run(Span("t1", 0.0, 1.0, RUNNING), sampler=False)
    assert _states(s, "t1") == [(0.0, 1.0, RUNNING)]
    off = fold([SamplerStatus(0.0, False, 0.0, "no /proc here")])
    assert off.sampler is not None and not off.sampler.active


def test_sampled_spans_after_the_worker_ended_are_cut() -> None:
    s = _run(
        WorkerFinished("t1", 0.5, "", 0.5),
        ThreadSpan(10, 11, 0.4, 0.6, A.RUNNING, ""),
        ThreadSpan(10, 11, 0.6, 0.7, A.RUNNING, ""),
    )
    assert _states(s, "t1") == [(0.4, 0.5, RUNNING)]


def test_core_waits_of_processes() -> None:
    s = fold(
        [
            RunStarted(0.0, "x", {}, 1.0, 10, "3.11", True, 0.005),
            SamplerStatus(0.0, True, 200.0, ""),
            WorkerStarted("p1", 0.0, "spin", PROCESS, 20, 20),
            ThreadSpan(20, 20, 0.0, 0.01, A.CORE, ""),
        ]
    )
    assert _states(s, "p1") == [(0.0, 0.01, CORE)]


def test_timeline_cells_name_the_gil_and_the_core() -> None:
    spans = [
        Span("t1", 0.0, 0.005, RUNNING),
        Span("t1", 0.005, 0.01, GIL),
        Span("t1", 0.01, 0.015, CORE),
    ]
    cells = bucket(spans, origin=0.0, cell_s=0.005, first=0, count=3, started=0.0)
    assert [c.state for c in cells] == [RUNNING, GIL, CORE]
    coarse = bucket(spans, origin=0.0, cell_s=0.02, first=0, count=1, started=0.0)
    assert coarse[0].state == RUNNING and coarse[0].other in (GIL, CORE)


def test_current_line() -> None:
    s = _run(CurrentLine("t1", 0.1, "/x/demo.py", 12), CurrentLine("t1", 0.2, "/x/demo.py", 13))
    assert s.workers["t1"].line == ("/x/demo.py", 13)
    assert s.workers["t2"].line is None


def test_a_ticking_workers_ready_time_is_named_by_the_sampler() -> None:
    s = _run(
        Ticking("t1", 0.0),
        Span("t1", 0.0, 0.005, RUNNING),
        Span("t1", 0.005, 0.010, READY),
        Span("t1", 0.010, 0.015, READY),
        ThreadSpan(10, 11, 0.005, 0.010, A.GIL, "futex"),
    )
    w = s.workers["t1"]
    model = TimelineModel(cell_s=0.005)
    model.sync(s)
    rows = dict((w.id, cells) for w, cells in model.rows(s, Window(0, 3, 0.005), 0.015))
    # Its own spans are the time; the sampler names the first ready cell. The second,
    # which the sampler did not see, stays plain ready.
    assert [c.state for c in rows["t1"]] == [RUNNING, GIL, READY]
    assert w.live_state(0.012, window=0.01) == GIL
