"""Named semaphores a run made are gone after it, even when its resource tracker is not.

A cancelled ``process-pool`` run leaves its pool's semaphores (``/dev/shm/sem.mp-*``)
for multiprocessing's resource tracker to unlink. At the run's nice 19 on a saturated
machine the tracker may miss the session's grace and be killed first; the UI process
may be killed, and the host's guardian with it. These tests make the tracker lose (it
is killed, or kept stopped) and check that the files are gone anyway, and that only
the run's own semaphores were touched.

Every check is on this run's files (found by inode in its processes' maps), never on
/dev/shm as a whole: other test runs may be making semaphores on the same machine.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from functools import partial

import psutil
import pytest

from tests.fault_demos import group_gone, group_members, wait_for
from tests.process_checks import wait_for_no_children
from workloads import catalog
from workloads import run_session as run_session_module
from workloads.events import PROCESS, RunStatus, State
from workloads.interpreter import ROOT
from workloads.run_session import RunSession
from workloads.semaphore_sweeper import SHM_DIR, SemaphoreSweeper, shm_inodes_mapped_by

pytestmark = [
    pytest.mark.timeout(90),
    pytest.mark.skipif(
        not os.path.isdir("/proc/self") or not os.path.isdir(SHM_DIR),
        reason="needs /proc and /dev/shm (Linux)",
    ),
]

#: A process that makes a named semaphore the way multiprocessing does (without
#: registering it with a tracker), says its name, and waits to be killed.
MAKER = """
import _multiprocessing, sys, time
from multiprocessing.synchronize import SEMAPHORE
name = sys.argv[1]
lock = _multiprocessing.SemLock(SEMAPHORE, 1, 1, name, False)
print(name, flush=True)
time.sleep(600)
"""


# -- helpers --------------------------------------------------------------------------
def device() -> tuple[int, int]:
    dev = os.stat(SHM_DIR).st_dev
    return os.major(dev), os.minor(dev)


def shm_files() -> dict[str, int]:
    """Every semaphore file in /dev/shm: name -> inode."""
    with os.scandir(SHM_DIR) as entries:
        return {e.name: e.inode() for e in entries if e.name.startswith("sem.")}


def run_semaphores(pgid: int) -> set[str]:
    """The sem.mp-* files that the live processes of group ``pgid`` map."""
    inodes: set[int] = set()
    for p in group_members(pgid):
        inodes |= shm_inodes_mapped_by(p.pid, device())
    return {n for n, ino in shm_files().items() if ino in inodes and n.startswith("sem.mp-")}


def still_there(names: set[str]) -> set[str]:
    """Which of ``names`` are in /dev/shm; removes them, so a failure does not leak."""
    left = {n for n in names if os.path.exists(os.path.join(SHM_DIR, n))}
    for n in left:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(SHM_DIR, n))
    return left


def tracker_of(pgid: int) -> psutil.Process | None:
    for p in group_members(pgid):
        with contextlib.suppress(psutil.Error):
            if "resource_tracker" in " ".join(p.cmdline()):
                return p
    return None


def pool_running(session: RunSession) -> bool:
    """Two pool workers busy, and the run's tracker up: the pool's queues exist."""
    busy = [
        w
        for w in session.snapshot().workers.values()
        if w.kind == PROCESS and w.state in (State.RUNNING, State.WAITING)
    ]
    return len(busy) >= 2 and session.pid is not None and tracker_of(session.pid) is not None


@contextlib.contextmanager
def maker(name: str) -> Iterator[subprocess.Popen[str]]:
    """A process holding the named semaphore ``/name``, killed (SIGKILL) on exit."""
    proc = subprocess.Popen(
        [sys.executable, "-c", MAKER, "/" + name], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "/" + name
        yield proc
    finally:
        proc.kill()
        proc.wait()
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(SHM_DIR, "sem." + name))


def unique(tag: str) -> str:
    return f"mp-i8{tag}{os.getpid()}x{time.monotonic_ns() % 10**6}"


# -- the sweeper on its own --------------------------------------------------------------
@pytest.mark.usefixtures("no_orphans")
def test_the_sweeper_removes_what_its_processes_mapped_and_nothing_else() -> None:
    ours, theirs = unique("a"), unique("b")
    with maker(ours) as mine, maker(theirs):
        sweeper = SemaphoreSweeper()
        sweeper.look(lambda: [mine.pid])
        assert sweeper.known  # the creator's map names a temporary file: found by inode
        mine.kill()
        mine.wait()
        assert sweeper.sweep() == ["sem." + ours]
        assert not os.path.exists(os.path.join(SHM_DIR, "sem." + ours))
        assert os.path.exists(os.path.join(SHM_DIR, "sem." + theirs))  # not the run's


@pytest.mark.usefixtures("no_orphans")
def test_the_sweeper_leaves_semaphores_that_are_not_multiprocessing_s() -> None:
    name = f"i8other{os.getpid()}"  # sem.i8other...: some library's, meant to stay
    with maker(name) as proc:
        sweeper = SemaphoreSweeper()
        sweeper.look(lambda: [proc.pid])
        proc.kill()
        proc.wait()
        assert sweeper.sweep() == []
        assert os.path.exists(os.path.join(SHM_DIR, "sem." + name))


def test_the_sweeper_reads_the_maps_only_when_a_semaphore_appeared() -> None:
    looked: list[int] = []

    def pids() -> list[int]:
        looked.append(1)
        return []

    sweeper = SemaphoreSweeper(prefix=unique("none"))  # a prefix no file has
    sweeper.look(pids)
    assert looked == []


# -- a real pool run whose tracker loses ----------------------------------------------------
def cancelled_pool_run(starve_tracker: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A process-pool run, its tracker killed or kept stopped, then cancelled."""
    monkeypatch.setattr(run_session_module, "TRACKER_GRACE_S", 0.3)
    cfg = catalog.get("process-pool").config({"workers": 3, "items": 6, "sleep": 5}, 1.0)
    session = RunSession(cfg).start()
    stop = threading.Event()
    keeper: threading.Thread | None = None
    try:
        session.follow_in_background()
        wait_for(partial(pool_running, session), "the pool's workers and tracker")
        assert session.pid is not None
        names = run_semaphores(session.pid)
        assert names  # the pool's queues made some
        tracker = tracker_of(session.pid)
        assert tracker is not None
        if starve_tracker == "killed":
            tracker.kill()
        else:  # stopped: the host and the session SIGCONT it; keep it stopped anyway

            def keep_stopped(p: psutil.Process = tracker) -> None:
                while not stop.is_set():
                    try:
                        p.suspend()
                    except psutil.Error:
                        return
                    time.sleep(0.001)

            keeper = threading.Thread(target=keep_stopped, daemon=True)
            keeper.start()
        session.cancel()
        assert session.wait(30)
        assert session.snapshot().status == RunStatus.CANCELLED
    finally:
        session.close()
        stop.set()
        if keeper is not None:
            keeper.join()
    assert group_gone(session.pid)
    assert set(session.semaphores_swept) == names  # the tracker did none of it
    assert still_there(names) == set()
    assert wait_for_no_children() == []


@pytest.mark.usefixtures("no_orphans")
def test_a_cancelled_pool_whose_tracker_was_killed_leaves_no_semaphore(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cancelled_pool_run("killed", monkeypatch)


@pytest.mark.usefixtures("no_orphans")
def test_a_cancelled_pool_whose_tracker_never_ran_leaves_no_semaphore(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The saturated machine: the tracker gets no core before the grace ends."""
    cancelled_pool_run("stopped", monkeypatch)


DRIVER = """
import sys, time
from workloads import catalog
from workloads.run_session import RunSession
cfg = catalog.get("process-pool").config({"workers": 3, "items": 6, "sleep": 5}, 1.0)
session = RunSession(cfg).start()
session.follow_in_background()
print(session.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.usefixtures("no_orphans")
def test_sigkill_of_the_ui_mid_pool_leaves_no_semaphore() -> None:
    """The host's guardian kills the group, the tracker with it: it sweeps instead."""
    driver = subprocess.Popen(
        [sys.executable, "-c", DRIVER], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    names: set[str] = set()
    try:
        assert driver.stdout is not None
        host = int(driver.stdout.readline())

        def pool_up() -> bool:
            names.update(run_semaphores(host))
            return len(names) >= 3 and tracker_of(host) is not None

        wait_for(pool_up, "the pool's semaphores")
        members = group_members(host)
    finally:
        driver.send_signal(signal.SIGKILL)
        driver.wait()
    assert group_gone(host)
    _, alive = psutil.wait_procs(members, timeout=5)
    assert alive == []
    end = time.monotonic() + 5  # the guardian sweeps once the group is gone
    while (left := {n for n in names if os.path.exists(os.path.join(SHM_DIR, n))}) and (
        time.monotonic() < end
    ):
        time.sleep(0.05)
    assert still_there(left) == set()
