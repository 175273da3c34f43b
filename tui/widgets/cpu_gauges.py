"""Per-core CPU gauges and the run's headline figure, "1.96 / 2 cores busy"."""

from __future__ import annotations

from textual.widgets import Static

from workloads.cpu_sampler import CpuSample
from workloads.run_state import RunState
from workloads.text_bar import bar

#: Above this many cores, two gauges share a line.
ONE_PER_LINE = 8


def _load_style(pct: float) -> str:
    return "$success" if pct < 60 else "$warning" if pct < 90 else "$error"


class CpuGauges(Static):
    """Redrawn from each :class:`CpuSample` (4-10 times a second while a run is live)."""

    def __init__(self, **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.border_title = "CPU"
        self._last: tuple[object, ...] | None = None
        self._lines = 0

    def show(self, sample: CpuSample | None, state: RunState) -> None:
        """Redraw with this reading and the run's interpreter facts."""
        if sample is None:
            return
        width = self.content_size.width
        key = (sample, width, state.python, state.gil_enabled)
        if key == self._last:
            return
        self._last = key
        per_line = 1 if sample.cores <= ONE_PER_LINE else 2
        cell = width // per_line
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
        busy = sample.cores_busy
        lines.append(f"[b $accent]{busy:4.2f}[/] [b]/ {sample.cores} cores busy[/]")
        # The headline is the run's average; "now" is the last reading alone.
        lines.append(f"[dim]now {sample.recent_busy:4.2f} cores · {sample.run_cpu_s:.1f} CPU s[/]")
        if state.python:
            gil = "on" if state.gil_enabled else "[b $success]off[/]"
            lines.append(f"[dim]GIL[/] {gil} [dim](Python {state.python})[/]")
        # Same number of lines as last time: the size cannot change, skip the layout.
        self.update("\n".join(lines), layout=len(lines) != self._lines)
        self._lines = len(lines)
