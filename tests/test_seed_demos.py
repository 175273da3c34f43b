"""The lesson's four demos, run headless for real at a small time scale."""

from __future__ import annotations

import os

import pytest

from workloads import catalog
from workloads.events import DONE, PROCESS, THREAD, RunStatus
from workloads.run_session import run_to_end
from workloads.run_state import RunState

SCALE = 0.02


def run(demo_id: str, **params: object) -> RunState:
    demo = catalog.get(demo_id)
    return run_to_end(demo.config(params, SCALE))


def lines_of(state: RunState, worker: str) -> list[str]:
    return [o.text for o in state.outputs if o.worker == worker]


def by_name(state: RunState, name: str) -> str:
    return next(w.id for w in state.workers.values() if w.name == name)


@pytest.mark.usefixtures("no_orphans")
def test_threads_interleave_in_one_process() -> None:
    s = run("threads")
    assert s.status == RunStatus.FINISHED
    t1, t2 = by_name(s, "print_numbers"), by_name(s, "print_letters")
    assert lines_of(s, t1) == [f"Number: {i}" for i in range(5)]
    assert lines_of(s, t2) == [f"Letter: {c}" for c in "ABCD"]
    main_lines = lines_of(s, "main")
    assert len(main_lines) == 1 and main_lines[0].startswith("Total time: ")
    workers = [s.workers[t1], s.workers[t2]]
    assert {w.kind for w in workers} == {THREAD}
    assert {w.pid for w in workers} == {s.host_pid}
    assert len({w.tid for w in [*workers, s.workers["main"]]}) == 3
    assert all(w.state == DONE and (w.done, w.total) == (w.total, w.total) for w in workers)
    assert s.host_pid != os.getpid()
    # interleaved: the first two lines come from different threads
    assert {s.outputs[0].worker, s.outputs[1].worker} == {t1, t2}


@pytest.mark.usefixtures("no_orphans")
def test_processes_have_their_own_pids() -> None:
    s = run("processes", items=3)
    assert s.status == RunStatus.FINISHED
    sq, cu = s.workers[by_name(s, "square_numbers")], s.workers[by_name(s, "cube_numbers")]
    assert lines_of(s, sq.id) == ["Square of 0: 0", "Square of 1: 1", "Square of 2: 4"]
    assert lines_of(s, cu.id) == ["Cube of 0: 0", "Cube of 1: 1", "Cube of 2: 8"]
    assert sq.kind == cu.kind == PROCESS
    assert len({sq.pid, cu.pid, s.host_pid}) == 3
    assert sq.tid == sq.pid  # each runs in its process's main thread
    assert lines_of(s, "main")[0].startswith("Total time: ")


@pytest.mark.usefixtures("no_orphans")
def test_thread_pool_returns_results_in_order() -> None:
    s = run("thread-pool")
    assert s.status == RunStatus.FINISHED
    assert lines_of(s, "main") == [f"Number: {n}" for n in range(1, 6)]
    pool = [w for w in s.workers.values() if w.id != "main"]
    assert len(pool) == 3
    assert {w.kind for w in pool} == {THREAD} and {w.pid for w in pool} == {s.host_pid}
    assert sum(w.done for w in pool) == 5  # every task counted once, by the thread that ran it
    assert all(w.state == DONE for w in pool)


@pytest.mark.usefixtures("no_orphans")
def test_process_pool_returns_results_in_order() -> None:
    s = run("process-pool", workers=2, items=4)
    assert s.status == RunStatus.FINISHED
    assert lines_of(s, "main") == [f"Square: {n * n}" for n in range(1, 5)]
    pool = [w for w in s.workers.values() if w.id != "main"]
    assert 1 <= len(pool) <= 2
    assert {w.kind for w in pool} == {PROCESS}
    assert s.host_pid not in {w.pid for w in pool}
    assert sum(w.done for w in pool) == 4
    assert all(w.state == DONE for w in pool)


@pytest.mark.usefixtures("no_orphans")
def test_a_failing_demo_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    demo = catalog.get("threads")
    config = demo.config({}, SCALE)._replace(module="workloads.no_such_module")
    s = run_to_end(config)
    assert s.status == "failed"
    assert "No module named 'workloads.no_such_module'" in s.error
