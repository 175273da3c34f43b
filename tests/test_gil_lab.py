"""The GIL lab demos: every mode runs, with the right workers, kinds and spans.

Small headless runs; structure only, never timings (the machine's cores are shared).
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import sys
from itertools import pairwise

import pytest

from tui.cli import main as cli_main
from workloads import catalog, gil_lab
from workloads.events import PROCESS, RUNNING, THREAD, WAITING, RunStatus
from workloads.interpreter import probe
from workloads.param import ParamError
from workloads.run_session import run_to_end
from workloads.runtime import RunConfig

pytestmark = pytest.mark.usefixtures("no_orphans")

SMALL_CPU = {"workers": 2, "size": 200}
SMALL_IO = {"workers": 2, "items": 2, "wait": 0.01}
KIND = {
    "threads": THREAD,
    "thread-pool": THREAD,
    "processes": PROCESS,
    "process-pool": PROCESS,
    "dask": PROCESS,  # one panel per worker process of the run's LocalCluster
}


def test_catalog_has_the_lab_with_its_options():
    for demo_id in ("cpu-bound", "io-bound"):
        demo = catalog.get(demo_id)
        modes = gil_lab.IO_MODES if demo_id == "io-bound" else gil_lab.MODES
        assert demo.param("mode").choices == modes
        assert demo.defaults()["workers"] == 2 * gil_lab.cores()
        assert demo.defaults()["switch_interval"] == 5.0


def test_switch_interval_reaches_the_run_config():
    config = catalog.get("cpu-bound").config({"switch_interval": 1.0})
    assert isinstance(config, RunConfig)
    assert config.switch_interval == pytest.approx(0.001)
    assert catalog.get("threads").config({}).switch_interval == pytest.approx(0.005)


@pytest.mark.parametrize("mode", gil_lab.MODES)
def test_cpu_bound_mode_structure(mode):
    demo = catalog.get("cpu-bound")
    state = run_to_end(demo.config({**SMALL_CPU, "mode": mode, "switch_interval": 2.0}))
    assert state.status == RunStatus.FINISHED, state.error
    assert state.switch_interval == pytest.approx(0.002)
    workers = [w for w in state.workers.values() if w.id != "main"]
    if mode == "sequential":
        assert workers == []
        busy = [state.workers["main"]]
    else:
        assert len(workers) == 2
        assert {w.kind for w in workers} == {KIND[mode]}
        busy = workers
    pids = {w.pid for w in workers}
    if KIND.get(mode) == PROCESS:
        assert len(pids) == 2 and state.host_pid not in pids
    elif workers:
        assert pids == {state.host_pid}
    for w in busy:
        assert any(s.state == RUNNING for s in w.spans)
        assert all(s.start <= s.end for s in w.spans)
        assert all(a.end <= b.start + 1e-6 for a, b in pairwise(w.spans))
    assert any("crunched 200 units" in o.text for o in state.outputs)


@pytest.mark.parametrize("mode", gil_lab.MODES)
def test_io_bound_mode_structure(mode):
    demo = catalog.get("io-bound")
    state = run_to_end(demo.config({**SMALL_IO, "mode": mode}, time_scale=0.5))
    assert state.status == RunStatus.FINISHED, state.error
    workers = [w for w in state.workers.values() if w.id != "main"]
    assert len(workers) == (0 if mode == "sequential" else 2)
    lines = [o.text for o in state.outputs if o.text.startswith("item ")]
    assert len(lines) == 4
    busy = workers or [state.workers["main"]]
    for w in busy:
        assert any(s.state == WAITING for s in w.spans)
    if mode == "threads":
        assert all(w.done == w.total == 2 for w in workers)  # a printed line is progress


def test_json_of_a_run_has_spans(capsys):
    assert cli_main(["run", "cpu-bound", "--json", "--workers", "2", "--size", "100"]) == 0
    doc = json.loads(capsys.readouterr().out)
    workers = {w["id"]: w for w in doc["workers"]}
    assert {"t1", "t2"} <= set(workers)
    for w in workers.values():
        assert w["spans"], w["id"]
        assert set(w["spans"][0]) == {"start", "end", "state"}
        starts = [s["start"] for s in w["spans"]]
        assert starts == sorted(starts)


def test_threads_demo_json_keeps_its_keys(capsys):
    assert cli_main(["run", "threads", "--json", "--time-scale", "0.01", "--numbers", "2"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for key in ("demo", "params", "status", "wall_s", "cpu_s", "workers", "outputs"):
        assert key in doc
    assert [o["text"] for o in doc["outputs"]][:2] == ["Number: 0", "Letter: A"]


def test_python_option_runs_the_host_under_that_interpreter(capsys):
    args = ["run", "cpu-bound", "--json", "--workers", "1", "--size", "50"]
    assert cli_main([*args, "--python", sys.executable]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "finished"
    assert isinstance(doc["gil_enabled"], bool)


def _other_python() -> str | None:
    """An installed Python >= 3.10 of another version than this one, if there is one."""
    names = ["python3.13", "python3.12", "python3.10", "python3.11"]
    found = [shutil.which(n) for n in names]
    found += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1*/bin/python3")))
    mine = sys.version.split()[0]
    for path in filter(None, found):
        try:
            info = probe(path)
        except ParamError:
            continue
        if info.version != mine:
            return path
    return None


def test_python_option_with_another_version(capsys):
    other = _other_python()
    if other is None:
        pytest.skip("no other Python >= 3.10 installed")
    args = ["run", "cpu-bound", "--json", "--mode", "processes", "--workers", "1", "--size", "50"]
    assert cli_main([*args, "--python", other]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["status"] == "finished"
    assert doc["python"] != sys.version.split()[0]
    assert [w["kind"] for w in doc["workers"]] == ["thread", "process"]


@pytest.mark.parametrize(
    ("path", "words"),
    [("/no/such/python", "not an executable file"), ("/bin/true", "not a Python")],
)
def test_python_option_refuses_a_bad_path(capsys, path, words):
    assert cli_main(["run", "cpu-bound", "--json", "--python", path]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1
