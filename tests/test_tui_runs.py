"""Pilot tests: launch each seed demo from the menu with keys and watch it to the end."""

from __future__ import annotations

from typing import cast

import pytest
from textual.screen import Screen
from textual.widgets import Footer

from tests.tui_helpers import panels, run_children, wait_until
from tui.app import InterleaveApp
from tui.screens.run_screen import RunScreen
from tui.widgets.output_pane import OutputPane
from workloads import catalog
from workloads.events import DONE, PROCESS, THREAD, RunStatus


def _key(demo_id: str) -> str:
    """The demo's number key in the menu."""
    return str(list(catalog.DEMOS).index(demo_id) + 1)


SEED = [
    # key, demo, {worker id: kind}, output lines
    (_key("threads"), "threads", {"main": THREAD, "t1": THREAD, "t2": THREAD}, 10),
    (_key("processes"), "processes", {"main": THREAD, "p1": PROCESS, "p2": PROCESS}, 11),
    (
        _key("thread-pool"),
        "thread-pool",
        {"main": THREAD, "t1": THREAD, "t2": THREAD, "t3": THREAD},
        5,
    ),
    (
        _key("process-pool"),
        "process-pool",
        {"main": THREAD, "p1": PROCESS, "p2": PROCESS, "p3": PROCESS},
        5,
    ),
]


@pytest.mark.parametrize(("key", "demo", "kinds", "lines"), SEED, ids=[s[1] for s in SEED])
async def test_seed_demo_runs_from_the_menu(
    key: str, demo: str, kinds: dict[str, str], lines: int
) -> None:
    app = InterleaveApp(time_scale=0.05)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(key)
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
        screen = app.screen
        assert isinstance(screen, RunScreen)
        assert screen.demo.id == demo
        await wait_until(pilot, lambda: screen.state.over)
        await pilot.pause(0.3)  # one more refresh after the end

        state = screen.state
        assert state.status == RunStatus.FINISHED
        assert {w.id: w.kind for w in state.workers.values()} == kinds
        assert all(w.state == DONE for w in state.workers.values())
        shown = panels(screen)
        assert list(shown) == list(state.workers)
        assert all("DONE" in p.text() for p in shown.values())
        assert len(state.outputs) == lines
        assert screen.query_one(OutputPane).shown == lines
        assert not run_children()  # the finished run was closed, not left behind
        await pilot.press("q")
    assert not run_children()


async def test_cancel_mid_run_leaves_no_process() -> None:
    app = InterleaveApp(time_scale=1.0)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(_key("process-pool"))  # 3 worker processes sleeping 2 s
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
        screen = app.screen
        assert isinstance(screen, RunScreen)
        await wait_until(
            pilot, lambda: sum(w.kind == PROCESS for w in screen.state.workers.values()) >= 1
        )
        assert run_children()  # the host and its pool are alive
        await pilot.press("x")
        await pilot.pause(0.2)
        assert screen.state.status == "cancelled"
        assert not run_children()
        await pilot.press("q")
    assert not run_children()


async def test_quit_and_escape_mid_run_stop_the_run() -> None:
    app = InterleaveApp(time_scale=1.0)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(_key("processes"))
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
        screen = app.screen
        assert isinstance(screen, RunScreen)
        await wait_until(pilot, lambda: len(screen.state.workers) >= 2)
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, RunScreen))
        assert not run_children()
        await pilot.press(_key("threads"))
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
        await wait_until(pilot, lambda: bool(run_children()))
        await pilot.press("q")
    assert not run_children()


async def test_rerun_starts_a_fresh_run() -> None:
    app = InterleaveApp(demo_id="threads", params=None, time_scale=0.05)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
        first = app.screen
        assert isinstance(first, RunScreen)
        await wait_until(pilot, lambda: first.state.over)
        await pilot.press("r")
        await wait_until(pilot, lambda: app.screen is not first)
        second = app.screen
        assert isinstance(second, RunScreen)
        await wait_until(pilot, lambda: second.state.over)
        assert second.state.status == RunStatus.FINISHED
        assert second.state.host_pid != first.state.host_pid
        await pilot.press("q")
    assert not run_children()


async def test_a_run_whose_workers_are_known_never_lays_the_screen_out_while_it_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # process-pool says it will show four workers: the panes are planned for them
    # before it starts, and each arrival is a repaint of its own rows. A layout pass
    # is the costliest thing the screen does (the whole screen, twice).
    painted: list[int] = []  # workers shown in each frame once laid out
    layouts: list[int] = []  # workers there at each layout pass after that
    real_layout, real_paint = Screen._refresh_layout, Screen._compositor_refresh

    def layout(self: Screen[object], *args: object, **kwargs: object) -> None:
        # The footer lays its keys out once, a moment after the screen is up (later on
        # a loaded machine): that is the screen's start, not an arrival.
        panes = [w for w in self._layout_widgets if not isinstance(w, (RunScreen, Footer))]
        live = isinstance(self, RunScreen) and bool(self.state.workers) and not self.state.over
        if live and painted and panes:
            layouts.append(len(cast(RunScreen, self).state.workers))
        real_layout(self, *args, **kwargs)  # type: ignore[arg-type]

    def paint(self: Screen[object]) -> None:
        if isinstance(self, RunScreen) and self.size.height and not self._layout_required:
            painted.append(len(self.state.workers))
        real_paint(self)

    monkeypatch.setattr(Screen, "_refresh_layout", layout)
    monkeypatch.setattr(Screen, "_compositor_refresh", paint)
    app = InterleaveApp(time_scale=0.2)
    async with app.run_test(size=(120, 36)) as pilot:
        # From the menu, as a lecturer starts it: the screen is up before the run is.
        await pilot.press(_key("process-pool"))
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
        screen = app.screen
        assert isinstance(screen, RunScreen)
        await wait_until(pilot, lambda: screen.state.over)
        state = screen.state
        assert len(state.workers) == screen.demo.workers(screen.params) == 4
        assert list(panels(screen)) == list(state.workers)
        # Workers arrived while the screen was up (it painted with fewer than four).
        assert min(painted) < 4
        assert layouts == []
        await pilot.press("q")
    assert not run_children()
