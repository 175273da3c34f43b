"""What a tester's pass over issue 9 (projector-ready and truthful) found, pinned down.

Each test is one defect seen by hand in tmux at 80x24 or 120x36, fixed: the compare
screen's heading, its warnings and its conclusion at 80x24; the cancel key after the
run's end; the help's states; the span a ticking worker closes after a long GIL wait.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import DataTable, Static

from tests.test_compare import CPU_FIGURES, FakeMeter, FakeRunner, fake_compare
from tests.test_compare_screen import CompareApp, wait_until
from tui.app import InterleaveApp
from tui.screens.compare_screen import CompareScreen, compare_parts
from workloads import catalog
from workloads.compare import report_text, table_text


# -- compare: the heading -------------------------------------------------------------------
def test_compare_heading_says_options_as_the_command_line_does():
    demo = catalog.get("scrape")
    parts = compare_parts(demo, demo.resolve({}), 1.0)
    heading = " · ".join(parts)
    # Empty options (url, urls, scheduler) and the dask mode's defaults are not shown:
    # at 80 columns they pushed the real options off the line.
    assert "scheduler" not in heading and "url" not in heading
    assert "dashboard" not in heading and "threads-per-worker" not in heading
    assert "()" not in heading and "False" not in heading
    assert parts[0] == "workers 8"


def test_compare_heading_keeps_what_the_user_changed():
    demo = catalog.get("cpu-bound")
    params = demo.resolve({"scheduler": "tcp://127.0.0.1:8786", "switch_interval": 5.0})
    parts = compare_parts(demo, params, 0.5)
    assert "switch-interval 5" in parts  # as typed, not "5.0"
    assert "scheduler tcp://127.0.0.1:8786" in parts
    assert parts[-1] == "time ×0.5"


# -- compare: other load on the machine -----------------------------------------------------
def _distorted() -> Any:
    meter = FakeMeter({"threads": 0.9, "processes": 0.95})
    return fake_compare({**CPU_FIGURES, "processes": (3.9, 4.0)}, load_meter=meter)


def test_conclusion_names_the_distorted_modes_instead_of_pointing_elsewhere():
    text = _distorted().conclusion()
    # The screen and the text report have no list called "the warnings" to point at.
    assert "see the warnings" not in text
    assert "Other load on the machine distorted threads and processes." in text


def test_text_report_prints_the_warnings_and_marks_their_rows():
    result = _distorted()
    report = report_text(result)
    assert report.count("warning: other programs kept") == 2
    rows = {line.split()[0]: line for line in table_text(result).splitlines()[1:]}
    assert rows["threads"].endswith("other load 0.9")
    assert rows["processes"].endswith("other load 0.9") or rows["processes"].endswith("1.0")
    assert "other load" not in rows["sequential"]


async def test_compare_screen_marks_distorted_rows_in_the_table():
    screen = CompareScreen("cpu-bound", {"workers": 4}, runner=FakeRunner(CPU_FIGURES))
    app = CompareApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: screen.comparison is not None, limit_s=10)
        screen._finished(_distorted())
        await pilot.pause()
        table = screen.query_one("#compare-table", DataTable)
        notes = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[-1]) for i in range(6)}
        assert notes["threads"].startswith("other load") and notes["sequential"] == ""


async def test_compare_conclusion_is_on_screen_at_80x24():
    # At 80x24 the table, the chart and the blank lines between them left the
    # conclusion two lines, cut mid-sentence; it is what the room reads at the end.
    screen = CompareScreen("cpu-bound", {"workers": 4}, runner=FakeRunner(CPU_FIGURES))
    app = InterleaveApp(theme="projector")  # its stylesheet and its breakpoints
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(screen)
        await wait_until(pilot, lambda: screen.comparison is not None, limit_s=10)
        screen._finished(_distorted())
        await pilot.pause()
        await pilot.pause()
        conclusion = screen.query_one("#compare-conclusion", Static)
        placed = screen.find_widget(conclusion)
        body = screen.find_widget(screen.query_one("#compare-body"))
        # Every line of it is inside the part of the screen the body shows.
        assert body.region.contains_region(placed.region)
        assert conclusion.size.height >= 5
