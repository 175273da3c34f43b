"""What recording and replaying cost: three figures, printed as ratios.

1. **Recording overhead** on ``cpu-bound`` threads: the same run with and without a
   :class:`RunLog` (what ``--record`` adds: the session keeps every event; the file is
   written after the run), alternated ``--repeat`` times; the ratio of the demo's own
   median wall times. Target: at most 1.02 (2 %).
2. **File size per 100k events**: the events of a real ``cpu-bound`` run, played again
   and again (later each time) up to 100,000, written plain and gzip-compressed; bytes,
   and seconds to write and read.
3. **Replay at 10x**: the real app (Textual's ``run_test``) replaying those 100k events
   at 10x with every pane live; this process's CPU seconds per wall second.
   Target: at most 0.1 core.

Usage: ``python -m benchmarks.recording [--repeat N] [--replay-s S]``. The last line
printed is one JSON object. On a shared 2-core machine the overhead figure is noisy:
repeat, and read it with the spread it prints.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from tui.app import InterleaveApp
from tui.screens.replay_screen import ReplayScreen
from workloads import catalog
from workloads.cpu_sampler import CpuSample
from workloads.events import RunFinished, RunStarted, Span, WorkerStarted
from workloads.recording import (
    Cancelled,
    Entry,
    HostExited,
    Paused,
    Recording,
    RecordingHeader,
    RunLog,
    entry_time,
    read_recording,
    write_recording,
)
from workloads.replay_session import ReplaySession
from workloads.run_session import run_to_end

OVERHEAD_TARGET = 1.02
REPLAY_CPU_TARGET = 0.1
PARAMS = {"mode": "threads", "workers": 2, "size": 1500}


def _run(log: RunLog | None, time_scale: float) -> tuple[float, RunLog | None]:
    demo = catalog.get("cpu-bound")
    config = demo.config(demo.resolve(PARAMS), time_scale)
    state = run_to_end(config, log=log)
    assert state.ok, state.error
    return float(state.wall_s or 0.0), log


def overhead(repeat: int, time_scale: float) -> tuple[dict[str, Any], Recording]:
    """Median demo wall time with and without a log, alternated; and one recording."""
    plain: list[float] = []
    logged: list[float] = []
    last: RunLog | None = None
    for _ in range(repeat):
        plain.append(_run(None, time_scale)[0])
        last = RunLog(RecordingHeader.here("cpu-bound", PARAMS, time_scale))
        logged.append(_run(last, time_scale)[0])
    assert last is not None
    ratio = statistics.median(logged) / statistics.median(plain)
    return {
        "plain_wall_s": [round(w, 3) for w in plain],
        "recorded_wall_s": [round(w, 3) for w in logged],
        "overhead_ratio": round(ratio, 4),
        "target": OVERHEAD_TARGET,
        "ok": ratio <= OVERHEAD_TARGET,
    }, last.recording()


def _shifted(entry: Entry, dt: float) -> Entry:
    if isinstance(entry, Span):
        return entry._replace(start=entry.start + dt, end=entry.end + dt)
    return entry._replace(t=entry.t + dt)  # type: ignore[union-attr,call-arg]


def long_recording(recording: Recording, events: int = 100_000) -> Recording:
    """The run's events (not its end) played again and again, later each time, up to
    ``events``: times keep growing, as in one long run, so gzip gets no easy repeats."""
    body = [
        e
        for e in recording.entries
        if not isinstance(e, CpuSample | Cancelled | HostExited | Paused | RunFinished)
    ]
    first = [e for e in body if isinstance(e, RunStarted | WorkerStarted)]
    loop = [e for e in body if not isinstance(e, RunStarted | WorkerStarted)]
    span = max(entry_time(e) for e in loop) - min(entry_time(e) for e in loop) + 0.01
    entries: list[Entry] = list(first)
    k = 0
    while len(entries) < events:
        entries += [_shifted(e, k * span) for e in loop[: events - len(entries)]]
        k += 1
    return Recording(recording.header, entries)


def file_size(recording: Recording) -> dict[str, Any]:
    """Bytes per ``len(entries)`` events, plain and gzip, and the time to write and read."""
    big = recording
    events = len(big.entries)
    out: dict[str, Any] = {"events": events}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("run.jsonl", "run.jsonl.gz"):
            path = Path(tmp) / name
            t0 = time.perf_counter()
            write_recording(path, big)
            t1 = time.perf_counter()
            read_recording(path)
            t2 = time.perf_counter()
            key = "gzip" if name.endswith(".gz") else "plain"
            out[f"{key}_bytes"] = path.stat().st_size
            out[f"{key}_write_s"] = round(t1 - t0, 3)
            out[f"{key}_read_s"] = round(t2 - t1, 3)
    return out


async def replay_cpu(recording: Recording, seconds: float) -> dict[str, Any]:
    """The app's CPU per wall second while it replays ``recording`` at 10x."""
    app = InterleaveApp()
    proc = psutil.Process()
    async with app.run_test(size=(80, 24)) as pilot:
        replay = ReplaySession(recording)
        replay.set_speed(10)
        await app.push_screen(ReplayScreen(replay, app.services))
        await pilot.pause(0.5)  # the first frame's layout is not the steady state
        cpu0, wall0 = sum(proc.cpu_times()[:2]), time.monotonic()
        while time.monotonic() - wall0 < seconds and not replay.ended:
            await pilot.pause(0.1)
        cpu1, wall1 = sum(proc.cpu_times()[:2]), time.monotonic()
        await pilot.press("q")
    cores = (cpu1 - cpu0) / (wall1 - wall0)
    return {
        "replayed_s": round(replay.now() - replay.start_t, 2),
        "entries": len(recording.entries),
        "ui_cores": round(cores, 4),
        "target": REPLAY_CPU_TARGET,
        "ok": cores <= REPLAY_CPU_TARGET,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--time-scale", type=float, default=0.1)
    parser.add_argument("--replay-s", type=float, default=6.0)
    ns = parser.parse_args()
    cost, recording = overhead(ns.repeat, ns.time_scale)
    print(f"recording overhead: {cost['overhead_ratio']:.3f}x (target <= {OVERHEAD_TARGET})")
    long = long_recording(recording)
    size = file_size(long)
    print(
        f"100k events: {size['plain_bytes'] / 1e6:.1f} MB plain, "
        f"{size['gzip_bytes'] / 1e6:.2f} MB gzip"
    )
    replay = asyncio.run(replay_cpu(long, ns.replay_s))
    print(f"replay at 10x: {replay['ui_cores']:.3f} cores (target <= {REPLAY_CPU_TARGET})")
    print(json.dumps({"overhead": cost, "file_size": size, "replay_10x": replay}))


if __name__ == "__main__":
    main()
