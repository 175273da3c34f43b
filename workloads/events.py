"""The event protocol: what a run reports, from any thread or process, to its consumer.

Events are ``NamedTuple``s rather than dataclasses: they are immutable and typed like
frozen dataclasses, but pickle and unpickle 2-4x faster, which is what lets the queue
carry over a million events a second (see ``benchmarks/pipeline.py``). Every event
carries a ``time.monotonic()`` timestamp, which on Linux, macOS and Windows is one
system-wide clock, so times taken in different processes compare directly.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Any, NamedTuple

if sys.version_info >= (3, 11):
    from enum import StrEnum
else:  # pragma: no cover - Python 3.10

    class StrEnum(str, Enum):
        """``enum.StrEnum`` for Python 3.10: members are their string values."""

        def __str__(self) -> str:
            return str(self.value)


class WorkerKind(StrEnum):
    """What a worker is: a thread, a process (its main thread), or an asyncio task."""

    THREAD = "thread"
    PROCESS = "process"
    TASK = "task"


class State(StrEnum):
    """A worker's state. Spans use the first three; the others are final."""

    RUNNING = "running"
    READY = "ready"
    WAITING = "waiting"
    #: Ready, and the kernel says why (see workloads.thread_sampler): in futex while
    #: another thread of its process ran (the GIL), or runnable with no free core.
    GIL = "gil"
    CORE = "core"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        """Whether the worker is over (done, failed or cancelled)."""
        return self in _FINAL


_FINAL = frozenset({State.DONE, State.FAILED, State.CANCELLED})


class RunStatus(StrEnum):
    """Where a run is in its life. The last three are final."""

    STARTING = "starting"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def over(self) -> bool:
        """Whether the run has ended, one way or another."""
        return self in (RunStatus.FINISHED, RunStatus.FAILED, RunStatus.CANCELLED)


def signal_name(exitcode: int) -> str:
    """``-9`` -> ``SIGKILL``: the signal a negative exit code stands for."""
    import signal

    try:
        return signal.Signals(-exitcode).name
    except ValueError:
        return f"signal {-exitcode}"


def describe_exit(exitcode: int, subject: str = "") -> str:
    """How a process ended, in words: ``killed by SIGKILL``, ``exited with code 3``.

    With a ``subject``, a sentence: ``the run host was killed by SIGKILL``.
    """
    if exitcode < 0:
        how = f"killed by {signal_name(exitcode)}"
        return f"{subject} was {how}" if subject else how
    how = f"exited with code {exitcode}"
    return f"{subject} {how}" if subject else how


# Short names: the protocol's vocabulary is used everywhere, and these read like prose.
THREAD, PROCESS, TASK = WorkerKind.THREAD, WorkerKind.PROCESS, WorkerKind.TASK
RUNNING, READY, WAITING = State.RUNNING, State.READY, State.WAITING
GIL, CORE = State.GIL, State.CORE
DONE, FAILED, CANCELLED = State.DONE, State.FAILED, State.CANCELLED


class ThreadActivity(StrEnum):
    """What the kernel says a thread did in a sampled interval (workloads.thread_sampler)."""

    RUNNING = "running"
    #: Runnable, but in the run queue: no core was free.
    CORE = "core"
    #: In futex while another thread of its process was running: the GIL, or a lock.
    GIL = "gil"
    #: In futex (or waiting for a child) with no other thread of its process running.
    LOCK = "lock"
    SLEEP = "sleep"
    IO = "io"


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
    kind: WorkerKind
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
    state: State


class StateChanged(NamedTuple):
    """The worker entered ``state`` now (sent when a wait begins, so the UI sees it live)."""

    worker: str
    t: float
    state: State
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


class WorkerCpu(NamedTuple):
    """CPU the worker used lately, in % of one core, measured where it runs.

    For workers the UI's sampler cannot see (a Dask worker on another machine): their
    own clock is the only source.
    """

    worker: str
    t: float
    percent: float


class ProcessExited(NamedTuple):
    """A process of the run ended: ``exitcode`` as ``multiprocessing`` gives it.

    Sent by the process's parent, which reaps it (the host for its children, the
    session for the host). A negative code is the number of the signal that killed it:
    a worker still running in that process did not finish, it was killed.
    """

    t: float
    pid: int
    exitcode: int


class Ticking(NamedTuple):
    """The worker calls ``tick()``: its own spans say when it runs (finer than sampling)."""

    worker: str
    t: float


class ThreadSpan(NamedTuple):
    """Thread ``tid`` of process ``pid`` did ``activity`` from ``start`` to ``end``,
    as sampled from outside by the kernel's counters (``syscall``: what it waits in)."""

    pid: int
    tid: int
    start: float
    end: float
    activity: ThreadActivity
    syscall: str


class SamplerStatus(NamedTuple):
    """Whether the scheduler sampler watches the run (``hz``), or why not (``note``)."""

    t: float
    active: bool
    hz: float
    note: str


class CurrentLine(NamedTuple):
    """The worker's innermost frame in the program's own code is now at ``file:line``."""

    worker: str
    t: float
    file: str
    line: int


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
    | WorkerCpu
    | ProcessExited
    | Ticking
    | ThreadSpan
    | SamplerStatus
    | CurrentLine
)
