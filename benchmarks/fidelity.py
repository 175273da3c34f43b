"""How faithfully the GIL lab shows what the GIL does, measured on this machine.

Runs, with a psutil sampler polling the run like the TUI does (4 times a second):

- ``cpu-bound`` sequential, threads and processes: ``process_efficiency`` is the
  processes speedup divided by the core count (target >= 0.9), ``thread_speedup`` the
  threads speedup (target 0.9-1.1: the GIL lets one thread run at a time);
- ``io-bound`` sequential and threads: ``io_thread_efficiency`` is the threads speedup
  divided by the worker count (target >= 0.8: waits overlap);
- the cost of recording spans: the same ``crunch`` timed in this process with a live
  worker context (every ``tick()`` checked and spans emitted) and without one
  (``tick()`` returns at once), alternated, best of five each: ``span_overhead_pct``
  (target <= 3).

Then the scheduler sampler's figures (:mod:`benchmarks.sampler_fidelity`): its cost in
cores, and how truthfully it shows threads and processes that do not call ``tick()``.
``python -m benchmarks.fidelity sampler`` runs only that part.

The last line is one JSON object with every figure.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import threading
import time
from typing import Any

import psutil

from benchmarks import sampler_fidelity
from workloads import catalog, runtime
from workloads.compare import compare
from workloads.events import THREAD, Event
from workloads.worker_context import WorkerContext


class Sampler:
    """Polls per-core CPU and this process's descendants, as the TUI's gauges do."""

    def __init__(self, hz: float = 4.0) -> None:
        self._stop = threading.Event()
        self._interval = 1.0 / hz
        self._thread = threading.Thread(target=self._loop, name="sampler", daemon=True)

    def __enter__(self) -> Sampler:
        psutil.cpu_percent(percpu=True)  # prime: the first reading is meaningless
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(self._interval):
            psutil.cpu_percent(percpu=True)
            for p in me.children(recursive=True):
                try:
                    p.cpu_times()
                    p.threads()
                except psutil.Error:
                    pass


def _speedups(demo_id: str, params: dict[str, Any], modes: tuple[str, ...]) -> dict[str, float]:
    result = compare(catalog.get(demo_id), params, modes=modes)
    out = {}
    for m in result.modes:
        if m.speedup is None:
            raise SystemExit(f"{demo_id} {m.mode} did not finish: {m.error}")
        out[m.mode] = m.speedup
        print(
            f"{demo_id:<9} {m.mode:<10} wall {m.wall_s:6.2f} s  cpu {m.cpu_s:6.2f} s  "
            f"speedup {m.speedup:5.2f}x  cores busy {m.cores_busy:4.2f}",
            flush=True,
        )
    return out


def _span_overhead(units: int = 6000, rounds: int = 5) -> float:
    from workloads.demos.cpu_bound import crunch

    events: list[Event] = []
    ctx = WorkerContext("w", "crunch", THREAD, events.append)
    local = runtime._local
    plain, recorded = [], []
    try:
        for _ in range(rounds):
            local.__dict__.pop("ctx", None)
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):  # crunch prints one line
                crunch(units)
            plain.append(time.perf_counter() - t0)
            local.ctx = ctx
            ctx.started(os.getpid(), threading.get_native_id())
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                crunch(units)
            recorded.append(time.perf_counter() - t0)
            ctx.finished()
            events.clear()
    finally:
        local.__dict__.pop("ctx", None)
    return (min(recorded) / min(plain) - 1.0) * 100.0


def main() -> None:
    load = os.getloadavg()[0]
    print(
        f"machine load before: {load:.2f} (the run host runs at nice 19: a busy machine"
        " shows its workers waiting for a core)",
        flush=True,
    )
    if sys.argv[1:] == ["sampler"]:
        print(json.dumps(sampler_fidelity.measure()))
        return
    cores = os.cpu_count() or 1
    workers = 2 * cores
    with Sampler():
        cpu = _speedups(
            "cpu-bound",
            {"workers": workers},
            ("sequential", "threads", "processes"),
        )
        io = _speedups(
            "io-bound",
            {"workers": workers, "items": 5, "wait": 0.2},
            ("sequential", "threads"),
        )
    overhead = _span_overhead()
    print(f"span recording overhead on cpu-bound sequential: {overhead:.2f} %")
    figures = {
        "process_efficiency": round(cpu["processes"] / cores, 3),
        "thread_speedup": round(cpu["threads"], 3),
        "io_thread_efficiency": round(io["threads"] / workers, 3),
        "span_overhead_pct": round(overhead, 2),
    }
    figures |= sampler_fidelity.measure()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
