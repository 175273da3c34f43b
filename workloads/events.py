"""The event protocol: what a run reports, from any thread or process, to its consumer.

Events are ``NamedTuple``s rather than dataclasses: they are immutable and typed like
frozen dataclasses, but pickle and unpickle 2-4x faster, which is what lets the queue
carry over a million events a second (see ``benchmarks/pipeline.py``). Every event
carries a ``time.monotonic()`` timestamp, which on Linux, macOS and Windows is one
system-wide clock, so times taken in different processes compare directly.
"""

from __future__ import annotations

from typing import Any, NamedTuple

#: Worker kinds.
THREAD = "thread"
PROCESS = "process"

#: Activity states, used by spans and by a worker's live state.
RUNNING = "running"
WAITING = "waiting"
READY = "ready"
DONE = "done"
FAILED = "failed"


class RunStarted(NamedTuple):
    """The host process is up and about to run the demo."""

    t: float
    demo: str
    params: dict[str, Any]
    time_scale: float
    host_pid: int
    python: str
    gil_enabled: bool
    switch_interval: float


class RunFinished(NamedTuple):
    """The demo returned. ``wall_s`` spans worker creation to the last join."""

    t: float
    wall_s: float
    cpu_s: float


class RunFailed(NamedTuple):
    """The demo raised, or the host could not run it."""

    t: float
    error: str
    traceback: str


class WorkerStarted(NamedTuple):
    """A thread or process of the demo began running demo code."""

    worker: str
    t: float
    name: str
    kind: str
    pid: int
    tid: int


class Progress(NamedTuple):
    """``done`` of ``total`` units finished (``total`` 0: unknown)."""

    worker: str
    t: float
    done: int
    total: int


class Output(NamedTuple):
    """One line the worker printed (without its newline)."""

    worker: str
    t: float
    text: str


class Span(NamedTuple):
    """The worker was in ``state`` (running, waiting or ready) from ``start`` to ``end``."""

    worker: str
    start: float
    end: float
    state: str


class StateChanged(NamedTuple):
    """The worker entered ``state`` now (sent when a wait begins, so the UI sees it live)."""

    worker: str
    t: float
    state: str
    detail: str


class Result(NamedTuple):
    """A structured result row (for example one scraped page), ``row`` in input order."""

    worker: str
    t: float
    row: int
    data: dict[str, Any]


class WorkerFinished(NamedTuple):
    """The worker's code returned. ``cpu_s`` is the CPU time it used."""

    worker: str
    t: float
    result: str
    cpu_s: float


class WorkerFailed(NamedTuple):
    """The worker's code raised."""

    worker: str
    t: float
    error: str
    traceback: str
    cpu_s: float


Event = (
    RunStarted
    | RunFinished
    | RunFailed
    | WorkerStarted
    | Progress
    | Output
    | Span
    | StateChanged
    | Result
    | WorkerFinished
    | WorkerFailed
)
