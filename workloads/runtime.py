"""The reporting runtime of one process of a run, and the small API demo code may call.

Demo code reads like plain Python: ``threading.Thread``, ``time.sleep``, ``print``.
The host installs this runtime (see :mod:`workloads.instrument`) so that what those do
is reported. Demos that compute call :func:`tick` once per unit of work, and demos that
block on something other than ``time.sleep`` wrap it in :func:`waiting`; outside a run
both are no-ops, so demo code runs unchanged in a plain interpreter.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from workloads.channel import Address, Sender
from workloads.events import RUNNING, Output, StateChanged, WorkerFailed, WorkerKind
from workloads.line_sampler import LineSampler
from workloads.reaper import Reaper
from workloads.reporter import Reporter
from workloads.script import Script
from workloads.worker_context import GAP_S, SLICE_S, WorkerContext


class RunConfig(NamedTuple):
    """What every process of a run needs to know; pickled into each child."""

    demo: str
    module: str
    params: dict[str, Any]
    time_scale: float = 1.0
    switch_interval: float = 0.005
    #: Lines each target is expected to print, by target function name (for progress).
    totals: dict[str, int] = {}
    #: A user's script run as ``__main__`` instead of ``module`` (``interleave run mine.py``).
    script: Script | None = None


_local = threading.local()
_runtime: Runtime | None = None
_real_sleep = time.sleep
_monotonic = time.monotonic


class Runtime:
    """Process-wide: the connection to the session, the reporter, the run's config,
    the watcher of child processes, and worker registration.

    ``prefix`` numbers this process's threads (``p1.t1``); ``None`` means "from the
    process's multiprocessing identity, once it has one" (a forked child learns it
    only after the fork hooks ran).
    """

    def __init__(
        self,
        address: Address,
        config: RunConfig,
        prefix: str | None = "",
        *,
        thread_factory: Any = threading.Thread,
    ) -> None:
        self.config = config
        self.address = address
        self.sender = Sender(address)
        self.reporter = Reporter(self.sender, thread_factory=thread_factory)
        self.emit = self.reporter.emit
        self.reaper = Reaper(self.emit, thread_factory)
        self._prefix = prefix
        self._thread_ids = itertools.count(1)
        self.real_sleep = _real_sleep
        #: The workers of this process, by thread ident (what the line sampler looks at).
        self.worker_threads: dict[int, str] = {}
        self._ticks: bool | None = None
        self.lines = LineSampler(self.worker_threads, self.emit).start(thread_factory)

    @property
    def prefix(self) -> str:
        """What this process's thread ids start with: ``""`` in the host, ``p1.`` in p1."""
        if self._prefix is None:
            from workloads.instrument import process_worker_id

            self._prefix = process_worker_id() + "."
        return self._prefix

    def next_thread_id(self) -> str:
        """A stable id for the next thread registered in this process: t1, t2, ..."""
        return f"{self.prefix}t{next(self._thread_ids)}"

    @property
    def ticks(self) -> bool:
        """Whether the run's module calls :func:`tick` (its workers report when they run)."""
        if self._ticks is None:
            self._ticks = module_ticks(self.config.module)
        return self._ticks

    def register(
        self,
        worker_id: str,
        name: str,
        kind: WorkerKind,
        *,
        total: int | None = None,
        cpu_clock: Any = time.thread_time,
    ) -> WorkerContext:
        """Make the calling thread a worker of the run and announce it."""
        if total is None:
            total = self.config.totals.get(name, 0)
        ctx = WorkerContext(worker_id, name, kind, self.emit, total=total, cpu_clock=cpu_clock)
        # Said before it starts, so no sampled span is taken for its own. Not for the
        # demo's main thread: it mostly starts and joins the workers that tick, and while
        # they hold the GIL it waits for it; its declared "running" from start to its
        # first join would say otherwise. If it ticks itself (sequential), its first
        # tick() says so.
        if self.ticks and worker_id != "main":
            ctx.mark_ticking()
        _local.ctx = ctx
        self.worker_threads[threading.get_ident()] = worker_id
        ctx.started(os.getpid(), threading.get_native_id())
        return ctx

    def unregister(self) -> None:
        """The calling thread is no longer a worker."""
        _local.__dict__.pop("ctx", None)
        self.worker_threads.pop(threading.get_ident(), None)

    def orphan_line(self, text: str) -> None:
        """A line printed by a thread that is not a worker: shown as the main thread's."""
        self.emit(Output("main", time.monotonic(), text))

    def close(self) -> None:
        """Report the children that ended, send every buffered event, hang up."""
        self.lines.stop()
        self.reaper.stop()
        self.reporter.close()
        self.sender.close()

    def forget(self) -> None:
        """In a forked child: drop the parent's connection, whose threads did not follow."""
        self.sender.forget()


def module_ticks(module: str) -> bool:
    """Whether ``module``'s source calls ``tick()`` (imports it from this module, or
    calls ``runtime.tick``). Read, not imported: a process learns it before the module
    runs, so its workers are known to tick from their first moment."""
    import ast
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
        origin = None if spec is None else spec.origin
        if origin is None or not origin.endswith(".py"):
            return False
        with open(origin, encoding="utf-8") as f:
            tree = ast.parse(f.read())
    except (ImportError, ValueError, OSError, SyntaxError):
        return False
    return any(_is_tick(node) for node in ast.walk(tree))


def _is_tick(node: object) -> bool:
    """``from workloads.runtime import tick`` or ``runtime.tick``."""
    import ast

    if isinstance(node, ast.ImportFrom):
        return node.module == __name__ and any(alias.name == "tick" for alias in node.names)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr == "tick" and node.value.id == "runtime"
    return False


def activate(runtime: Runtime | None) -> None:
    """Make ``runtime`` this process's runtime (``None`` to deactivate)."""
    global _runtime
    _runtime = runtime


def active() -> Runtime | None:
    """This process's runtime, if it is part of a run."""
    return _runtime


def current() -> WorkerContext | None:
    """The calling thread's worker context, if it is a worker of a run."""
    return getattr(_local, "ctx", None)


def tick() -> None:
    """Mark one unit of CPU work done: feeds the running/ready timeline. Very cheap.

    The common case (no gap, slice not full) is inlined here rather than calling
    ``WorkerContext.tick``: one Python call less is a third of the cost.
    """
    try:
        ctx = _local.ctx
    except AttributeError:
        return
    now = _monotonic()
    if now - ctx.last > GAP_S or now - ctx.run_start > SLICE_S:
        ctx.tick()
    else:
        ctx.last = now


@contextmanager
def waiting(detail: str = "") -> Iterator[None]:
    """Declare that the code in the block waits (I/O, a lock, a reply), not computes."""
    ctx = current()
    if ctx is None:
        yield
        return
    start = ctx.begin_wait(detail)
    try:
        yield
    finally:
        ctx.end_wait(start)


def progress(done: int, total: int = 0) -> None:
    """Report that ``done`` of ``total`` units are finished."""
    ctx = current()
    if ctx is not None:
        ctx.progress(done, total)


def result(index: int, data: dict[str, Any]) -> None:
    """Report a structured result row (``index``: its place in the input)."""
    ctx = current()
    if ctx is not None:
        ctx.result(index, data)


def status(detail: str) -> None:
    """Say what the worker is doing now (shown on its panel)."""
    ctx = current()
    if ctx is not None:
        ctx.emit(StateChanged(ctx.id, time.monotonic(), RUNNING, detail))


def swap_context(ctx: WorkerContext | None) -> WorkerContext | None:
    """Make ``ctx`` the calling thread's worker context; returns the one it replaces.

    For workers that share a thread (asyncio tasks): while a task runs a step, what it
    prints and ticks is its own, not the thread's.
    """
    previous = getattr(_local, "ctx", None)
    if ctx is None:
        _local.__dict__.pop("ctx", None)
    else:
        _local.ctx = ctx
    return previous


def worker_id() -> str:
    """The calling worker's id as its panel shows it (``t1``, ``p2``, ``main``).

    Outside a run, or in a thread that is no worker: the thread's name.
    """
    ctx = current()
    return ctx.id if ctx is not None else threading.current_thread().name


def report_failure(worker: str, error: str, traceback: str, t: float, cpu_s: float) -> None:
    """Report, on behalf of ``worker``, that it failed at ``t`` (monotonic seconds).

    For a worker that cannot report it itself: a thread whose process crashed, whose
    last words (a ``faulthandler`` dump) another process read after the crash.
    """
    rt = active()
    if rt is not None:
        rt.emit(WorkerFailed(worker, t, error, traceback, cpu_s))


def flush() -> None:
    """Send this process's buffered events now, before something that may kill it.

    Events go out in batches every ~20 ms; a process that dies in between (a crash)
    takes its last lines with it, as a C program's unflushed ``stdout`` does.
    """
    rt = active()
    if rt is not None:
        rt.reporter.flush()
