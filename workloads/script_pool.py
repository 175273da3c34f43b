"""``multiprocessing.Pool`` in a user's script: its processes are workers, its tasks progress.

A pool process runs ``multiprocessing.pool.worker``, a loop that takes tasks until it is
told to stop, or until ``Pool.terminate()`` (what ``with Pool() as p:`` does on leaving)
sends it SIGTERM. So each pool process registers as a worker for its whole life, idle
between tasks (a task is :class:`~workloads.instrument._Task`: busy, then progress),
and a SIGTERM from its pool ends it as *done*: that is how a pool stops, not a failure
(the reaper reports it so even for a process killed before it could install its handler).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import signal
import time
import traceback
from collections.abc import Callable
from typing import Any

from workloads import instrument, runtime
from workloads.events import PROCESS

_pool_worker = multiprocessing.pool.worker  # type: ignore[attr-defined]


class ScriptPool(multiprocessing.pool.Pool):
    """``multiprocessing.Pool`` whose tasks count as their process's progress."""

    def apply_async(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return super().apply_async(instrument._Task(func), *args, **kwargs)

    def _map_async(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return super()._map_async(instrument._Task(func), *args, **kwargs)  # type: ignore[misc]

    def imap(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return super().imap(instrument._Task(func), *args, **kwargs)

    def terminate(self) -> None:
        # Its processes end by SIGTERM: the way a pool stops, which the run's reaper
        # reports as an ordinary end, even for one killed before it could say so.
        for process in self._pool:  # type: ignore[attr-defined]
            process.stopped_by_owner = True
        super().terminate()

    def imap_unordered(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return super().imap_unordered(instrument._Task(func), *args, **kwargs)


def is_pool_worker(target: object) -> bool:
    """Whether a process's target is a ``multiprocessing.Pool`` process's loop."""
    return target is _pool_worker


class PoolWorkerEntry:
    """The target of a pool process, in the child: the loop, run as a worker."""

    def __init__(self, target: Callable[..., Any], name: str) -> None:
        self.target = target
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        rt = runtime.active()
        if rt is None:
            self.target(*args, **kwargs)
            return

        def stopped_by_pool(*_: object) -> None:
            # No lock may be taken in a signal handler: unwind to the loop's caller.
            raise _StoppedByPool

        signal.signal(signal.SIGTERM, stopped_by_pool)
        name, clock = self.name, time.process_time
        ctx = rt.register(instrument.process_worker_id(), name, PROCESS, total=0, cpu_clock=clock)
        try:
            ctx.idle()
            self.target(*args, **kwargs)
        except _StoppedByPool:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            ctx.finished()
        except BaseException as exc:  # reported as the worker's failure
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            ctx.failed(exc, traceback.format_exc())
        else:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            ctx.finished()
        finally:
            # Ending anyway: a SIGTERM from the pool now would cut the last events off.
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            rt.unregister()
            rt.close()


class _StoppedByPool(SystemExit):
    """The pool's ``terminate()`` stopped this process (SIGTERM)."""


def install() -> None:
    """``multiprocessing.Pool`` (every context's) makes a :class:`ScriptPool`."""
    multiprocessing.pool.Pool = ScriptPool  # type: ignore[misc]
