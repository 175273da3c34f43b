"""The GIL lab: the same CPU-bound or I/O-bound work run sequentially, in threads,
in processes and in pools, so that what the GIL allows can be watched and measured."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from workloads import dask_options
from workloads.demo import Demo
from workloads.param import ChoiceParam, FloatParam, IntParam
from workloads.worker_count import MAIN, process_pool, thread_pool, with_main

#: The ways the lab can run its workers, in the order ``compare`` runs them.
MODES = ("sequential", "threads", "processes", "thread-pool", "process-pool", "dask")
#: The I/O lab adds one more: coroutines on one event loop, in one thread.
IO_MODES = (*MODES, "asyncio")
#: The host's default GIL switch interval, in milliseconds (CPython's own default).
SWITCH_INTERVAL_MS = 5.0
#: The most workers a lab run takes: enough for 256 threads or 256 processes, few enough
#: that a typo (10000) is refused rather than forking the machine to its knees.
MAX_WORKERS = 256


def cores() -> int:
    """Logical CPUs of this machine."""
    return os.cpu_count() or 1


def mode_param(modes: tuple[str, ...] = MODES) -> ChoiceParam:
    """``--mode``: how the workers run."""
    return ChoiceParam("mode", "threads", "how the workers run", modes)


def workers_param() -> IntParam:
    """``--workers``: twice the core count by default, so processes fill every core."""
    default = min(2 * cores(), MAX_WORKERS)  # a 192-core machine must still import this
    return IntParam("workers", default, "workers (threads, processes or jobs)", 1, MAX_WORKERS)


def switch_interval_param() -> FloatParam:
    """``--switch-interval``: milliseconds a thread may hold the GIL before handing it on."""
    return FloatParam(
        "switch_interval",
        SWITCH_INTERVAL_MS,
        "ms a thread may hold the GIL when others want it (sys.setswitchinterval)",
        0.01,
        1000.0,
    )


def lab_workers(params: Mapping[str, Any]) -> int | None:
    """The workers a lab run shows: one job per ``--workers``, run ``--mode``'s way."""
    mode, jobs = params["mode"], params["workers"]
    if mode == "sequential":
        return MAIN  # every job runs in the main thread
    if mode in ("threads", "processes", "asyncio"):
        return MAIN + jobs  # one thread, process or task per job
    if mode == "thread-pool":
        return with_main(thread_pool(jobs, jobs))
    if mode == "process-pool":
        return with_main(process_pool(jobs, jobs))
    return None  # dask: which worker thread runs a task is the scheduler's choice


CPU_BOUND = Demo(
    id="cpu-bound",
    workload="cpu",
    title="CPU-bound work and the GIL",
    summary="N workers do the same pure-Python arithmetic: sequential, threads or processes",
    module="workloads.demos.cpu_bound",
    params=(
        mode_param(),
        workers_param(),
        IntParam(
            "size",
            30000,
            "units of arithmetic per worker (~1 s at the default)",
            1,
            10_000_000,
        ),
        switch_interval_param(),
        *dask_options.params(),
    ),
    workers=lab_workers,
    explanation="""\
Every worker runs `crunch(size)`: a loop of pure-Python arithmetic that never
waits for anything. Only the CPU can make it go faster.

- **sequential**: one job after the other, in the main thread.
- **threads** / **thread-pool**: all jobs at once, but in one process with one
  **GIL**. Only the thread holding the GIL runs Python code; the others are
  *ready* and wait their turn (every 5 ms by default, `--switch-interval`).
  The total time stays the same as sequential: about **1x**.
- **processes** / **process-pool**: each worker has its own interpreter and
  its own GIL, so they run truly in parallel, one per core: close to
  **N cores x** faster, minus the cost of starting the processes.
- **dask**: the same `executor.map`, on a **Dask cluster**: a scheduler
  hands each job to a worker process, pickled and sent over TCP. On one
  machine it costs more than process-pool (a round trip through the
  scheduler per task); its workers could be on other machines.

Zoom the timeline in (`+`) to a few milliseconds per cell: threads show as
alternating stripes of *running* and *ready*, processes as solid bars side by
side. The headline *cores busy* says it in one number.
""",
)

IO_BOUND = Demo(
    id="io-bound",
    title="I/O-bound work: waiting together",
    summary="N workers each wait on slow replies: threads overlap the waits, like processes",
    module="workloads.demos.io_bound",
    params=(
        mode_param(IO_MODES),
        workers_param(),
        IntParam("items", 5, "replies each worker waits for", 1, 1000),
        FloatParam("wait", 0.2, "seconds each reply takes (a sleep)", 0.0, 60.0),
        switch_interval_param(),
        *dask_options.params(),
    ),
    workers=lab_workers,
    totals=lambda p: {"fetch": p["items"], "fetch_async": p["items"]},
    explanation="""\
Every worker runs `fetch(items, wait)`: it waits for a reply (`time.sleep`,
standing in for the network), does a moment of work on it, and prints a line.

A thread that sleeps or waits on I/O **releases the GIL**, so while one waits
the others run. With N threads all N waits overlap: the run takes about
**1/N** of the sequential time. Processes overlap the waits too, but each one
costs a new interpreter to start, for no gain: the work was never short of CPU.

With **dask** each job is a task that a scheduler sends to a worker process
(`--scheduler tcp://HOST:PORT` for a cluster that already runs): the waits
overlap across the workers, one job per worker thread at a time.

On the timeline the lanes are almost all *waiting*, with a blip of *running*
per reply; *cores busy* stays near zero whatever the mode. That is why threads
(or `ThreadPoolExecutor`) are the tool for I/O-bound work.

**asyncio** does the same waits with no extra thread at all. Each worker is a
*task*: a coroutine on one event loop, in the main thread (every panel shows
the **same tid**). A task runs until it `await`s, say `asyncio.sleep`; then
the loop runs another task. Nobody is interrupted: a task gives up control
only at an `await`. So it scales to thousands of waits at almost no cost, and
it helps CPU work not at all: a step that computes holds up every other task.

Threads are switched by the OS (and the GIL); tasks switch themselves, at
each `await`. Processes are the only way to compute on several cores.
""",
)

#: The lab's demos, for the catalog.
DEMOS = (CPU_BOUND, IO_BOUND)
