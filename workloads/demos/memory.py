"""Shared or separate memory: every worker adds 1 to "the same" counter, N times.

Threads share their process's memory, so they all add to one counter (and, without a
lock, can overwrite each other's additions). Each process has its own memory, so each
one adds to its own copy, and the parent's counter never moves.
"""

import multiprocessing
import os
import threading

import psutil

from workloads.runtime import progress, result, status, tick, worker_id

counter = 0
lock = threading.Lock()


def increment(value):
    return value + 1


def add_plain(n, row):
    """``counter += 1``: on CPython 3.10-3.13 no thread switch lands between its read
    and its write, in practice (nothing promises it)."""
    global counter
    every = max(1, n // 10)
    for i in range(1, n + 1):
        counter += 1
        tick()
        if i % every == 0:
            show(i, n)
    report(row)
    progress(n, n)


def add_racy(n, row):
    """Read, compute, write back: a switch in between loses the others' additions."""
    global counter
    every = max(1, n // 10)
    for i in range(1, n + 1):
        seen = counter  # 1. read the shared counter
        counter = increment(seen)  # 2. a call: another thread may run here; 3. write
        tick()
        if i % every == 0:
            show(i, n)
    report(row)
    progress(n, n)


def add_locked(n, row):
    """The same read-compute-write, but only one thread at a time inside the lock."""
    global counter
    every = max(1, n // 10)
    for i in range(1, n + 1):
        with lock:
            seen = counter
            counter = increment(seen)
        tick()
        if i % every == 0:
            show(i, n)
    report(row)
    progress(n, n)


def show(done, n):
    """How far this worker got, and the counter as it sees it now."""
    print(f"added {done:,}, sees counter = {counter:,}")
    progress(done, n)
    status(f"sees counter = {counter:,}")


def memory_mb():
    """This process's memory: RSS (all it has in RAM) and USS (only its own pages)."""
    info = psutil.Process().memory_full_info()
    return round(info.rss / 2**20, 1), round(info.uss / 2**20, 1)


def report(row, kind=None, expected=None):
    """What this worker sees at its end, as a row of the results table."""
    rss, uss = memory_mb()
    me = worker_id()
    if kind is None:
        kind = "process" if multiprocessing.parent_process() else "thread"
    lost = None if expected is None else expected - counter
    print(f"final counter = {counter:,} · pid {os.getpid()} · RSS {rss} MB, USS {uss} MB")
    status(f"final counter = {counter:,}")
    result(
        row,
        {
            "worker": me,
            "kind": kind,
            "pid": os.getpid(),
            "final": counter,
            "expected": expected,
            "lost": lost,
            "rss_mb": rss,
            "uss_mb": uss,
        },
    )


def main(params):
    workers, n = params["workers"], params["increments"]
    if params["lock"]:
        target = add_locked
    elif params["race"]:
        target = add_racy
    else:
        target = add_plain

    worker = threading.Thread if params["mode"] == "threads" else multiprocessing.Process
    jobs = [worker(target=target, args=(n, i)) for i in range(1, workers + 1)]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join()

    expected = workers * n
    report(0, kind="main", expected=expected)
    if params["mode"] == "threads":
        print(f"{workers} threads added {expected:,} in all; main sees {counter:,}")
        print(f"lost updates: {expected - counter:,} (one process, one counter)")
    else:
        print(f"{workers} processes added {n:,} each, each to its own copy")
        print(f"main's counter is still {counter}: nothing came back")
