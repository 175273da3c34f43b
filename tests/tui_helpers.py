"""Helpers shared by the Pilot tests: bounded waits and leftover-process checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import psutil
from textual.pilot import Pilot


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


def run_children() -> list[psutil.Process]:
    """Live child processes of this test process that belong to a run.

    multiprocessing's resource tracker (started once per interpreter by the first
    spawn Queue, and meant to live until exit) is not part of any run.
    """
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.status() == psutil.STATUS_ZOMBIE:
                continue
            if "resource_tracker" in " ".join(child.cmdline()):
                continue
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        found.append(child)
    return found
