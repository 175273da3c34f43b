"""Pilot tests of the menu: selection, inline validation, the command palette, help."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import ContentSwitcher, Input, OptionList, Switch

from tests.tui_helpers import run_children, wait_until
from tui.app import InterleaveApp
from tui.screens.help_screen import HelpScreen
from tui.screens.menu_screen import MenuScreen
from tui.screens.run_screen import RunScreen
from tui.widgets import param_form
from tui.widgets.param_form import ParamField, ParamForm
from workloads import catalog
from workloads.common_options import TIME_SCALE
from workloads.param import FlagParam, IntParam, ParamError, TextParam


def _error_of(field: ParamField) -> str:
    return str(field.query_one(".param-error").render())


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
        assert app.focused is field  # refused where it is: the bad field keeps the focus


async def test_invalid_time_scale_is_refused() -> None:
    app = InterleaveApp()
    async with app.run_test(size=(120, 36)) as pilot:
        time_scale = app.screen.query_one("#menu-side ParamField", ParamField)
        assert time_scale.param is TIME_SCALE  # the one definition the CLI uses too
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
        before = app.theme
        await pilot.press("d")  # which theme comes next is the themes' business
        assert app.theme != before


async def test_a_bad_urls_file_is_refused_at_the_field_not_raised(tmp_path: Path) -> None:
    app = InterleaveApp(time_scale=0.05)
    async with app.run_test(size=(120, 36)) as pilot:
        menu = app.screen
        scrape = list(catalog.DEMOS).index("scrape")
        menu.query_one("#demo-list", OptionList).highlighted = scrape
        urls = menu.query_one("#param-scrape-urls", Input)
        field = urls.parent.parent  # type: ignore[union-attr]
        assert isinstance(field, ParamField)
        urls.focus()
        urls.value = str(tmp_path)  # a directory: the same hook as `run --urls` refuses it
        # The hook runs off the event loop; its verdict shows under the field as you type.
        await wait_until(pilot, lambda: f"--urls {tmp_path}" in _error_of(field))
        await pilot.press("enter")
        await wait_until(pilot, lambda: any("--urls" in n.message for n in app._notifications))
        assert isinstance(app.screen, MenuScreen)  # not launched, and the app did not crash
        assert app.focused is urls
        assert not run_children()

        (tmp_path / "urls.txt").write_text("http://127.0.0.1:9/\n")
        urls.value = str(tmp_path / "urls.txt")
        await wait_until(pilot, lambda: _error_of(field) == "")


class FormApp(App[None]):
    """One parameter form, alone."""

    def __init__(self, *params: Any) -> None:
        super().__init__()
        self.params = params

    def compose(self) -> ComposeResult:
        yield ParamForm(self.params, {}, id_prefix="p")


async def test_a_hook_that_never_answers_never_blocks_the_form(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(param_form, "CHECK_TIMEOUT_S", 0.3)
    release = threading.Event()

    def stuck(path: str) -> None:  # like open() on a FIFO that nobody writes to
        if path:
            release.wait(30)

    app = FormApp(TextParam("path", "", "a file", validate=stuck), IntParam("n", 1, "", 1, 9))
    try:
        async with app.run_test() as pilot:
            field = app.query_one(ParamField)
            field.input.value = "/some/fifo"
            await pilot.press("tab", "tab")  # the UI answers while the check hangs
            await wait_until(pilot, lambda: "no answer after 0.3 s" in _error_of(field))
            with pytest.raises(ParamError, match="--path /some/fifo: no answer"):
                await field.checked_value()
    finally:
        release.set()


async def test_a_flag_is_a_switch() -> None:
    app = FormApp(FlagParam("race", False, "let them race"), IntParam("n", 1, "", 1, 9))
    async with app.run_test() as pilot:
        switch = app.query_one("#p-race", Switch)
        assert app.query_one(ParamForm).values() == {"race": False, "n": 1}
        switch.focus()
        await pilot.press("space")
        assert app.query_one(ParamForm).values() == {"race": True, "n": 1}
        fields = list(app.query(ParamField))
        assert [await f.checked_value() for f in fields] == [True, 1]
