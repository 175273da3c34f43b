"""How much CPU the visualiser itself takes while it shows a run.

Runs the real app headless (Textual's ``run_test``) through the ``process-pool`` demo
at time scale 1 with every panel, the gauges, the output pane and the timeline live,
and measures this process's own CPU seconds per wall second (children excluded: they
are the demo). Target: at most 0.05, under 5% of one core.

Usage: ``python -m benchmarks.tui_overhead [--demo ID] [--time-scale X]``.
The last line printed is one JSON object with ``ui_cpu_per_s``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

import psutil

from tui.app import InterleaveApp
from tui.screens.run_screen import RunScreen

TARGET = 0.05


def _own_cpu() -> float:
    times = psutil.Process().cpu_times()
    return times.user + times.system  # children_* excluded on purpose


async def measure(demo: str, time_scale: float, size: tuple[int, int]) -> dict[str, float]:
    """Run ``demo`` in the app; return wall and CPU seconds of the UI during the run."""
    app = InterleaveApp(demo_id=demo, time_scale=time_scale)
    async with app.run_test(size=size) as pilot:
        while not isinstance(app.screen, RunScreen):
            await pilot.pause(0.05)
        screen = app.screen
        # Measure from the first worker on, once start-up (imports, spawn) is over.
        while not screen.state.workers:
            await pilot.pause(0.05)
        cpu0, t0 = _own_cpu(), time.monotonic()
        # A plain sleep, not pilot.pause(): pause() waits for the screen to settle and
        # costs ~0.02 CPU s/s itself, which is the test harness, not the app.
        while not screen.state.over:
            await asyncio.sleep(0.25)
        wall, cpu = time.monotonic() - t0, _own_cpu() - cpu0
        workers, lines = len(screen.state.workers), len(screen.state.outputs)
        await pilot.press("q")
    return {"wall_s": wall, "ui_cpu_s": cpu, "workers": workers, "lines": lines}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", default="process-pool")
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median is reported")
    args = parser.parse_args()
    figures = []
    for _ in range(max(1, args.repeat)):
        result = asyncio.run(measure(args.demo, args.time_scale, (120, 36)))
        per_s = result["ui_cpu_s"] / result["wall_s"]
        figures.append(per_s)
        print(
            f"{args.demo} at time scale {args.time_scale:g}: {result['wall_s']:.2f} s wall, "
            f"UI used {result['ui_cpu_s']:.3f} s CPU ({result['workers']:.0f} workers, "
            f"{result['lines']:.0f} lines): {per_s:.4f} CPU s per s"
        )
    # A 4 s run on a shared 2-core machine is noisy: the median of a few is the figure.
    median = statistics.median(figures)
    verdict = "ok" if median <= TARGET else "over target"
    print(
        f"UI CPU per wall second: median {median:.4f}, range {min(figures):.4f}-"
        f"{max(figures):.4f} (target <= {TARGET}: {verdict})"
    )
    summary = {
        "ui_cpu_per_s": round(median, 4),
        "min": round(min(figures), 4),
        "max": round(max(figures), 4),
        "demo": args.demo,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
