"""Leftover-process checks shared by the tests (psutil)."""

from __future__ import annotations

import time

import psutil


def live_children() -> list[psutil.Process]:
    """Child processes of this test process that are still running (not zombies).

    multiprocessing's resource tracker is left out: it is the test process's own
    helper (started by the first spawn, shared by all), and exits with it.
    """
    out = []
    for p in psutil.Process().children(recursive=True):
        try:
            if p.status() == psutil.STATUS_ZOMBIE:
                continue
            if "resource_tracker" in " ".join(p.cmdline()):
                continue
            out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


def wait_for_no_children(deadline_s: float = 5.0) -> list[psutil.Process]:
    """Poll until no child is left or the deadline passes; returns the survivors."""
    end = time.monotonic() + deadline_s
    left = live_children()
    while left and time.monotonic() < end:
        time.sleep(0.05)
        left = live_children()
    return left
