"""The Dask side of a run: a worker plugin that reports what the run's tasks do.

It runs inside every worker process of the cluster, which may be on another machine,
where the run's own instrumentation (:mod:`workloads.instrument`) cannot follow: Dask's
nanny starts its workers with a multiprocessing context of its own, and a remote worker
has no way to the run's socket anyway. So for Dask workers, this plugin is the only
source of events, and nothing else reports for them:

- :meth:`PanelPlugin.setup` announces the worker process (kind ``process``, its host
  name and pid), idle until a task arrives;
- :class:`PanelTask` wraps each task of the run: the worker thread that runs it becomes
  a worker of the run (with one thread per process, the process's own panel), the task
  counts as progress and is shown as what the worker does; ``tick()``, ``print`` and
  ``time.sleep`` in the task report as they do in the host;
- events go in batches through the scheduler's event log (``Worker.log_event``), which
  the run host subscribes to. No connection of our own.

Outside the run's tasks nothing changes: a thread of the worker that is not running one
of them prints and sleeps as before, and :meth:`PanelPlugin.teardown` puts back what
setup replaced.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from distributed import WorkerPlugin, get_worker
from tornado.ioloop import PeriodicCallback

from workloads import runtime
from workloads.dask_codec import encode, wall_offset
from workloads.events import PROCESS, THREAD, Event, WorkerCpu
from workloads.worker_context import WorkerContext

#: Seconds between two batches of a worker (the timeline fills in at this pace).
FLUSH_S = 0.05
#: Seconds between two CPU readings of a worker's panels (its own clocks).
CPU_S = 0.5
#: Seconds between two looks at the run host's heartbeat (the scheduler's metadata).
LEASE_CHECK_S = 1.0
#: Seconds without a heartbeat after which the run host is taken for dead (killed, or
#: cancelled with its group): the plugin then unregisters itself from the whole cluster.
LEASE_S = 10.0
#: A batch is sent at once when it holds this many events.
MAX_BATCH = 256


class PanelPlugin(WorkerPlugin):
    """Reports the run's tasks on one worker. Registered by the run host as ``topic``."""

    def __init__(
        self, topic: str, time_scale: float = 1.0, lease_s: float | None = LEASE_S
    ) -> None:
        self.topic = topic
        self.time_scale = time_scale
        self.lease_s = lease_s

    # -- life ----------------------------------------------------------------------------
    def setup(self, worker: Any) -> None:
        """Announce this worker process; start the batch flusher; hook print and sleep."""
        self._worker = worker
        self._address = str(worker.address)
        self._offset = wall_offset()
        # Reentrant: a thread's first task announces its panel while holding it.
        self._lock = threading.RLock()
        self._buf: list[list[Any]] = []
        self._ids = itertools.count(1)
        self._threads: dict[int, WorkerContext] = {}
        self._single = int(getattr(worker.state, "nthreads", 1) or 1) == 1
        host = socket.gethostname().split(".")[0]
        self._host = host
        self._process = WorkerContext(
            "", host, PROCESS, self._emit, total=0, cpu_clock=time.process_time
        )
        self._process.started(os.getpid(), threading.get_native_id())
        self._process.idle()  # until a task comes (with more threads: until the last ends)
        _patches.install(self.time_scale)
        # On the worker's own event loop (setup runs there): no thread of ours.
        self._beat: Any = None
        self._beat_at = self._checked_at = time.monotonic()
        self._cpu_at = time.monotonic()
        self._cpu_last: dict[str, float] = {"": time.process_time()}
        self._checking = self._expired = False
        self._ticker = PeriodicCallback(self._tick, FLUSH_S * 1000)
        self._ticker.start()

    def teardown(self, worker: Any) -> None:
        """End every panel of this worker, send the last batch, undo the hooks."""
        with self._lock:
            contexts = [*self._threads.values(), self._process]
        for ctx in contexts:
            ctx.finished()
        self._ticker.stop()
        self.flush(bye=True)
        _patches.uninstall()

    # -- tasks ---------------------------------------------------------------------------
    def context(self) -> WorkerContext:
        """The calling worker thread's context (its panel), made on its first task."""
        key = threading.get_ident()
        with self._lock:
            ctx = self._threads.get(key)
            if ctx is None:
                if self._single:
                    ctx = self._process
                else:
                    n = next(self._ids)
                    ctx = WorkerContext(
                        f"t{n}", f"{self._host} thread {n}", THREAD, self._emit, total=0
                    )
                    ctx.started(os.getpid(), threading.get_native_id())
                    ctx.idle()
                    cpu = _thread_cpu(key)
                    if cpu is not None:
                        self._cpu_last[ctx.id] = cpu
                self._threads[key] = ctx
        return ctx

    # -- reporting -----------------------------------------------------------------------
    def _emit(self, event: Event) -> None:
        item = encode(event, self._offset)
        with self._lock:
            self._buf.append(item)
            full = len(self._buf) >= MAX_BATCH
        if full:
            self.flush()

    def flush(self, bye: bool = False) -> None:
        """Send what is buffered as one event of the scheduler's log."""
        with self._lock:
            batch, self._buf = self._buf, []
        if batch or bye:
            message = {"worker": self._address, "events": batch, "bye": bye}
            self._worker.log_event(self.topic, message)

    def _tick(self) -> None:
        now = time.monotonic()
        if now - self._cpu_at >= CPU_S:
            self._report_cpu(now)
        self.flush()
        if self.lease_s is None:  # a cluster of the run's own: it dies with the run
            return
        if not self._checking and now - self._checked_at >= LEASE_CHECK_S:
            self._checking, self._checked_at = True, now
            self._lease_check = asyncio.ensure_future(self._check_lease())

    def _report_cpu(self, now: float) -> None:
        """Each panel's CPU% since the last reading, from this process's own clocks: the
        run's UI reads psutil, which cannot see a worker on another machine."""
        dt, self._cpu_at = now - self._cpu_at, now
        with self._lock:
            panels: list[tuple[str, WorkerContext, int | None]] = [("", self._process, None)]
            if not self._single:
                panels += [(c.id, c, ident) for ident, c in self._threads.items()]
        for wid, ctx, ident in panels:
            cpu = _thread_cpu(ident) if ident is not None else time.process_time()
            if cpu is None:
                continue
            last = self._cpu_last.get(wid)
            self._cpu_last[wid] = cpu
            if last is not None and dt > 0:
                self._emit(WorkerCpu(ctx.id, now, max(0.0, (cpu - last) / dt * 100)))

    async def _check_lease(self) -> None:
        """Unregister from the cluster once the run host stopped beating (it died)."""
        try:
            beat = await self._worker.scheduler.get_metadata(keys=[self.topic], default=None)
        except Exception:  # the scheduler is unreachable: nothing to do about it here
            return
        finally:
            self._checking = False
        now = time.monotonic()
        if beat != self._beat:
            self._beat, self._beat_at = beat, now
        elif self.lease_s is not None and now - self._beat_at > self.lease_s and not self._expired:
            self._expired = True  # every worker's teardown runs, this one's included
            with contextlib.suppress(Exception):
                await self._worker.scheduler.unregister_worker_plugin(name=self.topic)


class PanelTask:
    """A task of the run: reports on the worker that runs it. Picklable.

    Outside a worker with the run's plugin (a cluster that lost it, a plain call) it
    just calls the function.
    """

    __slots__ = ("fn", "plugin")

    def __init__(self, fn: Callable[..., Any], plugin: str) -> None:
        self.fn = fn
        self.plugin = plugin

    @property
    def __name__(self) -> str:  # Dask names the task's key after it: crunch-<id>
        return str(getattr(self.fn, "__name__", "task"))

    def __getstate__(self) -> tuple[Callable[..., Any], str]:
        return self.fn, self.plugin

    def __setstate__(self, state: tuple[Callable[..., Any], str]) -> None:
        self.fn, self.plugin = state

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        plugin = _plugin(self.plugin)
        if plugin is None:
            return self.fn(*args, **kwargs)
        ctx = plugin.context()
        runtime._local.ctx = ctx
        ctx.busy()
        runtime.status(describe(self.fn, args))
        try:
            return self.fn(*args, **kwargs)
        finally:
            ctx.flush_partial()
            ctx.progress(ctx.done + 1)
            ctx.idle()
            runtime._local.__dict__.pop("ctx", None)


def _thread_cpu(ident: int) -> float | None:
    """CPU seconds of the thread ``ident`` (``threading.get_ident()``), where the OS tells."""
    try:
        return time.clock_gettime(time.pthread_getcpuclockid(ident))
    except (AttributeError, OSError):
        return None


def describe(fn: Callable[..., Any], args: tuple[Any, ...]) -> str:
    """``crunch(300)``: the call a task makes, for its worker's panel."""
    name = getattr(fn, "__name__", "task")
    shown = ", ".join(repr(a) for a in args)
    return f"{name}({shown if len(shown) <= 60 else shown[:57] + '...'})"


def _plugin(name: str) -> PanelPlugin | None:
    try:
        plugin = get_worker().plugins.get(name)
    except ValueError:  # not in a worker
        return None
    return plugin if isinstance(plugin, PanelPlugin) else None


# -- print and sleep in the run's tasks ------------------------------------------------------
class _TaskOutput:
    """``sys.stdout`` of a worker: a run's task's lines become its events; others pass."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        ctx = runtime.current()
        if ctx is None:
            return int(self.inner.write(text))
        ctx.write(text)
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class _Patches:
    """What setup replaces in the worker process, counted: two runs' plugins may share it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved: tuple[Any, Any, Any] | None = None
        self.scale = 1.0

    def install(self, scale: float) -> None:
        with self._lock:
            self._users += 1
            self.scale = scale
            if self._saved is None:
                self._saved = (sys.stdout, sys.stderr, time.sleep)
                sys.stdout = _TaskOutput(sys.stdout)
                sys.stderr = _TaskOutput(sys.stderr)
                time.sleep = self.sleep  # type: ignore[assignment]

    def uninstall(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users <= 0 and self._saved is not None:
                sys.stdout, sys.stderr, time.sleep = self._saved
                self._saved = None
                self._users = 0

    def sleep(self, secs: float) -> None:
        """``time.sleep``: in a run's task, scaled and shown as waiting; else unchanged."""
        ctx = runtime.current()
        if ctx is None:
            runtime._real_sleep(secs)
            return
        start = ctx.begin_wait(f"sleep({secs:g})")
        try:
            runtime._real_sleep(secs * self.scale)
        finally:
            ctx.end_wait(start)


_patches = _Patches()
