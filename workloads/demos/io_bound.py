"""I/O-bound work: every worker waits on a few slow replies, one of six ways."""

import asyncio
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


async def fetch_async(items, wait):
    """The same as ``fetch``, as a coroutine: it awaits instead of blocking."""
    for item in range(items):
        await asyncio.sleep(wait)  # gives control back to the event loop until it is over
        checksum = sum(i * i % 7 for i in range(2000))  # meanwhile no other task runs
        tick()
        print(f"item {item} ready ({checksum})")
    return items


async def fetch_all(jobs, waits):
    """One task per job on one event loop, in one thread; wait for them all."""
    tasks = [fetch_async(items, wait) for items, wait in zip(jobs, waits, strict=True)]
    await asyncio.gather(*tasks)


def main(params):
    mode = params["mode"]
    jobs = [params["items"]] * params["workers"]
    waits = [params["wait"]] * params["workers"]
    start_time = time.time()
    done = len(jobs)  # jobs that ran to their end (see "processes")

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
        # One process can be killed (kill PID) and the rest
        # go on: count those that exited normally, with 0.
        done = sum(p.exitcode == 0 for p in processes)

    elif mode == "thread-pool":
        with ThreadPoolExecutor(max_workers=len(jobs)) as executor:
            list(executor.map(fetch, jobs, waits))

    elif mode == "process-pool":
        with ProcessPoolExecutor(max_workers=len(jobs)) as executor:
            list(executor.map(fetch, jobs, waits))

    elif mode == "asyncio":
        asyncio.run(fetch_all(jobs, waits))

    elif mode == "dask":  # the same map, on a Dask cluster (workloads/dask_cluster.py)
        with dask_executor(params) as executor:
            list(executor.map(fetch, jobs, waits))

    print(f"{mode}: {done} of {len(jobs)} jobs done in {time.time() - start_time:.2f} s")
