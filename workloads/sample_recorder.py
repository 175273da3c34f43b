"""``SampleRecorder``: CPU readings for a recording made without the app.

The app records the readings its gauges showed. A headless run (``run --json
--record``, ``compare --record``) has no gauges, so this takes readings the same way
(a :class:`CpuSampler` on the run's host, a few times a second) on a thread of its own,
so that its recording and its trace have per-core and cores-busy figures too.
"""

from __future__ import annotations

import contextlib
import threading

from workloads.cpu_sampler import CpuSampler
from workloads.recording import RunLog
from workloads.run_session import RunSession

#: Seconds between readings (the app takes one every 0.3 s too).
INTERVAL_S = 0.3


class SampleRecorder:
    """Adds a reading of the run to ``log`` every ``interval`` seconds, until stopped."""

    def __init__(self, log: RunLog, interval: float = INTERVAL_S) -> None:
        self.log = log
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, session: RunSession) -> None:
        """Follow ``session``'s processes (an ``on_start`` callback of ``run_to_end``)."""
        pid = session.pid
        if pid is None or self._thread is not None:
            return
        sampler = CpuSampler()
        sampler.attach(pid)

        def run() -> None:
            taken = 0
            while not self._stop.wait(self.interval) and not session.ended:
                with contextlib.suppress(Exception):  # psutil races with exiting processes
                    self.log.add(sampler.sample())
                    taken += 1
            if not taken:  # a run shorter than one interval still gets one, at its end
                with contextlib.suppress(Exception):
                    self.log.add(sampler.sample())
            sampler.detach()

        self._thread = threading.Thread(target=run, name="interleave-samples", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop taking readings (idempotent)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
