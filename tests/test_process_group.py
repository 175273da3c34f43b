"""A process's descendants read from /proc's children files, as psutil finds them."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
from collections.abc import Iterator

import psutil
import pytest

from workloads import process_group

#: A child that starts a grandchild, says so, then waits to be killed.
TREE = """
import subprocess, sys, time
kid = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print(kid.pid, flush=True)
time.sleep(60)
"""

pytestmark = pytest.mark.skipif(
    process_group.descendants(1) is None, reason="no /proc/PID/task/TID/children here"
)


def _kill(procs: list[subprocess.Popen[str]], grandchildren: list[int]) -> None:
    for pid in grandchildren:
        with contextlib.suppress(psutil.NoSuchProcess):
            psutil.Process(pid).kill()
    for proc in procs:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture
def tree() -> Iterator[tuple[int, int, int]]:
    """A child with a grandchild, and a second child started from another thread."""
    procs: list[subprocess.Popen[str]] = []
    grandchildren: list[int] = []
    child = subprocess.Popen([sys.executable, "-c", TREE], stdout=subprocess.PIPE, text=True)
    procs.append(child)
    assert child.stdout is not None
    grandchildren.append(int(child.stdout.readline()))

    def start() -> None:
        sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
        procs.append(subprocess.Popen(sleeper, text=True))

    thread = threading.Thread(target=start)
    thread.start()
    thread.join()
    try:
        yield child.pid, grandchildren[0], procs[1].pid
    finally:
        _kill(procs, grandchildren)


def test_descendants_are_children_and_their_children(tree: tuple[int, int, int]) -> None:
    child, grandchild, from_thread = tree
    found = process_group.descendants(psutil.Process().pid)
    assert found is not None
    assert {child, grandchild, from_thread} <= set(found)
    # The same processes psutil finds by scanning every /proc/PID/stat.
    expected = {p.pid for p in psutil.Process().children(recursive=True)}
    assert set(found) == expected


def test_a_process_that_is_gone_has_no_descendants() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=10)
    assert process_group.descendants(proc.pid) == []
