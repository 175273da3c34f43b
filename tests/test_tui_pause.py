"""Pilot tests: ``p`` on the live run screen really stops the run, and nothing of a
paused run survives a cancel or a quit."""

from __future__ import annotations

import psutil
import pytest

from tests.fault_demos import group_gone, group_members
from tests.tui_helpers import run_children, wait_until
from tui.app import InterleaveApp
from tui.screens.run_screen import RunScreen
from tui.widgets.run_header import PAUSED
from workloads.events import PROCESS, RunStatus

pytestmark = pytest.mark.timeout(90)


def stopped(pgid: int) -> bool:
    """Whether every live process of the run's group is stopped (state T)."""
    try:
        members = group_members(pgid)
        return bool(members) and all(p.status() == psutil.STATUS_STOPPED for p in members)
    except psutil.Error:
        return False


async def _paused_run(pilot: object, app: InterleaveApp) -> tuple[RunScreen, int]:
    await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))  # type: ignore[arg-type]
    screen = app.screen
    assert isinstance(screen, RunScreen)

    def both_processes() -> bool:
        return sum(w.kind == PROCESS for w in screen.state.workers.values()) >= 2

    await wait_until(pilot, both_processes)  # type: ignore[arg-type]
    assert screen.session is not None and screen.session.pid is not None
    pgid = screen.session.pid
    await pilot.press("p")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: stopped(pgid))  # type: ignore[arg-type]
    return screen, pgid


async def test_p_stops_every_process_and_p_again_lets_the_run_finish() -> None:
    app = InterleaveApp(demo_id="processes", params={"items": 3}, time_scale=0.3)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, pgid = await _paused_run(pilot, app)
        assert len(group_members(pgid)) >= 3  # the host and both workers
        await pilot.pause(0.3)
        assert screen._header.status == PAUSED
        clock = screen._header.elapsed
        await pilot.pause(0.4)
        assert screen._header.elapsed == clock  # the clock stands still
        assert stopped(pgid)

        await pilot.press("p")
        await wait_until(pilot, lambda: screen.state.over)
        assert screen.state.status == RunStatus.FINISHED
        assert screen.session is not None and len(screen.session.pauses) == 1
        assert "paused" in str(screen._timeline_box.border_subtitle)
        await pilot.press("q")
    assert group_gone(pgid)
    assert not run_children()


@pytest.mark.parametrize("key", ["x", "q", "escape"])
async def test_cancel_or_quit_while_paused_leaves_nothing(key: str) -> None:
    app = InterleaveApp(demo_id="processes", params={"items": 5}, time_scale=1.0)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, pgid = await _paused_run(pilot, app)
        await pilot.press(key)
        if key == "x":
            await wait_until(pilot, lambda: screen.state.over)
            assert screen.state.status == RunStatus.CANCELLED
            assert group_gone(pgid)
            await pilot.press("q")
    assert group_gone(pgid)
    assert not run_children()
