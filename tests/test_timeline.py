"""The timeline's bucketing and classification, on synthetic spans (no processes)."""

from __future__ import annotations

from itertools import pairwise

import pytest

from tests.timeline_data import T0, gil_threads_and_processes
from workloads.events import (
    DONE,
    PROCESS,
    READY,
    RUNNING,
    THREAD,
    WAITING,
    ProcessExited,
    RunStarted,
    Span,
    State,
    StateChanged,
    WorkerStarted,
)
from workloads.run_state import RunState
from workloads.timeline import (
    NONE,
    ZOOM_LEVELS,
    Cell,
    LaneGrid,
    TimelineModel,
    Window,
    bucket,
    classify,
    fit_level,
    format_seconds,
)
from workloads.worker_context import GAP_S, WorkerContext


def spans(*parts: tuple[float, float, str]) -> list[Span]:
    return [Span("w", a, b, State(s)) for a, b, s in parts]


def test_classify_running_wins_and_reports_its_share():
    assert classify(0.25, 0.75, 0.0) == Cell(RUNNING, 0.25, READY)
    assert classify(0.001, 0.0, 0.999).state == RUNNING  # a blip of progress shows
    assert classify(0.0, 0.6, 0.4) == Cell(READY, 0.0, READY)
    assert classify(0.0, 0.4, 0.6) == Cell(WAITING, 0.0, WAITING)
    assert classify(0.0, 0.0, 0.0) == Cell(NONE)


def test_bucket_splits_spans_across_cells():
    cells = bucket(
        spans((0.0, 0.015, RUNNING), (0.015, 0.03, READY)),
        origin=0.0,
        cell_s=0.01,
        first=0,
        count=3,
        started=0.0,
    )
    assert [c.state for c in cells] == [RUNNING, RUNNING, READY]
    assert cells[0].running == pytest.approx(1.0)
    assert cells[1].running == pytest.approx(0.5)
    assert cells[1].other == READY


def test_before_start_is_none_and_after_finish_is_done():
    cells = bucket(
        spans((0.02, 0.03, WAITING)),
        origin=0.0,
        cell_s=0.01,
        first=0,
        count=5,
        started=0.02,
        finished=0.03,
    )
    assert [c.state for c in cells] == [NONE, NONE, WAITING, DONE, DONE]


def test_cells_past_the_run_end_are_blank():
    grid = LaneGrid(0.0, 0.01)
    grid.feed(spans((0.0, 0.01, RUNNING)))
    cells = grid.cells(0, 4, started=0.0, finished=0.01, horizon=0.02)
    assert [c.state for c in cells] == [RUNNING, DONE, NONE, NONE]


def test_live_tail_fills_an_unfinished_wait():
    # A worker asleep since 0.01: no span for the sleep yet, its live state says waiting.
    cells = bucket(
        spans((0.0, 0.01, RUNNING)),
        origin=0.0,
        cell_s=0.01,
        first=0,
        count=4,
        started=0.0,
        tail_state=WAITING,
        now=0.03,
    )
    assert [c.state for c in cells] == [RUNNING, WAITING, WAITING, NONE]


def test_grid_is_fed_incrementally_like_in_one_go():
    parts = spans(*((i * 0.005, (i + 1) * 0.005, RUNNING if i % 2 else READY) for i in range(40)))
    grid = LaneGrid(0.0, 0.002)
    for n in (3, 17, 40):
        grid.feed(parts[:n])
    assert grid.fed == 40
    once = bucket(parts, origin=0.0, cell_s=0.002, first=0, count=100, started=0.0)
    assert grid.cells(0, 100, started=0.0) == once


def test_spans_before_the_origin_are_clipped():
    grid = LaneGrid(10.0, 0.01)
    grid.add(9.0, 10.005, WAITING)
    assert grid.cells(0, 1, started=9.0)[0] == Cell(WAITING, 0.0, WAITING)


def test_fit_level_and_format():
    assert fit_level(0.05, 100) == 0.001
    assert fit_level(0.2, 80) == 0.005
    assert fit_level(10.0, 100) == 0.1
    assert fit_level(1e9, 10) == ZOOM_LEVELS[-1]
    assert format_seconds(0.005) == "5 ms"
    assert format_seconds(2.0) == "2 s"


def test_model_threads_alternate_and_processes_overlap():
    state = gil_threads_and_processes()
    model = TimelineModel(0.005)
    model.sync(state)
    rows = {w.id: cells for w, cells in model.rows(state, Window(0, 40, 0.005), T0 + 1)}
    assert set(rows) == {"main", "t1", "t2", "p1", "p2"}
    # At 1 ms, the two GIL-bound threads are never running in the same cell ...
    model.set_cell(0.001)
    model.sync(state)
    fine = {w.id: cells for w, cells in model.rows(state, Window(10, 150, 0.001), T0 + 1)}
    both = sum(
        1
        for a, b in zip(fine["t1"], fine["t2"], strict=True)
        if a.state == RUNNING and a.running == 1.0 and b.state == RUNNING and b.running == 1.0
    )
    assert both == 0
    assert {c.state for c in fine["t1"]} >= {RUNNING, READY}
    # ... while the processes run side by side.
    assert all(c.state == RUNNING for c in fine["p1"][40:140])
    assert all(c.state == RUNNING for c in fine["p2"][40:140])


def test_model_resets_for_a_new_run():
    model = TimelineModel(0.01)
    model.sync(gil_threads_and_processes())
    assert model.lanes
    model.sync(RunState())
    assert not model.lanes


def test_worker_context_spans_feed_the_timeline():
    # The real recorder, driven by a fake clock: ticks, a GIL-sized gap, a sleep.
    import workloads.worker_context as wc

    events: list[object] = []
    clock = [100.0]
    real = wc._monotonic
    wc._monotonic = lambda: clock[0]
    try:
        ctx = WorkerContext("w", "crunch", THREAD, events.append, cpu_clock=lambda: 0.0)
        ctx.started(1, 1)
        for _ in range(10):
            clock[0] += 0.0001
            ctx.tick()
        clock[0] += 0.005  # another thread held the GIL
        ctx.tick()
        clock[0] += 0.0001
        ctx.tick()
        start = ctx.begin_wait("sleep")
        clock[0] += 0.01
        ctx.end_wait(start)
        ctx.finished()
    finally:
        wc._monotonic = real
    got = [e for e in events if isinstance(e, Span)]
    assert [s.state for s in got] == [RUNNING, READY, RUNNING, WAITING]
    assert all(a.end <= b.start + 1e-12 for a, b in pairwise(got))
    assert got[1].end - got[1].start > GAP_S
    cells = bucket(got, origin=100.0, cell_s=0.001, first=0, count=17, started=100.0)
    assert cells[0].state == RUNNING
    assert READY in {c.state for c in cells}
    assert cells[-1].state == WAITING


def _gil_pair_state(until: float) -> RunState:
    """Two threads sharing one GIL, 5 ms turns, reported up to ``until`` (then silent)."""
    from workloads.events import RunStarted, WorkerStarted

    state = RunState()
    state.apply(RunStarted(T0, "cpu-bound", {}, 1.0, 1, "3.11", True, 0.005))
    for wid in ("t1", "t2"):
        state.apply(WorkerStarted(wid, T0, wid, THREAD, 1, 2))
    t, turn = T0, 0
    while t < T0 + until:
        runner, waiter = ("t1", "t2") if turn % 2 == 0 else ("t2", "t1")
        state.apply(Span(runner, t, t + 0.005, RUNNING))
        state.apply(Span(waiter, t, t + 0.005, READY))
        t, turn = t + 0.005, turn + 1
    return state


@pytest.mark.parametrize("cell_s", [0.001, 0.002, 0.005, 0.01, 0.1])
def test_live_edge_never_shows_two_gil_threads_running_at_once(cell_s: float) -> None:
    state = _gil_pair_state(until=0.5)
    now = T0 + 0.8  # the clock runs ahead of the last event: 300 ms not reported yet
    model = TimelineModel(cell_s)
    model.sync(state)
    last = model.last_index(state, now)
    rows = model.rows(state, Window(0, last + 1, cell_s), now)
    lanes = {w.id: cells for w, cells in rows}
    reported = max(sp.end for w in state.workers.values() for sp in w.spans) - T0
    for i in range(last + 1):
        a, b = lanes["t1"][i], lanes["t2"][i]
        # Their shares of the cell add up to at most the whole cell ...
        assert a.running + b.running <= 1.0 + 1e-6, (i, a, b)
        # ... and past the last report nothing is painted as running (or anything).
        if i * cell_s >= reported - 1e-9:
            assert a.state == b.state == NONE, (i, a, b)


def test_a_ticking_worker_silent_for_a_while_is_ready_not_running() -> None:
    state = _gil_pair_state(until=0.5)
    t1 = state.workers["t1"]
    assert t1.live_state(T0 + 0.5) == RUNNING
    assert t1.live_state(T0 + 1.5) == READY  # nothing for a second: it was not running


def _sleeper_in_a_process() -> RunState:
    """A thread of process 7 that ran, then began to sleep at 0.02."""
    state = RunState()
    state.apply(RunStarted(0.0, "x", {}, 1.0, 1, "3.11", True, 0.005))
    state.apply(WorkerStarted("t1", 0.0, "t1", THREAD, 7, 70))
    state.apply(Span("t1", 0.0, 0.02, State.RUNNING))
    state.apply(StateChanged("t1", 0.02, State.WAITING, "sleep"))
    return state


def test_a_sleeper_whose_process_died_is_not_drawn_asleep_after_its_last_report() -> None:
    # The process died unseen; its death was noticed at 0.06 (a parent's join): when
    # between 0.02 and 0.06 it died is unknown, so that stretch is blank, not asleep.
    state = _sleeper_in_a_process()
    state.apply(ProcessExited(0.06, 7, -11))
    t1 = state.workers["t1"]
    assert t1.state == State.FAILED and t1.unseen_end
    model = TimelineModel(0.01)
    model.sync(state)
    ((_, cells),) = model.rows(state, Window(0, 6, 0.01), 0.1)
    states = [c.state for c in cells]
    assert states[:2] == [RUNNING, RUNNING] and WAITING not in states
    assert states[2:5] == [NONE, NONE, NONE]  # unknown; then the end, once noticed


def test_a_cancelled_sleeper_is_drawn_asleep_until_the_cancel() -> None:
    state = _sleeper_in_a_process()
    state.cancel(0.06)
    assert not state.workers["t1"].unseen_end
    model = TimelineModel(0.01)
    model.sync(state)
    ((_, cells),) = model.rows(state, Window(0, 6, 0.01), 0.1)
    assert [c.state for c in cells] == [RUNNING, RUNNING, WAITING, WAITING, WAITING, WAITING]


def test_a_process_that_died_unseen_is_drawn_waiting_until_its_last_sign_of_life() -> None:
    # Process 7's main thread waits (a join) from 0.0; its thread t1 is seen running up
    # to 0.04; the death is noticed at 0.06. The wait is drawn up to 0.04 only.
    state = _sleeper_in_a_process()
    state.apply(WorkerStarted("p7", 0.0, "p7", PROCESS, 7, 7))
    state.apply(StateChanged("p7", 0.0, State.WAITING, "join"))
    state.apply(Span("t1", 0.02, 0.04, State.RUNNING))
    state.apply(ProcessExited(0.06, 7, -11))
    model = TimelineModel(0.01)
    model.sync(state)
    rows = {
        w.id: [c.state for c in cells] for w, cells in model.rows(state, Window(0, 6, 0.01), 0.1)
    }
    assert rows["p7"][:4] == [WAITING] * 4 and rows["p7"][4] == NONE
    assert rows["t1"][:4] == [RUNNING] * 4
