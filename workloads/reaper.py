"""Tells the run how each child process ended, signal included.

A worker process killed with ``kill -9`` sends nothing: it just stops. Only its parent
can learn how it ended, so every process of a run that starts children watches them
and reports a :class:`~workloads.events.ProcessExited` for each. The fold then marks
that process's workers *killed by SIGKILL* instead of leaving them "running" forever.

The watcher must not disturb the program it watches: it peeks at the exit status with
``waitid(..., WNOWAIT)``, which leaves the child for its owner (``Process.join``, the
pool's manager thread) to reap as usual.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess

from workloads.events import Event, ProcessExited

#: Seconds between two looks for processes started since the last one.
POLL_S = 0.1


class Reaper:
    """Watches the processes registered with :meth:`add` and reports each one's end."""

    def __init__(
        self, emit: Callable[[Event], None], thread_factory: Callable[..., threading.Thread]
    ) -> None:
        self._emit = emit
        self._thread_factory = thread_factory
        self._lock = threading.Lock()
        self._watched: list[BaseProcess] = []
        self._thread: threading.Thread | None = None
        self._stopped = False

    def add(self, process: BaseProcess) -> None:
        """Watch ``process`` (just started) until it ends."""
        with self._lock:
            self._watched.append(process)
            if self._thread is None and not self._stopped:
                self._thread = self._thread_factory(
                    target=self._loop, name="interleave-reaper", daemon=True
                )
                self._thread.start()

    def sweep(self, timeout: float = 0.0) -> bool:
        """Report every watched process that has ended (waiting up to ``timeout``).

        Returns whether one that ended could not be reported yet (a forkserver's child:
        only its owner may read its exit code, once).
        """
        with self._lock:
            watched = list(self._watched)
        sentinels = {}
        for p in watched:
            try:
                sentinels[p.sentinel] = p
            except ValueError:  # closed by its owner: it ended, and was reaped
                self._report(p)
        if not sentinels:
            return False
        pending = False
        for sentinel in wait(list(sentinels), timeout):
            pending |= not self._report(sentinels[sentinel])  # type: ignore[index]
        return pending

    def stop(self) -> None:
        """Report what has ended, and stop watching."""
        self._stopped = True
        self.sweep()

    def _loop(self) -> None:
        while not self._stopped:
            pending = self.sweep(POLL_S)
            with self._lock:
                idle = not self._watched
            if idle or pending:
                time.sleep(POLL_S)

    def _report(self, p: BaseProcess) -> bool:
        """Report ``p``'s end; whether it was reported (or needs no report)."""
        code = _exitcode(p)
        if code is None:
            return False  # not a zombie yet: the next sweep sees it
        if code == -signal.SIGTERM and getattr(p, "stopped_by_owner", False):
            code = 0  # its pool stopped it (Pool.terminate): the way a pool ends
        with self._lock:
            if p not in self._watched:
                return True
            self._watched.remove(p)
        pid = p.pid
        if pid is not None:
            self._emit(ProcessExited(time.monotonic(), pid, code))
        return True


def _exitcode(p: BaseProcess) -> int | None:
    """``p``'s exit code without reaping it (a negative signal number if killed)."""
    pid = p.pid
    waitid = getattr(os, "waitid", None)
    if pid is not None and waitid is not None:
        try:
            info = waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            # Reaped by its owner, or not our child (a forkserver's): the Popen has the
            # code once its owner polled. Polling here would race the owner for the
            # forkserver's one report of it, and leave the owner a made-up 255.
            code = getattr(getattr(p, "_popen", None), "returncode", None)
            return None if code is None else int(code)
        else:
            if info is None:
                return None
            if info.si_code == os.CLD_EXITED:
                return int(info.si_status)
            return -int(info.si_status)
    popen = getattr(p, "_popen", None)
    code = getattr(popen, "returncode", None)
    if code is None:
        try:
            code = p.exitcode
        except ValueError:
            return None
    return None if code is None else int(code)
