"""The ``crash`` demo, run headless for real: a segfault takes down its whole process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from workloads import catalog
from workloads.events import FAILED, PROCESS, THREAD, RunStatus
from workloads.run_document import run_document
from workloads.run_session import run_to_end
from workloads.run_state import RunState
from workloads.runtime import RunConfig

COLUMNS = ["worker", "kind", "pid", "outcome", "signal"]


def run(**params: object) -> tuple[RunState, list[dict]]:
    state = run_to_end(catalog.get("crash").config(params, time_scale=0.2))
    assert state.status == RunStatus.FINISHED, state.error  # the host lived on
    results = run_document(state)["results"]
    assert [list(r) for r in results] == [COLUMNS] * len(results)
    return state, results


@pytest.mark.usefixtures("no_orphans")
def test_a_crashing_thread_takes_every_thread_of_its_process() -> None:
    state, results = run(mode="threads", workers=3, crash_after=0.5)
    process, *threads, main = results
    assert (process["kind"], process["outcome"], process["signal"]) == (
        "process",
        "crashed",
        "SIGSEGV",
    )
    assert [t["outcome"] for t in threads] == ["died with its process"] * 2 + ["crashed"]
    assert {t["signal"] for t in threads} == {"SIGSEGV"}
    assert {t["pid"] for t in threads} == {process["pid"]}
    assert (main["outcome"], main["signal"]) == ("finished", "")
    assert state.exits[process["pid"]] == -11

    # The panels say the same: every worker of the dead process failed, with why.
    victims = [w for w in state.workers.values() if w.pid == process["pid"]]
    assert len(victims) == 4 and all(w.state == FAILED for w in victims)
    by_id = {w.id: w for w in victims}
    assert by_id[process["worker"]].kind == PROCESS
    assert by_id[process["worker"]].error == "killed by SIGSEGV"
    for t in threads[:2]:
        assert by_id[t["worker"]].kind == THREAD
        assert by_id[t["worker"]].error == "its process was killed by SIGSEGV"
    crasher = by_id[threads[2]["worker"]]
    assert "SIGSEGV" in crasher.error
    # faulthandler's dump, attached by the parent: the crashing thread's stack.
    assert "Segmentation fault" in crasher.traceback
    assert "in crash" in crasher.traceback and "in crasher" in crasher.traceback
    assert state.workers["main"].state != FAILED


@pytest.mark.usefixtures("no_orphans")
def test_a_crashing_process_leaves_its_siblings_and_the_parent_running() -> None:
    state, results = run(mode="processes", workers=3, crash_after=0.5)
    *children, main = results
    assert [c["kind"] for c in children] == ["process"] * 3
    assert [c["outcome"] for c in children] == ["finished", "crashed", "finished"]
    assert [c["signal"] for c in children] == ["", "SIGSEGV", ""]
    assert main["outcome"] == "finished"
    crashed = state.workers[children[1]["worker"]]
    assert crashed.state == FAILED and "Segmentation fault" in crashed.traceback
    for c in (children[0], children[2]):
        assert state.workers[c["worker"]].state != FAILED
    assert [state.exits[c["pid"]] for c in children] == [0, -11, 0]
    assert any("exit code -11" in o.text for o in state.outputs if o.worker == "main")


@pytest.mark.usefixtures("no_orphans")
def test_cli_json_carries_outcomes_and_the_traceback() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "tui", "run", "crash", "--json", "--time-scale", "0.2"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1, out.stderr  # workers failed: the CLI says so
    doc = json.loads(out.stdout)
    assert doc["status"] == "finished"
    assert {r["outcome"] for r in doc["results"]} == {
        "crashed",
        "died with its process",
        "finished",
    }
    crashed = [w for w in doc["workers"] if "traceback" in w]
    assert len(crashed) == 1 and "Segmentation fault" in crashed[0]["traceback"]


@pytest.mark.usefixtures("no_orphans")
def test_a_host_that_crashes_is_a_result() -> None:
    state = run_to_end(RunConfig("crash-host", "tests.crash_host", {}, time_scale=0.2))
    assert state.status == RunStatus.FAILED
    assert state.error.startswith("the run host was killed by SIGSEGV")
    assert state.workers and all(w.state == FAILED for w in state.workers.values())
    assert {w.error for w in state.workers.values()} == {
        "died with the run host (killed by SIGSEGV)"
    }
