"""The results table: cell formatting (plain) and live filling in input order (one app)."""

from __future__ import annotations

import copy

from textual.app import App, ComposeResult

from tui.widgets.results_table import (
    MAX_ROWS,
    ResultsTable,
    Tally,
    format_cell,
    hidden_note,
    row_cells,
    summary,
)
from workloads.run_state import RunState

COLUMNS = ("url", "status", "title", "links", "words", "ms", "error")
OK = {
    "url": "http://h.test/a",
    "status": 200,
    "title": " A\n title ",
    "h1": "A",
    "links": 12,
    "words": 1234,
    "bytes": 5000,
    "ms": 310,
    "error": "",
}
BAD = {
    "url": "ftp://h.test/x",
    "status": None,
    "title": "",
    "h1": "",
    "links": 0,
    "words": 0,
    "bytes": 0,
    "ms": 0,
    "error": "unsupported scheme 'ftp:' (only http and https)",
}
GONE = {**BAD, "url": "http://h.test/gone", "status": 404, "error": "HTTP 404 Not Found"}


def test_cells_are_readable_and_coloured() -> None:
    assert format_cell("status", OK).plain == "200"
    assert "green" in str(format_cell("status", OK).style)
    assert format_cell("status", BAD).plain == "ERR"
    assert "red" in str(format_cell("status", BAD).style)
    assert format_cell("status", GONE).plain == "404"
    assert "red" in str(format_cell("status", GONE).style)
    assert format_cell("title", OK).plain == "A title"
    assert format_cell("words", OK).plain == "1,234"
    assert format_cell("links", BAD).plain == "–"
    assert format_cell("error", BAD).plain == BAD["error"]
    long_url = "http://h.test/" + "x" * 100 + "/end.html"
    cell = format_cell("url", {**OK, "url": long_url}).plain
    assert len(cell) == 44 and cell.startswith("http://h.test/") and cell.endswith("end.html")
    assert [c.plain for c in row_cells(0, OK, ("url",))] == ["1", "http://h.test/a"]
    assert summary(Tally(total=2, failed=1)) == "Results · 2 pages · 1 ok · 1 failed"
    assert summary(Tally(total=1)) == "Results · 1 page"
    assert hidden_note(0) == ""
    assert hidden_note(99_500) == (
        "99,500 more not shown: the table keeps the first 500 in input order"
    )


class _TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ResultsTable(COLUMNS)


async def test_rows_fill_live_in_input_order() -> None:
    app = _TableApp()
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(ResultsTable)
        state = RunState()
        state.results[2] = GONE
        table.refresh_from(state)
        state.results[0] = OK
        state.results[1] = BAD
        table.refresh_from(state)
        await pilot.pause()
        assert table.row_count == 3
        order = [table.get_row_at(i)[0].plain for i in range(3)]
        assert order == ["1", "2", "3"]
        assert table.border_title == "Results · 3 pages · 1 ok · 2 failed"
        table.refresh_from(RunState())  # a rerun starts over
        assert table.row_count == 0
        assert table.border_title == "Results"


def _snapshot(state: RunState) -> RunState:
    """What the run screen passes: a new object each time, with a copy of the results."""
    snap = copy.copy(state)
    snap.results = dict(state.results)
    return snap


async def test_a_huge_run_shows_the_first_rows_and_counts_the_rest() -> None:
    app = _TableApp()
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(ResultsTable)
        state = RunState(host_pid=123, started=1.0)
        # 100,000 rows arrive out of order (a threaded run), a few thousand per refresh.
        order = [r for block in range(0, 100_000, 1000) for r in range(block + 999, block - 1, -1)]
        for i, row in enumerate(order):
            state.results[row] = BAD if row % 50 == 0 else OK
            if i % 4000 == 3999:
                table.refresh_from(_snapshot(state))
        table.refresh_from(_snapshot(state))
        await pilot.pause()
        assert table.row_count == MAX_ROWS == 500
        assert [table.get_row_at(i)[0].plain for i in (0, 1, 499)] == ["1", "2", "500"]
        assert table.border_title == "Results · 100,000 pages · 98,000 ok · 2,000 failed"
        assert table.border_subtitle == hidden_note(99_500)
        table.refresh_from(_snapshot(state))  # nothing new: nothing changes
        assert table.row_count == 500


async def test_snapshots_of_one_run_add_up_and_a_new_run_starts_over() -> None:
    app = _TableApp()
    async with app.run_test(size=(120, 20)):
        table = app.query_one(ResultsTable)
        state = RunState(host_pid=1, started=5.0)
        state.results[1] = OK
        table.refresh_from(_snapshot(state))
        state.results[0] = BAD
        table.refresh_from(_snapshot(state))
        assert table.row_count == 2
        assert table.border_title == "Results · 2 pages · 1 ok · 1 failed"
        rerun = RunState(host_pid=2, started=9.0)
        rerun.results[0] = OK
        table.refresh_from(rerun)
        assert table.row_count == 1
        assert table.border_title == "Results · 1 page"
