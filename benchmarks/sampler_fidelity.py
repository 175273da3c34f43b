"""How truthful and how cheap the scheduler sampler is, measured on this machine.

Part of ``benchmarks/fidelity.py`` (``python -m benchmarks.fidelity sampler`` runs only
this part). Figures:

- ``sampler_cost_cores``: CPU the sampler's loop uses per second of wall time at 200 Hz,
  watching 1 process of 8 threads (2 CPU-bound) and 4 CPU-bound processes (target
  <= 0.05);
- ``studied_slowdown_pct``: how much slower two CPU-bound threads of a process get
  while the sampler watches them (it runs in another process, so never takes their
  GIL; what is left is the cores it takes);
- ``share_agreement`` / ``cell_agreement``: on ``cpu-bound`` threads that tick, how
  closely the sampled states match the tick() spans: the share of time in each state
  (running, ready, waiting), and cell by cell at 5 ms (target >= 0.9 each);
- ``thread_overlap`` / ``process_overlap``: on the same arithmetic *without* tick(),
  the share of running time during which two workers were running at once, from the
  sampled spans alone (targets: threads <= 0.15, one GIL; processes >= 0.6).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

from workloads import catalog
from workloads.events import CORE, GIL, READY, RUNNING, WAITING, Span, State
from workloads.run_session import run_to_end
from workloads.run_state import RunState
from workloads.runtime import RunConfig
from workloads.thread_sampler import HZ, ThreadSampler

CELL_S = 0.005
#: The sampler's states as tick()'s: a GIL or core wait is what tick calls ready.
_AS_TICK = {RUNNING: RUNNING, GIL: READY, CORE: READY, READY: READY, WAITING: WAITING}

_STUDIED = """
import threading, time, multiprocessing, sys
def spin():
    while True:
        sum(i * i for i in range(200))
def idle():
    time.sleep(3600)
if __name__ == "__main__":
    procs = int(sys.argv[1])
    for target in [spin, spin] + [idle] * 5:
        threading.Thread(target=target, daemon=True).start()
    for _ in range(procs):
        multiprocessing.Process(target=spin, daemon=True).start()
    print("up", flush=True)
    sys.stdin.read()
"""


def _studied(procs: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _STUDIED, str(procs)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a group of its own: _stop kills its children too
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    return proc


def _stop(proc: subprocess.Popen[str]) -> None:
    # Daemonic children die at their parent's *exit*, not when it is killed: kill the
    # whole group, or four spinning processes would outlive the benchmark.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def sampler_cost(seconds: float = 3.0) -> tuple[float, int]:
    """CPU seconds per wall second of the sampler's loop at 200 Hz, and threads watched."""
    proc = _studied(procs=4)
    try:
        time.sleep(0.3)  # let the processes start their threads
        sampler = ThreadSampler(proc.pid, lambda _e: None, hz=HZ)
        cpu0, t0 = time.thread_time(), time.monotonic()
        end = t0 + seconds
        while (now := time.monotonic()) < end:
            sampler.sample(now)
            time.sleep(sampler.interval)
        cost = (time.thread_time() - cpu0) / (time.monotonic() - t0)
        watched = len(sampler._files)
        sampler.close()
    finally:
        _stop(proc)
    return cost, watched


_COUNTER = """
import threading, time, sys
counts = [0, 0]
def spin(k):
    end = time.monotonic() + float(sys.argv[1])
    while time.monotonic() < end:
        for i in range(1000):
            pass
        counts[k] += 1
threads = [threading.Thread(target=spin, args=(k,)) for k in range(2)]
for t in threads: t.start()
for t in threads: t.join()
print(sum(counts))
"""


def studied_slowdown(seconds: float = 1.5, rounds: int = 2) -> float:
    """Percent fewer loops two CPU-bound threads make while sampled (best of rounds)."""
    plain: list[int] = []
    sampled: list[int] = []
    for _ in range(rounds):
        for watch in (False, True):
            proc = subprocess.Popen(
                [sys.executable, "-c", _COUNTER, str(seconds)], stdout=subprocess.PIPE, text=True
            )
            if watch:
                sampler = ThreadSampler(proc.pid, lambda _e: None)
                while proc.poll() is None:
                    sampler.sample(time.monotonic())
                    time.sleep(sampler.interval)
                sampler.close()
            out, _ = proc.communicate()
            (sampled if watch else plain).append(int(out))
    return (1.0 - max(sampled) / max(plain)) * 100.0


def _shares(spans: Sequence[Span]) -> dict[State, float]:
    time_in: dict[State, float] = {}
    for s in spans:
        state = _AS_TICK.get(s.state, s.state)
        time_in[state] = time_in.get(state, 0.0) + s.end - s.start
    total = sum(time_in.values()) or 1.0
    return {k: v / total for k, v in time_in.items()}


def _cells(spans: Sequence[Span], t0: float, t1: float) -> list[State | None]:
    """The state that filled most of each 5 ms cell from t0 to t1 (None: nothing known)."""
    n = max(0, int((t1 - t0) / CELL_S))
    time_in: list[dict[State, float]] = [{} for _ in range(n)]
    for s in spans:
        state = _AS_TICK.get(s.state, s.state)
        first, last = int((s.start - t0) / CELL_S), int((s.end - t0) / CELL_S)
        for i in range(max(first, 0), min(last, n - 1) + 1):
            c0 = t0 + i * CELL_S
            part = min(s.end, c0 + CELL_S) - max(s.start, c0)
            if part > 0:
                time_in[i][state] = time_in[i].get(state, 0.0) + part
    return [max(d, key=d.__getitem__) if d else None for d in time_in]


def tick_agreement(state: RunState) -> tuple[float, float]:
    """Share and cell-by-cell agreement of sampled vs tick spans, over ticking workers."""
    share_scores, same, known = [], 0, 0
    for w in state.workers.values():
        if not w.ticks or not w.sampled or w.finished is None:
            continue
        t0 = max(w.started, w.sampled[0].start)
        t1 = min(w.finished, w.sampled[-1].end)
        tick = [s for s in w.spans if s.end > t0 and s.start < t1]
        sampled = [s for s in w.sampled if s.end > t0 and s.start < t1]
        a, b = _shares(tick), _shares(sampled)
        share_scores.append(1.0 - 0.5 * sum(abs(a.get(k, 0) - b.get(k, 0)) for k in a | b))
        for x, y in zip(_cells(tick, t0, t1), _cells(sampled, t0, t1), strict=True):
            if x is not None and y is not None:
                known += 1
                same += x == y
    if not share_scores:
        raise SystemExit("no ticking worker was sampled: is /proc there?")
    return sum(share_scores) / len(share_scores), same / max(known, 1)


def running_overlap(state: RunState, step: float = 0.001) -> float:
    """Of the time at least one worker ran (by the timeline's spans), the share during
    which two or more did."""
    workers = [w for w in state.workers.values() if w.id != "main"]
    runs = [[(s.start, s.end) for s in w.spans if s.state == RUNNING] for w in workers]
    if not any(runs):
        return 0.0
    t0 = min(a for r in runs for a, _ in r)
    t1 = max(b for r in runs for _, b in r)
    n = int((t1 - t0) / step) + 1
    counts = [0] * n
    for r in runs:
        for a, b in r:  # half-open, by rounding: [a, b) then [b, c) share no millisecond
            for i in range(round((a - t0) / step), min(n, round((b - t0) / step))):
                counts[i] += 1
    some = sum(1 for c in counts if c >= 1)
    return sum(1 for c in counts if c >= 2) / max(some, 1)


def _no_tick(mode: str, size: int) -> RunState:
    config = RunConfig("no-tick", "benchmarks.no_tick", {"mode": mode, "size": size, "workers": 2})
    state = run_to_end(config)
    if not state.ok:
        raise SystemExit(f"no-tick {mode} did not finish: {state.error}")
    if state.sampler is None or not state.sampler.active:
        raise SystemExit("the scheduler sampler did not run")
    return state


def measure() -> dict[str, float]:
    """Every figure of the module docstring, printed as it comes."""
    cost, watched = sampler_cost()
    print(f"sampler at {HZ:.0f} Hz, {watched} threads watched: {cost:.3f} cores", flush=True)
    slowdown = studied_slowdown()
    print(f"two CPU-bound threads while sampled: {slowdown:+.1f} % fewer loops", flush=True)
    demo = catalog.get("cpu-bound")
    ticking = run_to_end(demo.config({"mode": "threads", "workers": 2, "size": 3000}))
    share, cells = tick_agreement(ticking)
    print(f"cpu-bound threads, sampled vs tick(): shares {share:.3f}, 5 ms cells {cells:.3f}")
    threads = running_overlap(_no_tick("threads", 3000))
    processes = running_overlap(_no_tick("processes", 3000))
    print(f"without tick(): running overlap, threads {threads:.3f}, processes {processes:.3f}")
    return {
        "sampler_cost_cores": round(cost, 4),
        "studied_slowdown_pct": round(slowdown, 1),
        "share_agreement": round(share, 3),
        "cell_agreement": round(cells, 3),
        "thread_overlap": round(threads, 3),
        "process_overlap": round(processes, 3),
    }


if __name__ == "__main__":
    import json

    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    print(json.dumps(measure()))
