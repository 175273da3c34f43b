"""The cost of a worker: the time to start one and see it end, and the memory it adds.

Each worker's job is nothing at all (``os.getpid``), so what is timed is creating it,
starting it and joining it. Threads first, then processes with every start method
this system has: fork, forkserver and spawn.
"""

import multiprocessing
import os
import threading
import time

from workloads import runtime
from workloads.demos.idle_worker import wait_idle

MB = 1024 * 1024


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def start_and_join(new_worker, count):
    """Start ``count`` workers one after the other, each joined before the next.

    Returns the median milliseconds of one start-and-join.
    """
    new_worker(target=os.getpid).start()  # a first one, untimed: warms up the method
    times = []
    for _ in range(count):
        start = time.perf_counter()
        worker = new_worker(target=os.getpid)  # its whole job: nothing
        worker.start()
        worker.join()
        times.append((time.perf_counter() - start) * 1000)
    return median(times)


def uss(pid=None):
    """Unique set size: the memory only this process has (freed if it ended)."""
    import psutil  # here, not at the top: a spawned child must not import it

    return psutil.Process(pid).memory_full_info().uss


def thread_memory(count):
    """What ``count`` idle threads add to their process's USS, per thread, in MB."""
    release = threading.Event()
    before = uss()
    threads = [threading.Thread(target=release.wait) for _ in range(count)]
    for t in threads:
        t.start()  # returns once the thread runs: its stack and state exist
    added = uss() - before
    release.set()
    for t in threads:
        t.join()
    return max(0, added) / count / MB


def process_memory(context, count):
    """The median USS of ``count`` idle processes, in MB."""
    ready, release = context.Semaphore(0), context.Event()
    processes = [context.Process(target=wait_idle, args=(ready, release)) for _ in range(count)]
    for p in processes:
        p.start()
    with runtime.waiting(f"{count} processes starting"):
        for _ in processes:
            ready.acquire()
    sizes = [uss(p.pid) for p in processes]
    release.set()
    for p in processes:
        p.join()
    return median(sizes) / MB


def report(row, kind, method, ms, mb):
    row_data = {"kind": kind, "method": method, "start_ms_median": round(ms, 3)}
    runtime.result(row, row_data | {"memory_mb": round(mb, 2)})
    name = kind if kind == method else f"{kind} {method}"
    print(f"{name}: {shown_ms(ms)} ms, {mb:.2f} MB")


def shown_ms(ms):
    """Three significant digits, never in exponent form: ``0.0512``, ``4.1``, ``1,292``."""
    return f"{ms:.3g}" if ms < 1000 else f"{ms:,.0f}"


def main(params):
    count, alive = params["workers"], params["alive"]

    runtime.status(f"threading.Thread × {count}")
    ms = start_and_join(threading.Thread, count)
    report(0, "thread", "thread", ms, thread_memory(count))

    available = multiprocessing.get_all_start_methods()
    methods = [m for m in ("fork", "forkserver", "spawn") if m in available]
    for row, method in enumerate(methods, 1):
        context = multiprocessing.get_context(method)
        runtime.status(f"Process × {count}, start method {method}")
        ms = start_and_join(context.Process, count)  # type: ignore[attr-defined]
        report(row, "process", method, ms, process_memory(context, alive))
