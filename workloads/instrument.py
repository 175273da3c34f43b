"""Makes plain demo code report what it does, inside a run's processes only.

Installed in the host process before the demo module is imported, and in every child
process the demo starts, it replaces:

- ``time.sleep``: scaled by the run's time scale, and reported as a *waiting* span;
- ``sys.stdout`` / ``sys.stderr``: each line printed becomes an ``Output`` event of the
  worker that printed it;
- ``threading.Thread``: a thread whose target is demo code, or a pool thread of an
  instrumented ``ThreadPoolExecutor``, registers as a worker while it runs;
- ``multiprocessing.Process``: a spawn-context process that sets up the runtime in the
  child before calling the target, and registers as a worker;
- ``concurrent.futures.ThreadPoolExecutor`` / ``ProcessPoolExecutor``: pools whose
  workers register, and whose tasks count as the workers' progress.

The demo module must use these through their modules (``time.sleep``,
``threading.Thread``, ``multiprocessing.Process``) or import them after installation;
the host imports demo modules after :func:`install`, and children re-import them
after :func:`install` too, except for ``time.sleep``, which is why demos call it as
``time.sleep``.
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.process
import concurrent.futures.thread
import io
import multiprocessing
import multiprocessing.context
import multiprocessing.util
import os
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from workloads import runtime
from workloads.events import PROCESS, THREAD
from workloads.reporter import EventSink
from workloads.runtime import RunConfig, Runtime

_OriginalThread = threading.Thread
_spawn = multiprocessing.get_context("spawn")


# -- print capture ----------------------------------------------------------------------
class OutputRouter(io.TextIOBase):
    """A ``sys.stdout`` that turns each printed line into an event of its worker."""

    def __init__(self, rt: Runtime) -> None:
        super().__init__()
        self._rt = rt

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        ctx = runtime.current()
        if ctx is not None:
            ctx.write(text)
        else:
            for line in text.splitlines():
                if line:
                    self._rt.orphan_line(line)
        return len(text)

    def flush(self) -> None:
        """Lines are sent when complete; nothing to flush."""

    def isatty(self) -> bool:
        return False


# -- sleep -------------------------------------------------------------------------------
def _make_sleep(scale: float) -> Callable[[float], None]:
    real_sleep = runtime._real_sleep

    def sleep(secs: float) -> None:
        """``time.sleep`` for a run: scaled, and shown as waiting on the timeline."""
        ctx = runtime.current()
        if ctx is None:
            real_sleep(secs * scale)
            return
        start = ctx.begin_wait(f"sleep({secs:g})")
        try:
            real_sleep(secs * scale)
        finally:
            ctx.end_wait(start)

    return sleep


# -- threads -----------------------------------------------------------------------------
def _is_demo_code(fn: object) -> bool:
    module = getattr(fn, "__module__", None) or ""
    return module.startswith("workloads.demos")


def _run_as_worker(
    fn: Callable[[], None],
    worker_id: str,
    name: str,
    kind: str,
    cpu_clock: Any,
    *,
    pool: bool = False,
) -> None:
    rt = runtime.active()
    if rt is None:
        fn()
        return
    ctx = rt.register(worker_id, name, kind, cpu_clock=cpu_clock)
    if pool:
        ctx.idle()
    try:
        fn()
    except BaseException as exc:  # the worker's failure is reported, not printed
        ctx.failed(exc, traceback.format_exc())
    else:
        ctx.finished()
    finally:
        rt.unregister()


class InstrumentedThread(_OriginalThread):
    """``threading.Thread`` that registers as a worker when it runs demo code."""

    def run(self) -> None:
        target = getattr(self, "_target", None)
        rt = runtime.active()
        if rt is None:
            super().run()
            return
        if _is_demo_code(target):
            name = getattr(target, "__name__", self.name)
        elif target is concurrent.futures.thread._worker and _is_instrumented_pool(self):
            name = self.name
            _run_as_worker(
                super().run, rt.next_thread_id(), name, THREAD, time.thread_time, pool=True
            )
            return
        else:
            super().run()
            return
        _run_as_worker(super().run, rt.next_thread_id(), name, THREAD, time.thread_time)

    def join(self, timeout: float | None = None) -> None:
        with runtime.waiting(f"join({self.name})"):
            super().join(timeout)


def _is_instrumented_pool(thread: threading.Thread) -> bool:
    args = getattr(thread, "_args", ())
    ref = args[0] if args else None
    pool = ref() if isinstance(ref, weakref.ref) else None
    return isinstance(pool, InstrumentedThreadPool)


class _Task:
    """A pool task that counts towards its worker's progress. Picklable."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn

    def __getstate__(self) -> Callable[..., Any]:
        return self.fn

    def __setstate__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        ctx = runtime.current()
        if ctx is None:
            return self.fn(*args, **kwargs)
        ctx.busy()
        runtime.status(_describe(self.fn, args))
        try:
            return self.fn(*args, **kwargs)
        finally:
            ctx.progress(ctx.done + 1)
            ctx.idle()


def _describe(fn: Callable[..., Any], args: tuple[Any, ...]) -> str:
    inner = getattr(fn, "args", None)  # functools.partial(_process_chunk, fn) in pools
    if inner and callable(inner[0]):
        fn = inner[0]
        chunk: Any = args[0] if args else ()
        args = tuple(chunk[0]) if len(chunk) == 1 else ()
    name = getattr(fn, "__name__", "task")
    return f"{name}({', '.join(repr(a) for a in args)})"


class _WaitingPool:
    """Pool methods that block are shown as the caller waiting."""

    def map(self, fn: Callable[..., Any], *iterables: Any, **kwargs: Any) -> Iterator[Any]:
        results = super().map(fn, *iterables, **kwargs)  # type: ignore[misc]
        return _waiting_iter(results, getattr(fn, "__name__", "task"))

    def shutdown(self, wait: bool = True, **kwargs: Any) -> None:
        with runtime.waiting("shutdown(wait=True)" if wait else ""):
            super().shutdown(wait, **kwargs)  # type: ignore[misc]


def _waiting_iter(results: Iterator[Any], name: str) -> Iterator[Any]:
    while True:
        with runtime.waiting(f"{name} result"):
            try:
                item = next(results)
            except StopIteration:
                return
        yield item


class InstrumentedThreadPool(_WaitingPool, concurrent.futures.thread.ThreadPoolExecutor):
    """``ThreadPoolExecutor`` whose threads are workers and whose tasks are progress."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return super().submit(_Task(fn), *args, **kwargs)


# -- processes ---------------------------------------------------------------------------
def _process_worker_id() -> str:
    # The host is itself a child of the UI (identity (N,)); number from the host down.
    identity = multiprocessing.current_process()._identity[1:]
    return "p" + ".".join(str(i) for i in identity)


def setup_child(queue: EventSink, config: RunConfig) -> Runtime:
    """Install the runtime in a process the run started."""
    rt = runtime.active()
    if rt is not None:
        return rt
    os.environ["PYTHONUNBUFFERED"] = "1"
    watch_parent(lambda: os._exit(1))
    rt = Runtime(queue, config, prefix=_process_worker_id() + ".")
    install(rt)
    return rt


class _ChildEntry:
    """The target of an instrumented ``multiprocessing.Process``, run in the child."""

    def __init__(
        self, target: Callable[..., Any], queue: EventSink, config: RunConfig, name: str
    ) -> None:
        self.target = target
        self.queue = queue
        self.config = config
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        rt = setup_child(self.queue, self.config)
        try:
            _run_as_worker(
                lambda: self.target(*args, **kwargs),
                _process_worker_id(),
                self.name,
                PROCESS,
                time.process_time,
            )
        finally:
            rt.close()


class InstrumentedProcess(multiprocessing.context.SpawnProcess):
    """``multiprocessing.Process`` that reports from the child. Always spawns."""

    def __init__(
        self,
        group: None = None,
        target: Callable[..., Any] | None = None,
        name: str | None = None,
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
        *,
        daemon: bool | None = None,
    ) -> None:
        rt = runtime.active()
        if rt is not None and target is not None:
            label = str(name or getattr(target, "__name__", "process"))
            target = _ChildEntry(target, rt.queue, rt.config, label)
        super().__init__(group, target, name, args, kwargs or {}, daemon=daemon)
        if name is None:  # the name the lesson's code would see: Process-1, not ours
            self.name = self.name.replace(type(self).__name__, "Process", 1)

    def join(self, timeout: float | None = None) -> None:
        with runtime.waiting(f"join({self.name})"):
            super().join(timeout)


def _pool_process_init(
    queue: EventSink,
    config: RunConfig,
    initializer: Callable[..., Any] | None,
    initargs: tuple[Any, ...],
) -> None:
    rt = setup_child(queue, config)
    ctx = rt.register(
        _process_worker_id(),
        multiprocessing.current_process().name,
        PROCESS,
        total=0,
        cpu_clock=time.process_time,
    )
    ctx.idle()

    def at_exit() -> None:
        ctx.finished()
        rt.close()

    # Runs when the pool worker process exits, before the queue's own finalizers
    # (higher exitpriority first), so the last events still get through.
    multiprocessing.util.Finalize(None, at_exit, exitpriority=100)
    if initializer is not None:
        initializer(*initargs)


class InstrumentedProcessPool(_WaitingPool, concurrent.futures.process.ProcessPoolExecutor):
    """``ProcessPoolExecutor`` whose processes are workers. Always spawns."""

    def __init__(
        self,
        max_workers: int | None = None,
        mp_context: Any = None,
        initializer: Callable[..., Any] | None = None,
        initargs: tuple[Any, ...] = (),
        **kwargs: Any,
    ) -> None:
        rt = runtime.active()
        if rt is not None:
            initargs = (rt.queue, rt.config, initializer, initargs)
            initializer = _pool_process_init
        super().__init__(
            max_workers, mp_context=_spawn, initializer=initializer, initargs=initargs, **kwargs
        )

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return super().submit(_Task(fn), *args, **kwargs)


# -- installation ------------------------------------------------------------------------
def install(rt: Runtime) -> None:
    """Activate ``rt`` in this process and patch the stdlib to report through it."""
    runtime.activate(rt)
    sys.setswitchinterval(rt.config.switch_interval)
    time.sleep = _make_sleep(rt.config.time_scale)  # type: ignore[assignment]
    router = OutputRouter(rt)
    sys.stdout = router
    sys.stderr = router
    threading.Thread = InstrumentedThread  # type: ignore[misc]
    multiprocessing.Process = InstrumentedProcess  # type: ignore[misc,assignment]
    concurrent.futures.ThreadPoolExecutor = InstrumentedThreadPool  # type: ignore[misc]
    concurrent.futures.ProcessPoolExecutor = InstrumentedProcessPool  # type: ignore[misc]


def watch_parent(on_death: Callable[[], None]) -> None:
    """Call ``on_death`` as soon as the parent process dies (no polling).

    A spawned child holds a pipe whose other end only its parent has open; the pipe
    becomes readable at the parent's death, whatever the cause, SIGKILL included.
    """
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        on_death()

    _OriginalThread(target=watch, name="interleave-parent-watch", daemon=True).start()
