"""io-bound --mode asyncio: tasks on one event loop, in one thread, each a worker.

Headless runs; structure only, never timings.
"""

from __future__ import annotations

import json

import pytest

from tui.cli import main as cli_main
from workloads import catalog
from workloads.events import RUNNING, TASK, WAITING, RunStatus
from workloads.run_session import run_to_end

pytestmark = pytest.mark.usefixtures("no_orphans")


def test_asyncio_tasks_share_the_main_threads_tid():
    demo = catalog.get("io-bound")
    state = run_to_end(
        demo.config({"mode": "asyncio", "workers": 3, "items": 2, "wait": 0.02}, time_scale=0.5)
    )
    assert state.status == RunStatus.FINISHED, state.error
    main = state.workers["main"]
    tasks = [w for w in state.workers.values() if w.id != "main"]
    assert len(tasks) == 3
    assert {w.kind for w in tasks} == {TASK}
    assert {w.tid for w in tasks} == {main.tid}
    assert {w.pid for w in tasks} == {state.host_pid}
    for w in tasks:
        states = {s.state for s in w.spans}
        assert RUNNING in states and WAITING in states, w.id
        assert w.done == w.total == 2  # each printed line is its own, and progress
    lines = [o for o in state.outputs if o.text.startswith("item ")]
    assert {o.worker for o in lines} == {w.id for w in tasks}
    # The coroutine of asyncio.run is the main thread's: it waits on the gather.
    assert any(s.state == WAITING for s in main.spans)


def test_compare_io_bound_includes_asyncio(capsys):
    args = ["compare", "io-bound", "--workers", "2", "--items", "1", "--wait", "0.01", "--json"]
    assert cli_main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    modes = {m["mode"]: m for m in doc["modes"]}
    assert "asyncio" in modes
    assert modes["asyncio"]["status"] == "finished"
