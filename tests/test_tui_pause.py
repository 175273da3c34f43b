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
from workloads.events import PROCESS, RUNNING, WAITING, Event, Output, RunStatus, Span
from workloads.run_session import split_at_pauses

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
        ((a, b),) = screen.session.pauses
        for w in screen.state.workers.values():  # nothing is drawn in the pause
            assert not [s for s in w.spans if s.start < b - 1e-6 and s.end > a + 1e-6], w.id
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


def test_spans_are_cut_around_pauses() -> None:
    spans: list[Event] = [
        Span("t1", 1.0, 2.0, RUNNING),  # before
        Span("t1", 2.0, 6.0, RUNNING),  # across the pause 3-5
        Span("t1", 3.5, 4.5, WAITING),  # inside it
        Span("t1", 2.5, 9.0, WAITING),  # across both pauses
        Output("t1", 4.0, "hello"),
    ]
    cut = split_at_pauses(spans, [(3.0, 5.0), (7.0, 8.0)])
    assert cut == [
        Span("t1", 1.0, 2.0, RUNNING),
        Span("t1", 2.0, 3.0, RUNNING),
        Span("t1", 5.0, 6.0, RUNNING),
        Span("t1", 2.5, 3.0, WAITING),
        Span("t1", 5.0, 7.0, WAITING),
        Span("t1", 8.0, 9.0, WAITING),
        Output("t1", 4.0, "hello"),
    ]
