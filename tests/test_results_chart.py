"""The results chart's drawing, as a pure function: rows and a width in, lines out."""

from __future__ import annotations

import pytest
from rich.text import Text

from tui.widgets.results_chart import chart_lines, decades, fraction, label_of, number, scale_note
from workloads.chart import Chart
from workloads.costs import HANDOFF, STARTUP

ROWS = [
    {"kind": "thread", "method": "thread", "start_ms_median": 0.05, "memory_mb": 0.02},
    {"kind": "process", "method": "fork", "start_ms_median": 1.4, "memory_mb": 2.1},
    {"kind": "process", "method": "forkserver", "start_ms_median": 6.0, "memory_mb": 2.9},
    {"kind": "process", "method": "spawn", "start_ms_median": 19.0, "memory_mb": 7.0},
]


def _plain(line: str) -> str:
    # Theme variables ($accent) are resolved by Textual; for the text, drop the tags.
    return Text.from_markup(line.replace("$", "")).plain


def _bar_cells(line: str) -> int:
    return sum(ch in "█▏▎▍▌▋▊▉" for ch in _plain(line))


def test_one_line_per_row_with_label_value_and_note() -> None:
    assert STARTUP.chart is not None
    lines = [_plain(x) for x in chart_lines(STARTUP.chart, ROWS, 78)]
    assert len(lines) == 4
    assert lines[0].startswith("thread ") and "0.05 ms" in lines[0] and "mem 0.02 MB" in lines[0]
    assert lines[3].startswith("process spawn") and "19 ms" in lines[3]


@pytest.mark.parametrize("width", [40, 60, 78, 118])
def test_lines_fit_the_width(width: int) -> None:
    assert STARTUP.chart is not None
    for line in chart_lines(STARTUP.chart, ROWS, width):
        assert Text.from_markup(line.replace("$", "")).cell_len <= width


def test_longer_bars_for_bigger_values_even_a_hundredfold_apart() -> None:
    assert STARTUP.chart is not None
    cells = [_bar_cells(x) for x in chart_lines(STARTUP.chart, ROWS, 78)]
    assert cells[0] >= 1  # the smallest still shows
    assert cells[0] < cells[2] < cells[3]


def test_log_scale_spans_whole_decades() -> None:
    assert decades([0.05, 19.0]) == (0.01, 100.0)
    assert decades([3.0]) == (1.0, 10.0)
    assert decades([]) == (1.0, 10.0)
    assert fraction(100.0, 0.01, 100.0, log=True) == pytest.approx(1.0)
    assert fraction(1.0, 0.01, 100.0, log=True) == pytest.approx(0.5)
    assert fraction(0.0, 0.01, 100.0, log=True) == 0.0
    assert fraction(5.0, 0.0, 10.0, log=False) == pytest.approx(0.5)


def test_scale_note_and_numbers() -> None:
    assert STARTUP.chart is not None
    assert scale_note(STARTUP.chart, [0.05, 19.0]) == "log scale 0.01 – 100 ms"
    assert scale_note(STARTUP.chart, []) == ""
    assert [number(v) for v in (0.0734, 2.75, 30.8, 1323.1, 10.0)] == [
        "0.073",
        "2.75",
        "30.8",
        "1,323",
        "10",
    ]


def test_labels_with_units_and_no_repeats() -> None:
    assert HANDOFF.chart is not None and STARTUP.chart is not None
    assert label_of(HANDOFF.chart, {"kind": "process", "payload_kb": 1000}) == "process 1000 KB"
    assert label_of(STARTUP.chart, {"kind": "thread", "method": "thread"}) == "thread"


def test_rows_without_a_value_and_no_rows() -> None:
    chart = Chart(labels=("name",), value="v", unit="s")
    assert chart_lines(chart, [], 60) == []
    lines = [_plain(x) for x in chart_lines(chart, [{"name": "a"}, {"name": "b", "v": 2}], 60)]
    assert "–" in lines[0] and "2 s" in lines[1]


def test_markup_in_labels_is_text() -> None:
    chart = Chart(labels=("name",), value="v", unit="s")
    lines = chart_lines(chart, [{"name": "[b]x", "v": 1.0}], 60)
    assert _plain(lines[0]).startswith("[b]x")
