"""The run screen at projector sizes: what must be on screen at 80x24 (and 120x36), the
maximise key, the traceback of a failure, and a cancel said in the header, not a toast.

Recorded runs (tests/run_fakes.py) for the layout; one real run for the cancel. Nothing
here asserts a duration.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from tests.run_fakes import DEMO_PARAMS, NO_TRACEBACK_ERROR, failed_state, finished_state
from tests.tui_fakes import T0, fixed_sample
from tests.tui_helpers import click_panel, panels, run_children, wait_until
from tui.app import InterleaveApp
from tui.screens.run_layout import Room, plan, timeline_rows
from tui.screens.run_screen import RunScreen
from tui.screens.traceback_screen import NO_TRACEBACK, TracebackScreen
from tui.widgets.output_pane import OutputPane
from tui.widgets.results_table import ResultsTable
from tui.widgets.run_header import RunHeader, wrap_parts
from tui.widgets.worker_grid import WorkerGrid
from tui.widgets.worker_list import HEADER_LINES, WorkerList
from tui.widgets.worker_panel import fit_subtitle
from workloads import catalog
from workloads.events import CANCELLED, RunStatus, State
from workloads.run_state import RunState

DEMOS = list(catalog.DEMOS)
SIZES = [(80, 24), (120, 36)]


async def _replay(pilot: Pilot[Any], demo: str, state: RunState | None = None) -> RunScreen:
    """A finished run of ``demo`` on a run screen, drawn."""
    screen = RunScreen(
        catalog.get(demo),
        DEMO_PARAMS[demo],
        1.0,
        pilot.app.services,  # type: ignore[attr-defined]
        replay=state if state is not None else finished_state(demo),
        sample=fixed_sample(),
    )
    await pilot.app.push_screen(screen)
    await pilot.pause()
    screen.refresh_now()
    await pilot.pause()
    return screen


def _app() -> InterleaveApp:
    return InterleaveApp(clock=lambda: T0 + 12.0)


def _inside(widget: Widget, screen: RunScreen) -> bool:
    """Whether ``widget`` is wholly on screen, between the header's top and the footer."""
    region = widget.region
    return region.height > 0 and region.bottom <= screen.size.height - 1


# -- the plan, without a terminal ------------------------------------------------------------
@pytest.mark.parametrize(("workers", "results"), [(3, False), (4, False), (5, False), (9, True)])
def test_at_80x24_the_plan_shows_every_state_and_the_latest_lines(
    workers: int, results: bool
) -> None:
    rows = 24 - 1 - 1  # a one-line header, the footer
    layout = plan(Room(rows, 24, workers, 54, 7, results))
    assert layout.top + layout.timeline + layout.results + layout.bottom == rows
    assert layout.top >= layout.grid.height  # the CPU gauges may be the taller
    if layout.grid.compact:
        assert layout.grid.height >= workers + HEADER_LINES + 2  # every row, no scrolling
    assert layout.bottom >= 4  # two output lines at least
    if results:
        assert layout.results >= 6  # three rows, their column names, the border
    elif workers <= 5:
        assert layout.timeline == timeline_rows(workers)  # and every lane


def test_the_plan_hands_out_every_row_and_no_more() -> None:
    for rows in range(20, 80):
        for workers in (0, 1, 3, 9, 17, 64, 256):
            for results in (False, True):
                layout = plan(Room(rows, rows + 2, workers, 54, 7, results))
                used = layout.top + layout.timeline + layout.results + layout.bottom
                assert used == rows, (rows, workers, results, layout)


# -- every demo, as the room sees it -----------------------------------------------------------
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("demo", DEMOS)
async def test_every_demo_fits_and_shows_what_the_room_needs(
    demo: str, size: tuple[int, int]
) -> None:
    app = _app()
    async with app.run_test(size=size) as pilot:
        screen = await _replay(pilot, demo)
        state = screen.state
        # Nothing overflows: the screen does not scroll, every pane is above the footer.
        assert screen.virtual_size.height <= screen.size.height
        header = screen.query_one(RunHeader)
        title = str(header.query_one("#run-title").render())
        for part in ("workers 8", "pages 30") if demo == "scrape" else ():
            assert part in title
        assert header.region.height <= 2 or size[1] > 24
        # Every worker's state word.
        grid = screen.query_one(WorkerGrid)
        if grid.compact:
            rows = screen.query_one(WorkerList)
            assert _inside(rows, screen)
            assert rows.scrollable_content_region.height >= len(state.workers) + HEADER_LINES
        else:
            shown = panels(screen)
            assert list(shown) == list(state.workers)
            board = grid.board
            assert board is not None and _inside(board, screen)
            for panel in shown.values():
                region = board.panel_region(panel.worker_id)
                assert region.height > 0 and region.bottom <= screen.size.height - 1
                failed = state.workers[panel.worker_id].state == State.FAILED
                text = panel.text()
                assert ("FAILED" if failed else "DONE") in text
                subtitle = text.splitlines()[-1]
                assert "…" not in subtitle and ("THREAD" in subtitle or "PROCESS" in subtitle)
        # The latest output lines.
        output = screen.query_one(OutputPane)
        assert _inside(output, screen)
        assert output.scrollable_content_region.height >= 2
        assert output.lines[-1].endswith(state.outputs[-1].text)
        # The scraper's results: three rows at least.
        if demo == "scrape":
            table = screen.query_one(ResultsTable)
            assert _inside(table, screen)
            assert table.scrollable_content_region.height - 1 >= 3  # less the column names
            assert table.row_count == 30


def test_the_short_header_wraps_between_options_never_inside_one() -> None:
    parts = ["[b]scrape[/] threads", "workers 8", "latency 300", "pages 30"]
    assert wrap_parts(parts, 80) == ["[b]scrape[/] threads · workers 8 · latency 300 · pages 30"]
    assert wrap_parts(parts, 30) == ["[b]scrape[/] threads · workers 8", "latency 300 · pages 30"]


def test_a_narrow_panel_drops_its_cpu_figure_before_its_badge() -> None:
    assert fit_subtitle("cpu 0.00 s", "0.00s", "PROCESS", 30) == "cpu 0.00 s · PROCESS"
    assert fit_subtitle("cpu 0.00 s", "0.00s", "PROCESS", 17) == "0.00s · PROCESS"
    assert fit_subtitle("cpu 0.00 s", "0.00s", "PROCESS", 10) == "PROCESS"


# -- maximise ----------------------------------------------------------------------------------
async def test_m_maximises_each_pane_in_turn_and_escape_restores() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _replay(pilot, "scrape")
        code = screen.query_one("#code")
        assert not code.display or code.region.width == 0  # no room for it at 80 columns
        seen = []
        for _ in range(5):
            await pilot.press("m")
            await pilot.pause()
            assert screen.maximized is not None
            seen.append(screen.maximized.id)
            # The pane has the screen between the header and the footer.
            assert screen.maximized.region.width == 80
            assert screen.maximized.region.height >= 24 - 3
        assert seen == ["timeline-box", "output", "results", "code", "top"]
        # At 80 columns the code is reachable only this way: it was drawn full width,
        # and every pane is back where it was once restored.
        await pilot.press("m")
        await pilot.pause()
        assert screen.maximized is None
        assert not code.display or code.region.width == 0
        assert screen.query_one(OutputPane).region.width == 80
        assert screen.query_one(ResultsTable).region.height >= 6
        await pilot.press("m", "m")
        assert screen.maximized is not None and screen.maximized.id == "output"
        await pilot.press("escape")  # restores, and stays on the run screen
        assert screen.maximized is None
        assert app.screen is screen


async def test_t_gives_the_timeline_the_screen_and_takes_it_back() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _replay(pilot, "cpu-bound")
        await pilot.press("t")
        await pilot.pause()
        assert screen.maximized is not None and screen.maximized.id == "timeline-box"
        assert screen.maximized.region.height >= 24 - 3
        await pilot.press("t")
        assert screen.maximized is None


# -- failures ----------------------------------------------------------------------------------
async def test_a_failed_worker_says_why_and_e_shows_its_traceback() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _replay(pilot, "cpu-bound", failed_state())
        failed = {w.id: w for w in screen.state.workers.values() if w.state == State.FAILED}
        assert set(failed) == {"t3", "p9"}
        shown = panels(screen)
        assert "ValueError: bad input" in shown["t3"].text()
        assert NO_TRACEBACK_ERROR in " ".join(shown["p9"].text().split())
        # The header says it too, where a toast would have covered the output.
        assert "ValueError: bad input: 42" in str(screen.query_one("#run-title").render())
        assert not app._notifications
        await pilot.press("e")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, TracebackScreen)
        assert [f.who for f in modal.failures] == ["t3 crunch", "p9 helper"]
        assert "raise ValueError" in modal.failures[0].traceback
        text = " ".join(str(s.render()) for s in modal.query(".traceback-text"))
        assert "raise ValueError" in text and NO_TRACEBACK in text
        await pilot.press("escape")
        assert app.screen is screen
        # A click on the killed process's panel: its own story only.
        await click_panel(pilot, screen, "p9")
        await pilot.pause()
        own = app.screen
        assert isinstance(own, TracebackScreen)
        assert [(f.who, f.error) for f in own.failures] == [("p9 helper", NO_TRACEBACK_ERROR)]
        await pilot.press("escape")
        assert app.screen is screen


async def test_e_is_offered_only_when_something_failed() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _replay(pilot, "cpu-bound")
        keys = {b.binding.key for b in screen.active_bindings.values()}
        assert "e" not in keys
        await pilot.press("e")
        assert app.screen is screen  # nothing to show
        await app.pop_screen()
        screen = await _replay(pilot, "cpu-bound", failed_state())
        keys = {b.binding.key for b in screen.active_bindings.values()}
        assert "e" in keys


# -- cancel --------------------------------------------------------------------------------------
async def test_x_on_a_live_run_shows_cancelled_in_the_header_and_the_panels(
    no_orphans: None,
) -> None:
    app = InterleaveApp(demo_id="threads", time_scale=1.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
        screen = app.screen
        assert isinstance(screen, RunScreen)
        await wait_until(pilot, lambda: {"t1", "t2"} <= set(screen.state.workers))
        await pilot.press("x")
        await pilot.pause()
        assert screen.state.status == RunStatus.CANCELLED
        header = screen.query_one(RunHeader)
        assert header.status == RunStatus.CANCELLED
        assert "CANCELLED" in str(header.query_one("#run-status").render())
        shown = panels(screen)
        for wid in ("t1", "t2"):
            assert screen.state.workers[wid].state == CANCELLED
            assert CANCELLED.upper() in shown[wid].text()
        # Said in the header, not in a toast over the output pane.
        assert not app._notifications
        assert not run_children()
        await pilot.press("q")
