"""Pilot tests of the menu: selection, inline validation, the command palette, help."""

from __future__ import annotations

from textual.widgets import ContentSwitcher, Input

from tests.tui_helpers import run_children, wait_until
from tui.app import InterleaveApp
from tui.screens.help_screen import HelpScreen
from tui.screens.menu_screen import MenuScreen
from tui.screens.run_screen import RunScreen
from tui.widgets.param_form import ParamField


async def test_arrows_show_the_selected_demo() -> None:
    app = InterleaveApp()
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app.screen, MenuScreen)
        await pilot.press("down")
        assert app.screen.query_one(ContentSwitcher).current == "details-processes"
        await pilot.press("up")
        assert app.screen.query_one(ContentSwitcher).current == "details-threads"


async def test_invalid_parameter_is_refused_with_its_reason() -> None:
    app = InterleaveApp()
    async with app.run_test(size=(120, 36)) as pilot:
        menu = app.screen
        field = menu.query_one("#param-threads-numbers", Input)
        field.focus()
        field.value = "lots"
        await pilot.pause()
        error = str(field.parent.parent.query_one(".param-error").render())  # type: ignore[union-attr]
        assert "--numbers must be a whole number" in error
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MenuScreen)  # not launched
        assert any("--numbers" in n.message for n in app._notifications)
        assert not run_children()

        field.value = "0"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MenuScreen)
        assert "at least 1" in str(field.parent.parent.query_one(".param-error").render())  # type: ignore[union-attr]


async def test_invalid_time_scale_is_refused() -> None:
    app = InterleaveApp()
    async with app.run_test(size=(120, 36)) as pilot:
        time_scale = app.screen.query_one("#menu-side ParamField", ParamField)
        time_scale.input.value = "-1"
        app.screen.query_one("#demo-list").focus()
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, MenuScreen)
        assert any("--time-scale" in n.message for n in app._notifications)


async def test_edited_parameters_reach_the_run() -> None:
    app = InterleaveApp(time_scale=0.05)
    async with app.run_test(size=(120, 36)) as pilot:
        app.screen.query_one("#param-threads-numbers", Input).value = "2"
        await pilot.press("1")
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
        screen = app.screen
        assert isinstance(screen, RunScreen)
        assert screen.params["numbers"] == 2
        await wait_until(pilot, lambda: screen.state.over)
        assert sum(o.text.startswith("Number") for o in screen.state.outputs) == 2
        await pilot.press("q")
    assert not run_children()


async def test_command_palette_lists_the_demos() -> None:
    from tui.demo_commands import DemoCommands

    app = InterleaveApp(time_scale=0.05)
    async with app.run_test(size=(120, 36)) as pilot:
        provider = DemoCommands(app.screen)
        hits = [hit async for hit in provider.search("process-pool")]
        assert hits
        assert "process-pool" in str(hits[0].text)
        await pilot.pause()


async def test_help_opens_and_closes() -> None:
    app = InterleaveApp()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MenuScreen)
        await pilot.press("d")
        assert app.theme == "textual-light"
