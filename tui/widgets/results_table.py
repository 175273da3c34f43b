"""The results table of demos that report ``Result`` rows (the scraper).

The run screen composes ``ResultsTable(columns)`` when ``demo.results`` is not empty and
calls ``refresh_from(state)`` several times a second. Rows appear as results arrive and
are kept in input order (the ``#`` column), so a threaded run visibly fills the table
out of order while a sequential one fills it top to bottom.
"""

from __future__ import annotations

from collections.abc import Mapping
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
}
#: Widest a text cell gets; longer text is shortened with an ellipsis.
WIDTHS = {"url": 44, "title": 36, "h1": 30, "error": 60}
NUMERIC = ("status", "links", "words", "bytes", "ms")
ROW_KEY = "#"


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
    text = " ".join(str(value if value is not None else "").split())
    return Text(_shorten(text, WIDTHS.get(column, 40), middle=column == "url"))


def row_cells(row: int, data: Mapping[str, Any], columns: tuple[str, ...]) -> list[Text]:
    """Every cell of result ``row`` (0-based), the ``#`` column first (1-based)."""
    return [Text(str(row + 1), style="dim", justify="right")] + [
        format_cell(c, data) for c in columns
    ]


def summary(results: Mapping[int, Mapping[str, Any]]) -> str:
    """The table's title: how many rows, how many failed."""
    failed = sum(1 for d in results.values() if d.get("error"))
    text = f"Results · {len(results)} page{'s' if len(results) != 1 else ''}"
    return text + (f" · {failed} failed" if failed else "")


class ResultsTable(DataTable[Text]):
    """One row per ``Result`` event, in input order, filled live."""

    DEFAULT_CSS = """
    ResultsTable {
        height: 1fr;
        min-height: 5;
    }
    """

    def __init__(self, columns: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._columns = columns
        self._shown: set[int] = set()
        self._last = -1
        self._state: RunState | None = None

    def on_mount(self) -> None:
        self.add_column(ROW_KEY, key=ROW_KEY)
        for c in self._columns:
            self.add_column(LABELS.get(c, c.capitalize()), key=c)
        self.border_title = "Results"

    def refresh_from(self, state: RunState) -> None:
        """Add the rows that arrived since the last call, keeping input order."""
        if state is not self._state:  # a new run (rerun): start over
            self._state = state
            if self._shown:
                self.clear()
                self._shown.clear()
                self._last = -1
        results = state.results
        if len(results) == len(self._shown):
            return
        out_of_order = False
        for row in sorted(results.keys() - self._shown):
            self.add_row(*row_cells(row, results[row], self._columns), key=str(row))
            self._shown.add(row)
            out_of_order |= row < self._last
            self._last = max(self._last, row)
        if out_of_order:
            self.sort(ROW_KEY, key=lambda cell: int(cell.plain))
        self.border_title = summary(results)
