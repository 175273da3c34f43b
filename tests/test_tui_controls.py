"""Pilot tests of the controls a presenter relies on: focus, keys, options, screenshots, help.

Runs are real but tiny (a 0.05 time scale, one unit of arithmetic); every test that starts
one checks that no process is left. Waits are bounds, never timing assertions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.binding import Binding
from textual.widgets import Input, Markdown, OptionList, Select

import tui.cli
from tests.test_compare import CPU_FIGURES, FakeRunner
from tests.tui_fakes import finished_threads_state
from tests.tui_helpers import run_children, wait_until
from tui.app import InterleaveApp
from tui.screens import menu_screen
from tui.screens.compare_screen import CompareScreen
from tui.screens.help_screen import HelpScreen, keys_markdown
from tui.screens.menu_screen import MenuScreen
from tui.screens.run_screen import RunScreen
from tui.widgets.param_form import ParamField, key_after_escape
from tui.widgets.timeline import Timeline
from workloads import catalog
from workloads.param import ChoiceParam

SIZE = (120, 36)


def _time_scale(app: InterleaveApp) -> Input:
    return app.screen.query_one("#menu-time-scale", Input)


def _highlight(app: InterleaveApp, demo_id: str) -> None:
    demo_list = app.screen.query_one("#demo-list", OptionList)
    demo_list.highlighted = demo_list.get_option_index(demo_id)


async def _run_screen(pilot: Any, app: InterleaveApp) -> RunScreen:
    await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
    screen = app.screen
    assert isinstance(screen, RunScreen)
    return screen


# -- escape leaves a field ------------------------------------------------------------------

#: The number key of the threads demo in the menu.
THREADS_KEY = str(list(catalog.DEMOS).index("threads") + 1)


async def test_escape_then_a_digit_runs_that_demo_and_leaves_the_field_alone() -> None:
    app = InterleaveApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        assert app.focused is _time_scale(app)
        await pilot.press(*"0.05")  # the field selects its text on focus: typing replaces it
        await pilot.press("2")  # a digit typed into a field is the field's, not "run demo 2"
        assert isinstance(app.screen, MenuScreen)
        assert _time_scale(app).value == "0.052"
        await pilot.press("backspace", "escape")
        assert app.focused is app.screen.query_one("#demo-list")
        await pilot.press(THREADS_KEY)
        screen = await _run_screen(pilot, app)
        assert screen.demo.id == "threads"
        assert screen.time_scale == 0.05  # not 0.05N: the digit went to the list
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MenuScreen))
        assert _time_scale(app).value == "0.05"
        await pilot.press("q")
    assert not run_children()


async def test_escape_and_a_digit_read_as_one_key_still_leave_the_field() -> None:
    # Typed within the terminal's escape delay (or sent at once, as `tmux send-keys Escape 2`
    # does), "\x1b2" reaches the app as one key, "™"; it must not land in the field.
    app = InterleaveApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", *"0.05")
        app.post_message(events.Key("trade_mark_sign", "™"))  # escape, then 2
        screen = await _run_screen(pilot, app)
        assert (screen.demo.id, screen.time_scale) == (list(catalog.DEMOS)[1], 0.05)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MenuScreen))
        assert _time_scale(app).value == "0.05"
        await pilot.press("q")
    assert not run_children()


async def test_an_alt_chord_in_a_text_field_is_escape_then_the_key() -> None:
    app = InterleaveApp()
    async with app.run_test(size=SIZE) as pilot:
        _highlight(app, "scrape")
        urls = app.screen.query_one("#param-scrape-urls", Input)
        urls.focus()
        await pilot.pause()
        app.post_message(events.Key("alt+question_mark", "?"))  # "\x1b?": escape, then ?
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert urls.value == ""
        await pilot.press("escape")
        assert app.focused is app.screen.query_one("#demo-list")


@pytest.mark.parametrize(
    ("key", "character", "numeric", "after"),
    [
        ("trade_mark_sign", "™", True, ("2", "2")),  # "\x1b2", read as WezTerm's Option+2
        ("trade_mark_sign", "™", False, None),  # text may hold it: only numbers hand it on
        ("alt+q", "q", False, ("q", "q")),  # "\x1bq"
        ("alt+question_mark", "?", True, ("question_mark", "?")),
        ("alt+backspace", "\x7f", True, None),  # the field's own key: delete a word
        ("2", "2", True, None),
    ],
)
def test_which_keys_are_escape_and_a_key_read_as_one(
    key: str, character: str, numeric: bool, after: tuple[str, str] | None
) -> None:
    assert key_after_escape(events.Key(key, character), numeric) == after


async def test_a_digit_on_a_drop_down_runs_nothing() -> None:
    app = InterleaveApp()
    async with app.run_test(size=SIZE) as pilot:
        _highlight(app, "cpu-bound")
        app.screen.query_one("#param-cpu-bound-mode", Select).focus()
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, MenuScreen)
        assert not run_children()


async def test_number_keys_match_the_demos_shown() -> None:
    app = InterleaveApp()
    async with app.run_test(size=SIZE) as pilot:
        menu = app.screen
        assert isinstance(menu, MenuScreen)
        digits = [b.key for b in Binding.make_bindings(MenuScreen.BINDINGS) if b.key.isdigit()]
        assert digits == [str(n) for n in range(10)]
        count = len(catalog.DEMOS)
        assert f"1-{count} or enter" in str(menu.query_one("#menu-hint").render())
        # Every demo shows its number: the keys that run it (two past the ninth).
        assert [menu_screen.number_label(n) for n in (1, count)] == ["1", str(count)]
        await pilot.press("0")  # no demo 0: nothing, and no crash
        await pilot.pause()
        assert app.screen is menu
        assert not run_children()


# -- --demo ID takes the demo's options -----------------------------------------------------


def _app_args(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> dict[str, Any]:
    """What ``interleave ARGV`` would open the app with (the app itself is not run)."""
    seen: dict[str, Any] = {}

    def fake_run_app(
        demo_id: str | None,
        params: dict[str, Any] | None,
        time_scale: float,
        python: Any = None,
        theme: Any = None,
    ) -> int:
        seen.update(
            demo_id=demo_id, params=params, time_scale=time_scale, python=python, theme=theme
        )
        return 0

    monkeypatch.setattr(tui.cli, "_run_app", fake_run_app)
    assert tui.cli.main(argv) == 0
    return seen


def test_demo_options_are_parsed_like_run(monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["--workers", "2", "--demo", "cpu-bound", "--mode", "processes", "--size", "1"]
    seen = _app_args(monkeypatch, argv)
    defaults = catalog.get("cpu-bound").defaults()
    assert seen["demo_id"] == "cpu-bound"
    assert seen["params"] == {**defaults, "workers": 2, "mode": "processes", "size": 1}
    assert seen["time_scale"] == 1.0
    assert _app_args(monkeypatch, [])["params"] is None


async def test_demo_options_reach_the_run_screen_and_the_menu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    argv = ["--demo", "cpu-bound", "--workers", "2", "--mode", "processes", "--size", "1"]
    seen = _app_args(monkeypatch, [*argv, "--time-scale", "0.05"])
    app = InterleaveApp(demo_id=seen["demo_id"], params=seen["params"], time_scale=0.05)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _run_screen(pilot, app)
        assert screen.params["workers"] == 2
        assert screen.params["mode"] == "processes"
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, MenuScreen))
        # Back on the menu, the same demo with the same options: enter runs them again.
        menu = app.screen
        assert isinstance(menu, MenuScreen)
        assert menu.selected == "cpu-bound"
        assert menu.query_one("#param-cpu-bound-mode", Select).value == "processes"
        assert menu.query_one("#param-cpu-bound-workers", Input).value == "2"
        await pilot.press("q")
    assert not run_children()


# -- a choice is a drop-down ----------------------------------------------------------------


async def test_every_choice_is_a_drop_down_and_sets_the_launched_mode() -> None:
    app = InterleaveApp(time_scale=0.05)
    async with app.run_test(size=SIZE) as pilot:
        for field in app.screen.query(ParamField):
            if field.param.kind == "choice":
                assert isinstance(field.editor, Select), field.param.name
        _highlight(app, "cpu-bound")
        app.screen.query_one("#param-cpu-bound-size", Input).value = "1"
        mode = app.screen.query_one("#param-cpu-bound-mode", Select)
        mode.focus()
        await pilot.press("enter")  # open the list
        assert mode.expanded
        choices = _choices("cpu-bound", "mode")
        for _ in range(choices.index("processes") - choices.index(str(mode.value))):
            await pilot.press("down")
        await pilot.press("enter")
        assert mode.value == "processes"
        await pilot.press("escape")  # leaves the field for the list
        assert app.focused is app.screen.query_one("#demo-list")
        await pilot.press("enter")
        screen = await _run_screen(pilot, app)
        assert (screen.demo.id, screen.params["mode"]) == ("cpu-bound", "processes")
        await pilot.press("q")
    assert not run_children()


def _choices(demo_id: str, name: str) -> tuple[str, ...]:
    param = catalog.get(demo_id).param(name)
    assert isinstance(param, ChoiceParam)
    return param.choices


async def test_escape_in_an_open_drop_down_only_closes_it() -> None:
    app = InterleaveApp()
    async with app.run_test(size=SIZE) as pilot:
        _highlight(app, "cpu-bound")
        mode = app.screen.query_one("#param-cpu-bound-mode", Select)
        mode.focus()
        await pilot.press("enter")
        assert mode.expanded
        await pilot.press("escape")
        assert not mode.expanded
        assert app.focused is mode
        await pilot.press("escape")
        assert app.focused is app.screen.query_one("#demo-list")


# -- s saves a screenshot everywhere --------------------------------------------------------


def _saved(app: InterleaveApp, folder: Path) -> list[Path]:
    svgs = sorted(folder.glob("*.svg"))
    assert svgs, "no screenshot saved"
    assert any(str(svgs[-1]) in n.message for n in app._notifications)  # says where
    return svgs


async def test_s_saves_a_screenshot_on_the_menu(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = InterleaveApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, MenuScreen)
        assert len(_saved(app, tmp_path)) == 1


async def test_s_saves_a_screenshot_on_the_compare_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = InterleaveApp()
    async with app.run_test(size=SIZE) as pilot:
        compare = CompareScreen(
            "cpu-bound", {}, services=app.services, runner=FakeRunner(CPU_FIGURES)
        )
        app.push_screen(compare)
        await wait_until(pilot, lambda: compare.comparison is not None)
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is compare
        assert len(_saved(app, tmp_path)) == 1


# -- the run screen's timeline keys, and the help that lists every key ----------------------


async def test_timeline_keys_work_on_the_run_screen_without_tab() -> None:
    app = InterleaveApp()
    async with app.run_test(size=SIZE) as pilot:
        demo = catalog.get("threads")
        app.push_screen(RunScreen(demo, demo.defaults(), replay=finished_threads_state()))
        await pilot.pause()
        timeline = app.screen.query_one(Timeline)
        assert app.focused is timeline
        await pilot.press("plus")
        assert timeline.level is not None
        await pilot.press("left")
        assert not timeline.follow
        await pilot.press("end")
        assert timeline.follow
        await pilot.press("plus", "home")
        assert timeline.level is None


async def test_help_lists_every_key_of_every_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    # A key added to the run screen later shows up without touching the help.
    added = Binding("m", "maximise", "Maximise")
    monkeypatch.setattr(RunScreen, "BINDINGS", [*RunScreen.BINDINGS, added])
    app = InterleaveApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = keys_markdown(app)
        assert text in app.screen.query_one(Markdown).source
        for owner in (RunScreen, Timeline, CompareScreen, InterleaveApp):
            for binding in Binding.make_bindings(owner.BINDINGS):
                if not binding.system:
                    assert f"`{app.get_key_display(binding)}`" in text, binding
        assert "Maximise" in text
        assert f"`0`-`9`  Run demo 1-{len(catalog.DEMOS)} by its number" in text
        assert "`esc`  Leave field" in text
