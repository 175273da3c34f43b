"""What every thread of a run is doing, asked of the kernel from outside the run.

Code that calls ``tick()`` says when it runs. Code that does not (a student's script)
says nothing, so its timeline would be one long "running" bar, even while its thread
waits for the GIL. The kernel knows better, per thread, in ``/proc/PID/task/TID/``:

- ``schedstat``: nanoseconds on a CPU, and nanoseconds *runnable but in the run queue*
  (no core was free), both cumulative. Between two samples, their growth splits the
  interval into running, waiting for a core, and blocked (the rest);
- ``syscall``: what a blocked thread is blocked in (``futex``: a lock, a join, or the
  GIL; ``clock_nanosleep``: a sleep; ``read``/``poll``/``recv``...: I/O). It needs
  ptrace permission; where that is denied (Yama), ``wchan`` names the kernel function
  instead;
- ``stat``: the state letter (``D``: uninterruptible I/O).

A thread blocked in ``futex`` while another thread of its process ran is taken to wait
for the GIL (the run's fold then drops that reading if the instrumentation declared a
lock or join there); in ``futex`` while no other thread of its process ran, it waits
for a lock or a condition (the GIL's holder would be running).

:func:`classify` is pure (two readings in, activities out) and is tested on a fake
``/proc`` tree; :class:`ThreadSampler` is the live loop, run in a small process of its
own (``python -m workloads.thread_sampler``) started by the run host: it reads other
processes' files, so it never takes the GIL of the process it watches.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import platform
import select
import sys
import time
from collections.abc import Iterable, Mapping
from typing import Any, BinaryIO, NamedTuple

from workloads import process_group
from workloads.events import SamplerStatus, ThreadActivity, ThreadSpan

#: Samples a second. The GIL hands over every 5 ms; 200 Hz sees each hand-over.
HZ = 200.0
#: A run of one activity is reported at least this often, so the timeline fills live.
SLICE_S = 0.1
#: Seconds between two looks for new processes and threads of the run.
RESCAN_S = 0.1
#: Seconds between two sends of the batched spans.
FLUSH_S = 0.05
#: Two samples further apart than this (the run was paused, or the sampler starved),
#: or than four of its current periods, leave the time between them unknown rather
#: than classified.
GAP_S = 0.25
#: The share of one core the sampler may use. A run of hundreds of processes has
#: thousands of threads: the sampler then samples less often rather than take a core
#: from the run (it runs at a higher priority than the run's nice 19).
BUDGET = 0.04

#: Blocking system calls by number, per machine: (name, kind). Kind: sleep, lock or io;
#: a call not listed is taken for I/O (it blocks on something outside the process).
_X86_64 = {
    0: "read",
    1: "write",
    7: "poll",
    17: "pread64",
    19: "readv",
    23: "select",
    34: "pause",
    35: "nanosleep",
    42: "connect",
    43: "accept",
    44: "sendto",
    45: "recvfrom",
    47: "recvmsg",
    61: "wait4",
    128: "rt_sigtimedwait",
    202: "futex",
    230: "clock_nanosleep",
    232: "epoll_wait",
    247: "waitid",
    270: "pselect6",
    271: "ppoll",
    281: "epoll_pwait",
    288: "accept4",
    441: "epoll_pwait2",
    449: "futex_waitv",
}
#: The generic table (arm64, riscv64, loongarch64).
_GENERIC = {
    22: "epoll_pwait",
    63: "read",
    64: "write",
    65: "readv",
    67: "pread64",
    72: "pselect6",
    73: "ppoll",
    95: "waitid",
    98: "futex",
    101: "nanosleep",
    115: "clock_nanosleep",
    137: "rt_sigtimedwait",
    202: "accept",
    203: "connect",
    206: "sendto",
    207: "recvfrom",
    212: "recvmsg",
    242: "accept4",
    260: "wait4",
    441: "epoll_pwait2",
    449: "futex_waitv",
}
SYSCALL_TABLES: dict[str, dict[int, str]] = {
    "x86_64": _X86_64,
    "amd64": _X86_64,
    "aarch64": _GENERIC,
    "arm64": _GENERIC,
    "riscv64": _GENERIC,
}
_SLEEPS = frozenset({"nanosleep", "clock_nanosleep", "pause", "hrtimer_nanosleep"})
_LOCKS = frozenset({"futex", "futex_waitv", "wait4", "waitid"})


def syscall_table(machine: str | None = None) -> dict[int, str]:
    """Blocking system calls by number on ``machine`` (default: this one); {} if unknown."""
    return SYSCALL_TABLES.get((machine or platform.machine()).lower(), {})


class TaskReading(NamedTuple):
    """One thread's counters at one moment."""

    pid: int
    tid: int
    #: ``stat``'s state letter: R (runnable), S (sleeping), D (disk), ...
    state: str
    #: What it is blocked in (``futex``, ``read``, ``syscall 999``), or "" if runnable.
    blocked_in: str
    cpu_ns: int
    wait_ns: int


Snapshot = Mapping[tuple[int, int], TaskReading]


class Activity(NamedTuple):
    """What a thread did over one interval, and the call it was blocked in."""

    activity: ThreadActivity
    syscall: str


def parse_syscall(text: str, table: Mapping[int, str]) -> str:
    """``/proc/.../syscall``'s first field as a name: "" while runnable."""
    first = text.split(maxsplit=1)[0] if text.strip() else "running"
    if first == "running" or first == "-1":  # -1: blocked, but not in a system call
        return ""
    try:
        nr = int(first)
    except ValueError:
        return ""
    return table.get(nr, f"syscall {nr}")


def parse_wchan(text: str) -> str:
    """``/proc/.../wchan`` (a kernel function, "0" if runnable) as a call-like name."""
    name = text.strip()
    if name in ("", "0"):
        return ""
    if "futex" in name:
        return "futex"
    if "nanosleep" in name:
        return "clock_nanosleep"
    if "wait" in name and ("do_wait" in name or "kernel_wait" in name):
        return "wait4"
    return name


def parse_stat_state(text: str) -> str:
    """The state letter of a ``stat`` line (the command name may hold spaces)."""
    rest = text[text.rfind(")") + 2 :]
    return rest[:1] or "?"


def parse_schedstat(text: str) -> tuple[int, int]:
    """``schedstat``: (ns on a CPU, ns waiting in the run queue)."""
    fields = text.split()
    return int(fields[0]), int(fields[1])


def kind_of(syscall: str, state: str = "S") -> ThreadActivity:
    """The waiting activity of a thread blocked in ``syscall`` (futex: LOCK for now)."""
    if syscall in _SLEEPS:
        return ThreadActivity.SLEEP
    if syscall in _LOCKS:
        return ThreadActivity.LOCK
    return ThreadActivity.IO


def classify(prev: Snapshot, cur: Snapshot, dt_ns: int) -> dict[tuple[int, int], Activity]:
    """What each thread seen in both readings did in the ``dt_ns`` between them.

    The interval splits into time on a CPU, time in the run queue and the rest
    (blocked); the largest share wins. A blocked thread is labelled by the call it is
    blocked in (at the end of the interval, or at its start if it runs again now);
    ``futex`` becomes GIL when another thread of the same process ran meanwhile.
    """
    return {
        key: parts[0][0] if len(parts) == 1 else max(parts, key=lambda p: p[1])[0]
        for key, parts in split(prev, cur, dt_ns).items()
    }


#: The least share of an interval shown as a part of its own (less: the larger share
#: takes the whole interval).
MIN_PART = 0.15


def split(
    prev: Snapshot, cur: Snapshot, dt_ns: int
) -> dict[tuple[int, int], list[tuple[Activity, float]]]:
    """Each thread's interval as one or two parts, in time order, with their shares.

    A thread that both ran and waited for a real part of the interval gets two parts:
    its time on a CPU is placed at the end if it is running at the second reading, at
    the start otherwise. Two threads handing the GIL to each other within one interval
    are then drawn one after the other, not both running at once.
    """
    dt_ns = max(dt_ns, 1)
    ran: dict[int, list[tuple[int, int]]] = {}  # pid -> [(tid, ns on a CPU or queued)]
    shares: dict[tuple[int, int], tuple[int, int, int]] = {}
    for key, now in cur.items():
        before = prev.get(key)
        if before is None:
            continue
        cpu = min(dt_ns, max(0, now.cpu_ns - before.cpu_ns))
        # The kernel adds a stretch in the run queue when it ends: one still going on is
        # not counted yet, and a long one lands at once (more than the interval).
        queued = min(dt_ns - cpu, max(0, now.wait_ns - before.wait_ns))
        rest = dt_ns - cpu - queued
        if now.state == "R" and not now.blocked_in:  # runnable now: still in the queue
            queued, rest = queued + rest, 0
        shares[key] = (cpu, queued, rest)
        ran.setdefault(key[0], []).append((key[1], cpu + queued))
    out: dict[tuple[int, int], list[tuple[Activity, float]]] = {}
    running = Activity(ThreadActivity.RUNNING, "")
    for key, (cpu, queued, blocked) in shares.items():
        waited = _waiting(key, queued, blocked, cur, prev, ran, dt_ns)
        run_share = cpu / dt_ns
        if run_share < MIN_PART or run_share > 1 - MIN_PART:
            whole = running if cpu >= queued and cpu >= blocked else waited
            out[key] = [(whole, 1.0)]
        elif cur[key].state == "R" and not cur[key].blocked_in:
            out[key] = [(waited, 1 - run_share), (running, run_share)]
        else:
            out[key] = [(running, run_share), (waited, 1 - run_share)]
    return out


def _waiting(
    key: tuple[int, int],
    queued: int,
    blocked: int,
    cur: Snapshot,
    prev: Snapshot,
    ran: Mapping[int, list[tuple[int, int]]],
    dt_ns: int,
) -> Activity:
    """What a thread did when it was not on a CPU: waited for a core, or was blocked."""
    if queued >= blocked:
        return Activity(ThreadActivity.CORE, "")
    now, before = cur[key], prev[key]
    call = now.blocked_in or before.blocked_in
    if not call and (now.state == "D" or before.state == "D"):
        call = "disk"
    kind = kind_of(call)
    if kind == ThreadActivity.LOCK and call.startswith("futex"):
        # Someone else in the process ran (or wanted a core) for a real part of the
        # interval: the GIL's holder, most likely. Nobody did: not the GIL (its holder
        # would be running, or waiting for a core).
        others = sum(ns for tid, ns in ran.get(key[0], ()) if tid != key[1])
        if others * 4 >= dt_ns:
            kind = ThreadActivity.GIL
    return Activity(kind, call)


# -- reading /proc ---------------------------------------------------------------------
def read_task(root: str, pid: int, tid: int, table: Mapping[int, str]) -> TaskReading | None:
    """One thread's counters from a ``/proc``-like tree at ``root`` (None if it is gone)."""
    base = f"{root}/{pid}/task/{tid}"
    try:
        with open(f"{base}/schedstat") as f:
            cpu, wait = parse_schedstat(f.read())
        with open(f"{base}/stat") as f:
            state = parse_stat_state(f.read())
    except (OSError, ValueError, IndexError):
        return None
    return TaskReading(pid, tid, state, _blocked_in(base, table), cpu, wait)


def _blocked_in(base: str, table: Mapping[int, str]) -> str:
    try:
        with open(f"{base}/syscall") as f:
            return parse_syscall(f.read(), table)
    except OSError:  # no ptrace permission (Yama): the kernel function instead
        with contextlib.suppress(OSError), open(f"{base}/wchan") as f:
            return parse_wchan(f.read())
    return ""


def read_snapshot(
    root: str, pids: Iterable[int], table: Mapping[int, str]
) -> dict[tuple[int, int], TaskReading]:
    """Every thread of ``pids`` from a ``/proc``-like tree (for tests, and one-off looks)."""
    out: dict[tuple[int, int], TaskReading] = {}
    for pid in pids:
        try:
            tids = [int(t) for t in os.listdir(f"{root}/{pid}/task")]
        except (OSError, ValueError):
            continue
        for tid in tids:
            reading = read_task(root, pid, tid, table)
            if reading is not None:
                out[(pid, tid)] = reading
    return out


def unavailable_reason(root: str = "/proc") -> str:
    """Why threads cannot be sampled here ("" if they can)."""
    base = f"{root}/self/task/{os.getpid()}" if root == "/proc" else root
    if not os.path.exists(f"{base}/schedstat"):
        return "no /proc/PID/task/TID/schedstat here (not Linux, or no schedstats)"
    if not syscall_table():
        return f"no system call table for {platform.machine()}"
    return ""


class _TaskFiles:
    """A thread's three files, kept open and re-read with ``pread`` (no open per sample)."""

    __slots__ = ("pid", "sched", "stat", "sys", "tid", "wchan")

    def __init__(self, pid: int, tid: int) -> None:
        base = f"/proc/{pid}/task/{tid}"
        self.pid, self.tid = pid, tid
        self.sched = os.open(f"{base}/schedstat", os.O_RDONLY)
        self.stat = os.open(f"{base}/stat", os.O_RDONLY)
        self.sys = self.wchan = -1
        try:
            self.sys = os.open(f"{base}/syscall", os.O_RDONLY)
        except OSError:
            with contextlib.suppress(OSError):
                self.wchan = os.open(f"{base}/wchan", os.O_RDONLY)

    def read(self, table: Mapping[int, str]) -> TaskReading | None:
        try:
            cpu, wait = parse_schedstat(os.pread(self.sched, 128, 0).decode())
            state = parse_stat_state(os.pread(self.stat, 1024, 0).decode())
            if self.sys >= 0:
                blocked = parse_syscall(os.pread(self.sys, 256, 0).decode(), table)
            elif self.wchan >= 0:
                blocked = parse_wchan(os.pread(self.wchan, 128, 0).decode())
            else:
                blocked = ""
        except (OSError, ValueError, IndexError):
            return None
        return TaskReading(self.pid, self.tid, state, blocked, cpu, wait)

    def close(self) -> None:
        for fd in (self.sched, self.stat, self.sys, self.wchan):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)


def descendants(root_pid: int) -> list[int]:
    """``root_pid`` and every live process below it (one pass over ``/proc``)."""
    parent = {pid: ppid for pid, (ppid, _) in process_group.live_processes().items()}
    out, todo = [], [root_pid]
    children: dict[int, list[int]] = {}
    for pid, ppid in parent.items():
        children.setdefault(ppid, []).append(pid)
    while todo:
        pid = todo.pop()
        if pid in parent:
            out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


class _Run(NamedTuple):
    activity: ThreadActivity
    syscall: str
    start: float


class ThreadSampler:
    """Samples every thread of ``root_pid``'s process tree (``skip``: not those) and
    turns runs of one activity into :class:`ThreadSpan` events for ``emit``."""

    def __init__(self, root_pid: int, emit: Any, *, hz: float = HZ, skip: int = 0) -> None:
        self.root_pid = root_pid
        self.emit = emit
        self.interval = 1.0 / hz
        self.skip = skip
        self.table = syscall_table()
        self._files: dict[tuple[int, int], _TaskFiles] = {}
        self._prev: dict[tuple[int, int], TaskReading] = {}
        self._prev_t = 0.0
        self._runs: dict[tuple[int, int], _Run] = {}
        self._scanned = 0.0
        self.samples = 0
        #: Seconds between samples now (longer than ``interval`` when over budget).
        self.period = self.interval

    def rescan(self) -> None:
        """Open the files of threads that appeared; forget the ones that ended."""
        seen: set[tuple[int, int]] = set()
        for pid in descendants(self.root_pid):
            if pid == self.skip:
                continue
            with contextlib.suppress(OSError):
                for entry in os.listdir(f"/proc/{pid}/task"):
                    key = (pid, int(entry))
                    seen.add(key)
                    if key not in self._files:
                        with contextlib.suppress(OSError):
                            self._files[key] = _TaskFiles(*key)
        for key in [k for k in self._files if k not in seen]:
            self._files.pop(key).close()

    def sample(self, now: float) -> None:
        """Read every thread, classify the interval since the last sample, emit runs."""
        if now - self._scanned >= RESCAN_S:
            self.rescan()
            self._scanned = now
        cur: dict[tuple[int, int], TaskReading] = {}
        for key, files in self._files.items():
            reading = files.read(self.table)
            if reading is not None:
                cur[key] = reading
        if self._prev and now - self._prev_t > max(GAP_S, 4 * self.period):
            # The sampler was stopped (a paused run) or starved: what happened in
            # between is not known, and is not guessed. The runs end where it stopped.
            for key in list(self._runs):
                self._close(key, self._prev_t)
        elif self._prev:
            parts = split(self._prev, cur, int((now - self._prev_t) * 1e9))
            self._extend(parts, self._prev_t, now)
        for key in [k for k in self._runs if k not in cur]:  # the thread ended
            self._close(key, self._prev_t)
        self._prev, self._prev_t = cur, now
        self.samples += 1

    def _extend(
        self,
        parts: Mapping[tuple[int, int], list[tuple[Activity, float]]],
        start: float,
        end: float,
    ) -> None:
        for key, shares in parts.items():
            at = start
            for act, share in shares:
                self._continue(key, act, at, end)
                at += share * (end - start)

    def _continue(self, key: tuple[int, int], act: Activity, start: float, end: float) -> None:
        """The thread did ``act`` from ``start``: go on with its run, or begin another."""
        run = self._runs.get(key)
        if run is None:
            self._runs[key] = _Run(act.activity, act.syscall, start)
        elif run.activity != act.activity or end - run.start > SLICE_S:
            self._emit(key, run, start)
            self._runs[key] = _Run(act.activity, act.syscall, start)

    def _emit(self, key: tuple[int, int], run: _Run, end: float) -> None:
        if end > run.start:
            self.emit(ThreadSpan(key[0], key[1], run.start, end, run.activity, run.syscall))

    def _close(self, key: tuple[int, int], end: float) -> None:
        run = self._runs.pop(key, None)
        if run is not None:
            self._emit(key, run, end)

    def close(self) -> None:
        """Emit the runs still open, close every file."""
        for key in list(self._runs):
            self._close(key, self._prev_t)
        for files in self._files.values():
            files.close()
        self._files.clear()


# -- the sampler process -----------------------------------------------------------------
def start_for_run(address: Any) -> Any:
    """Start the sampler process for the calling run host (its parent); returns it.

    The sampler watches its stdin: the host keeps the pipe open, and when the host
    ends, however it ends, the pipe closes and the sampler exits. It is in the run's
    process group, so pause stops it and cancel kills it with the rest. Call it before
    the host lowers its priority: at the run's nice 19 it would wait behind the very
    processes it watches.
    """
    import subprocess

    proc = subprocess.Popen(
        [sys.executable, "-m", "workloads.thread_sampler"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=True,
    )
    assert proc.stdin is not None
    proc.stdin.write(pickle.dumps((address, os.getpid())))
    proc.stdin.flush()
    return proc


def main() -> None:
    """Entry point of the sampler process."""
    from workloads.channel import Sender

    stdin: BinaryIO = sys.stdin.buffer
    address, host = pickle.load(stdin)
    sender = Sender(address)
    buf: list[Any] = []
    reason = unavailable_reason()
    now = time.monotonic()
    if reason:
        sender.put([SamplerStatus(now, False, 0.0, reason)])
        sender.close()
        return
    sender.put([SamplerStatus(now, True, HZ, "")])
    sampler = ThreadSampler(host, buf.append, skip=os.getpid())
    flushed = now
    fd = stdin.fileno()
    while True:
        ready, _, _ = select.select([fd], [], [], sampler.period)
        if ready and not os.read(fd, 4096):  # the host ended
            break
        now = time.monotonic()
        cpu = time.thread_time()
        sampler.sample(now)
        spent = time.thread_time() - cpu
        # Smoothed: one slow sample (a rescan of /proc) does not halve the rate.
        wanted = max(sampler.interval, spent / BUDGET)
        sampler.period = 0.8 * sampler.period + 0.2 * wanted
        if buf and now - flushed >= FLUSH_S:
            sender.put(buf[:])
            buf.clear()
            flushed = now
    sampler.close()
    if buf:
        sender.put(buf)
    sender.close()


if __name__ == "__main__":
    main()
