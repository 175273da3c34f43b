"""The run host: the process that runs one demo, spawned afresh for every run.

Why a separate process: threads under study must not share a GIL with the UI (a
CPU-bound thread demo would freeze the screen, and the UI's work would distort what
is shown); the host can run under another interpreter; and cleanup is one operation,
because the host leads its own process group and everything the demo starts is in it.
"""

from __future__ import annotations

import importlib
import os
import resource
import signal
import sys
import threading
import time
import traceback
import types
from typing import Any

from workloads import instrument
from workloads.events import THREAD, RunFailed, RunFinished, RunStarted
from workloads.reporter import EventSink
from workloads.runtime import RunConfig, Runtime


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _kill_group() -> None:
    """Kill every process of the run, this one included."""
    os.killpg(os.getpgid(0), signal.SIGKILL)


def _detach_from_terminal() -> None:
    # The demo's children inherit fds 1 and 2: they must never reach the UI's terminal.
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)


def _forget_parent_main() -> None:
    # Spawned children re-import the parent's __main__ (the CLI or pytest) unless it
    # has no file; the host's __main__ is the one it was spawned from. Give it none.
    sys.modules["__main__"] = types.ModuleType("__main__")


def gil_enabled() -> bool:
    """Whether this interpreter runs with a GIL (False on a free-threaded build)."""
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else bool(check())


def host_main(queue: EventSink, config: RunConfig) -> None:
    """Entry point of the host process (a ``multiprocessing`` spawn target)."""
    os.setsid()
    _detach_from_terminal()
    _forget_parent_main()
    signal.signal(signal.SIGTERM, lambda *_: _kill_group())
    signal.signal(signal.SIGINT, lambda *_: _kill_group())
    instrument.watch_parent(_kill_group)

    rt = Runtime(queue, config)
    instrument.install(rt)
    emit = rt.emit
    emit(
        RunStarted(
            time.monotonic(),
            config.demo,
            dict(config.params),
            config.time_scale,
            os.getpid(),
            sys.version.split()[0],
            gil_enabled(),
            sys.getswitchinterval(),
        )
    )
    ctx = rt.register("main", "MainThread", THREAD, total=0)
    try:
        main: Any = importlib.import_module(config.module).main
        cpu0 = _cpu_seconds()
        t0 = time.monotonic()
        main(dict(config.params))
        wall = time.monotonic() - t0
        cpu = _cpu_seconds() - cpu0
    except BaseException as exc:  # report it, whatever it is; the host exits next
        ctx.failed(exc, traceback.format_exc())
        emit(RunFailed(time.monotonic(), f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    else:
        ctx.finished()
        emit(RunFinished(time.monotonic(), wall, cpu))
    finally:
        _shutdown(rt, queue)


def _shutdown(rt: Runtime, queue: EventSink) -> None:
    rt.close()
    close = getattr(queue, "close", None)
    join = getattr(queue, "join_thread", None)
    if close and join:
        close()
        join()  # every event is in the pipe before the host exits
    # Anything the demo left running (a thread it never joined, a process it never
    # waited for) dies with the host: a run leaves nothing behind.
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    if any(not t.daemon for t in others) or _has_children():
        _kill_group()
    os._exit(0)


def _has_children() -> bool:
    import multiprocessing

    return bool(multiprocessing.active_children())
