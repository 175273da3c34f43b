"""Per-core CPU gauges and the run's headline figure, "1.96 / 2 cores busy"."""

from __future__ import annotations

import math
from collections.abc import Sequence

from textual.widgets import Static

from tui.markup_lines import markup_lines
from workloads.cpu_sampler import CpuSample
from workloads.run_state import RunState
from workloads.text_bar import bar

#: Above this many cores, two gauges share a line.
ONE_PER_LINE = 8
#: Above this many lines of gauges, each core is one cell (a 64-core machine would
#: otherwise push the headline out of the box).
MAX_GAUGE_LINES = 8
#: A one-cell gauge, from idle to busy; idle still shows, so every core is counted.
LEVELS = "▁▂▃▄▅▆▇█"
#: Cores per group in the one-cell view, a space between groups.
GROUP = 8
#: The box's title while the run is live: the bars are every program's load, now.
LIVE_TITLE = "CPU: whole machine"
#: Once the run is over: every figure is an average over the run (same kind, side by side).
AVERAGE_TITLE = "CPU: run average"


def _load_style(pct: float) -> str:
    return "$success" if pct < 60 else "$warning" if pct < 90 else "$error"


def dense_gauges(per_core: Sequence[float], width: int) -> list[str]:
    """One cell per core, as high as its load, in groups of eight, numbered per line."""
    groups = max(1, (width - 4) // (GROUP + 1))
    per_line = groups * GROUP
    lines = []
    for first in range(0, len(per_core), per_line):
        cells = []
        for i, pct in enumerate(per_core[first : first + per_line]):
            if i and i % GROUP == 0:
                cells.append(" ")
            level = LEVELS[max(0, min(len(LEVELS) - 1, int(pct / 100 * len(LEVELS))))]
            cells.append(f"[{_load_style(pct)}]{level}[/]")
        lines.append(f"[$text-muted]{first:>3}[/] " + "".join(cells))
    return lines


class CpuGauges(Static):
    """Redrawn from each :class:`CpuSample` (4-10 times a second while a run is live)."""

    def __init__(self, **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.border_title = LIVE_TITLE
        self._last: tuple[object, ...] | None = None
        self._lines = 0

    def show(self, sample: CpuSample | None, state: RunState) -> None:
        """Redraw with this reading and the run's interpreter facts."""
        if sample is None:
            return
        width = self.content_size.width
        key = (sample, width, state.python, state.gil_enabled, state.sampler)
        if key == self._last:
            return
        self._last = key
        self.border_title = AVERAGE_TITLE if sample.whole_run else LIVE_TITLE
        per_line = 1 if sample.cores <= ONE_PER_LINE else 2
        if math.ceil(sample.cores / per_line) > MAX_GAUGE_LINES:
            lines = dense_gauges(sample.per_core, width)
        else:
            lines = self._gauges(sample, per_line, width // per_line)
        busy = sample.cores_busy
        # The bars are the whole machine; the headline is the run's own processes. Say
        # both, and the rest of the machine's load, so 100% bars during a sleep demo
        # are not read as the demo's doing.
        lines.append(f"[b]run [$accent]{busy:.2f}[/]/{sample.cores} cores busy[/]")
        lines.append(f"[$text-muted]other load {sample.other_busy:.2f} cores[/]")
        if state.python:
            gil = "on" if state.gil_enabled else "[b $success]off[/]"
            lines.append(f"[$text-muted]GIL[/] {gil} [$text-muted](Python {state.python})[/]")
        if state.sampler is not None and not state.sampler.active:
            # Without the kernel's per-thread counters, only tick() and declared waits
            # say what a worker does: code without tick() shows as running throughout.
            lines.append("[$warning]no kernel sampler here:[/] [$text-muted]tick() only[/]")
        # As tall as last time (the same number of lines, or both within the box's
        # minimum height): the size cannot change, skip the layout.
        min_height = self.styles.min_height
        floor = int(min_height.value) - self.styles.gutter.height if min_height else 0
        rows = max(len(lines), floor)
        self.update(markup_lines(lines), layout=rows != max(self._lines, floor))
        self._lines = rows

    @staticmethod
    def _gauges(sample: CpuSample, per_line: int, cell: int) -> list[str]:
        lines: list[str] = []
        row: list[str] = []
        for i, pct in enumerate(sample.per_core):
            label = f"core {i:<2}" if sample.cores > 10 else f"core {i}"
            bar_w = max(1, cell - len(label) - 7)
            row.append(f"{label} [{_load_style(pct)}]{bar(pct / 100, bar_w)}[/] {pct:3.0f}% ")
            if len(row) == per_line:
                lines.append("".join(row))
                row = []
        if row:
            lines.append("".join(row))
        return lines
