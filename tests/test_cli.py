"""The command line: listing, headless runs, JSON, bad input, and signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from tests.process_checks import wait_for_no_children

CLI = [sys.executable, "-m", "tui"]


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout)


def test_list_shows_every_seed_demo() -> None:
    out = cli("list")
    assert out.returncode == 0
    ids = [line.split()[0] for line in out.stdout.splitlines()]
    assert {"threads", "processes", "thread-pool", "process-pool"} <= set(ids)


def test_run_help_lists_the_demo_options() -> None:
    out = cli("run", "thread-pool", "--help")
    assert out.returncode == 0
    for option in ("--workers", "--items", "--sleep", "--time-scale", "--json"):
        assert option in out.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "nope", "--headless"], "unknown demo 'nope'"),
        (["run", "threads", "--bogus", "--headless"], "unrecognized arguments: --bogus"),
        (["run", "threads", "--time-scale", "-1", "--headless"], "--time-scale must be at least"),
        (["run", "threads", "--time-scale", "fast", "--headless"], "must be a number"),
        (["run", "thread-pool", "--workers", "0", "--json"], "--workers must be at least 1"),
        (["run", "thread-pool", "--items", "2.5", "--json"], "must be a whole number"),
        (["frobnicate"], "unknown command 'frobnicate'"),
        (["--demo", "nope"], "unknown demo 'nope'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    out = cli(*args)
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert message in lines[0]
    assert "Traceback" not in out.stderr


@pytest.mark.usefixtures("no_orphans")
def test_headless_prints_lines_prefixed_by_worker_and_a_summary() -> None:
    out = cli("run", "threads", "--headless", "--time-scale", "0.02")
    assert out.returncode == 0, out.stderr
    assert "t1 print_numbers" in out.stdout and "Number: 4" in out.stdout
    assert "Letter: D" in out.stdout
    for column in ("worker", "kind", "pid", "tid", "cpu s", "state"):
        assert column in out.stdout
    assert "total " in out.stdout


@pytest.mark.usefixtures("no_orphans")
def test_json_document_has_the_documented_shape() -> None:
    out = cli("run", "processes", "--json", "--time-scale", "0.02", "--items", "2")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    for key in ("demo", "params", "time_scale", "wall_s", "cpu_s", "host_pid", "workers"):
        assert key in doc
    assert doc["demo"] == "processes" and doc["params"]["items"] == 2
    assert doc["time_scale"] == 0.02
    for w in doc["workers"]:
        assert {"id", "name", "kind", "pid", "tid", "state", "started", "finished", "cpu_s"} <= set(
            w
        )
        assert w["kind"] in ("thread", "process")
    texts = [o["text"] for o in doc["outputs"]]
    assert {"Square of 0: 0", "Square of 1: 1", "Cube of 0: 0", "Cube of 1: 1"} <= set(texts)
    for worker in {o["worker"] for o in doc["outputs"]}:  # arrival order keeps each worker's
        times = [o["t"] for o in doc["outputs"] if o["worker"] == worker]
        assert times == sorted(times)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a shell starts a background job


def _start_long_run(
    background: bool = False,
) -> tuple[subprocess.Popen[str], list[psutil.Process]]:
    proc = subprocess.Popen(
        [*CLI, "run", "processes", "--headless", "--time-scale", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_ignore_sigint if background else None,
    )
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 30
    # wait until the host and both demo processes exist
    while time.monotonic() < deadline:
        tree = parent.children(recursive=True)
        workers = [p for p in tree if "resource_tracker" not in " ".join(_cmd(p))]
        if len(workers) >= 3:
            return proc, workers
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the run did not start")


def _cmd(p: psutil.Process) -> list[str]:
    try:
        return p.cmdline()
    except psutil.Error:
        return []


def _gone(procs: list[psutil.Process], deadline_s: float) -> list[psutil.Process]:
    _, alive = psutil.wait_procs(procs, timeout=deadline_s)
    for p in alive:
        p.kill()
    return alive


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_mid_run_stops_everything(sig: int, code: int) -> None:
    proc, workers = _start_long_run()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == code
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _gone(workers, 2.0) == []


def test_sigint_stops_a_run_started_in_the_background_too() -> None:
    """`interleave run ... &` inherits SIGINT ignored; `kill -INT` must still stop it."""
    proc, workers = _start_long_run(background=True)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert _gone(workers, 2.0) == []


def test_sigkill_of_the_cli_takes_the_run_down_too() -> None:
    proc, workers = _start_long_run()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=5)
    assert _gone(workers, 3.0) == []
    assert wait_for_no_children(1.0) == []
