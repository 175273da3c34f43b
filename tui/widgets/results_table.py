"""The results table of demos that report ``Result`` rows (the scraper).

The run screen composes ``ResultsTable(columns)`` when ``demo.results`` is not empty and
calls ``refresh_from(state)`` several times a second. Rows appear as results arrive and
are kept in input order (the ``#`` column), so a threaded run visibly fills the table
out of order while a sequential one fills it top to bottom. It shows the first
``MAX_ROWS`` rows only, and counts the rest, so 100,000 URLs cost no more than 500.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from workloads.run_state import RunState

#: Header label of each known column (others are shown as their key, capitalised).
LABELS = {
    "url": "URL",
    "status": "Status",
    "title": "Title",
    "h1": "H1",
    "links": "Links",
    "words": "Words",
    "bytes": "Bytes",
    "ms": "ms",
    "error": "Error",
    # the concept demos (memory, crash, notebook)
    "pid": "pid",
    "rss_mb": "RSS MB",
    "uss_mb": "USS MB",
    "children_ok": "Children ok",
    "total_s": "Total s",
}
#: Widest a text cell gets; longer text is shortened with an ellipsis.
WIDTHS = {"url": 44, "title": 36, "h1": 30, "error": 60}
NUMERIC = ("status", "links", "words", "bytes", "ms")
#: Figures shown whatever the row's error says (a count of 0 is a result).
FIGURES = ("final", "expected", "lost", "rss_mb", "uss_mb", "children_ok", "total_s")
ROW_KEY = "#"
#: Rows the table shows at most: the first ones in input order.
MAX_ROWS = 500


def _shorten(text: str, width: int, *, middle: bool = False) -> str:
    if len(text) <= width:
        return text
    if middle:  # a URL: keep the host's start and the path's end
        head = (width - 1) // 2
        return text[:head] + "…" + text[-(width - 1 - head) :]
    return text[: width - 1] + "…"


def status_style(status: Any, error: str) -> str:
    """The colour of a status cell: green 2xx, yellow 3xx, red 4xx/5xx and failures."""
    if isinstance(status, int) and not error:
        return "bold green" if status < 300 else "bold yellow"
    return "bold red"


def format_cell(column: str, data: Mapping[str, Any]) -> Text:
    """One cell of a result row, as the table shows it."""
    value = data.get(column)
    error = str(data.get("error") or "")
    if column == "status":
        text = str(value) if isinstance(value, int) else "ERR"
        return Text(text, style=status_style(value, error), justify="right")
    if column == "error":
        return Text(_shorten(" ".join(error.split()), WIDTHS["error"]), style="red")
    if column in NUMERIC:
        if error and not value:
            return Text("–", style="dim", justify="right")
        return Text(f"{value:,}" if isinstance(value, int) else str(value or ""), justify="right")
    if column in FIGURES:
        return Text(f"{value:,}" if isinstance(value, (int, float)) else "", justify="right")
    text = " ".join(str(value if value is not None else "").split())
    return Text(_shorten(text, WIDTHS.get(column, 40), middle=column == "url"))


def row_cells(row: int, data: Mapping[str, Any], columns: tuple[str, ...]) -> list[Text]:
    """Every cell of result ``row`` (0-based), the ``#`` column first (1-based)."""
    return [Text(str(row + 1), style="dim", justify="right")] + [
        format_cell(c, data) for c in columns
    ]


@dataclass
class Tally:
    """How many result rows arrived, and how many of them failed."""

    total: int = 0
    failed: int = 0

    @property
    def ok(self) -> int:
        """Rows without an error."""
        return self.total - self.failed

    def add(self, data: Mapping[str, Any]) -> None:
        """Count one more row."""
        self.total += 1
        self.failed += bool(data.get("error"))


def summary(tally: Tally, noun: str = "page") -> str:
    """The table's title: how many rows, how many failed (and ok, when some did)."""
    text = f"Results · {tally.total:,} {noun}{'s' if tally.total != 1 else ''}"
    if tally.failed:
        text += f" · {tally.ok:,} ok · {tally.failed:,} failed"
    return text


def hidden_note(hidden: int, limit: int = MAX_ROWS) -> str:
    """The line under the table when rows are left out ("" when none are)."""
    if not hidden:
        return ""
    return f"{hidden:,} more not shown: the table keeps the first {limit:,} in input order"


class ResultsTable(DataTable[Text]):
    """One row per ``Result`` event, in input order, filled live; at most ``MAX_ROWS``.

    Rows past the first ``MAX_ROWS`` (by input order) are counted in the title and the
    subtitle, not shown: a table of 100,000 rows costs seconds of CPU and hundreds of MB
    to build, and nobody reads it. Each refresh only looks at the rows that arrived since
    the last one, so a long run costs the same per refresh as a short one.
    """

    DEFAULT_CSS = """
    ResultsTable {
        height: 1fr;
        min-height: 5;
    }
    """

    def __init__(self, columns: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._columns = columns
        self._run: tuple[int, float | None] | None = None
        self._start_over()

    def _start_over(self) -> None:
        self._seen = 0  # rows of state.results counted so far
        self._tally = Tally()
        self._shown = 0
        self._last = -1  # the highest row shown

    def _is_new_run(self, state: RunState) -> bool:
        # Not ``state is not last_state``: the run screen passes a new snapshot each time.
        # A run is its host and its start; results only ever grow within one run.
        run = (state.host_pid, state.started)
        new = run != self._run or len(state.results) < self._seen
        self._run = run
        return new

    def on_mount(self) -> None:
        self.add_column(ROW_KEY, key=ROW_KEY)
        for c in self._columns:
            self.add_column(LABELS.get(c, c.capitalize()), key=c)
        self.border_title = "Results"

    def refresh_from(self, state: RunState) -> None:
        """Add the rows that arrived since the last call, keeping input order.

        Relies on ``state.results`` being a dict filled once per row: its newest
        entries are the last ones inserted, so they are found from the end.
        """
        if self._is_new_run(state) and self._seen:  # a rerun fed to this table: start over
            self.clear()
            self._start_over()
            self.border_title, self.border_subtitle = "Results", ""
        results = state.results
        new = len(results) - self._seen
        if new <= 0:
            return
        arrived = list(itertools.islice(reversed(results.items()), new))
        self._seen = len(results)
        out_of_order = False
        for row, data in reversed(arrived):  # in arrival order
            self._tally.add(data)
            if row < MAX_ROWS:
                self.add_row(*row_cells(row, data, self._columns), key=str(row))
                self._shown += 1
                out_of_order |= row < self._last
                self._last = max(self._last, row)
        if out_of_order:  # at most MAX_ROWS rows to sort
            self.sort(ROW_KEY, key=lambda cell: int(cell.plain))
        self.border_title = summary(self._tally, "page" if "url" in self._columns else "row")
        self.border_subtitle = hidden_note(self._tally.total - self._shown)
