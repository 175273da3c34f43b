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
  workers register, and whose tasks count as the workers' progress;
- asyncio's event loops: each task of the program's own code is a worker, and
  ``asyncio.sleep`` is scaled (:mod:`workloads.task_tracer`).

It also watches every process started from a run process (any start method) and
reports how each one ended (:mod:`workloads.reaper`), and gives a forked child its own
connection to the session.

Demo code may import these any way it likes (``from time import sleep`` included):
the host imports demo modules after :func:`install`, and a child installs the runtime
while it unpickles its target, before the target's module is imported (see
:class:`_Setup`).
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
from multiprocessing.process import BaseProcess
from typing import Any

from workloads import runtime, startup_failure, task_tracer
from workloads.channel import Address
from workloads.events import PROCESS, THREAD, WorkerKind
from workloads.runtime import RunConfig, Runtime

_OriginalThread = threading.Thread
_spawn = multiprocessing.get_context("spawn")


# -- print capture ----------------------------------------------------------------------
class OutputRouter(io.TextIOBase):
    """A ``sys.stdout`` that turns each printed line into an event of its worker."""

    def __init__(self, rt: Runtime) -> None:
        super().__init__()
        self._rt = rt
        # What a thread that is no worker printed since its last newline: print() writes
        # its arguments, separators and end one by one.
        self._partial = threading.local()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        ctx = runtime.current()
        if ctx is not None:
            ctx.write(text)
            return len(text)
        pending = getattr(self._partial, "text", "") + text
        *lines, self._partial.text = pending.split("\n")
        for line in lines:
            if line:
                self._rt.orphan_line(line)
        return len(text)

    def flush(self) -> None:
        """Lines are sent when complete; nothing to flush."""

    def isatty(self) -> bool:
        return False


# -- sleep -------------------------------------------------------------------------------
_sleep_scale = 1.0


def sleep(secs: float) -> None:
    """``time.sleep`` for a run: scaled, and shown as waiting on the timeline."""
    ctx = runtime.current()
    if ctx is None:
        runtime._real_sleep(secs * _sleep_scale)
        return
    start = ctx.begin_wait(f"sleep({secs:g})")
    try:
        runtime._real_sleep(secs * _sleep_scale)
    finally:
        ctx.end_wait(start)


# It stands in for time.sleep, and is pickled by that name (pool.map(time.sleep, ...)
# works as in plain Python; the child's time.sleep is the run's version too).
sleep.__module__, sleep.__qualname__ = "time", "sleep"


# -- threads -----------------------------------------------------------------------------
def _is_demo_code(fn: object) -> bool:
    """Whether ``fn`` is the program's own code (its threads are the run's workers).

    Not the standard library's, not an installed package's, not interleave's own
    machinery (a scraper's watchdog thread is no worker): the demo's modules, and any
    other module of the program.
    """
    module = getattr(fn, "__module__", None) or ""
    if not module:
        return False
    if module.startswith("workloads.demos") or module == "__main__":
        return True
    top = module.partition(".")[0]
    if top == "workloads" or top in _STDLIB:
        return False
    origin = getattr(sys.modules.get(module), "__file__", None) or ""
    return not any(part in origin for part in ("site-packages", "dist-packages"))


_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"concurrent", "threading"}


def _run_as_worker(
    fn: Callable[[], None],
    worker_id: str,
    name: str,
    kind: WorkerKind,
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
    """``threading.Thread`` that registers as a worker when it runs demo code.

    Its worker id is taken when ``start()`` is called, in the program's own order, not
    when the thread first runs (a race): ``t1`` is the same thread on every run, so it
    keeps its colour across reruns.
    """

    _worker_id: str | None = None

    def start(self) -> None:
        rt = runtime.active()
        if rt is not None and self._role() is not None:
            self._worker_id = rt.next_thread_id()
        elif rt is not None and _overrides_run(type(self), InstrumentedThread):
            # class Worker(Thread): def run(self): ... -- its own run is the work.
            own_run, worker_id, name = self.run, rt.next_thread_id(), type(self).__name__
            self.run = lambda: _run_as_worker(  # type: ignore[method-assign]
                own_run, worker_id, name, THREAD, time.thread_time
            )
        super().start()

    def _role(self) -> str | None:
        """``demo`` or ``pool`` if this thread is a worker of the run, else None."""
        target = getattr(self, "_target", None)
        if _is_demo_code(target):
            return "demo"
        if target is concurrent.futures.thread._worker and _is_instrumented_pool(self):
            return "pool"
        return None

    def run(self) -> None:
        rt = runtime.active()
        role = self._role() if rt is not None else None
        if rt is None or role is None:
            super().run()
            return
        worker_id = self._worker_id or rt.next_thread_id()
        if role == "pool":
            _run_as_worker(super().run, worker_id, self.name, THREAD, time.thread_time, pool=True)
            return
        name = getattr(getattr(self, "_target", None), "__name__", self.name)
        _run_as_worker(super().run, worker_id, name, THREAD, time.thread_time)

    def join(self, timeout: float | None = None) -> None:
        with runtime.waiting(f"join({self.name})"):
            super().join(timeout)


def _overrides_run(cls: type, base: type) -> bool:
    """Whether ``cls`` is the program's own subclass of ``base`` with its own ``run``."""
    run = getattr(cls, "run", None)
    return run is not getattr(base, "run", None) and _is_demo_code(run)


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
def process_worker_id() -> str:
    """This process's worker id: ``p1``, ``p2``, ``p1.1`` (a child of p1), ...

    The identity multiprocessing gives each process it starts; the host is the root
    (the session starts it as a plain subprocess), so its children are ``p1``, ``p2``.
    """
    identity = multiprocessing.current_process()._identity
    return "p" + ".".join(str(i) for i in identity)


def setup_child(address: Address, config: RunConfig, worker: str = "") -> Runtime:
    """Install the runtime in a process the run started (idempotent).

    ``worker`` is the id the process will have as a worker (``p1``), for a failure
    before it can register (see :mod:`workloads.startup_failure`).
    """
    rt = runtime.active()
    if rt is not None:
        return rt
    os.environ["PYTHONUNBUFFERED"] = "1"
    watch_parent(lambda: os._exit(1))
    rt = Runtime(address, config, prefix=None, thread_factory=_OriginalThread)
    install(rt)
    startup_failure.install(rt, worker)  # a target that cannot be unpickled says why
    return rt


class _Setup:
    """Unpickling this installs the run's runtime in the child, *before* what follows.

    A spawned child unpickles its target, which imports the demo's module; a module
    that says ``from concurrent.futures import ProcessPoolExecutor`` binds the name at
    that moment. Pickle rebuilds arguments in order, so putting this first makes the
    instrumentation be in place when the target's module is imported.
    """

    def __init__(self, address: Address, config: RunConfig, worker: str = "") -> None:
        self.address = address
        self.config = config
        self.worker = worker

    def __reduce__(self) -> tuple[Any, ...]:
        return (setup_child, (self.address, self.config, self.worker))


def _child_entry(rt: Runtime, target: Callable[..., Any], name: str) -> _ChildEntry:
    return _ChildEntry(target, name, rt)


class _ChildEntry:
    """The target of an instrumented ``multiprocessing.Process``, run in the child."""

    def __init__(self, target: Callable[..., Any], name: str, rt: Runtime) -> None:
        self.target = target
        self.name = name
        self.address = rt.address
        self.config = rt.config
        self.worker = ""  # its process's worker id, once the process has an identity

    def __reduce__(self) -> tuple[Any, ...]:
        setup = _Setup(self.address, self.config, self.worker)
        return (_child_entry, (setup, self.target, self.name))

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        rt = setup_child(self.address, self.config)
        try:
            _run_as_worker(
                lambda: self.target(*args, **kwargs),
                process_worker_id(),
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
            target = _ChildEntry(target, label, rt)
        super().__init__(group, target, name, args, kwargs or {}, daemon=daemon)
        if isinstance(target, _ChildEntry):  # the id process_worker_id() gives the child
            target.worker = "p" + ".".join(str(i) for i in self._identity)
        if name is None:  # the name the lesson's code would see: Process-1, not ours
            self.name = self.name.replace(type(self).__name__, "Process", 1)


def _pool_process_init(
    setup: Runtime | _Setup,
    initializer: Callable[..., Any] | None,
    initargs: tuple[Any, ...],
) -> None:
    # Spawned: unpickling made the runtime already. Forked: the fork hook did.
    rt = setup if isinstance(setup, Runtime) else setup_child(setup.address, setup.config)
    ctx = rt.register(
        process_worker_id(),
        multiprocessing.current_process().name,
        PROCESS,
        total=0,
        cpu_clock=time.process_time,
    )
    ctx.idle()

    def at_exit() -> None:
        ctx.finished()
        rt.close()

    # Runs when the pool worker process exits, before the queues' own finalizers
    # (higher exitpriority first), so the last events still get through.
    multiprocessing.util.Finalize(None, at_exit, exitpriority=100)
    if initializer is not None:
        initializer(*initargs)


class InstrumentedProcessPool(_WaitingPool, concurrent.futures.process.ProcessPoolExecutor):
    """``ProcessPoolExecutor`` whose processes are workers.

    It honours ``mp_context``; without one it spawns (the host has threads, and
    forking a process with threads is what Python 3.12+ warns about).
    """

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
            # _Setup first: the child installs the runtime before it unpickles the
            # user's initializer (and so before it imports the demo's module).
            initargs = (_Setup(rt.address, rt.config), initializer, initargs)
            initializer = _pool_process_init
        super().__init__(
            max_workers,
            mp_context=mp_context or _spawn,
            initializer=initializer,
            initargs=initargs,
            **kwargs,
        )

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        return super().submit(_Task(fn), *args, **kwargs)


_original_start = BaseProcess.start


def _start_and_watch(self: BaseProcess) -> None:
    """``Process.start`` of every context: the run's reaper watches what it starts."""
    _original_start(self)
    rt = runtime.active()
    if rt is not None:
        rt.reaper.add(self)


_original_join = BaseProcess.join


def _join_waiting(self: BaseProcess, timeout: float | None = None) -> None:
    """``Process.join`` of every context: the caller is shown waiting, not running."""
    with runtime.waiting(f"join({self.name})"):
        _original_join(self, timeout)


def _after_fork_in_child() -> None:
    """A forked child of a run process: its own connection, reporter and reaper."""
    rt = runtime.active()
    if rt is None:
        return
    rt.forget()
    rt.unregister()
    child = Runtime(rt.address, rt.config, prefix=None, thread_factory=_OriginalThread)
    runtime.activate(child)
    router = OutputRouter(child)
    sys.stdout = sys.stderr = router


# -- installation ------------------------------------------------------------------------
_fork_hook_installed = False


def install(rt: Runtime) -> None:
    """Activate ``rt`` in this process and patch the stdlib to report through it."""
    global _fork_hook_installed
    runtime.activate(rt)
    if not _fork_hook_installed:
        os.register_at_fork(after_in_child=_after_fork_in_child)
        _fork_hook_installed = True
    BaseProcess.start = _start_and_watch  # type: ignore[method-assign]
    BaseProcess.join = _join_waiting  # type: ignore[method-assign]
    sys.setswitchinterval(rt.config.switch_interval)
    global _sleep_scale
    _sleep_scale = rt.config.time_scale
    time.sleep = sleep  # type: ignore[assignment]
    router = OutputRouter(rt)
    sys.stdout = router
    sys.stderr = router
    threading.Thread = InstrumentedThread  # type: ignore[misc]
    multiprocessing.Process = InstrumentedProcess  # type: ignore[misc,assignment]
    concurrent.futures.ThreadPoolExecutor = InstrumentedThreadPool  # type: ignore[misc]
    concurrent.futures.ProcessPoolExecutor = InstrumentedProcessPool  # type: ignore[misc]
    task_tracer.install(rt, _is_demo_code)  # asyncio tasks are workers too


def watch_parent(on_death: Callable[[], None]) -> None:
    """Call ``on_death`` as soon as the parent process dies.

    A spawned child holds a pipe whose other end only its parent has open; the pipe
    becomes readable at the parent's death, whatever the cause, SIGKILL included. The
    runtime is installed while the child unpickles its target, a moment before
    multiprocessing sets ``parent_process()``: until then, the parent's pid is watched
    (a child whose parent died is handed to another).
    """
    ppid = os.getppid()

    def watch() -> None:
        parent = multiprocessing.parent_process()
        while parent is None:  # still unpickling the target: watch the pid meanwhile
            if os.getppid() != ppid:
                on_death()
                return
            runtime._real_sleep(0.02)
            parent = multiprocessing.parent_process()
        parent.join()
        on_death()

    _OriginalThread(target=watch, name="interleave-parent-watch", daemon=True).start()
