"""The startup and handoff demos: every row they promise, from real workers.

Small headless runs; what rows and columns there are, never what the figures are.
"""

from __future__ import annotations

import json
import multiprocessing

import pytest

from tui.cli import main as cli_main
from workloads import catalog
from workloads.events import PROCESS, THREAD, RunStatus
from workloads.run_session import run_to_end

pytestmark = pytest.mark.usefixtures("no_orphans")


def test_startup_has_a_row_per_start_method():
    demo = catalog.get("startup")
    state = run_to_end(demo.config({"workers": 2, "alive": 1}))
    assert state.status == RunStatus.FINISHED, state.error
    rows = [state.results[i] for i in sorted(state.results)]
    assert all(set(r) == set(demo.results) for r in rows)
    assert (rows[0]["kind"], rows[0]["method"]) == ("thread", "thread")
    methods = [r["method"] for r in rows[1:]]
    assert sorted(methods) == sorted(multiprocessing.get_all_start_methods())
    assert {r["kind"] for r in rows[1:]} == {"process"}
    for r in rows:
        assert r["start_ms_median"] > 0 and r["memory_mb"] >= 0
    # The timed workers run library code only: no panel each, just the main thread's.
    assert list(state.workers) == ["main"]


def test_handoff_has_rows_for_both_kinds_and_both_payloads(capsys):
    args = ["run", "handoff", "--payload-kb", "64", "--seconds", "0.1", "--json"]
    assert cli_main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "finished"
    rows = doc["results"]
    assert {(r["kind"], r["payload_kb"]) for r in rows} == {
        ("thread", 0),
        ("process", 0),
        ("thread", 64),
        ("process", 64),
    }
    for r in rows:
        assert r["round_trips_per_s"] > 0 and r["us_per_round_trip"] > 0
    kinds = {w["name"]: w["kind"] for w in doc["workers"]}
    assert kinds["echo_thread"] == THREAD and kinds["echo_process"] == PROCESS


def test_handoff_without_payload_measures_it_once():
    demo = catalog.get("handoff")
    state = run_to_end(demo.config({"payload_kb": 0, "seconds": 0.1}))
    assert state.status == RunStatus.FINISHED, state.error
    assert sorted((r["kind"], r["payload_kb"]) for r in state.results.values()) == [
        ("process", 0),
        ("thread", 0),
    ]
