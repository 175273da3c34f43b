"""Test-only demos that misbehave on purpose, run by the real host like catalog demos.

The host imports a run's ``module`` and calls its ``main(params)``; any importable
module works, so these live in the tests package (the host has the project root on its
PYTHONPATH). One module holds them all: ``params["fault"]`` picks one. :data:`FAULT_DEMO`
is their catalog entry, so :func:`config` validates parameters like the real catalog,
and :func:`cli_main` runs the real command line with it registered (``run fault
--fault flood --json``).

The top-level ``from concurrent.futures import ProcessPoolExecutor`` is the point of
``pool_in_child``: a child process unpickles its target by importing this module, and
that import binds the name. The pool's workers report only if the run's
instrumentation was installed in the child *before* the import.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import psutil

from workloads import runtime
from workloads.demo import Demo
from workloads.param import ChoiceParam, FloatParam, IntParam, TextParam
from workloads.runtime import RunConfig

#: What a worker prints once it is up (tests wait for it rather than sleep).
READY = "ready"
#: The exit code of a host whose demo module dies at import.
IMPORT_EXIT_CODE = 3
#: The message of the exception the ``raise_in_*`` faults raise.
MESSAGE = "boom: the worker gave up"


def _at_import() -> None:
    """What some faults do when this module is imported inside a run.

    Only inside a run (the test process imports this module too, and must survive it):
    ``exit_at_import`` kills the host; ``import_delay`` holds a child process before
    it can register as a worker, so a test can kill it in that window.
    """
    rt = runtime.active()
    if rt is None:
        return
    params = rt.config.params
    if params.get("fault") == "exit_at_import":
        os._exit(IMPORT_EXIT_CODE)
    # A child of the host: the host leads the run's process group, its children do not.
    # (multiprocessing.parent_process() cannot tell: a spawned child learns its parent
    # only after it unpickled its target, which is when this module is imported.)
    if os.getpid() != os.getpgid(0) and params.get("import_delay"):
        rt.real_sleep(params["import_delay"])


_at_import()


# -- worker bodies (top level: process targets are pickled by name) ---------------------
def boom(message: str) -> None:
    """A worker's code that raises."""
    print(READY)
    raise ValueError(message)


def sleeper(seconds: float) -> None:
    """A process worker that says it is up, then sleeps (to be killed)."""
    print(READY, flush=True)
    time.sleep(seconds)


def sleeper_parent(seconds: float) -> None:
    """A process worker that starts a sleeper of its own and waits for it."""
    child = multiprocessing.Process(target=sleeper, args=(seconds,))
    child.start()
    child.join()


def nap(seconds: float) -> None:
    """A pool task that sleeps."""
    time.sleep(seconds)


def square(n: int) -> int:
    """A pool task, with a short sleep so that every pool worker gets one."""
    time.sleep(0.05)
    return n * n


def run_pool(workers: int) -> None:
    """Run a small pool with the ``ProcessPoolExecutor`` imported at the top."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        print(f"squares: {sum(pool.map(square, range(workers * 2)))}")


# -- the demos --------------------------------------------------------------------------
def raise_in_thread(params: dict[str, Any]) -> None:
    """One worker thread raises; the main thread joins it and returns normally."""
    t = threading.Thread(target=boom, args=(params["message"],))
    t.start()
    t.join()


def raise_in_process(params: dict[str, Any]) -> None:
    """One worker process raises; the main thread joins it and returns normally."""
    p = multiprocessing.Process(target=boom, args=(params["message"],))
    p.start()
    p.join()


def split_print(params: dict[str, Any]) -> None:
    """A thread that is no worker (its target is library code) prints one line in three
    writes, as ``print("left", "right")`` does."""
    t = threading.Thread(target=print, args=("left", "right"))
    t.start()
    t.join()


def flood(params: dict[str, Any]) -> None:
    """Print ``lines`` lines as fast as the main thread can."""
    for i in range(params["lines"]):
        print(f"line {i}")


def pool_in_child(params: dict[str, Any]) -> None:
    """A process whose target runs a process pool (pool workers are grandchildren)."""
    p = multiprocessing.Process(target=run_pool, args=(params["workers"],))
    p.start()
    p.join()


def mp_context_pool(params: dict[str, Any]) -> None:
    """A pool with an explicit start method (``method``: fork, forkserver or spawn)."""
    context = multiprocessing.get_context(params["method"])
    workers = params["workers"]
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        print(f"squares: {sum(pool.map(square, range(workers * 2)))}")


def sleepers(params: dict[str, Any]) -> None:
    """``count`` processes that sleep ``seconds``: there to be killed or paused."""
    procs = [
        multiprocessing.Process(target=sleeper, args=(params["seconds"],))
        for _ in range(params["count"])
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join()


def nested(params: dict[str, Any]) -> None:
    """p1 starts p1.1; both sleep. The main thread outlives p1, so the run goes on."""
    p = multiprocessing.Process(target=sleeper_parent, args=(params["seconds"],))
    p.start()
    p.join()
    time.sleep(params["seconds"])


def deaf_pool(params: dict[str, Any]) -> None:
    """A pool of sleepers, with SIGTERM blocked in the main thread (as some libraries do).

    The host's SIGTERM handler can then only run once the main thread wakes up, which
    it does not while it waits for the pool: a cancel has to take the run down without
    the host's help. The pool's named semaphores must not leak for all that.
    """
    workers = params["workers"]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # Only now: starting the resource tracker (the pool's semaphores did) unblocks
        # SIGTERM in the calling thread.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        list(pool.map(nap, [params["seconds"]] * workers))


def pool_maps_sleep(params: dict[str, Any]) -> None:
    """``pool.map(time.sleep, ...)``: plain Python pickles ``time.sleep`` by name."""
    with ProcessPoolExecutor(max_workers=params["workers"]) as pool:
        list(pool.map(time.sleep, [0.01] * params["workers"]))
    print("slept")


def exit_at_import(params: dict[str, Any]) -> None:
    """Never called: the host dies importing this module (see :func:`_at_import`)."""
    raise AssertionError("the host should have exited at import")


FAULTS = {
    f.__name__: f
    for f in (
        raise_in_thread,
        raise_in_process,
        split_print,
        flood,
        pool_in_child,
        mp_context_pool,
        sleepers,
        nested,
        deaf_pool,
        pool_maps_sleep,
        exit_at_import,
    )
}


def main(params: dict[str, Any]) -> None:
    """The host's entry point: run the fault ``params["fault"]``."""
    FAULTS[params["fault"]](params)


# -- as a catalog demo ------------------------------------------------------------------
FAULT_DEMO = Demo(
    id="fault",
    title="Faults (tests only)",
    summary="a demo that misbehaves on purpose",
    explanation="Test-only: see tests/fault_demos.py.",
    module=__name__,
    params=(
        ChoiceParam("fault", "flood", "what goes wrong", choices=tuple(FAULTS)),
        IntParam("lines", 10, "lines flood prints", 0, 10_000_000),
        IntParam("workers", 2, "pool workers", 1, 64),
        IntParam("count", 2, "sleeping processes", 1, 256),
        FloatParam("seconds", 60.0, "seconds each sleeper sleeps", 0.0, 3600.0),
        FloatParam("import_delay", 0.0, "seconds a child waits at import", 0.0, 3600.0),
        ChoiceParam(
            "method", "forkserver", "start method", choices=("fork", "forkserver", "spawn")
        ),
        TextParam("message", MESSAGE, "what raise_in_* raises"),
    ),
)


def config(fault: str, time_scale: float = 1.0, **params: Any) -> RunConfig:
    """The run configuration of fault ``fault`` (a key of :data:`FAULTS`)."""
    return FAULT_DEMO.config({"fault": fault, **params}, time_scale)


def cli_main() -> int:
    """The real ``interleave`` command line, with :data:`FAULT_DEMO` in its catalog."""
    from tui.cli import main as cli
    from workloads import catalog

    catalog.DEMOS[FAULT_DEMO.id] = FAULT_DEMO

    return cli(sys.argv[1:])


#: Run the command line with the fault demo: ``[*FAULT_CLI, "run", "fault", ...]``.
FAULT_CLI = [
    sys.executable,
    "-c",
    "import sys; from tests.fault_demos import cli_main; sys.exit(cli_main())",
]


# -- what the fault tests check afterwards (psutil) -------------------------------------
def group_members(pgid: int) -> list[psutil.Process]:
    """The live processes of process group ``pgid`` (a run's host pid)."""
    members = []
    for p in psutil.process_iter():
        try:
            if os.getpgid(p.pid) == pgid and p.status() != psutil.STATUS_ZOMBIE:
                members.append(p)
        except (OSError, psutil.Error):
            pass  # it exited while we looked
    return members


def group_gone(pgid: int, deadline_s: float = 5.0) -> bool:
    """Whether process group ``pgid`` has no live process left, polling up to ``deadline_s``.

    ``os.killpg(pgid, 0)`` raising ProcessLookupError says the group is empty. It also
    succeeds on zombies: a process of the run that outlived the host (its resource
    tracker) was re-parented to init and stays in the group, dead, until init reaps it,
    which here takes up to a second. A group of zombies only counts as gone.
    """
    end = time.monotonic() + deadline_s
    while True:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:  # the pgid was reused by someone else's group
            return True
        if not group_members(pgid):
            return True
        if time.monotonic() > end:
            return False
        time.sleep(0.02)


def worker_processes(host_pid: int) -> list[psutil.Process]:
    """The host's multiprocessing children (spawned workers), tracker left out."""
    try:
        children = psutil.Process(host_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    out = []
    for p in children:
        try:
            if "--multiprocessing-fork" in p.cmdline():
                out.append(p)
        except psutil.Error:
            pass
    return out


def wait_for(condition: Callable[[], object], what: str, limit_s: float = 30.0) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` after ``limit_s``.

    A hang guard, never a timing assertion.
    """
    end = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
