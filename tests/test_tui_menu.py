"""Pilot tests of the menu: selection, inline validation, the command palette, help."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import ContentSwitcher, Input, Label, OptionList, Select, Switch

from tests.tui_helpers import run_children, wait_until
from tui.app import InterleaveApp
from tui.screens.help_screen import HelpScreen
from tui.screens.menu_screen import MenuScreen
from tui.screens.run_screen import RunScreen
from tui.widgets import param_form
from tui.widgets.demo_details import DemoDetails
from tui.widgets.param_form import ParamField, ParamForm
from workloads import catalog
from workloads.common_options import TIME_SCALE
from workloads.param import ChoiceParam, FlagParam, IntParam, ParamError, TextParam


def _error_of(field: ParamField) -> str:
    return str(field.query_one(".param-error").render())


async def test_arrows_show_the_selected_demo() -> None:
    app = InterleaveApp()
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app.screen, MenuScreen)
        first, second = list(catalog.DEMOS)[:2]  # a section's heading is never selected
        assert app.screen.query_one(ContentSwitcher).current == f"details-{first}"
        await pilot.press("down")
        assert app.screen.query_one(ContentSwitcher).current == f"details-{second}"
        await pilot.press("up")
        assert app.screen.query_one(ContentSwitcher).current == f"details-{first}"


async def test_invalid_parameter_is_refused_with_its_reason() -> None:
    app = InterleaveApp()
    async with app.run_test(size=(120, 36)) as pilot:
        menu = app.screen
        demo_list = menu.query_one("#demo-list", OptionList)
        demo_list.highlighted = demo_list.get_option_index("threads")
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
        await pilot.press("1")  # demo 1, once no second digit came
        await wait_until(pilot, lambda: bool(app._notifications))
        assert isinstance(app.screen, MenuScreen)
        assert any("--time-scale" in n.message for n in app._notifications)


async def test_edited_parameters_reach_the_run() -> None:
    app = InterleaveApp(time_scale=0.05)
    async with app.run_test(size=(120, 36)) as pilot:
        app.screen.query_one("#param-threads-numbers", Input).value = "2"
        await pilot.press(str(list(catalog.DEMOS).index("threads") + 1))
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
        screen = app.screen
        assert isinstance(screen, RunScreen)
        assert screen.params["numbers"] == 2
        await wait_until(pilot, lambda: screen.state.over)
        assert sum(o.text.startswith("Number") for o in screen.state.outputs) == 2
        await pilot.press("q")
    assert not run_children()


#: The fewest columns a help may have: fewer, and it wrapped a word or two a line.
HELP_MIN_COLUMNS = 30


def _laid_out(details: DemoDetails) -> Callable[[], bool]:
    """Whether ``details``, just shown, has its fields placed, to the side of its scrollbar
    (a pane is laid out once without one, then again)."""

    def laid_out() -> bool:
        fields = details.query(ParamField)
        content = details.scrollable_content_region.width
        return details.virtual_size.width == content and all(f.region.width for f in fields)

    return laid_out


async def test_at_80x24_every_name_is_whole_and_every_help_has_room() -> None:
    # The projector's size: the details pane is 46 columns, too few for a help beside its
    # field, so each help has a line of its own under it.
    app = InterleaveApp()
    async with app.run_test(size=(80, 24)) as pilot:
        menu = app.screen
        demo_list = menu.query_one("#demo-list", OptionList)
        time_scale = menu.query_one("#menu-side ParamField", ParamField)
        for demo in catalog.DEMOS.values():
            demo_list.highlighted = demo_list.get_option_index(demo.id)
            details = menu.query_one(f"#details-{demo.id}", DemoDetails)
            await pilot.pause()
            await wait_until(pilot, _laid_out(details))
            pane = details.scrollable_content_region
            for field in [time_scale, *details.query(ParamField)]:
                where = f"{demo.id} {field.param.option}"
                name = field.query_one(".param-name", Label)
                assert name.region.width >= len(field.param.option), where
                assert name.region.right < field.editor.region.x, where  # a gap, then the value
                side = time_scale.region if field is time_scale else pane
                assert field.editor.region.right <= side.right, where
                if isinstance(field.param, ChoiceParam):
                    assert isinstance(field.editor, Select)
                    shown = field.editor.query_one("SelectCurrent #label").size.width
                    assert shown >= max(map(len, field.param.choices)), where
                helps = [h for h in field.query(".param-help") if h.display]
                assert len(helps) == (0 if field is time_scale else 1), where
                for help_line in helps:
                    assert help_line.content_size.width >= HELP_MIN_COLUMNS, where
                    assert help_line.region.right <= pane.right, where
            # Below the form, the explanation is a scroll away, and the pane says so.
            assert bool(details.border_subtitle) == (details.max_scroll_y > 0), demo.id
        # Each entry of the list is its key and id, then its title indented under the id,
        # a line it wraps onto too: nothing starts in the column of the keys but a key, or
        # a section's heading.
        lines = [demo_list.render_line(y).text for y in range(demo_list.size.height)]
        headings = tuple(s.title for s in catalog.SECTIONS)
        assert all(
            re.match(r"(\d  |\d\d |   )\S|\s*$", line) or line.strip().startswith(headings)
            for line in lines
        ), lines


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
        demo_list = menu.query_one("#demo-list", OptionList)
        demo_list.highlighted = demo_list.get_option_index("scrape")
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
