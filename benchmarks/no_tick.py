"""The GIL lab's arithmetic without ``tick()``: what a student's script looks like.

Run by the real host like a catalog demo (``RunConfig(module="benchmarks.no_tick")``):
its workers say nothing about when they run, so only the scheduler sampler can tell.
"""

from __future__ import annotations

import multiprocessing
import threading
from typing import Any


def crunch(units: int) -> int:
    """The same arithmetic as ``cpu_bound.crunch``, minus the tick()."""
    total = 0
    for _ in range(units):
        for i in range(1000):
            total += i * i % 7
    return total


def main(params: dict[str, Any]) -> None:
    units, workers = int(params["size"]), int(params["workers"])
    kind = threading.Thread if params["mode"] == "threads" else multiprocessing.Process
    started = [kind(target=crunch, args=(units,)) for _ in range(workers)]
    for w in started:
        w.start()
    for w in started:
        w.join()
