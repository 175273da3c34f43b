"""Test-only demos that never call ``tick()``, run by the real host like catalog demos.

What a student's script does: plain threads and processes, arithmetic and sleeps, and
nothing that reports. The scheduler sampler and the line sampler must see them anyway.
``params["mode"]`` picks one; ``params["seconds"]`` is how long each worker works.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from typing import Any

#: The line the sleeper sleeps on (tests look for it in the worker's current line).
SLEEP_LINE = 20


def sleeper(seconds: float) -> None:
    time.sleep(seconds)  # SLEEP_LINE: keep this on line 20


def spin(seconds: float) -> int:
    """Pure arithmetic for ``seconds`` of wall time, without a single tick()."""
    total = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for i in range(2000):
            total += i * i % 7
    return total


def main(params: dict[str, Any]) -> None:
    seconds = float(params.get("seconds", 0.6))
    mode = params.get("mode", "threads")
    workers = int(params.get("workers", 2))
    if mode == "threads":
        threads = [threading.Thread(target=spin, args=(seconds,)) for _ in range(workers)]
    elif mode == "sleeper":
        threads = [threading.Thread(target=sleeper, args=(seconds,))]
    else:
        procs = [multiprocessing.Process(target=spin, args=(seconds,)) for _ in range(workers)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        return
    for t in threads:
        t.start()
    for t in threads:
        t.join()
