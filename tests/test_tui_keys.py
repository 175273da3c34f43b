"""Pilot tests of keys that reach across screens: compare from the menu, timeline zoom."""

from __future__ import annotations

from textual.widgets import OptionList

from tests.process_checks import wait_for_no_children
from tests.tui_helpers import run_children, wait_until
from tui.app import InterleaveApp
from tui.screens.compare_screen import CompareScreen
from tui.screens.menu_screen import MenuScreen
from tui.screens.run_screen import RunScreen, describe_mode
from tui.widgets.timeline import Timeline
from workloads import catalog


async def test_c_compares_a_demo_with_modes_and_refuses_one_without() -> None:
    app = InterleaveApp(time_scale=0.05)
    async with app.run_test(size=(120, 36)) as pilot:
        demo_list = app.screen.query_one("#demo-list", OptionList)
        demo_list.highlighted = demo_list.get_option_index("threads")
        await pilot.press("c")  # threads: no modes
        await pilot.pause()
        assert isinstance(app.screen, MenuScreen)
        assert any("nothing to compare" in n.message for n in app._notifications)
        demo_list.highlighted = demo_list.get_option_index("io-bound")
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen))
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert screen.demo.id == "io-bound"
        await pilot.press("escape")  # stops the comparison in progress
        await wait_until(pilot, lambda: isinstance(app.screen, MenuScreen))
    assert wait_for_no_children() == []


async def test_plus_and_minus_zoom_the_timeline_from_the_run_screen() -> None:
    app = InterleaveApp(demo_id="threads", params={"numbers": 2, "letters": 2}, time_scale=0.05)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen) and app.screen.state.over)
        timeline = app.screen.query_one(Timeline)
        await pilot.pause(0.3)
        whole = timeline.cell_s
        await pilot.press("plus", "plus")
        assert timeline.cell_s < whole
        zoomed = timeline.cell_s
        await pilot.press("minus")
        assert timeline.cell_s > zoomed
    assert not run_children()


def test_header_line_leads_with_the_mode_and_skips_empty_options() -> None:
    scrape = catalog.get("scrape")
    line = describe_mode(scrape, scrape.defaults(), 0.5)
    assert line.startswith("mode threads · ")
    assert line.count("mode ") == 1
    assert "url " not in line and "urls " not in line
    assert line.endswith("time ×0.5")
    assert "time" not in describe_mode(scrape, scrape.defaults(), 1.0)
