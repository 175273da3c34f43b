"""A recorded-looking run of the ``threads`` demo, and a fixed CPU reading, for snapshots."""

from __future__ import annotations

from workloads.cpu_sampler import CpuSample
from workloads.events import (
    DONE,
    RUNNING,
    THREAD,
    WAITING,
    Event,
    Output,
    Progress,
    RunFinished,
    RunStarted,
    Span,
    WorkerFinished,
    WorkerStarted,
)
from workloads.run_state import RunState

T0 = 1000.0
PARAMS = {"numbers": 5, "letters": 4, "sleep": 2.0}


def threads_run_events() -> list[Event]:
    """The events of a finished ``threads`` run: 5 numbers, 4 letters, 2 s apart."""
    events: list[Event] = [
        RunStarted(T0, "threads", PARAMS, 1.0, 4123, "3.11.7", True, 0.005),
        WorkerStarted("main", T0, "MainThread", THREAD, 4123, 4123),
        WorkerStarted("t1", T0 + 0.001, "print_numbers", THREAD, 4123, 4125),
        WorkerStarted("t2", T0 + 0.002, "print_letters", THREAD, 4123, 4126),
        Span("main", T0, T0 + 0.003, RUNNING),
    ]
    for worker, texts in (("t1", [f"Number: {i}" for i in range(5)]), ("t2", list("ABCD"))):
        for i, text in enumerate(texts):
            t = T0 + 0.01 + 2 * i
            line = text if worker == "t1" else f"Letter: {text}"
            events += [
                Output(worker, t, line),
                Progress(worker, t, i + 1, len(texts)),
                Span(worker, t, t + 0.001, RUNNING),
                Span(worker, t + 0.001, t + 2.0, WAITING),
            ]
        events.append(WorkerFinished(worker, T0 + 0.01 + 2 * len(texts), "", 0.0008))
    events.sort(key=lambda e: e.t if hasattr(e, "t") else e.start)  # type: ignore[union-attr]
    events += [
        Span("main", T0 + 0.003, T0 + 10.01, WAITING),
        Output("main", T0 + 10.02, "Total time: 10.02"),
        WorkerFinished("main", T0 + 10.02, "", 0.0012),
        RunFinished(T0 + 10.02, 10.02, 0.011),
    ]
    return events


def finished_threads_state() -> RunState:
    """The folded state of :func:`threads_run_events`."""
    state = RunState()
    state.apply_all(threads_run_events())
    assert all(w.state == DONE for w in state.workers.values())
    return state


def fixed_sample() -> CpuSample:
    """A CPU reading as at the end of an I/O-bound run on two cores."""
    return CpuSample(
        t=T0 + 10.02,
        per_core=(23.0, 6.0),
        run_cpu_s=0.11,
        run_wall_s=10.02,
        recent_busy=0.01,
        thread_pct={4123: 0.0, 4125: 0.0, 4126: 0.0},
        process_pct={4123: 0.0},
    )
