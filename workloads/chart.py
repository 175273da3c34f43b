"""How a demo's results are drawn as a bar chart on the run screen."""

from __future__ import annotations

from typing import NamedTuple


class Chart(NamedTuple):
    """One bar per result row: its length from ``value``, its label from ``labels``.

    ``notes`` are other columns shown after the value (``name: value unit``), and
    ``log`` draws the bars on a log scale, for values that differ a hundredfold.
    """

    #: Result columns whose values, joined, name a bar (``process fork``).
    labels: tuple[str, ...]
    #: The numeric result column the bars show.
    value: str
    #: The value's unit, shown after it (``ms``).
    unit: str
    #: Further columns shown after the value, each as (column, label, unit).
    notes: tuple[tuple[str, str, str], ...] = ()
    log: bool = True
    #: What the chart shows, for its title (``start and join, median``).
    title: str = ""
    #: A unit after each label column's value (``("", "KB")``: ``thread 1000 KB``).
    label_units: tuple[str, ...] = ()
