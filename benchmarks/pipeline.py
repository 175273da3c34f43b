"""How fast events travel from the reporter, through the channel, into the fold.

Measures, in one run on this machine:
- events per second, reporter -> a connection per process -> RunState fold, with 1 and
  with 4 producer processes (every event is a real ``Progress`` event, pickled in
  batches), read by the same :class:`~workloads.channel.Listener` a session uses;
- the slowdown of a pure-Python CPU loop calling ``runtime.tick()`` once per unit of
  work (~50 us, like the cpu-bound demo), against the same loop without it.

Prints a human summary, then as its last line one JSON object:
``{"events_per_s_1": ..., "events_per_s_4": ..., "tick_overhead_pct": ...}``.
Figures, not assertions: this is never run by the test suite.
Run it as ``python -m benchmarks.pipeline`` from the project root (or ``make bench``).
"""

from __future__ import annotations

import json
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workloads import runtime
from workloads.channel import Address, Listener, Sender
from workloads.events import Progress, WorkerKind
from workloads.reporter import Reporter
from workloads.run_state import RunState
from workloads.worker_context import WorkerContext

EVENTS_PER_PRODUCER = 400_000


def _produce(address: Address, go: Any, worker: str, n: int) -> None:
    sender = Sender(address)
    rep = Reporter(sender, flusher=False)
    emit = rep.emit
    go.wait()
    for i in range(n):
        emit(Progress(worker, 0.0, i, n))
    rep.flush()
    sender.close()


def events_per_second(producers: int, total: int) -> float:
    """Events folded per second with ``producers`` processes emitting ``total`` in all."""
    ctx = multiprocessing.get_context("spawn")
    listener = Listener()
    go = ctx.Event()
    per = total // producers
    procs = [
        ctx.Process(target=_produce, args=(listener.address, go, f"p{k}", per))
        for k in range(producers)
    ]
    for p in procs:
        p.start()
    state = RunState()
    deadline = time.monotonic() + 30
    while listener.open_count < producers:  # every producer connected and said hello
        listener.read(0.05)
        if time.monotonic() > deadline:
            raise SystemExit("producers did not connect")
    t0 = time.perf_counter()
    go.set()
    while state.events < per * producers:
        batch = listener.read(1.0)
        if not batch and listener.open_count == 0:
            raise SystemExit("producers stalled")
        state.apply_all(batch)
    elapsed = time.perf_counter() - t0
    listener.close()
    for p in procs:
        p.join()
    assert state.events == per * producers
    return state.events / elapsed


def _work(n: int) -> int:
    x = 0
    for i in range(n):
        x += i * i % 7
    return x


def _loop(chunks: int, size: int, ticking: bool) -> float:
    tick = runtime.tick
    t0 = time.perf_counter()
    if ticking:
        for _ in range(chunks):
            _work(size)
            tick()
    else:
        for _ in range(chunks):
            _work(size)
    return time.perf_counter() - t0


def tick_overhead_pct(size: int = 1000, chunks: int = 4000, rounds: int = 7) -> tuple[float, float]:
    """Slowdown (%) of the CPU loop with ``tick()`` against without; also us per chunk."""
    events: list[Any] = []
    ctx = WorkerContext("bench", "bench", WorkerKind.THREAD, events.append)
    runtime._local.ctx = ctx  # the calling thread is a worker: tick() does its real work
    try:
        plain, ticked = [], []
        for _ in range(rounds):  # interleaved, best of N: the machine is shared and noisy
            plain.append(_loop(chunks, size, False))
            ticked.append(_loop(chunks, size, True))
    finally:
        del runtime._local.ctx
    chunk_us = min(plain) / chunks * 1e6
    return (min(ticked) / min(plain) - 1.0) * 100.0, chunk_us


def main() -> None:
    e1 = events_per_second(1, EVENTS_PER_PRODUCER)
    print(f"reporter -> channel -> fold, 1 producer:  {e1:>12,.0f} events/s")
    e4 = events_per_second(4, 4 * EVENTS_PER_PRODUCER)
    print(f"reporter -> channel -> fold, 4 producers: {e4:>12,.0f} events/s")
    overhead, chunk_us = tick_overhead_pct()
    print(f"tick() once per {chunk_us:.0f} us of pure-Python work: {overhead:+.2f}% slower")
    print(
        json.dumps(
            {
                "events_per_s_1": round(e1),
                "events_per_s_4": round(e4),
                "tick_overhead_pct": round(overhead, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
