"""``RunSession``: one run's whole life, in one place.

It starts the host, receives every process's events (:mod:`workloads.channel`), folds
them into a :class:`RunState`, pauses and resumes the run, cancels it, and turns the
host's end into a reason ("killed by SIGKILL"). The CLI, the run screen and compare
are thin consumers: the CLI calls :meth:`RunSession.follow` on its own thread; the app
calls :meth:`RunSession.follow_in_background` and reads :meth:`RunSession.snapshot`.

However the run ends (it finishes, the user cancels, a worker or the host is killed,
the consumer raises), :meth:`RunSession.close` leaves no process of it behind.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from typing import IO

from workloads import process_group
from workloads.channel import Listener
from workloads.events import Event, Span
from workloads.interpreter import ROOT
from workloads.recording import Cancelled, HostExited, Paused, RunLog
from workloads.run_state import RunState
from workloads.runtime import RunConfig
from workloads.semaphore_sweeper import SemaphoreSweeper

#: Seconds to wait for the events still in flight once the host has exited.
DRAIN_S = 1.0
#: Longest wait for events before looking at the host (exited? a cancel overdue?).
#: Events, and the host's connections closing, end the wait at once: this only paces
#: the looks while the run is quiet (each a wake-up of this thread, and the GIL).
READ_WAIT_S = 0.2
#: Seconds a cancelled host gets to take its group down before the session does it.
CANCEL_GRACE_S = 0.5
#: Seconds the run's resource tracker gets, once alone, to unlink semaphores and exit.
#: It runs at the run's nice 19: on a loaded machine (a test suite in two workers) 1.5 s
#: was sometimes too little, and a pool's semaphores stayed in /dev/shm. It exits in
#: milliseconds on a quiet one, so the bound costs nothing there.
TRACKER_GRACE_S = 5.0
#: Seconds between two looks for named semaphores the run's processes made.
SEMAPHORE_LOOK_S = 0.2
#: Bytes of the host's stderr kept to explain a host that died without a word.
STDERR_TAIL = 4096

EventsCallback = Callable[[RunState, list[Event]], None]


def _run_processes(host: int) -> list[int]:
    """The host and its descendants (the run's processes but orphans); the members of
    its group where the kernel cannot list children (a scan of all of ``/proc``)."""
    tree = process_group.descendants(host)
    return [host, *tree] if tree is not None else process_group.members(host) or []


class RunSession:
    """One run of one configuration in its own host process and process group.

    Thread-safety: :meth:`cancel`, :meth:`pause`, :meth:`resume`, :meth:`snapshot`
    and :meth:`close` may be called from any thread; the fold happens on the one
    thread that follows the run.
    """

    def __init__(
        self,
        config: RunConfig,
        *,
        python: str | None = None,
        clock: Callable[[], float] = time.monotonic,
        log: RunLog | None = None,
    ) -> None:
        self.config = config
        #: Where every folded event and session fact is also kept (for a recording).
        self.log = log
        self.python = python
        self.clock = clock
        self._state = RunState()
        self._lock = threading.Lock()
        self._version = 0
        self._listener: Listener | None = None
        self._host: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._ended = threading.Event()
        self._closed = False
        self._cancel_at: float | None = None
        self._paused_at: float | None = None
        #: Seconds the run spent paused so far (finished pauses only).
        self.paused_s = 0.0
        #: Each finished pause, (from, to) on the session's clock.
        self.pauses: list[tuple[float, float]] = []
        #: CPU seconds of the host and the children it reaped, once it exited.
        self.host_cpu_s: float | None = None
        # Backs up the resource tracker, which a saturated machine may starve.
        self._semaphores = SemaphoreSweeper()
        self._watch_stop = threading.Event()
        #: Named semaphores of the run that the session removed (the tracker did not).
        self.semaphores_swept: list[str] = []

    # -- what readers see ----------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        """The host's pid, which is also the run's process group id."""
        return None if self._host is None else self._host.pid

    @property
    def version(self) -> int:
        """Grows each time the state changes: a reader redraws only when it moved."""
        return self._version

    @property
    def paused(self) -> bool:
        """Whether the run is stopped by :meth:`pause`."""
        return self._paused_at is not None

    @property
    def paused_since(self) -> float | None:
        """When the current pause began (the session's clock), or None if not paused."""
        return self._paused_at

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` ran: nothing of the run is left."""
        return self._closed

    @property
    def ended(self) -> bool:
        """Whether the run is over and its state final."""
        return self._ended.is_set()

    def snapshot(self) -> RunState:
        """A consistent copy of the state, safe to read while the run goes on."""
        with self._lock:
            return self._state.snapshot()

    # -- life ----------------------------------------------------------------------------
    def start(self) -> RunSession:
        """Start the host. Returns self."""
        self._listener = Listener()
        # Closed by close(), which every path of a session reaches.
        self._stderr = tempfile.TemporaryFile(prefix="interleave-host-")  # noqa: SIM115
        python = self.python or sys.executable
        env = dict(os.environ)
        path = [ROOT] if self.python else [ROOT, env.get("PYTHONPATH", "")]
        env["PYTHONPATH"] = os.pathsep.join(p for p in path if p)
        self._host = subprocess.Popen(
            [python, "-m", "workloads.run_host"],
            stdin=subprocess.PIPE,
            stdout=self._stderr,
            stderr=self._stderr,
            # A group leader before any Python runs: killpg reaches everything from
            # the start, and the terminal's Ctrl+C goes to the UI, not to the run.
            start_new_session=True,
            env=env,
            close_fds=True,
        )
        assert self._host.stdin is not None
        try:
            self._host.stdin.write(pickle.dumps((self.config, self._listener.address)))
            self._host.stdin.flush()
        except OSError:
            pass  # the host died at once: following it reports how
        return self

    def follow(self, on_events: EventsCallback | None = None) -> RunState:
        """Fold events on this thread until the run is over; returns the final state.

        ``on_events`` sees each batch as it is folded. If it raises (or the thread is
        interrupted), the run is killed before the exception propagates.
        """
        try:
            self._follow(on_events)
        except BaseException:
            self.close()
            raise
        return self._state

    def follow_in_background(
        self, on_end: Callable[[RunState], None] | None = None
    ) -> threading.Thread:
        """Follow on a thread of its own; ``on_end(final snapshot)`` is called from it."""

        def run() -> None:
            with contextlib.suppress(Exception):  # the session was closed under us
                self._follow(None)
            if on_end is not None and not self._closed:
                on_end(self.snapshot())

        self._thread = threading.Thread(target=run, name="interleave-session", daemon=True)
        self._thread.start()
        return self._thread

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the run to end; whether it did."""
        return self._ended.wait(timeout)

    def pause(self) -> None:
        """Freeze every process of the run where it is (SIGSTOP to the group)."""
        if (
            self._paused_at is None
            and self._cancel_at is None
            and not self.ended
            and self._signal(signal.SIGSTOP)
        ):
            self._paused_at = self.clock()

    def resume(self) -> None:
        """Let a paused run go on (SIGCONT)."""
        if self._paused_at is not None:
            self._signal(signal.SIGCONT)
            self._end_pause()

    def cancel(self) -> None:
        """Stop the run now. Its workers end as cancelled; its processes are killed."""
        if self._host is None or self.ended:
            return
        now = self.clock()
        self._end_pause(now)  # a pause lasts until the cancel, and is marked up to it
        with self._lock:
            self._state.cancel(now)
            if self.log is not None:
                self.log.add(Cancelled(now))
            self._version += 1
        if self._cancel_at is None:
            self._cancel_at = self.clock()
            # Freeze the whole run first (instant, whatever its load), then let only
            # the host go on to take its group down: on a machine saturated by the
            # run's own processes, it would otherwise wait for a core behind them.
            self._signal(signal.SIGSTOP)
            # Frozen, every process of the run still maps its semaphores: a last look,
            # at every process of the group (orphans too).
            self._look_for_semaphores(whole_group=True)
            self._signal_host(signal.SIGCONT)
            self._signal_host(signal.SIGTERM)  # it kills its group, sparing the tracker

    def close(self) -> None:
        """Release everything; kills whatever of the run is still alive. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if self._host is not None:
            if self._host.poll() is None:
                self.cancel()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._host.wait(CANCEL_GRACE_S)
            if self._host.poll() is None:  # it did not take its group down
                self._kill_sparing_tracker()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._host.wait(1.0)
            self._reap_group()  # the tracker's moment to unlink semaphores, then SIGKILL
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(2.0)
        self._release()

    def __enter__(self) -> RunSession:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -------------------------------------------------------------------------
    def _end_pause(self, now: float | None = None) -> None:
        if self._paused_at is not None:
            now = self.clock() if now is None else now
            self.pauses.append((self._paused_at, now))
            if self.log is not None:
                self.log.add(Paused(self._paused_at, now))
            self.paused_s += now - self._paused_at
            self._paused_at = None

    def _follow(self, on_events: EventsCallback | None) -> None:
        # The semaphore looks read /proc, file after file: on this thread, each read
        # waited for the GIL while the screen computed (300 ms of no events, seen at a
        # run's start). They have a thread of their own, for as long as this follows.
        watcher = threading.Thread(
            target=self._watch_semaphores, name="interleave-semaphores", daemon=True
        )
        watcher.start()
        try:
            self._follow_events(on_events)
        finally:
            self._watch_stop.set()
            watcher.join()
        self._finish()

    def _follow_events(self, on_events: EventsCallback | None) -> None:
        """Fold what the run sends until its host exited and its processes are done."""
        host, listener = self._host, self._listener
        assert host is not None and listener is not None, "start() first"
        exited_at: float | None = None
        grace = CANCEL_GRACE_S
        while not self._closed:
            events = listener.read(READ_WAIT_S)
            if events and self.pauses:
                events = split_at_pauses(events, self.pauses)
            if events:
                with self._lock:
                    self._state.apply_all(events)
                    if self.log is not None:
                        self.log.extend(events)
                    self._version += 1
                if on_events is not None:
                    on_events(self._state, events)
            if exited_at is None:
                if self._reap_host() is not None:
                    exited_at = time.monotonic()
                elif self._cancel_at is not None and self.clock() - self._cancel_at > grace:
                    self._kill_sparing_tracker()  # the host did not take its group down
                    grace = float("inf")
            elif not events and (
                listener.open_count == 0 or time.monotonic() - exited_at > DRAIN_S
            ):
                break

    def _watch_semaphores(self) -> None:
        """Look for the run's new semaphores every :data:`SEMAPHORE_LOOK_S` until told
        to stop (the session thread stops following)."""
        while True:
            with contextlib.suppress(Exception):  # a process went while it was read
                self._look_for_semaphores()
            if self._watch_stop.wait(SEMAPHORE_LOOK_S):
                return

    def _reap_host(self) -> int | None:
        """The host's exit code once it exited; reaping it also gives its CPU time."""
        host = self._host
        assert host is not None
        if host.returncode is None:
            try:
                pid, status, usage = os.wait4(host.pid, os.WNOHANG)
            except ChildProcessError:
                return host.poll()
            if pid == 0:
                return None
            host.returncode = os.waitstatus_to_exitcode(status)
            # The host and every child it waited for: the run's whole CPU, start-up too.
            self.host_cpu_s = usage.ru_utime + usage.ru_stime
        return host.returncode

    def _finish(self) -> None:
        host = self._host
        assert host is not None
        code = self._reap_host()
        if code is None:  # closed while the host lived: close() kills it
            code = -signal.SIGKILL
        self._reap_group()
        with self._lock:
            now, tail = self.clock(), self._stderr_tail(code)
            self._state.host_exited(now, code, tail)
            self._state.total_cpu_s = self.host_cpu_s
            if self.log is not None:
                self.log.add(HostExited(now, code, tail, self.host_cpu_s))
            self._version += 1
        self._ended.set()

    def _kill_sparing_tracker(self) -> None:
        """SIGKILL the run's processes but its resource tracker, which is let go on.

        What the host does itself on a cancel, for a host that cannot (it blocked
        SIGTERM, or hangs): the tracker unlinks the named semaphores of a pool the run
        never shut down once the rest is gone, then exits; _reap_group waits for it.
        """
        import psutil

        group = self.pid
        if group is None:
            return
        for proc in psutil.process_iter(["cmdline"]):
            try:
                if os.getpgid(proc.pid) != group:
                    continue
                tracker = "resource_tracker" in " ".join(proc.info["cmdline"] or ())
                os.kill(proc.pid, signal.SIGCONT if tracker else signal.SIGKILL)
            except (OSError, psutil.Error):
                continue

    def _reap_group(self) -> None:
        """Whatever of the group outlived the host: a moment to exit, then SIGKILL."""
        group = self.pid
        if group is None:
            return
        start = time.monotonic()
        while True:
            live = process_group.members(group)
            if live is None:  # no /proc: only whether anyone is left
                live = [group] if process_group.alive(group) else []
            if not live:
                break
            # The run's resource tracker, left alone, unlinks a pool's semaphores and
            # exits; at the run's low priority on a busy machine it may need a moment
            # more than the rest of the group.
            waited = time.monotonic() - start
            only_tracker = all(process_group.is_tracker(pid) for pid in live)
            if waited > (TRACKER_GRACE_S if only_tracker else CANCEL_GRACE_S):
                break
            time.sleep(0.01)
        self._signal(signal.SIGCONT)
        self._signal(signal.SIGKILL)
        # What the tracker did not unlink (it was starved, or killed before its turn).
        self.semaphores_swept += self._semaphores.sweep()

    def _look_for_semaphores(self, whole_group: bool = False) -> None:
        group = self.pid
        if group is None:
            return
        if whole_group:
            self._semaphores.look(lambda: process_group.members(group) or [])
        else:
            self._semaphores.look(lambda: _run_processes(group))

    def _stderr_tail(self, code: int) -> str:
        """The last line the host wrote to stderr, when it ended abnormally."""
        if code == 0 or self._stderr is None:
            return ""
        with contextlib.suppress(OSError, ValueError):
            self._stderr.seek(0, os.SEEK_END)
            size = self._stderr.tell()
            self._stderr.seek(max(0, size - STDERR_TAIL))
            lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
            return lines[-1].strip() if lines else ""
        return ""

    def _signal(self, sig: int) -> bool:
        """Send ``sig`` to the run's process group; whether anyone was there."""
        pid = self.pid
        if pid is None:
            return False
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            return False
        return True

    def _signal_host(self, sig: int) -> None:
        host = self._host
        if host is not None and host.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                host.send_signal(sig)

    def _release(self) -> None:
        if self._host is not None and self._host.stdin is not None:
            with contextlib.suppress(OSError):
                self._host.stdin.close()
        if self._listener is not None:
            self._listener.close()
        if self._stderr is not None:
            with contextlib.suppress(OSError):
                self._stderr.close()


def split_at_pauses(events: list[Event], pauses: Sequence[tuple[float, float]]) -> list[Event]:
    """``events`` with every span cut around the pauses it overlaps.

    A thread stopped in the middle of a running slice reports the slice when it goes
    on, pause included: drawn as it came, the lane would say it ran while it was
    stopped. Without the paused stretch, the lane has a gap there instead.
    """
    out: list[Event] = []
    for e in events:
        if type(e) is not Span or not any(a < e.end and b > e.start for a, b in pauses):
            out.append(e)
            continue
        start = e.start
        for a, b in sorted(pauses):
            if a < e.end and b > start:
                if a > start:
                    out.append(e._replace(start=start, end=a))
                start = max(start, b)
        if start < e.end:
            out.append(e._replace(start=start))
    return out


def run_to_end(
    config: RunConfig,
    *,
    on_events: EventsCallback | None = None,
    python: str | None = None,
    on_start: Callable[[RunSession], None] | None = None,
    log: RunLog | None = None,
) -> RunState:
    """Run ``config`` to the end on this thread and return its final state.

    ``on_start`` sees the session once it started (to cancel it from elsewhere).
    Interrupting (KeyboardInterrupt, or an exception from a callback) kills the run's
    whole process group before the exception propagates.
    """
    with RunSession(config, python=python, log=log) as session:
        if on_start is not None:
            on_start(session)
        return session.follow(on_events)
