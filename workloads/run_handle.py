"""The parent's side of a run: starts the host, drains its events, ends it for sure."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue as queue_mod
import signal
import sys
import types
from collections.abc import Iterator
from typing import Any

from workloads.events import Event
from workloads.run_host import host_main
from workloads.runtime import RunConfig

_spawn = multiprocessing.get_context("spawn")


@contextlib.contextmanager
def _real_std_streams() -> Iterator[None]:
    # Inside a Textual app sys.stdout/stderr have fileno() == -1, and spawning then
    # fails with "bad value(s) in fds_to_keep" (textual#3593). Use the real ones.
    with contextlib.redirect_stdout(sys.__stdout__), contextlib.redirect_stderr(sys.__stderr__):
        yield


class RunHandle:
    """One run of one demo in its own host process.

    ``drain()`` returns the events that arrived; ``cancel()`` kills the run's whole
    process group; ``close()`` (also on context exit) makes sure nothing survives.
    """

    def __init__(self, config: RunConfig, *, python: str | None = None) -> None:
        self.config = config
        self.python = python
        self.queue: Any = None
        self.process: Any = None
        self._done = False

    @property
    def pid(self) -> int | None:
        """The host's pid (also its process group id), once started."""
        return None if self.process is None else self.process.pid

    def start(self) -> RunHandle:
        """Spawn the host. Returns self."""
        with _real_std_streams():
            self.queue = _spawn.Queue()
            proc = _spawn.Process(
                target=host_main, args=(self.queue, self.config), name="interleave-host"
            )
            with _executable(self.python):
                proc.start()
            self.process = proc
        return self

    def alive(self) -> bool:
        """Whether the host process is still running."""
        return self.process is not None and self.process.is_alive()

    def drain(self, timeout: float = 0.05) -> list[Event]:
        """Every event available now, waiting up to ``timeout`` for the first batch.

        Never blocks forever, so the caller can always cancel or exit.
        """
        if self.queue is None:
            return []
        events: list[Event] = []
        try:
            events.extend(self.queue.get(timeout=timeout))
            while True:
                events.extend(self.queue.get_nowait())
        except queue_mod.Empty:
            pass
        except (EOFError, OSError, ValueError):
            pass
        return events

    def exitcode(self) -> int | None:
        """The host's exit code, once it exited."""
        return None if self.process is None else self.process.exitcode

    def cancel(self, grace: float = 1.0) -> None:
        """Stop the run: SIGTERM the group, SIGKILL it if it is not gone in ``grace`` s."""
        if self.process is None:
            return
        self._signal_group(signal.SIGTERM)
        self.process.join(grace)
        self._signal_group(signal.SIGKILL)
        self.process.join(1.0)

    def close(self) -> None:
        """Release everything; kills whatever of the run is still alive."""
        if self._done or self.process is None:
            return
        self._done = True
        if self.process.is_alive():
            self.cancel(grace=0.5)
        self._signal_group(signal.SIGKILL)  # stragglers whose leader already exited
        self.process.join(1.0)
        with contextlib.suppress(Exception):
            self.queue.close()
            self.queue.cancel_join_thread()
        with contextlib.suppress(Exception):
            self.process.close()

    def _signal_group(self, sig: int) -> None:
        pid = self.pid
        if pid is None:
            return
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            # The host has not called setsid() yet, or the group is gone.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                if self.process.exitcode is None:
                    os.kill(pid, sig)

    def __enter__(self) -> RunHandle:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextlib.contextmanager
def _executable(python: str | None) -> Iterator[None]:
    """Spawn under another interpreter (e.g. a free-threaded build) for one start."""
    if not python:
        yield
        return
    from multiprocessing import spawn

    from workloads.interpreter import spawn_sys_path

    # The child is handed the parent's sys.path at start(): give it its own instead, or
    # another version would import this one's standard library and site-packages. Nor
    # should it re-import the parent's __main__ (pytest, say), which it may not have.
    child_path = spawn_sys_path(python)
    previous, previous_path = spawn.get_executable(), sys.path
    previous_main = sys.modules["__main__"]
    spawn.set_executable(python)
    sys.path = child_path
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = previous_main
        sys.path = previous_path
        spawn.set_executable(previous)
