"""A synthetic run for timeline tests: threads taking turns, processes side by side."""

from __future__ import annotations

from workloads.events import (
    PROCESS,
    READY,
    RUNNING,
    THREAD,
    WAITING,
    Event,
    RunFinished,
    RunStarted,
    Span,
    WorkerFinished,
    WorkerStarted,
)
from workloads.run_state import RunState, fold

T0 = 1000.0
SWITCH = 0.005


def gil_threads_and_processes(duration: float = 0.2) -> RunState:
    """main waits; t1 and t2 alternate 5 ms running/ready; p1 and p2 run throughout."""
    events: list[Event] = [
        RunStarted(T0, "cpu-bound", {"mode": "threads"}, 1.0, 1, "3.11.7", True, SWITCH),
        WorkerStarted("main", T0, "MainThread", THREAD, 1, 1),
        Span("main", T0, T0 + 0.002, RUNNING),
        Span("main", T0 + 0.002, T0 + duration, WAITING),
    ]
    for i, wid in enumerate(("t1", "t2")):
        start = T0 + 0.002
        events.append(WorkerStarted(wid, start, "crunch", THREAD, 1, 10 + i))
        t = start
        turn = 0
        while t < T0 + duration - 1e-9:
            end = min(t + SWITCH, T0 + duration)
            mine = turn % 2 == i
            events.append(Span(wid, t, end, RUNNING if mine else READY))
            t, turn = end, turn + 1
        events.append(WorkerFinished(wid, t, "", duration / 2))
    for i, wid in enumerate(("p1", "p2")):
        start = T0 + 0.04
        end = T0 + duration - 0.02 * i
        events.append(WorkerStarted(wid, start, "crunch", PROCESS, 20 + i, 20 + i))
        events.append(Span(wid, start, end, RUNNING))
        events.append(WorkerFinished(wid, end, "", end - start))
    events.append(RunFinished(T0 + duration, duration, 2 * duration))
    return fold(events)
