"""Snapshots of the menu and of a finished run (recorded events, fixed CPU and clock),
and of every demo at 80x24, the projector size."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.run_fakes import DEMO_PARAMS, failed_state, finished_state
from tests.tui_fakes import PARAMS, T0, finished_threads_state, fixed_sample
from tui.app import InterleaveApp
from tui.screens.run_screen import RunScreen
from workloads import catalog


def _app(theme: str | None = None) -> InterleaveApp:
    return InterleaveApp(clock=lambda: T0 + 12.0, theme=theme)


async def _show_finished_run(pilot: Pilot[Any]) -> None:
    screen = RunScreen(
        catalog.get("threads"), PARAMS, 1.0, replay=finished_threads_state(), sample=fixed_sample()
    )
    await pilot.app.push_screen(screen)
    await pilot.pause()
    screen.refresh_now()
    await pilot.pause()


def test_menu(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(120, 36))


def test_menu_small(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(80, 24))


def test_finished_run(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(120, 36), run_before=_show_finished_run)


def test_finished_run_small(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=_show_finished_run)


def test_finished_run_light(snap_compare: Any) -> None:
    assert snap_compare(_app("light"), terminal_size=(120, 36), run_before=_show_finished_run)


def _show(demo: str, failed: bool = False) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A finished run of ``demo`` (one with failures: ``cpu-bound`` only), drawn."""

    async def run_before(pilot: Pilot[Any]) -> None:
        state = failed_state() if failed else finished_state(demo)
        screen = RunScreen(
            catalog.get(demo), DEMO_PARAMS[demo], 1.0, replay=state, sample=fixed_sample()
        )
        await pilot.app.push_screen(screen)
        await pilot.pause()
        screen.refresh_now()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("demo", list(catalog.DEMOS))
def test_finished_run_80x24(snap_compare: Any, demo: str) -> None:
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=_show(demo))


def test_failed_run_80x24(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=_show("cpu-bound", True))
