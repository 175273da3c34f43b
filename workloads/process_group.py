"""The live members of a process group, read from ``/proc`` (Linux).

Used by the host to kill its group while sparing the resource tracker, and by the
session to tell when a group is empty. A zombie is no member: it has exited and only
waits for its parent (or for an init that may take its time) to reap it.
"""

from __future__ import annotations

import os


def live_processes() -> dict[int, tuple[int, int]]:
    """Every live (non-zombie) process: ``{pid: (ppid, process group)}``, one pass over
    ``/proc``; empty without it."""
    if not os.path.isdir("/proc"):
        return {}
    found: dict[int, tuple[int, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after ')'.
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 2 and fields[0] != b"Z":
            found[int(entry)] = (int(fields[1]), int(fields[2]))
    return found


def members(group: int) -> list[int] | None:
    """Pids of the live (non-zombie) processes of ``group``; None without ``/proc``."""
    if not os.path.isdir("/proc"):
        return None
    return [pid for pid, (_, pgrp) in live_processes().items() if pgrp == group]


def alive(group: int) -> bool:
    """Whether any process of ``group`` is still running (zombies do not count)."""
    live = members(group)
    if live is not None:
        return bool(live)
    try:
        os.killpg(group, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def is_tracker(pid: int) -> bool:
    """Whether ``pid`` is a multiprocessing resource tracker (it unlinks semaphores)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"resource_tracker" in f.read()
    except OSError:
        return False
