"""I/O-bound work: every worker waits on a few slow replies, one of five ways."""

import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from workloads.dask_cluster import dask_executor
from workloads.runtime import tick


def fetch(items, wait):
    """Ask for ``items`` slow replies; each one is mostly waiting, a little work."""
    for item in range(items):
        time.sleep(wait)  # stands in for the network: the thread blocks, the GIL is free
        checksum = sum(i * i % 7 for i in range(2000))  # handle the reply
        tick()
        print(f"item {item} ready ({checksum})")
    return items


def main(params):
    mode = params["mode"]
    jobs = [params["items"]] * params["workers"]
    waits = [params["wait"]] * params["workers"]
    start_time = time.time()

    if mode == "sequential":
        for items, wait in zip(jobs, waits, strict=True):
            fetch(items, wait)

    elif mode == "threads":
        threads = [
            threading.Thread(target=fetch, args=job) for job in zip(jobs, waits, strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    elif mode == "processes":
        processes = [
            multiprocessing.Process(target=fetch, args=job) for job in zip(jobs, waits, strict=True)
        ]
        for p in processes:
            p.start()
        for p in processes:
            p.join()

    elif mode == "thread-pool":
        with ThreadPoolExecutor(max_workers=len(jobs)) as executor:
            list(executor.map(fetch, jobs, waits))

    elif mode == "process-pool":
        with ProcessPoolExecutor(max_workers=len(jobs)) as executor:
            list(executor.map(fetch, jobs, waits))

    elif mode == "dask":  # the same map, on a Dask cluster (workloads/dask_cluster.py)
        with dask_executor(params) as executor:
            list(executor.map(fetch, jobs, waits))

    print(f"{mode}: {len(jobs)} jobs in {time.time() - start_time:.2f} s")
