"""How many workers a run will show, known before it starts (see ``Demo.workers``).

A demo declares its count from its parameters; these are the pieces it is made of.
Every count includes the main thread, which every run shows as a worker.

A **pool** is the hard part: ``executor.map(fn, items)`` submits every task at once,
and ``submit`` starts a new worker only when no idle one is there (CPython 3.9+:
``_idle_semaphore`` of ``ThreadPoolExecutor``, ``_idle_worker_semaphore`` of a
``ProcessPoolExecutor`` that does not fork). A task that ends before the last
``submit`` leaves its worker idle, the next task takes it, and the pool starts fewer
workers than it may. Whether one does is a matter of timing, so a count that depends
on it is given only where the timing cannot go the other way.
"""

from __future__ import annotations

#: The main thread: every run shows it.
MAIN = 1

#: The largest pool of spawned processes that is sure to start all its processes. A
#: task's result needs its process to start a fresh interpreter and import the run's
#: instrumentation first (a tenth of a second or more); the parent spawns one in a few
#: ms. Measured on a 2-core machine with tasks that return at once (sleep 0): pools of
#: 32 always started every process, pools of 64 only 44 to 49 of them.
SURE_PROCESS_POOL = 8


def thread_pool(tasks: int, max_workers: int) -> int | None:
    """Threads of a ``ThreadPoolExecutor`` given ``tasks`` at once: known only when it
    can start just one. A thread starts in microseconds, so with short tasks (or a
    long GIL switch interval) the first task can end before the next ``submit``."""
    return 1 if min(tasks, max_workers) == 1 else None


def process_pool(tasks: int, max_workers: int) -> int | None:
    """Processes of a spawning ``ProcessPoolExecutor`` given ``tasks`` at once: one
    per task up to ``max_workers``, when there are at most :data:`SURE_PROCESS_POOL`."""
    count = min(tasks, max_workers)
    return count if count <= SURE_PROCESS_POOL else None


def with_main(workers: int | None) -> int | None:
    """``workers`` and the main thread; None stays None (not known)."""
    return None if workers is None else MAIN + workers
