"""Span recording and the running / ready / waiting classification, on a fake clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from workloads import worker_context
from workloads.events import (
    READY,
    RUNNING,
    THREAD,
    WAITING,
    Event,
    Output,
    Progress,
    Span,
    StateChanged,
    WorkerFinished,
    WorkerStarted,
)
from workloads.worker_context import WorkerContext


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    c = Clock()
    monkeypatch.setattr(worker_context, "_monotonic", c)
    yield c


def make(events: list[Event], total: int = 0) -> WorkerContext:
    ctx = WorkerContext("t1", "work", THREAD, events.append, total=total, cpu_clock=lambda: 0.0)
    ctx.started(pid=1, tid=2)
    return ctx


def spans(events: list[Event]) -> list[tuple[float, float, str]]:
    return [(round(e.start, 6), round(e.end, 6), e.state) for e in events if isinstance(e, Span)]


def test_started_announces_the_worker(clock: Clock) -> None:
    events: list[Event] = []
    make(events)
    assert events == [WorkerStarted("t1", 100.0, "work", THREAD, 1, 2)]


def test_steady_ticks_make_no_span_until_a_slice_is_full(clock: Clock) -> None:
    events: list[Event] = []
    ctx = make(events)
    for _ in range(100):  # 100 ticks 0.1 ms apart: 10 ms, under one 50 ms slice
        clock.now += 0.0001
        ctx.tick()
    assert spans(events) == []
    for _ in range(500):  # another 50 ms: the first slice is reported
        clock.now += 0.0001
        ctx.tick()
    assert spans(events)[0][2] == RUNNING
    assert spans(events)[0][0] == 100.0


def test_a_gap_between_ticks_is_ready_time(clock: Clock) -> None:
    events: list[Event] = []
    ctx = make(events)
    clock.now += 0.0001
    ctx.tick()
    clock.now += 0.005  # off the CPU for 5 ms: another thread had the GIL
    ctx.tick()
    assert spans(events) == [(100.0, 100.0001, RUNNING), (100.0001, 100.0051, READY)]


def test_a_wait_is_waiting_not_ready_and_nested_waits_make_one_span(clock: Clock) -> None:
    events: list[Event] = []
    ctx = make(events)
    clock.now += 0.001
    outer = ctx.begin_wait("join")
    inner = ctx.begin_wait("sleep")
    clock.now += 2.0
    ctx.end_wait(inner)
    ctx.end_wait(outer)
    clock.now += 0.0001
    ctx.tick()  # right after the wait: no ready gap
    assert spans(events) == [(100.0, 100.001, RUNNING), (100.001, 102.001, WAITING)]
    assert [e for e in events if isinstance(e, StateChanged)] == [
        StateChanged("t1", 100.001, WAITING, "join")
    ]


def test_printed_text_becomes_lines_and_progress(clock: Clock) -> None:
    events: list[Event] = []
    ctx = make(events, total=3)
    ctx.write("Number: 0\nNum")
    ctx.write("ber: 1\n")
    ctx.write("tail")
    ctx.finished()
    lines = [e.text for e in events if isinstance(e, Output)]
    assert lines == ["Number: 0", "Number: 1", "tail"]
    done = [e.done for e in events if isinstance(e, Progress)]
    assert done == [0, 1, 2, 3]
    assert isinstance(events[-1], WorkerFinished)


def test_pool_worker_idle_time_is_waiting(clock: Clock) -> None:
    events: list[Event] = []
    ctx = make(events)
    ctx.idle()
    clock.now += 1.0
    ctx.busy()
    clock.now += 0.5
    ctx.idle()
    clock.now += 1.0
    ctx.finished()
    assert spans(events) == [
        (100.0, 101.0, WAITING),
        (101.0, 101.5, RUNNING),
        (101.5, 102.5, WAITING),
    ]


def test_a_ticking_worker_silent_since_its_last_tick_is_not_drawn_running(clock: Clock) -> None:
    # Seen live at 1 ms cells: a cpu-bound thread drawn running for 80 ms up to its end
    # while the other threads took turns with the GIL. After its last tick it had
    # waited for the GIL (to print its line and return); the span that closed at its
    # end said "running" for all of that wait.
    events: list[Event] = []
    ctx = make(events)
    for _ in range(10):  # ticks 0.1 ms apart: running
        clock.now += 0.0001
        ctx.tick()
    clock.now += 0.08  # 80 ms without a tick: the GIL was another thread's
    ctx.finished()
    assert spans(events) == [(100.0, 100.001, RUNNING)]  # up to the last tick, no further
    finished = [e for e in events if isinstance(e, WorkerFinished)]
    assert finished and finished[0].t == clock.now


def test_a_worker_that_does_not_tick_keeps_its_running_span_to_its_end(clock: Clock) -> None:
    # Without ticks there is no "last tick" to stop at: its own span is all it says
    # (the kernel sampler tells running from waiting for it).
    events: list[Event] = []
    ctx = make(events)
    clock.now += 0.08
    ctx.begin_wait("sleep(1)")
    assert spans(events) == [(100.0, 100.08, RUNNING)]
