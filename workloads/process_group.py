"""The live members of a process group, read from ``/proc`` (Linux).

Used by the host to kill its group while sparing the resource tracker, and by the
session to tell when a group is empty. A zombie is no member: it has exited and only
waits for its parent (or for an init that may take its time) to reap it.
"""

from __future__ import annotations

import os
import threading
from functools import cache


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


@cache
def _has_children_files() -> bool:
    """Whether this kernel lists a task's children in ``/proc/PID/task/TID/children``."""
    return os.path.exists(f"/proc/self/task/{threading.get_native_id()}/children")


def descendants(pid: int) -> list[int] | None:
    """Pids of ``pid``'s descendants (children, their children, ...), or None where
    the kernel does not list a task's children (then use :func:`live_processes`).

    A handful of reads (one per thread of each process of the tree), where a scan of
    ``/proc`` reads one file per process on the machine: about 150 here, and a thread
    that makes that many reads waits for the GIL after each one while another thread
    computes (300 ms, seen on the session's thread while the screen laid out). A
    process whose parent died (an orphan, adopted by init) is no longer found; zombies
    are (they are still children).
    """
    if not _has_children_files():
        return None
    found: list[int] = []
    todo, seen = [pid], {pid}
    while todo:
        parent = todo.pop()
        try:
            tids = os.listdir(f"/proc/{parent}/task")
        except OSError:  # gone
            continue
        for tid in tids:
            try:
                with open(f"/proc/{parent}/task/{tid}/children", "rb") as f:
                    children = [int(child) for child in f.read().split()]
            except (OSError, ValueError):  # the thread ended meanwhile
                continue
            for child in children:
                if child not in seen:
                    seen.add(child)
                    found.append(child)
                    todo.append(child)
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
