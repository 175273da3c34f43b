"""The results table: cell formatting (plain) and live filling in input order (one app)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui.widgets.results_table import ResultsTable, format_cell, row_cells, summary
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
    assert summary({0: OK, 1: BAD}) == "Results · 2 pages · 1 failed"


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
        assert table.border_title == "Results · 3 pages · 2 failed"
        table.refresh_from(RunState())  # a rerun starts over
        assert table.row_count == 0
