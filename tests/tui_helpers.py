"""Helpers shared by the Pilot tests: bounded waits and leftover-process checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tests.process_checks import live_children as run_children

__all__ = ["run_children", "wait_until"]


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
