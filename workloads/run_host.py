"""The run host: the process that runs one demo, started afresh for every run.

Why a separate process: threads under study must not share a GIL with the UI (a
CPU-bound thread demo would freeze the screen, and the UI's work would distort what
is shown); the host can run under another interpreter; and cleanup is one operation,
because the host leads its own process group and everything the demo starts is in it.

The session starts it as ``python -m workloads.run_host`` in a new session (so it is a
process group leader before any Python runs), writes the run's :class:`RunConfig` and
event address to its stdin, and keeps that pipe open: when it closes, however the
session died, the host kills its whole group. The host's stdout and stderr go to a
file the session reads if the host dies without a word.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import resource
import signal
import sys
import threading
import time
import traceback
import types
from typing import Any, BinaryIO

from workloads.process_group import alive, members
from workloads.semaphore_sweeper import SemaphoreSweeper

#: The run's scheduling priority, below the UI's. With every core saturated by a run
#: of 64 CPU-bound processes, the screen must still redraw and ``q`` still answer.
NICENESS = 19


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _kill_group() -> None:
    """Kill every process of the run, this one included.

    All but one: multiprocessing's resource tracker, if the run started one. It is
    what unlinks the named semaphores of a pool the run never shut down; it exits by
    itself once every other process of the run is gone (its pipe closes). Killing it
    too would leave them in /dev/shm for good. The session kills whatever is left of
    the group after that.
    """
    _stop_guardian()
    spare = _tracker_pid()
    me, group = os.getpid(), os.getpgid(0)
    if spare is None or not os.path.isdir("/proc"):
        os.killpg(group, signal.SIGKILL)
    for _ in range(5):  # a process may fork while we look
        victims = [pid for pid in (members(group) or []) if pid not in (me, spare)]
        if not victims:
            break
        for pid in victims:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
    if spare is not None:  # a cancel froze the group: the tracker must run to clean up
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(spare, signal.SIGCONT)
    os.kill(me, signal.SIGKILL)


def _stop_guardian() -> None:
    """The host is ending on its own: end its guardian and reap it, or it would be left
    a zombie under an init that may not reap."""
    if _guardian is None:
        return
    with contextlib.suppress(OSError):
        os.kill(_guardian, signal.SIGKILL)
        os.waitpid(_guardian, 0)


def _tracker_pid() -> int | None:
    tracker = sys.modules.get("multiprocessing.resource_tracker")
    pid = getattr(getattr(tracker, "_resource_tracker", None), "_pid", None)
    return pid if isinstance(pid, int) else None


def _forget_parent_main() -> None:
    # Spawned children re-import their parent's __main__ (this module) unless it has
    # no file: they need none of it.
    sys.modules["__main__"] = types.ModuleType("__main__")


def gil_enabled() -> bool:
    """Whether this interpreter runs with a GIL (False on a free-threaded build)."""
    check = getattr(sys, "_is_gil_enabled", None)
    return True if check is None else bool(check())


def _watch_session(pipe: BinaryIO) -> None:
    """Kill the run when the session's end of ``pipe`` closes (the session died).

    Only for a host that could not fork its guardian: with both, the host (killing its
    group, the guardian first) could end the guardian while it holds the group frozen.
    """

    def watch() -> None:
        while pipe.read(4096):
            pass
        _kill_group()

    threading.Thread(target=watch, name="interleave-session-watch", daemon=True).start()


_guardian: int | None = None


def _start_guardian(pipe_fd: int) -> bool:
    """Fork a tiny process, outside the run's group, that kills the group when the
    session's end of ``pipe_fd`` closes.

    The host's own watcher thread cannot do it while the run is paused: SIGSTOP froze
    it with the rest of the group. Forked now, before any thread exists.

    Its SIGKILL reaches the run's resource tracker too, so it unlinks the named
    semaphores the run's processes mapped itself (see workloads.semaphore_sweeper).
    """
    global _guardian
    group = os.getpgid(0)
    try:
        pid = os.fork()
    except OSError:
        return False
    if pid != 0:
        _guardian = pid
        return True
    try:
        os.setpgid(0, 0)  # its own group: pause does not stop it, nor killpg kill it
        while os.read(pipe_fd, 4096):
            pass
        _take_down(group)
    finally:
        os._exit(0)


def _take_down(group: int) -> None:
    """Kill ``group`` at once, and remove the named semaphores its processes mapped."""
    sweeper = SemaphoreSweeper()
    try:
        os.killpg(group, signal.SIGSTOP)  # frozen, each still maps what it made
        sweeper.look(lambda: members(group) or [])
    except OSError:
        pass  # the group is gone already
    finally:
        with contextlib.suppress(OSError):
            os.killpg(group, signal.SIGKILL)
    deadline = time.monotonic() + 2.0
    while alive(group) and time.monotonic() < deadline:
        time.sleep(0.01)
    sweeper.sweep()


def _read_start(stdin: BinaryIO) -> tuple[Any, Any]:
    """The run's config and event address, as the session wrote them."""
    config, address = pickle.load(stdin)
    return config, address


def main() -> None:
    """Entry point of the host process."""
    signal.signal(signal.SIGTERM, lambda *_: _kill_group())
    signal.signal(signal.SIGINT, lambda *_: _kill_group())
    stdin = os.fdopen(os.dup(0), "rb")
    config, address = _read_start(stdin)  # before the guardian, which reads to the end
    guarded = _start_guardian(stdin.fileno())
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # the demo's children must not hold our lifeline
    os.close(devnull)
    if not guarded:
        _watch_session(stdin)
    sampler = _start_sampler(address)  # noqa: F841 - its stdin is its lifeline: keep it
    with_niceness()
    _forget_parent_main()

    from workloads import instrument
    from workloads.events import THREAD, RunFailed, RunFinished, RunStarted
    from workloads.runtime import Runtime

    rt = Runtime(address, config)
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
        demo_main = _demo_main(rt, config)
        cpu0 = _cpu_seconds()
        t0 = time.monotonic()
        demo_main(dict(config.params))
        wall = time.monotonic() - t0
        cpu = _cpu_seconds() - cpu0
    except BaseException as exc:  # report it, whatever it is; the host exits next
        text = _traceback_text(exc)
        ctx.failed(exc, text)
        emit(RunFailed(time.monotonic(), f"{type(exc).__name__}: {exc}", text))
    else:
        ctx.finished()
        emit(RunFinished(time.monotonic(), wall, cpu))
    finally:
        _shutdown(rt)


#: Files of the host's own machinery: a traceback starts below their frames.
_HOST_FILES = frozenset({__file__, os.path.join(os.path.dirname(__file__), "script_runner.py")})


def _traceback_text(exc: BaseException) -> str:
    """``exc``'s traceback from the demo's (or script's) first frame on."""
    tbe = traceback.TracebackException.from_exception(exc)
    frames = list(tbe.stack)
    while len(frames) > 1 and frames[0].filename in _HOST_FILES:
        frames.pop(0)
    tbe.stack = traceback.StackSummary.from_list(frames)
    return "".join(tbe.format())


def _demo_main(rt: Any, config: Any) -> Any:
    """The demo's ``main(params)``, or a user's script run as ``__main__``."""
    if config.script is not None:
        from workloads import script_runner

        return script_runner.prepare(rt, config.script)
    return importlib.import_module(config.module).main


def _start_sampler(address: Any) -> Any:
    """The scheduler sampler, a process of its own (see workloads.thread_sampler)."""
    from workloads import thread_sampler

    try:
        return thread_sampler.start_for_run(address)
    except OSError:
        return None  # the run goes on with tick() and declared waits only


def with_niceness() -> None:
    """Lower the run's priority below the UI's (children inherit it).

    On Linux with autogroups (most desktops), the host's new session is a scheduling
    group of its own, weighed against the UI's (and the terminal's) as a whole: the
    processes' own nice values only share the run's part among themselves. So the
    group's nice is lowered too.
    """
    with contextlib.suppress(OSError):
        os.nice(NICENESS)
    with contextlib.suppress(OSError), open("/proc/self/autogroup", "w") as f:
        f.write(str(NICENESS))


def _shutdown(rt: Any) -> None:
    rt.close()  # every event is sent (one connection, no feeder thread to wait for)
    # Anything the demo left running (a thread it never joined, a process it never
    # waited for) dies with the host: a run leaves nothing behind.
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    if any(not t.daemon for t in others) or _has_children():
        _kill_group()
    _stop_guardian()
    os._exit(0)


def _has_children() -> bool:
    import multiprocessing

    return bool(multiprocessing.active_children())


if __name__ == "__main__":
    main()
