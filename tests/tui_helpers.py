"""Helpers shared by the Pilot tests: bounded waits, leftover-process checks, panels."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.dom import DOMNode
from textual.geometry import Offset
from textual.pilot import Pilot

from tests.process_checks import live_children as run_children
from tui.widgets.worker_grid import WorkerGrid
from tui.widgets.worker_panel import WorkerPanel

__all__ = ["click_panel", "panels", "run_children", "wait_until"]


def panels(node: DOMNode) -> dict[str, WorkerPanel]:
    """The worker panels drawn under ``node`` (a screen or an app), by worker id, in
    the grid's order; none when the workers are shown one line each."""
    board = node.query_one(WorkerGrid).board
    return {} if board is None else {p.worker_id: p for p in board.panels}


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], bool], limit_s: float = 60.0
) -> None:
    """Let the app run until ``condition()`` holds; fail after ``limit_s``.

    A bound, never a timing assertion.
    """
    step = 0.05
    for _ in range(int(limit_s / step)):
        if condition():
            return
        await pilot.pause(step)
    raise AssertionError("condition not reached")


async def click_panel(pilot: Pilot[Any], node: DOMNode, worker_id: str) -> None:
    """Click inside ``worker_id``'s panel (a cell inside its border)."""
    board = node.query_one(WorkerGrid).board
    assert board is not None, "the workers are shown one line each"
    region = board.panel_region(worker_id)
    assert region, f"no panel for {worker_id}"
    await pilot.click(board, offset=region.offset - board.region.offset + Offset(2, 1))
