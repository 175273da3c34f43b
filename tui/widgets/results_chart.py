"""A bar chart of a demo's results: one bar per result row, from one numeric column.

The run screen composes it instead of the results table when the demo has a
:class:`~workloads.chart.Chart`. Figures that differ a hundredfold (a thread starts in
0.05 ms, a spawned process in 20 ms) are drawn on a log scale, whole decades from the
smallest value's to the largest's, which the border names ("log scale 0.01 - 100 ms"):
each bar still shows its value in figures beside it.

:func:`chart_lines` is pure (rows and a width in, markup lines out), so it is tested
without a terminal; colours are theme variables, as in every widget.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from textual.events import Resize
from textual.widgets import Static

from workloads.chart import Chart
from workloads.run_state import RunState
from workloads.text_bar import bar

#: The narrowest bar drawn; labels are shortened before bars go under it.
MIN_BAR = 8
#: The widest label column.
MAX_LABEL = 22


def label_of(chart: Chart, data: Mapping[str, Any]) -> str:
    """A bar's name: its label columns' values, joined (``process fork``)."""
    units = chart.label_units + ("",) * (len(chart.labels) - len(chart.label_units))
    pairs = zip(chart.labels, units, strict=True)
    parts = [f"{data.get(column, '')} {unit}".strip() for column, unit in pairs]
    # "thread thread": a label that says the same twice says it once.
    return " ".join(dict.fromkeys(p for p in parts if p))


def number(value: float) -> str:
    """A figure in at most four significant digits, with thousands separators."""
    if value >= 1000 or value == int(value):
        return f"{value:,.0f}"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.3g}" if value < 10 else f"{value:.1f}"
    return f"{value:.2g}" if value else "0"


def decades(values: Sequence[float]) -> tuple[float, float]:
    """The log scale's ends: the powers of ten around the smallest and largest values."""
    positive = [v for v in values if v > 0]
    if not positive:
        return 1.0, 10.0
    lo = 10.0 ** math.floor(math.log10(min(positive)))
    hi = 10.0 ** math.ceil(math.log10(max(positive)))
    return lo, hi if hi > lo else lo * 10


def fraction(value: float, lo: float, hi: float, log: bool) -> float:
    """How much of the bar ``value`` fills, on the chart's scale from ``lo`` to ``hi``."""
    if value <= 0:
        return 0.0
    if not log:
        return value / hi if hi > 0 else 0.0
    # A value at the scale's very bottom still gets a sliver: it was measured.
    return max(0.02, math.log10(value / lo) / math.log10(hi / lo))


def scale_note(chart: Chart, values: Sequence[float]) -> str:
    """The border's note on the scale: ``log scale 0.01 - 100 ms``."""
    if not any(v > 0 for v in values):
        return ""
    if chart.log:
        lo, hi = decades(values)
        return f"log scale {number(lo)} – {number(hi)} {chart.unit}"
    return f"0 – {number(max(values))} {chart.unit}"


def _notes(chart: Chart, rows: Sequence[Mapping[str, Any]]) -> list[str]:
    """Each row's notes (``mem 7.07 MB``), their figures aligned on their right edge."""
    columns = []
    for column, label, unit in chart.notes:
        values = [data.get(column) for data in rows]
        figures = [number(float(v)) if isinstance(v, int | float) else "" for v in values]
        width = max(map(len, figures), default=0)
        gap = "" if unit.startswith("/") else " "
        columns.append([f"{label} {f:>{width}}{gap}{unit}".strip() if f else "" for f in figures])
    return [" · ".join(n for n in row if n) for row in zip(*columns, strict=True)] or [
        "" for _ in rows
    ]


def chart_lines(chart: Chart, rows: Sequence[Mapping[str, Any]], width: int) -> list[str]:
    """The chart as Textual markup lines, one per row, to fit ``width`` cells."""
    values = [_value(chart, data) for data in rows]
    if not rows:
        return []
    labels = [label_of(chart, data) for data in rows]
    figures = [f"{number(v)} {chart.unit}" if v is not None else "–" for v in values]
    notes = _notes(chart, rows)
    fig_w = max(map(len, figures))
    note_w = max(map(len, notes))
    tail_w = fig_w + (note_w + 3 if note_w else 0)
    label_w = min(MAX_LABEL, max(map(len, labels)))
    room = width - label_w - 2 - tail_w - 1
    if room < MIN_BAR:  # shorten the labels first, then the notes go
        label_w = max(4, label_w - (MIN_BAR - room))
        room = width - label_w - 2 - tail_w - 1
    if room < MIN_BAR:
        note_w, tail_w = 0, fig_w
        room = width - label_w - 2 - tail_w - 1
    bar_w = max(1, room)
    known = [v for v in values if v is not None]
    lo, hi = decades(known) if chart.log else (0.0, max(known, default=0.0))
    lines = []
    for label, value, figure, note in zip(labels, values, figures, notes, strict=True):
        name = label if len(label) <= label_w else label[: label_w - 1] + "…"
        filled = bar(fraction(value, lo, hi, chart.log), bar_w) if value is not None else ""
        line = f"{_escape(name):<{label_w}}  [$accent]{filled:<{bar_w}}[/] [b]{figure:>{fig_w}}[/]"
        if note_w and note:
            line += f"[$text-muted] · {_escape(note)}[/]"
        lines.append(line)
    return lines


def _value(chart: Chart, data: Mapping[str, Any]) -> float | None:
    value = data.get(chart.value)
    return float(value) if isinstance(value, int | float) else None


def _escape(text: str) -> str:
    return text.replace("[", r"\[")


class ResultsChart(Static):
    """The results as bars, one per row in input order, redrawn as rows arrive."""

    DEFAULT_CSS = """
    ResultsChart {
        height: 1fr;
        min-height: 3;
        padding: 0 1;
    }
    """

    def __init__(self, chart: Chart, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.chart = chart
        self._rows: list[Mapping[str, Any]] = []
        self._drawn: tuple[int, int] | None = None

    def on_mount(self) -> None:
        self.border_title = self._title()

    def _title(self) -> str:
        return f"Results · {self.chart.title}" if self.chart.title else "Results"

    def refresh_from(self, state: RunState) -> None:
        """Draw the rows ``state`` holds (a rerun's fewer rows start it over)."""
        rows: list[Mapping[str, Any]] = [data for _, data in sorted(state.results.items())]
        if len(rows) == len(self._rows) and rows == self._rows:
            return
        self._rows = rows
        self._draw()

    def on_resize(self, event: Resize) -> None:
        self._draw()

    def _draw(self) -> None:
        width = self.content_size.width
        key = (id(self._rows), width)
        if key == self._drawn or not width:
            return
        self._drawn = key
        values = [v for data in self._rows if (v := _value(self.chart, data)) is not None]
        self.border_subtitle = scale_note(self.chart, values)
        lines = chart_lines(self.chart, self._rows, width)
        self.update("\n".join(lines) if lines else "[$text-muted]no results yet[/]")
