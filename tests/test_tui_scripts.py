"""Pilot tests of a user's script in the app: the menu's "Open a script…" (an inline
reason for a bad path, a run for a good one), ``interleave PATH``, and rerun."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from tests.tui_helpers import run_children, wait_until
from tui.app import InterleaveApp
from tui.screens.menu_screen import MenuScreen
from tui.screens.run_screen import RunScreen
from workloads.script import load_script

pytestmark = pytest.mark.timeout(60)

CODE = "from threading import Thread\nt = Thread(target=lambda: print('hi'))\nt.start(); t.join()\n"


def _error(app: InterleaveApp) -> str:
    return str(app.screen.query_one("#script-error", Static).render())


async def test_open_a_script_refuses_a_bad_path_inline_then_runs_a_good_one(
    tmp_path: Path,
) -> None:
    script = tmp_path / "mine.py"
    script.write_text(CODE)
    app = InterleaveApp(time_scale=0.05)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("o")
        field = app.screen.query_one("#script-path", Input)
        assert app.focused is field
        field.value = str(tmp_path)
        await pilot.press("enter")
        assert isinstance(app.screen, MenuScreen)
        assert "is a directory" in _error(app)
        field.value = str(tmp_path / "missing.py")
        await pilot.press("enter")
        assert "no such file" in _error(app)
        field.value = str(script)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
        screen = app.screen
        assert isinstance(screen, RunScreen)
        assert screen.demo.script is not None and screen.demo.id == "mine.py"
        assert screen.time_scale == 0.05
        await wait_until(pilot, lambda: screen.state.over)
        assert [o.text for o in screen.state.outputs] == ["hi"]
        await pilot.press("q")
    assert not run_children()


async def test_the_app_opens_on_a_script_and_r_reruns_it(tmp_path: Path) -> None:
    path = tmp_path / "mine.py"
    path.write_text(CODE)
    app = InterleaveApp(time_scale=0.05, script=load_script(str(path)))
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
        first = app.screen
        assert isinstance(first, RunScreen)
        await wait_until(pilot, lambda: first.state.over)
        await pilot.press("r")
        await wait_until(pilot, lambda: app.screen is not first)
        second = app.screen
        assert isinstance(second, RunScreen) and second.demo.script == first.demo.script
        await wait_until(pilot, lambda: second.state.over)
        assert [o.text for o in second.state.outputs] == ["hi"]
        await pilot.press("q")
    assert not run_children()
