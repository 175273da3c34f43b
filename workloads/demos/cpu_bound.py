"""CPU-bound work: every worker does the same pure-Python arithmetic, one of five ways."""

import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from workloads.dask_cluster import dask_executor
from workloads.runtime import tick


def crunch(units):
    """Pure arithmetic: no I/O, no sleep, nothing to wait for but the CPU."""
    total = 0
    for _ in range(units):
        for i in range(1000):
            total += i * i % 7
        tick()  # one unit done: lets the timeline see when this worker had the CPU
    print(f"crunched {units} units: {total}")
    return total


def main(params):
    mode = params["mode"]
    jobs = [params["size"]] * params["workers"]
    start_time = time.time()
    done = len(jobs)  # jobs that ran to their end (see "processes")

    if mode == "sequential":
        for units in jobs:
            crunch(units)

    elif mode == "threads":
        threads = [threading.Thread(target=crunch, args=(units,)) for units in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    elif mode == "processes":
        processes = [multiprocessing.Process(target=crunch, args=(units,)) for units in jobs]
        for p in processes:
            p.start()
        for p in processes:
            p.join()
        # One process can be killed (kill PID) and the rest
        # go on: count those that exited normally, with 0.
        done = sum(p.exitcode == 0 for p in processes)

    elif mode == "thread-pool":
        with ThreadPoolExecutor(max_workers=len(jobs)) as executor:
            list(executor.map(crunch, jobs))

    elif mode == "process-pool":
        with ProcessPoolExecutor(max_workers=len(jobs)) as executor:
            list(executor.map(crunch, jobs))

    elif mode == "dask":  # the same map, on a Dask cluster (workloads/dask_cluster.py)
        with dask_executor(params) as executor:
            list(executor.map(crunch, jobs))

    print(f"{mode}: {done} of {len(jobs)} jobs done in {time.time() - start_time:.2f} s")
