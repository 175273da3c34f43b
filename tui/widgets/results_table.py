"""The results table of demos that report ``Result`` rows (the scraper).

STUB (API contract, to be replaced by the scraper work): the run screen composes
``ResultsTable(columns)`` when ``demo.results`` is not empty and calls
``refresh_from(state)`` several times a second.
"""

from __future__ import annotations

from textual.widgets import DataTable

from workloads.run_state import RunState


class ResultsTable(DataTable[str]):
    """One row per ``Result`` event, in input order, filled live."""

    def __init__(self, columns: tuple[str, ...], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._columns = columns

    def on_mount(self) -> None:
        self.add_columns(*self._columns)

    def refresh_from(self, state: RunState) -> None:
        """Add rows that arrived since the last call."""
        for row in sorted(state.results)[self.row_count :]:
            data = state.results[row]
            self.add_row(*(str(data.get(c, "")) for c in self._columns))
