"""The dask mode: a LocalCluster per run, or an existing cluster; workers as panels.

Small runs with 2 workers (the machine has 2 shared cores); structure only, never
timings. Every process a run starts is checked gone afterwards with psutil, including
the ones that are not the test's children (a worker the nanny restarted).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any, NamedTuple

import psutil
import pytest

from tests.process_checks import wait_for_no_children
from tui.cli import main as cli_main
from workloads import catalog
from workloads.events import (
    PROCESS,
    RUNNING,
    WAITING,
    RunStatus,
    State,
    StateChanged,
    WorkerCpu,
    WorkerStarted,
)
from workloads.run_session import RunSession, run_to_end
from workloads.run_state import RunState

pytestmark = pytest.mark.usefixtures("no_orphans")

BIN = Path(sys.executable).parent


def _gone(pids: set[int], within: float = 5.0) -> set[int]:
    """Which of ``pids`` are still running after ``within`` seconds."""
    end = time.monotonic() + within
    left = pids
    while left and time.monotonic() < end:
        left = {p for p in left if psutil.pid_exists(p) and _alive(p)}
        time.sleep(0.05)
    return left


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


class Watch:
    """Follows a run's events: the pids of its dask workers and their process groups."""

    def __init__(self) -> None:
        self.pids: dict[str, int] = {}
        self.groups: dict[int, int] = {}

    def __call__(self, state: RunState, events: list[Any]) -> None:
        for e in events:
            if isinstance(e, WorkerStarted) and e.worker.startswith("d"):
                self.pids[e.worker] = e.pid
                with contextlib.suppress(ProcessLookupError):
                    self.groups[e.pid] = os.getpgid(e.pid)


def test_local_cluster_cpu_bound_shows_each_worker_process():
    demo = catalog.get("cpu-bound")
    watch = Watch()
    state = run_to_end(demo.config({"mode": "dask", "workers": 2, "size": 300}), on_events=watch)
    assert state.status == RunStatus.FINISHED, state.error
    dask = [w for w in state.workers.values() if w.id != "main"]
    assert sorted(w.id for w in dask) == ["d1", "d2"]
    assert {w.kind for w in dask} == {PROCESS}
    pids = {w.pid for w in dask}
    assert len(pids) == 2 and state.host_pid not in pids
    # The cluster's processes are the run's: in its process group, gone after it.
    assert all(watch.groups[pid] == state.host_pid for pid in pids)
    assert not _gone(pids)
    assert sum(w.done for w in dask) == 2  # each task is one unit of progress
    for w in dask:
        assert w.state == State.DONE
        assert any(s.state == RUNNING for s in w.spans) or w.done == 0
        assert any(s.state == WAITING for s in w.spans)  # idle: waiting for a task
        assert all(a.end <= b.start + 1e-6 for a, b in pairwise(w.spans))
        assert w.cpu_s is not None and w.cpu_s > 0
    lines = [o for o in state.outputs if o.text.startswith("crunched 300 units")]
    assert sorted(o.worker for o in lines) == sorted(w.id for w in dask if w.done)
    # The host only waited for the cluster: it never computed.
    assert any(s.state == WAITING for s in state.workers["main"].spans)


def test_the_panel_shows_the_task_being_run():
    demo = catalog.get("io-bound")
    seen: list[str] = []

    def on_events(state: RunState, events: list[Any]) -> None:
        seen.extend(e.detail for e in events if isinstance(e, StateChanged) and e.worker[0] == "d")

    config = demo.config({"mode": "dask", "workers": 2, "items": 2, "wait": 0.05})
    state = run_to_end(config, on_events=on_events)
    assert state.status == RunStatus.FINISHED, state.error
    assert "fetch(2, 0.05)" in seen
    assert "sleep(0.05)" in seen  # a sleep in a task is a wait on its worker's lane
    assert len([o for o in state.outputs if o.text.startswith("item ")]) == 4


def test_a_worker_killed_mid_run_is_shown_and_the_run_completes():
    demo = catalog.get("cpu-bound")
    killed: list[int] = []

    def kill_first_busy(state: RunState, events: list[Any]) -> None:
        for e in events:
            if killed or not isinstance(e, StateChanged) or not e.detail.startswith("crunch("):
                continue
            pid = state.workers[e.worker].pid
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    config = demo.config({"mode": "dask", "workers": 2, "size": 10000})
    state = run_to_end(config, on_events=kill_first_busy)
    assert killed, "no task started"
    assert state.status == RunStatus.FINISHED, state.error
    dead = [w for w in state.workers.values() if w.pid == killed[0]]
    assert len(dead) == 1 and dead[0].state == State.FAILED
    assert "SIGKILL" in dead[0].error
    # Both jobs were done all the same: dask ran the lost one again on another worker.
    # (at least: a result lost with its worker before it was fetched is computed again)
    assert len([o for o in state.outputs if o.text.startswith("crunched 10000")]) >= 2
    assert any("left the cluster" in o.text for o in state.outputs)
    others = {w.pid for w in state.workers.values() if w.id.startswith("d")}
    assert not _gone(others)


def test_cancel_takes_the_cluster_down_with_the_run():
    demo = catalog.get("cpu-bound")
    config = demo.config({"mode": "dask", "workers": 2, "size": 200000})
    session = RunSession(config).start()
    try:
        session.follow_in_background()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            busy = [w for w in session.snapshot().workers.values() if w.id.startswith("d")]
            if len(busy) == 2:
                break
            time.sleep(0.05)
        pids = {w.pid for w in busy}
        assert len(pids) == 2
        session.cancel()
        assert session.wait(10)
    finally:
        session.close()
    assert session.snapshot().status == RunStatus.CANCELLED
    assert not _gone(pids)


# -- an existing cluster ------------------------------------------------------------------
class Cluster(NamedTuple):
    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]]

    @property
    def pids(self) -> set[int]:
        return {p.pid for p in (self.scheduler, *self.workers)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """A scheduler and two workers, each its own process on 127.0.0.1 (as if on hosts)."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [BIN / "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        **quiet,  # type: ignore[call-overload]
    )
    workers = [
        subprocess.Popen(
            [
                BIN / "dask",
                "worker",
                address,
                "--host",
                "127.0.0.1",
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--name",
                f"w{i}",
            ],
            **quiet,  # type: ignore[call-overload]
        )
        for i in (1, 2)
    ]
    c = Cluster(address, scheduler, workers)
    try:
        _wait_for_workers(address, 2)
        yield c
    finally:
        for p in (*workers, scheduler):
            p.terminate()
        for p in (*workers, scheduler):
            try:
                p.wait(3)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def _wait_for_workers(address: str, n: int) -> None:
    from distributed import Client

    with Client(address, timeout=30) as client:
        client.wait_for_workers(n, timeout=60)


def _worker_state(address: str) -> list[tuple[list[str], str]]:
    """Each worker's plugin names and the type of its sys.stdout."""
    from distributed import Client

    def look(dask_worker: Any) -> tuple[list[str], str]:
        return list(dask_worker.plugins), type(sys.stdout).__name__

    with Client(address, timeout=30) as client:
        return list(client.run(look).values())


def test_an_existing_cluster_is_used_and_left_running(cluster, capsys):
    args = ["run", "cpu-bound", "--mode", "dask", "--scheduler", cluster.address]
    assert cli_main([*args, "--workers", "2", "--size", "200", "--json"]) == 0
    import json

    doc = json.loads(capsys.readouterr().out)
    dask = [w for w in doc["workers"] if w["id"] != "main"]
    assert sorted(w["id"] for w in dask) == ["d1", "d2"]
    assert {w["pid"] for w in dask} == {p.pid for p in cluster.workers}
    assert {w["kind"] for w in dask} == {"process"}
    assert all(w["spans"] for w in dask)
    # Its workers are no children of the run: their CPU comes from their own clocks.
    demo = catalog.get("cpu-bound")
    reported: set[str] = set()

    def on_events(state: RunState, events: list[Any]) -> None:
        reported.update(e.worker for e in events if isinstance(e, WorkerCpu))

    params = {"mode": "dask", "workers": 2, "size": 20000, "scheduler": cluster.address}
    state = run_to_end(demo.config(params), on_events=on_events)
    assert state.status == RunStatus.FINISHED, state.error
    assert reported == {"d1", "d2"}
    # The cluster is still up, and carries nothing of the run's: no plugin, no hook.
    assert all(p.poll() is None for p in (cluster.scheduler, *cluster.workers))
    for plugins, stdout in _worker_state(cluster.address):
        assert not [name for name in plugins if name.startswith("interleave-")]
        assert stdout != "_TaskOutput"


def test_a_cluster_that_dies_mid_run_fails_the_run(cluster):
    demo = catalog.get("cpu-bound")
    params = {"mode": "dask", "workers": 2, "size": 100000, "scheduler": cluster.address}
    config = demo.config({**params, "connect_timeout": 2.0})

    def kill_cluster_once_busy(state: RunState, events: list[Any]) -> None:
        if any(isinstance(e, StateChanged) and e.detail.startswith("crunch(") for e in events):
            for p in (cluster.scheduler, *cluster.workers):
                if p.poll() is None:
                    p.kill()

    state = run_to_end(config, on_events=kill_cluster_once_busy)
    assert state.status == RunStatus.FAILED
    assert "dask" in state.error
    assert not wait_for_no_children()  # the test's own cluster was killed too


# -- bad input ----------------------------------------------------------------------------
def _silent_server() -> tuple[socket.socket, threading.Event]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    stop = threading.Event()

    def serve() -> None:
        conns = []
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conns.append(server.accept()[0])
            except OSError:
                continue
        for c in conns:
            c.close()

    threading.Thread(target=serve, daemon=True).start()
    return server, stop


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("nonsense", "must look like tcp://HOST:PORT"),
        ("tcp://127.0.0.1", "must look like tcp://HOST:PORT"),
        ("tcp://127.0.0.1:70000", "must look like tcp://HOST:PORT"),
        ("http://127.0.0.1:8786", "must look like tcp://HOST:PORT"),
    ],
)
def test_a_malformed_scheduler_address_is_one_line(capsys, address, says):
    code = cli_main(["run", "cpu-bound", "--mode", "dask", "--scheduler", address, "--headless"])
    err = capsys.readouterr().err
    assert code == 2
    assert says in err and len(err.strip().splitlines()) == 1


def test_a_refused_scheduler_is_one_line(capsys):
    port = _free_port()  # closed again: nothing listens there
    args = ["run", "cpu-bound", "--mode", "dask", "--headless"]
    assert cli_main([*args, "--scheduler", f"tcp://127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert "cannot reach the dask scheduler" in err and len(err.strip().splitlines()) == 1


def test_a_scheduler_that_never_answers_is_refused_within_the_timeout(capsys):
    server, stop = _silent_server()
    try:
        port = server.getsockname()[1]
        args = ["run", "cpu-bound", "--mode", "dask", "--headless", "--connect-timeout", "0.3"]
        assert cli_main([*args, "--scheduler", f"tcp://127.0.0.1:{port}"]) == 2
    finally:
        stop.set()
        server.close()
    err = capsys.readouterr().err
    assert "no dask scheduler answered" in err and "0.3 s" in err


def test_a_run_killed_with_its_group_leaves_the_cluster_clean(cluster):
    """The host dies without a word (SIGKILL to its group): the workers' plugin sees the
    run's heartbeat stop and unregisters itself from the whole cluster."""
    demo = catalog.get("cpu-bound")
    params = {"mode": "dask", "workers": 2, "size": 30000, "scheduler": cluster.address}
    session = RunSession(demo.config(params)).start()
    try:
        session.follow_in_background()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if any(w.id.startswith("d") for w in session.snapshot().workers.values()):
                break
            time.sleep(0.05)
        assert session.pid is not None
        os.killpg(session.pid, signal.SIGKILL)
        assert session.wait(10)
    finally:
        session.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        states = _worker_state(cluster.address)
        if all(not [n for n in plugins if n.startswith("interleave-")] for plugins, _ in states):
            break
        time.sleep(1)
    assert all(stdout != "_TaskOutput" for _, stdout in states)
    assert all(not [n for n in plugins if n.startswith("interleave-")] for plugins, _ in states)
    assert all(p.poll() is None for p in (cluster.scheduler, *cluster.workers))


def test_threads_per_worker_gives_each_worker_thread_a_panel():
    demo = catalog.get("io-bound")
    params = {"mode": "dask", "workers": 2, "threads_per_worker": 2, "items": 2, "wait": 0.05}
    state = run_to_end(demo.config(params))
    assert state.status == RunStatus.FINISHED, state.error
    processes = {w.id: w for w in state.workers.values() if w.kind == PROCESS}
    threads = [w for w in state.workers.values() if "." in w.id]
    assert sorted(processes) == ["d1", "d2"]
    assert threads and all(w.kind == "thread" for w in threads)
    for w in threads:
        process = processes[w.id.split(".")[0]]
        assert w.pid == process.pid and w.tid != process.tid
        assert any(s.state == WAITING for s in w.spans)
    assert sum(w.done for w in threads) == 2


@pytest.mark.parametrize(
    "extra",
    [["--scheduler", "tcp://127.0.0.1:8786"], ["--threads-per-worker", "2"], ["--dashboard"]],
)
def test_dask_options_are_refused_in_another_mode(capsys, extra):
    assert cli_main(["run", "cpu-bound", "--mode", "threads", "--headless", *extra]) == 2
    err = capsys.readouterr().err
    assert "is for --mode dask, not --mode threads" in err and len(err.strip().splitlines()) == 1


def test_dashboard_without_bokeh_is_one_line(capsys):
    import importlib.util

    if importlib.util.find_spec("bokeh") is not None:
        pytest.skip("bokeh is installed here: the dashboard can be served")
    assert cli_main(["run", "cpu-bound", "--mode", "dask", "--dashboard", "--headless"]) == 2
    assert "--dashboard needs bokeh" in capsys.readouterr().err
