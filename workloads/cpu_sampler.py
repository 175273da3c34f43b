"""CPU readings for the run screen: per-core load, per-thread and per-process CPU%,
and the headline "cores busy" of a run. Pure psutil; no UI.

Every figure is a difference between two readings of cumulative CPU times, so the
first ``sample()`` after :meth:`CpuSampler.attach` already compares against a primed
baseline instead of returning psutil's meaningless first 0.0.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

import psutil

from workloads import process_group

_GONE = (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess)

#: Seconds between two scans for new descendants. ``children(recursive=True)`` reads
#: the stat file of every process of the machine; runs start their workers early.
RESCAN_S = 1.0


@dataclass(frozen=True)
class CpuSample:
    """One reading. Percentages are of one core (a busy thread reads 100)."""

    t: float
    per_core: tuple[float, ...]
    #: CPU seconds used by the run's host and all its descendants since attach.
    run_cpu_s: float = 0.0
    #: Wall seconds since attach (frozen at detach).
    run_wall_s: float = 0.0
    #: Cores busy over the last interval only (what the run does right now).
    recent_busy: float = 0.0
    thread_pct: dict[int, float] = field(default_factory=dict)
    process_pct: dict[int, float] = field(default_factory=dict)
    #: Whether every figure is an average over the whole run (:meth:`CpuSampler.run_average`):
    #: the per-core load, "cores busy" and the other load are then of one kind.
    whole_run: bool = False

    @property
    def cores(self) -> int:
        """Logical cores of the machine."""
        return len(self.per_core)

    @property
    def machine_busy(self) -> float:
        """Cores the whole machine kept busy over the last interval (every program)."""
        return sum(self.per_core) / 100.0

    @property
    def other_busy(self) -> float:
        """Cores busy with anything but the run (other programs, this app included).

        The per-core bars are the whole machine: on a shared laptop they can read 100%
        while the demo sleeps. This is the part that is not the demo.
        """
        return max(0.0, self.machine_busy - self.recent_busy)

    @property
    def cores_busy(self) -> float:
        """CPU seconds of the run per wall second: ~1 for GIL-bound threads, ~N in parallel."""
        return self.run_cpu_s / self.run_wall_s if self.run_wall_s > 0 else 0.0


def _core_times() -> list[tuple[float, float]]:
    """Per core, CPU seconds since boot: (busy, total)."""
    times = []
    for t in psutil.cpu_times(percpu=True):
        total = sum(t)
        times.append((total - t.idle - getattr(t, "iowait", 0.0), total))
    return times


class CpuSampler:
    """Reads psutil on demand; call :meth:`sample` 4-10 times a second.

    ``attach(pid)`` starts following a run host and everything it spawns;
    ``detach()`` freezes the run's totals (its processes are gone or going).
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        # Prime: psutil's first per-cpu call only sets the baseline.
        psutil.cpu_percent(percpu=True)
        self._host: int | None = None
        self._procs: dict[int, psutil.Process] = {}
        self._proc_cpu: dict[int, float] = {}  # pid -> last own CPU seconds, kept after exit
        # What a process's waited-for children used in all (the kernel adds a child's
        # total to its parent's when the parent reaps it): pid -> (at first sight, last).
        self._reaped: dict[int, tuple[float, float]] = {}
        self._parent: dict[int, int] = {}  # pid -> parent pid, for the ones followed
        self._thread_cpu: dict[int, float] = {}  # native tid -> last CPU seconds
        self._t0 = 0.0
        self._t_last = 0.0
        self._t_end: float | None = None
        self._cpu0 = 0.0
        self._cpu_last = 0.0
        self._scanned = float("-inf")
        self._machine0: list[tuple[float, float]] = []
        self._average: CpuSample | None = None

    @property
    def host_pid(self) -> int | None:
        """The pid being followed, if any."""
        return self._host

    def attach(self, host_pid: int) -> None:
        """Follow the run host ``host_pid`` and its descendants from now on."""
        self._host = host_pid
        self._procs.clear()
        self._proc_cpu.clear()
        self._reaped.clear()
        self._parent.clear()
        self._thread_cpu.clear()
        self._t_end = None
        self._scanned = float("-inf")
        self._t0 = self._t_last = self._clock()
        self._read_processes(at_attach=True)  # baseline for the deltas of the first sample
        self._cpu0 = self._cpu_last = self._run_cpu()
        self._machine0 = _core_times()
        self._average = None

    def detach(self) -> None:
        """Stop following the host; the run's totals stay as last read."""
        if self._host is not None and self._t_end is None:
            self._t_end = self._t_last
            self._average = self._whole_run()
        self._host = None
        self._procs.clear()

    def run_average(self) -> CpuSample | None:
        """Once detached: the whole run in one reading, every figure an average over it.

        The last reading of a run is taken while its processes exit; beside the run's
        average "cores busy", its per-core load and other load would add up to more than
        the machine has. This one's per-core load is each core's over the whole run, and
        its other load is that machine load less the run's own (None before detach).
        """
        return self._average

    def _whole_run(self) -> CpuSample:
        run_cpu = self._cpu_last - self._cpu0
        wall = self._t_last - self._t0
        per_core = tuple(
            100.0 * max(0.0, min(1.0, (busy - busy0) / (total - total0))) if total > total0 else 0.0
            for (busy0, total0), (busy, total) in zip(self._machine0, _core_times(), strict=False)
        )
        busy = run_cpu / wall if wall > 0 else 0.0
        return CpuSample(self._t_last, per_core, run_cpu, wall, busy, whole_run=True)

    def sample(
        self, thread_pids: Collection[int] | None = None, *, rescan: bool = False
    ) -> CpuSample:
        """A new reading (cheap: a few /proc reads).

        Per-thread figures are read for the processes of ``thread_pids`` only (one
        /proc read per thread; a process worker's figure is its process's), or for
        every process of the run if None. New processes of the run are looked for once
        a second, or now if ``rescan`` (new workers were seen: their first reading).
        """
        per_core = tuple(psutil.cpu_percent(percpu=True))
        now = self._clock()
        if self._host is None:
            end = self._t_end if self._t_end is not None else self._t0
            return CpuSample(now, per_core, self._cpu_last - self._cpu0, end - self._t0)
        dt = max(now - self._t_last, 1e-6)
        prev_proc = dict(self._proc_cpu)
        prev_thread = dict(self._thread_cpu)
        threads = self._read_processes(thread_pids, rescan=rescan)
        # A figure needs two readings: a process or thread read for the first time has
        # none yet (not 0%, which a busy one would show for a whole reading).
        process_pct = {
            pid: max(0.0, (cpu - prev_proc[pid]) / dt * 100.0)
            for pid, cpu in self._proc_cpu.items()
            if pid in self._procs and pid in prev_proc
        }
        thread_pct = {
            tid: max(0.0, (cpu - prev_thread[tid]) / dt * 100.0)
            for tid, cpu in threads.items()
            if tid in prev_thread
        }
        total = self._run_cpu()
        recent = max(0.0, total - self._cpu_last) / dt
        self._cpu_last, self._t_last = total, now
        return CpuSample(
            now,
            per_core,
            run_cpu_s=total - self._cpu0,
            run_wall_s=now - self._t0,
            recent_busy=recent,
            thread_pct=thread_pct,
            process_pct=process_pct,
        )

    def _run_cpu(self) -> float:
        """CPU seconds of the run's processes since they started, as far as read.

        Each process's own time as last read, plus what its reaped children used past
        their last reading: a process that exits between two readings (a pool at its
        end) would otherwise take the CPU of its last moments with it, and the machine's
        other load would look larger by as much.
        """
        # Parent pid -> what its children now gone had used as last read: their own
        # time, and their own reaped children's (a parent adds both when it reaps one;
        # a grandchild already counted would otherwise count twice).
        gone: dict[int, float] = {}
        for pid, cpu in self._proc_cpu.items():
            if pid not in self._procs and pid in self._parent:
                parent = self._parent[pid]
                reaped = self._reaped.get(pid, (0.0, 0.0))[1]
                gone[parent] = gone.get(parent, 0.0) + cpu + reaped
        unseen = sum(
            max(0.0, last - first - gone.get(pid, 0.0))
            for pid, (first, last) in self._reaped.items()
        )
        return sum(self._proc_cpu.values()) + unseen

    def _run_processes(self) -> list[psutil.Process]:
        """The host and its descendants, as they are now (a process read before keeps
        its ``Process``: psutil checks that it is still the same process)."""
        assert self._host is not None
        pids = process_group.descendants(self._host)
        try:
            host = self._procs.get(self._host) or psutil.Process(self._host)
            if pids is None:  # no children files: psutil scans /proc
                return [host, *host.children(recursive=True)]
        except _GONE:
            return []
        found = [host]
        for pid in pids:
            proc = self._procs.get(pid)
            if proc is None:
                try:
                    proc = psutil.Process(pid)
                except _GONE:
                    continue
            found.append(proc)
        return found

    def _read_processes(
        self,
        thread_pids: Collection[int] | None = None,
        at_attach: bool = False,
        rescan: bool = False,
    ) -> dict[int, float]:
        """Refresh per-process CPU seconds; return this reading's per-thread seconds
        (of the processes of ``thread_pids``, or of all if None)."""
        if self._host is None:
            return {}
        now = self._clock()
        found = list(self._procs.values())
        if rescan or now - self._scanned >= RESCAN_S or not found:
            self._scanned = now
            found = self._run_processes()
        live: dict[int, psutil.Process] = {}
        threads: dict[int, float] = {}
        for proc in found:
            # Reuse Process objects: psutil checks they are still the same process.
            proc = self._procs.get(proc.pid, proc)
            try:
                with proc.oneshot():
                    times = proc.cpu_times()
                    ppid = proc.ppid() if proc.pid not in self._parent else 0
                    # Per-thread times: one /proc read per thread, only where they
                    # matter (a lone-thread process is its process figure).
                    wanted = thread_pids is None or proc.pid in thread_pids
                    proc_threads = proc.threads() if wanted and proc.num_threads() > 1 else []
            except _GONE:
                continue
            live[proc.pid] = proc
            self._proc_cpu[proc.pid] = times.user + times.system
            reaped = times.children_user + times.children_system
            if proc.pid not in self._parent:
                self._parent[proc.pid] = ppid
                # Children reaped before attach are not the run's; those of a process
                # first seen later all are (it started after attach, or nearly).
                self._reaped[proc.pid] = (reaped if at_attach else 0.0, reaped)
            else:
                self._reaped[proc.pid] = (self._reaped[proc.pid][0], reaped)
            for th in proc_threads:
                threads[th.id] = th.user_time + th.system_time
        self._procs = live
        self._thread_cpu.update(threads)
        return threads
