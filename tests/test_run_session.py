"""``RunSession`` under faults: each one reported as what it is, and nothing left behind.

The demos that misbehave are in :mod:`tests.fault_demos`; the host runs them like any
demo. After every run the session is closed and its process group must be empty
(``os.killpg(pid, 0)`` raises) and the test process must have no child left.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator

import psutil
import pytest

from tests.fault_demos import (
    IMPORT_EXIT_CODE,
    MESSAGE,
    READY,
    config,
    group_gone,
    group_members,
    wait_for,
    worker_processes,
)
from workloads.events import PROCESS, THREAD, RunStatus, State
from workloads.run_session import RunSession, run_to_end
from workloads.run_state import RunState
from workloads.runtime import RunConfig

pytestmark = [pytest.mark.timeout(60), pytest.mark.usefixtures("no_orphans")]

Start = Callable[[RunConfig], RunSession]
LIVE = (State.RUNNING, State.READY, State.WAITING)


@pytest.fixture
def start() -> Iterator[Start]:
    """Start sessions followed in the background; close each and check its group is gone."""
    started: list[RunSession] = []

    def run(cfg: RunConfig) -> RunSession:
        session = RunSession(cfg).start()
        started.append(session)
        session.follow_in_background()
        return session

    yield run
    for session in started:
        session.close()
        assert session.pid is not None
        assert group_gone(session.pid), f"group {session.pid} still has processes"


def ready_processes(session: RunSession, count: int) -> list[int]:
    """Wait until ``count`` process workers registered and printed READY; their pids."""

    def ready() -> list[int]:
        state = session.snapshot()
        return [w.pid for w in state.workers.values() if w.kind == PROCESS and READY in w.lines]

    wait_for(lambda: len(ready()) >= count, f"{count} process workers")
    return ready()


def said_ready(session: RunSession, worker_id: str) -> bool:
    """Whether worker ``worker_id`` registered and printed READY."""
    w = session.snapshot().workers.get(worker_id)
    return w is not None and READY in w.lines


def final(session: RunSession) -> RunState:
    """The state once the run ended (a hang guard, not a timing check)."""
    assert session.wait(30), "the run did not end"
    return session.snapshot()


def assert_all_over(state: RunState) -> None:
    still = [(w.id, w.state) for w in state.workers.values() if w.state in LIVE]
    assert not still, f"workers left live: {still}"


# -- a process killed -------------------------------------------------------------------
def test_sigkill_of_a_worker_process_fails_that_worker_only(start: Start) -> None:
    session = start(config("sleepers", count=2, seconds=1.0))
    victim, survivor = ready_processes(session, 2)
    os.kill(victim, signal.SIGKILL)
    state = final(session)

    by_pid = {w.pid: w for w in state.workers.values() if w.kind == PROCESS}
    assert by_pid[victim].state == State.FAILED
    assert "killed by SIGKILL" in by_pid[victim].error
    assert by_pid[survivor].state == State.DONE
    assert state.status == RunStatus.FINISHED
    assert not state.ok and state.failed_workers == [by_pid[victim]]


def test_a_process_killed_before_it_registers_still_fails_the_run(start: Start) -> None:
    """Regression: the exit of a pid no worker had registered was ignored, so a process
    SIGKILLed before its first batch vanished and the run was reported ok."""
    # import_delay holds the child in the import of its target's module: it exists, and
    # has not registered yet, for as long as the test needs.
    session = start(config("sleepers", count=1, seconds=0.1, import_delay=30.0))
    assert session.pid is not None
    host = session.pid
    wait_for(lambda: worker_processes(host), "the worker process")
    victim = worker_processes(host)[0].pid
    os.kill(victim, signal.SIGKILL)
    state = final(session)

    assert state.exits.get(victim) == -signal.SIGKILL  # the host saw it die ...
    assert not state.ok  # ... so the run cannot be reported a success
    errors = [state.error, *(w.error for w in state.failed_workers)]
    assert any("killed by SIGKILL" in e for e in errors)


def gone(pid: int) -> bool:
    """Whether ``pid`` exited (a zombie nobody reaped yet counts as exited)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_a_process_whose_parent_is_killed_exits_with_it(start: Start) -> None:
    """Regression: watch_parent ran while a spawned child unpickled its target, before
    parent_process() was set, and so watched nothing: an orphan lived on to the run's end."""
    session = start(config("nested", seconds=60.0))
    wait_for(lambda: said_ready(session, "p1.1"), "p1.1 to be up")
    workers = session.snapshot().workers
    parent, child = workers["p1"].pid, workers["p1.1"].pid
    os.kill(parent, signal.SIGKILL)
    try:  # a parent watcher reacts at once; the bound is only well inside the run's 60 s
        wait_for(lambda: gone(child), "p1.1 to exit with its parent", limit_s=20.0)
        # The host's reaper reports p1's death; wait for it before cancelling, or a
        # cancel that lands first would (rightly) call p1 cancelled.
        wait_for(lambda: session.snapshot().workers["p1"].error != "", "p1's exit")
    finally:
        assert not session.snapshot().over  # the run went on: only its watcher could act
        session.cancel()
    assert final(session).workers["p1"].error == "killed by SIGKILL"


def test_sigkill_of_the_host_fails_the_run_and_ends_every_worker(start: Start) -> None:
    session = start(config("sleepers", count=2, seconds=60.0))
    ready_processes(session, 2)
    assert session.pid is not None
    os.kill(session.pid, signal.SIGKILL)
    state = final(session)

    assert state.status == RunStatus.FAILED
    assert state.error.startswith("the run host was killed by SIGKILL")
    assert_all_over(state)
    assert {w.state for w in state.workers.values()} == {State.FAILED}


# -- code that raises, a host that dies -------------------------------------------------
def test_a_worker_thread_that_raises_fails_that_worker(start: Start) -> None:
    """Regression: only threads of workloads.demos modules were workers; a thread of any
    other demo module was not, and its exception became loose output lines."""
    state = final(start(config("raise_in_thread")))
    threads = [w for w in state.workers.values() if w.kind == THREAD and w.id != "main"]
    assert len(threads) == 1
    (worker,) = threads
    assert worker.state == State.FAILED
    assert worker.error == f"ValueError: {MESSAGE}"
    assert "raise ValueError(message)" in worker.traceback
    assert not state.ok


def test_a_worker_process_that_raises_fails_that_worker(start: Start) -> None:
    state = final(start(config("raise_in_process")))
    (worker,) = [w for w in state.workers.values() if w.kind == PROCESS]
    assert worker.state == State.FAILED
    assert worker.error == f"ValueError: {MESSAGE}"
    assert worker.traceback.rstrip().endswith(f"ValueError: {MESSAGE}")
    assert "raise ValueError(message)" in worker.traceback
    assert state.status == RunStatus.FINISHED and not state.ok
    assert state.workers["main"].state == State.DONE


def test_a_line_printed_by_a_thread_that_is_no_worker_stays_one_line(start: Start) -> None:
    """Regression: each write of a thread that is no worker was taken as whole lines, so
    print('left', 'right') there became 'left', ' ', 'right'."""
    state = final(start(config("split_print")))
    assert [o.text for o in state.outputs] == ["left right"]


def test_a_host_that_exits_at_start_up_fails_the_run(start: Start) -> None:
    state = final(start(config("exit_at_import")))
    assert state.status == RunStatus.FAILED
    assert f"exited with code {IMPORT_EXIT_CODE}" in state.error
    assert_all_over(state)


def test_a_callback_that_raises_kills_the_run_before_propagating() -> None:
    hosts: list[int] = []

    def on_start(session: RunSession) -> None:
        assert session.pid is not None
        hosts.append(session.pid)

    def explode(state: RunState, events: object) -> None:
        if any(w.kind == PROCESS for w in state.workers.values()):
            raise RuntimeError("the consumer broke")

    with pytest.raises(RuntimeError, match="the consumer broke"):
        run_to_end(config("sleepers", count=2, seconds=60.0), on_events=explode, on_start=on_start)
    assert group_gone(hosts[0])


# -- pause, resume, cancel ----------------------------------------------------------------
def stopped(pgid: int) -> bool:
    """Whether every live process of the group is stopped (state T)."""
    members = group_members(pgid)
    try:
        return bool(members) and all(p.status() == psutil.STATUS_STOPPED for p in members)
    except psutil.Error:
        return False


def test_pause_stops_the_whole_group_and_resume_lets_it_finish(start: Start) -> None:
    session = start(config("sleepers", count=2, seconds=0.5))
    ready_processes(session, 2)
    assert session.pid is not None
    pgid = session.pid
    session.pause()
    assert session.paused
    wait_for(lambda: stopped(pgid), "every process of the run to be stopped")
    assert len(group_members(pgid)) >= 3  # the host and both sleepers, at least

    session.resume()
    assert not session.paused
    wait_for(
        lambda: not any(p.status() == psutil.STATUS_STOPPED for p in group_members(pgid)),
        "the run to go on",
    )
    state = final(session)
    assert state.ok, state.error
    assert {w.state for w in state.workers.values()} == {State.DONE}


def test_cancel_while_paused_ends_the_run(start: Start) -> None:
    session = start(config("sleepers", count=2, seconds=60.0))
    ready_processes(session, 2)
    assert session.pid is not None
    session.pause()
    wait_for(lambda: stopped(session.pid or 0), "the run to be stopped")
    session.cancel()
    state = final(session)
    assert state.status == RunStatus.CANCELLED
    assert {w.state for w in state.workers.values()} == {State.CANCELLED}
    assert not session.paused


def test_cancel_before_follow_starts() -> None:
    with RunSession(config("sleepers", count=2, seconds=60.0)) as session:
        session.cancel()
        state = session.follow()
        pgid = session.pid
    assert state.status == RunStatus.CANCELLED
    assert_all_over(state)
    assert pgid is not None and group_gone(pgid)


def test_close_without_follow_leaves_nothing() -> None:
    session = RunSession(config("sleepers", count=2, seconds=60.0)).start()
    assert session.pid is not None
    wait_for(lambda: len(worker_processes(session.pid or 0)) == 2, "the sleepers")
    session.close()
    assert session.closed
    assert group_gone(session.pid)


# -- start-up order of the instrumentation ----------------------------------------------
def pool_workers(state: RunState) -> list[str]:
    return sorted(w.id for w in state.workers.values() if w.kind == PROCESS)


def test_a_pool_started_in_a_child_process_reports_its_workers(start: Start) -> None:
    state = final(start(config("pool_in_child", workers=2)))
    assert state.ok, state.error
    # p1 runs the pool; p1.1 and p1.2 are its workers: they reported, so the child had
    # the instrumentation before it imported the module that binds ProcessPoolExecutor.
    assert pool_workers(state) == ["p1", "p1.1", "p1.2"]
    assert state.workers["p1"].name == "run_pool"
    assert {w.state for w in state.workers.values()} == {State.DONE}
    assert [o.text for o in state.outputs] == ["squares: 14"]


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_a_pool_with_its_own_start_method_reports_its_workers(start: Start, method: str) -> None:
    state = final(start(config("mp_context_pool", method=method, workers=2)))
    assert state.ok, state.error
    assert pool_workers(state) == ["p1", "p2"]
    assert {w.state for w in state.workers.values()} == {State.DONE}
    assert [o.text for o in state.outputs] == ["squares: 14"]


def test_a_process_pool_can_run_time_sleep_itself(start: Start) -> None:
    """Regression: the run's time.sleep was a local function, which cannot be pickled by
    name: pool.map(time.sleep, ...) failed in a run though it works in plain Python."""
    state = final(start(config("pool_maps_sleep", workers=2)))
    assert state.ok, state.error
    assert [o.text for o in state.outputs] == ["slept"]


# -- what readers see -------------------------------------------------------------------
def test_version_moves_with_the_state_and_snapshots_are_copies(start: Start) -> None:
    session = start(config("flood", lines=2000))
    state = final(session)
    assert session.version > 0
    snap = session.snapshot()
    snap.workers.clear()
    assert session.snapshot().workers  # a snapshot is the reader's own
    assert len(state.outputs) == 2000
    assert [o.text for o in state.outputs[:2]] == ["line 0", "line 1"]
