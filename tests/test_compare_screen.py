"""The compare screen, driven by Pilot with a fake runner (no processes, no timings)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from tests.test_compare import CPU_FIGURES, FakeRunner
from tui.screens.compare_screen import CompareScreen
from workloads import gil_lab
from workloads.run_state import RunState
from workloads.runtime import RunConfig


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool], limit_s: float) -> None:
    """Let the app run until ``condition()`` holds (a deadline, never a timing assert)."""
    for _ in range(int(limit_s / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the condition never held")


class GatedRunner(FakeRunner):
    """A fake runner that holds each run until the test lets it go."""

    def __init__(self) -> None:
        super().__init__(CPU_FIGURES)
        self.gate = threading.Semaphore(0)

    def __call__(self, config: RunConfig, **kwargs: Any) -> RunState:
        self.gate.acquire(timeout=10)
        return super().__call__(config, **kwargs)


class CompareApp(App[None]):
    def __init__(self, screen: CompareScreen) -> None:
        super().__init__()
        self._compare = screen

    def on_mount(self) -> None:
        self.push_screen(self._compare)


def _text(screen: CompareScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_compare_screen_fills_table_chart_and_conclusion():
    runner = FakeRunner(CPU_FIGURES)
    screen = CompareScreen("cpu-bound", {"workers": 4, "mode": "threads"}, runner=runner)
    app = CompareApp(screen)
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_until(pilot, lambda: screen.comparison is not None, limit_s=10)
        await pilot.pause()
        table = screen.query_one("#compare-table", DataTable)
        assert table.row_count == len(gil_lab.MODES)
        assert [str(table.get_row_at(i)[0]) for i in range(table.row_count)] == list(gil_lab.MODES)
        assert [c.params["mode"] for c in runner.configs] == list(gil_lab.MODES)
        chart = _text(screen, "#compare-chart")
        assert "processes" in chart and "█" in chart and "x" in chart
        conclusion = _text(screen, "#compare-conclusion")
        assert screen.comparison is not None
        assert conclusion == screen.comparison.conclusion()
        assert "processes" in conclusion
        assert "all modes finished" in _text(screen, "#compare-status")


async def test_compare_screen_shows_progress_and_stops_on_escape():
    runner = GatedRunner()
    screen = CompareScreen("cpu-bound", {"workers": 2}, runner=runner)
    app = CompareApp(screen)
    async with app.run_test(size=(100, 32)) as pilot:
        await wait_until(pilot, lambda: screen.running == "sequential", limit_s=10)
        runner.gate.release()
        await wait_until(pilot, lambda: "sequential" in screen.results, limit_s=10)
        await pilot.pause()
        table = screen.query_one("#compare-table", DataTable)
        statuses = [str(table.get_row_at(i)[-1]) for i in range(table.row_count)]
        assert statuses[1:] == ["running…"] + ["waiting"] * (len(gil_lab.MODES) - 2)
        assert f"1 of {len(gil_lab.MODES)} modes done" in _text(screen, "#compare-status")
        await pilot.press("escape")
        await pilot.pause()
        assert screen._stop.stopped
        assert app.screen is not screen
        runner.gate.release(10)
