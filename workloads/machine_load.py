"""How busy the machine was *besides* a run: the load a comparison must not misread.

On a shared laptop another program can keep a core busy while a demo runs; a mode
measured then looks slower than it is, and a conclusion drawn from it would be false.
This meter reads the machine's CPU time (psutil) around a run and subtracts what the
run itself and this process used: what is left is other load, in cores.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import psutil


def _machine_busy_s() -> float:
    """CPU seconds the whole machine spent not idle, since boot (all cores)."""
    t = psutil.cpu_times()
    idle = t.idle + getattr(t, "iowait", 0.0)
    return sum(t) - idle


def _own_cpu_s() -> float:
    t = psutil.Process().cpu_times()
    return t.user + t.system


class MachineLoad:
    """Measures the machine's load outside a run, from :meth:`start` to :meth:`stop`."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._t0 = 0.0
        self._busy0 = 0.0
        self._own0 = 0.0

    def start(self) -> None:
        """The run begins now."""
        self._t0 = self._clock()
        self._busy0 = _machine_busy_s()
        self._own0 = _own_cpu_s()

    def stop(self, run_cpu_s: float) -> float:
        """Average cores busy with other work since :meth:`start` (``run_cpu_s``: the
        CPU seconds the run used meanwhile)."""
        wall = self._clock() - self._t0
        if wall <= 0:
            return 0.0
        busy = _machine_busy_s() - self._busy0
        own = _own_cpu_s() - self._own0
        return max(0.0, (busy - run_cpu_s - own) / wall)
