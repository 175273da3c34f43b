"""What the dask mode costs on this machine, against the process pool doing the same work.

Three figures, each printed as a ratio or a rate (never asserted anywhere):

1. the dask mode's wall time over ``process-pool``'s, on the same ``cpu-bound`` run (the
   app's own runs: host, cluster start, work, teardown);
2. the cost of one task in ms, on a warm pool: ``client.map`` on a LocalCluster (plain,
   then with the run's plugin and task wrapper) against ``ProcessPoolExecutor.map``;
3. the events a second that reach the run from a cluster's workers, through the
   scheduler's event log.

Small on purpose (2 workers, a few seconds each): the machine's 2 cores are shared.

    .venv/bin/python -m benchmarks.dask
"""

from __future__ import annotations

import os
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from workloads import catalog
from workloads.run_session import run_to_end
from workloads.run_state import RunState

WORKERS = 2
SIZE = 3000  # ~0.1 s of arithmetic per job
RUNS = 2
TASKS = 400


def noop(x: int) -> int:
    """The smallest task: what is left of its time is the pool's overhead."""
    return x + 1


def _wall(mode: str) -> float:
    demo = catalog.get("cpu-bound")
    state = run_to_end(demo.config({"mode": mode, "workers": WORKERS, "size": SIZE}))
    assert state.wall_s is not None, state.error
    return state.wall_s


def run_ratio() -> None:
    walls: dict[str, list[float]] = {"process-pool": [], "dask": []}
    for _ in range(RUNS):
        for mode in walls:
            walls[mode].append(_wall(mode))
    pool, dask = (statistics.median(walls[m]) for m in ("process-pool", "dask"))
    print(f"cpu-bound, {WORKERS} workers x {SIZE} units, median of {RUNS} runs each:")
    ratio = dask / pool
    print(f"  process-pool {pool:6.2f} s   dask {dask:6.2f} s   dask / process-pool {ratio:.2f}x")


def _per_task_ms(map_fn: Any) -> float:
    list(map_fn(noop, range(20)))  # warm: imports, connections
    t0 = time.perf_counter()
    list(map_fn(noop, range(TASKS)))
    return (time.perf_counter() - t0) / TASKS * 1000


def task_overhead() -> None:
    from distributed import Client, LocalCluster

    from workloads.dask_plugin import PanelPlugin, PanelTask

    with ProcessPoolExecutor(WORKERS) as pool:
        pool_ms = _per_task_ms(pool.map)
    cluster = LocalCluster(
        n_workers=WORKERS,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    )
    with cluster, Client(cluster) as client:
        executor = client.get_executor(pure=False)
        plain_ms = _per_task_ms(executor.map)
        client.register_plugin(PanelPlugin("interleave-bench"), name="interleave-bench")
        events: list[Any] = []
        client.subscribe_topic("interleave-bench", events.append)

        def reported(fn: Any, items: Any) -> Any:
            return executor.map(PanelTask(fn, "interleave-bench"), items)

        panel_ms = _per_task_ms(reported)
        client.unregister_worker_plugin("interleave-bench")
    print(f"one tiny task, warm pool of {WORKERS}, {TASKS} tasks:")
    print(f"  ProcessPoolExecutor.map   {pool_ms:6.3f} ms")
    print(f"  dask executor.map         {plain_ms:6.3f} ms  ({plain_ms / pool_ms:.0f}x)")
    print(f"  dask, with panels         {panel_ms:6.3f} ms  ({panel_ms / pool_ms:.0f}x)")


def event_rate() -> None:
    counts = {"dask": 0, "all": 0}

    def count(state: RunState, events: list[Any]) -> None:
        counts["all"] += len(events)
        counts["dask"] += sum(1 for e in events if str(getattr(e, "worker", "")).startswith("d"))

    demo = catalog.get("cpu-bound")
    t0 = time.monotonic()
    state = run_to_end(
        demo.config({"mode": "dask", "workers": WORKERS, "size": SIZE * 10}), on_events=count
    )
    busy = [w for w in state.workers.values() if w.id.startswith("d") and w.spans and w.finished]
    span = max(w.finished for w in busy if w.finished) - min(w.started for w in busy)
    print(f"events from the cluster, cpu-bound {WORKERS} workers x {SIZE * 10} units:")
    print(
        f"  {counts['dask']} events from its workers in {span:.2f} s: "
        f"{counts['dask'] / span:.0f} events/s ({counts['all']} in the run, "
        f"{time.monotonic() - t0:.1f} s in all)"
    )


def main() -> None:
    print(f"benchmarks/dask.py on {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    run_ratio()
    task_overhead()
    event_rate()


if __name__ == "__main__":
    main()
