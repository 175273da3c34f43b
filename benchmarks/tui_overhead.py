"""What the live view costs and how live it is: refresh rate, print-to-screen latency,
and the visualiser's own CPU, measured together in the same runs.

Runs the real app headless (Textual's ``run_test``): it opens on the menu, as a lecturer
would, and once the menu is up starts the ``process-pool`` demo at time scale 1 (as its
key does), with every panel, the gauges, the output pane and the timeline live. It
measures, from the first worker on screen to the end of the run:

- the refresh rate: the run screen's redraws per second (from their spacing: the
  first to the last redraw of the window), and the frames Textual
  actually composed (a redraw that changed nothing on screen composes none);
- the latency of each printed line: from its ``Output`` event's ``t`` (``time.monotonic()``
  in the worker, one clock for every process) to the moment the output pane has written
  it (hooked here, in the benchmark only); p50 and p99 over every line of every run;
- this process's CPU seconds per wall second (children excluded: they are the demo),
  from the first snapshot with a worker to the first that says the run is over, both
  marked by the run screen itself (what it does after the end, the final redraw, is not
  live and not counted; the app's own start-up is over before the demo starts).

Targets: at least 10 redraws a second, p99 latency at most 150 ms, UI CPU at most 0.05.

Usage: ``python -m benchmarks.tui_overhead [--demo ID] [--time-scale X] [--repeat N]
[--size 120x36]``. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psutil
from textual.screen import Screen

from tui.app import InterleaveApp
from tui.screens.run_screen import RunScreen
from tui.widgets.output_pane import OutputPane
from workloads.run_state import RunState

CPU_TARGET = 0.05
LATENCY_TARGET_S = 0.150
RATE_TARGET = 10.0


def _own_cpu() -> float:
    times = psutil.Process().cpu_times()
    return times.user + times.system  # children_* excluded on purpose


@dataclass
class Probe:
    """Counts redraws and frames, and times lines from print to pane, while ``on``."""

    on: bool = False
    #: Lines are timed from the first worker to the final redraw (a demo may print its
    #: last lines as it ends); redraws and frames are counted while ``on``.
    lines_on: bool = False
    redraws: int = 0
    #: When each counted redraw began (the rate is taken from their spacing).
    redraw_times: list[float] = field(default_factory=list)
    frames: int = 0
    latencies: list[float] = field(default_factory=list)
    #: (CPU seconds, monotonic seconds) at the first snapshot with a worker, and at the
    #: first of a run that is over.
    start: tuple[float, float] | None = None
    end: tuple[float, float] | None = None


@contextmanager
def hooked(probe: Probe) -> Iterator[None]:
    """Wrap the run screen's redraw, Textual's frame and the output pane's refresh."""
    refresh, frame, output = RunScreen._refresh, Screen._compositor_refresh, OutputPane.refresh_from
    set_state = RunScreen._set_state

    def marked_set_state(self: RunScreen, state: RunState) -> None:
        set_state(self, state)
        if probe.start is None and state.workers:
            probe.start, probe.on = (_own_cpu(), time.monotonic()), True
            probe.lines_on = True
        if probe.end is None and probe.start is not None and state.over:
            probe.end, probe.on = (_own_cpu(), time.monotonic()), False

    def counted_refresh(self: RunScreen) -> None:
        if probe.on:
            probe.redraws += 1
            probe.redraw_times.append(time.monotonic())
        refresh(self)

    def counted_frame(self: Screen[Any]) -> None:
        probe.frames += probe.on and isinstance(self, RunScreen)
        frame(self)

    def timed_output(self: OutputPane, state: RunState) -> None:
        new = state.output_lines(self.shown, state.output_count) if probe.lines_on else []
        output(self, state)
        written = time.monotonic()  # the lines are in the log now
        probe.latencies += [written - line.t for line in new]

    RunScreen._refresh = counted_refresh  # type: ignore[method-assign]
    Screen._compositor_refresh = counted_frame  # type: ignore[method-assign]
    OutputPane.refresh_from = timed_output  # type: ignore[method-assign]
    RunScreen._set_state = marked_set_state  # type: ignore[method-assign]
    try:
        yield
    finally:
        RunScreen._set_state = set_state  # type: ignore[method-assign]
        RunScreen._refresh = refresh  # type: ignore[method-assign]
        Screen._compositor_refresh = frame  # type: ignore[method-assign]
        OutputPane.refresh_from = output  # type: ignore[method-assign]


async def measure(demo: str, time_scale: float, size: tuple[int, int]) -> dict[str, Any]:
    """Run ``demo`` in the app; return wall and CPU seconds, redraws, frames, latencies."""
    probe = Probe()
    app = InterleaveApp(time_scale=time_scale)
    with hooked(probe):
        async with app.run_test(size=size) as pilot:
            await pilot.pause(1.0)  # the menu is up: the app's own start-up is over
            app.launch(demo)
            while not isinstance(app.screen, RunScreen):
                await pilot.pause(0.05)
            screen = app.screen
            # A plain sleep, not pilot.pause(): pause() waits for the screen to settle and
            # costs CPU itself, which is the test harness, not the app. The CPU window is
            # marked by the screen (see ``hooked``), and so are redraws and frames.
            while not screen.state.over:
                await asyncio.sleep(0.25)
            await asyncio.sleep(0.25)  # the final redraw: the last lines are on screen
            probe.lines_on = False
            assert probe.start is not None and probe.end is not None
            wall, cpu = probe.end[1] - probe.start[1], probe.end[0] - probe.start[0]
            workers, lines = len(screen.state.workers), screen.state.output_count
            await pilot.press("q")
    return {
        "wall_s": wall,
        "ui_cpu_s": cpu,
        "workers": workers,
        "lines": lines,
        "redraws": probe.redraws,
        "redraw_rate": redraw_rate(probe.redraw_times),
        "frames": probe.frames,
        "latencies": probe.latencies,
    }


def redraw_rate(times: list[float]) -> float:
    """Redraws per second from their spacing: n redraws span n - 1 intervals (counting
    n in a window that ends between two of them would read low by up to one)."""
    if len(times) < 2 or times[-1] <= times[0]:
        return 0.0
    return (len(times) - 1) / (times[-1] - times[0])


def percentile(values: list[float], p: float) -> float:
    """The ``p``-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", default="process-pool")
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5, help="runs; medians are reported")
    parser.add_argument("--size", default="120x36", help="terminal size, WxH")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    cpu, rates, frames, latencies = [], [], [], []
    for _ in range(max(1, args.repeat)):
        r = asyncio.run(measure(args.demo, args.time_scale, (width, height)))
        cpu.append(r["ui_cpu_s"] / r["wall_s"])
        rates.append(r["redraw_rate"])
        frames.append(r["frames"] / r["wall_s"])
        latencies += r["latencies"]
        worst = max(r["latencies"], default=0.0)
        print(
            f"{args.demo} at time scale {args.time_scale:g}, {args.size}: {r['wall_s']:.2f} s "
            f"wall, {r['workers']} workers, {r['lines']} lines: UI {cpu[-1]:.4f} CPU s/s, "
            f"{rates[-1]:.1f} redraws/s, {frames[-1]:.1f} frames/s, "
            f"slowest line {worst * 1000:.0f} ms"
        )
    # A few-second run on a shared machine is noisy: the median of a few is the figure.
    summary = {
        "demo": args.demo,
        "size": args.size,
        "runs": len(cpu),
        "ui_cpu_per_s": round(statistics.median(cpu), 4),
        "ui_cpu_min": round(min(cpu), 4),
        "ui_cpu_max": round(max(cpu), 4),
        "redraws_per_s": round(statistics.median(rates), 1),
        "frames_per_s": round(statistics.median(frames), 1),
        "lines": len(latencies),
        "latency_p50_ms": round(percentile(latencies, 50) * 1000, 1) if latencies else None,
        "latency_p99_ms": round(percentile(latencies, 99) * 1000, 1) if latencies else None,
    }
    checks = {
        "cpu": summary["ui_cpu_per_s"] <= CPU_TARGET,
        "rate": summary["redraws_per_s"] >= RATE_TARGET,
        "latency": bool(latencies) and percentile(latencies, 99) <= LATENCY_TARGET_S,
    }
    print(
        f"UI CPU {summary['ui_cpu_per_s']} s/s (target <= {CPU_TARGET}), "
        f"{summary['redraws_per_s']} redraws/s (target >= {RATE_TARGET:g}), "
        f"print-to-pane p50 {summary['latency_p50_ms']} ms, p99 {summary['latency_p99_ms']} ms "
        f"over {len(latencies)} lines (target p99 <= {LATENCY_TARGET_S * 1000:.0f} ms): "
        + ", ".join(f"{k} {'ok' if ok else 'OVER TARGET'}" for k, ok in checks.items())
    )
    print(json.dumps(summary | {"ok": all(checks.values())}))


if __name__ == "__main__":
    main()
