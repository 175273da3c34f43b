"""The psutil sampler against real processes (structure and signs, never timings)."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil
import pytest

from workloads.cpu_sampler import CpuSample, CpuSampler

BUSY = "import time\nend = time.monotonic() + {s}\nwhile time.monotonic() < end: pass\n"


def test_per_core_is_primed_and_sized() -> None:
    sampler = CpuSampler()
    time.sleep(0.05)
    sample = sampler.sample()
    assert sample.cores == psutil.cpu_count()
    assert all(0.0 <= pct <= 100.0 for pct in sample.per_core)
    assert sample.cores_busy == 0.0  # nothing attached


def test_follows_a_busy_host_and_its_child() -> None:
    # The "host" runs a busy child, like a run host with a worker process.
    code = (
        f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {BUSY.format(s=1.5)!r}])\n"
    )
    host = subprocess.Popen([sys.executable, "-c", code])
    try:
        sampler = CpuSampler()
        sampler.attach(host.pid)
        sample = sampler.sample()
        for _ in range(40):  # until the child shows up and has used some CPU
            time.sleep(0.1)
            sample = sampler.sample()
            others = [pct for pid, pct in sample.process_pct.items() if pid != host.pid]
            if others and max(others) > 0.0:
                break
        assert host.pid in sample.process_pct
        assert max(pct for pid, pct in sample.process_pct.items() if pid != host.pid) > 0.0
        assert sample.run_cpu_s > 0.0
        assert sample.cores_busy > 0.0
    finally:
        host.wait(10)
    sampler.detach()
    frozen = sampler.sample()
    assert frozen.run_cpu_s >= sample.run_cpu_s  # totals kept after the run
    assert frozen.process_pct == {}


def test_thread_cpu_is_keyed_by_native_id() -> None:
    code = (
        "import threading, time\n"
        "def spin():\n"
        "    end = time.monotonic() + 1.5\n"
        "    while time.monotonic() < end: pass\n"
        "t = threading.Thread(target=spin); t.start(); t.join()\n"
    )
    host = subprocess.Popen([sys.executable, "-c", code])
    try:
        sampler = CpuSampler()
        sampler.attach(host.pid)
        busy: dict[int, float] = {}
        for _ in range(40):
            time.sleep(0.1)
            busy = {tid: pct for tid, pct in sampler.sample().thread_pct.items() if pct > 5}
            if busy:
                break
        tids = {t.id for t in psutil.Process(host.pid).threads()}
        assert busy and set(busy) <= tids
    finally:
        host.wait(10)


def test_a_vanished_host_is_not_an_error() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(10)
    sampler = CpuSampler()
    sampler.attach(proc.pid)
    sample = sampler.sample()
    assert isinstance(sample, CpuSample)
    assert sample.process_pct == {}


def test_other_load_is_the_machine_minus_the_run() -> None:
    from workloads.cpu_sampler import CpuSample

    sample = CpuSample(t=0.0, per_core=(100.0, 60.0), recent_busy=0.4)
    assert sample.machine_busy == pytest.approx(1.6)
    assert sample.other_busy == pytest.approx(1.2)
    assert CpuSample(t=0.0, per_core=(10.0,), recent_busy=0.5).other_busy == 0.0


def test_a_thread_or_process_read_once_has_no_figure_yet_never_zero() -> None:
    """A figure needs two readings: a busy thread seen for the first time must not say
    0% (the panels then show a dash)."""
    code = (
        "import threading, time\n"
        "def spin():\n"
        "    end = time.monotonic() + 2.0\n"
        "    while time.monotonic() < end: pass\n"
        "time.sleep(0.3)\n"
        "t = threading.Thread(target=spin); t.start(); t.join()\n"
    )
    host = subprocess.Popen([sys.executable, "-c", code])
    try:
        sampler = CpuSampler()
        sampler.attach(host.pid)
        first = sampler.sample()  # the host's thread only: no previous reading of it
        assert host.pid not in first.thread_pct
        time.sleep(0.6)  # the spinning thread has started
        seen = sampler.sample()
        spinner = {t.id for t in psutil.Process(host.pid).threads()} - {host.pid}
        assert spinner and not spinner & set(seen.thread_pct)  # read once: no figure
        time.sleep(0.3)
        later = sampler.sample()
        assert any(later.thread_pct.get(tid, 0.0) > 5 for tid in spinner)
        assert host.pid in later.process_pct
    finally:
        host.wait(10)


def test_a_rescan_finds_new_processes_before_the_second_is_up() -> None:
    code = "import subprocess, sys, time\ntime.sleep(0.3)\n" + (
        f"subprocess.run([sys.executable, '-c', {BUSY.format(s=1.0)!r}])\n"
    )
    host = subprocess.Popen([sys.executable, "-c", code])
    try:
        sampler = CpuSampler()
        sampler.attach(host.pid)
        time.sleep(0.6)  # the child has started, well within RESCAN_S of the attach
        assert len(psutil.Process(host.pid).children()) == 1
        assert not [p for p in sampler.sample().process_pct if p != host.pid]
        sampler.sample(rescan=True)  # its first reading
        time.sleep(0.2)
        child = [p for p in sampler.sample().process_pct if p != host.pid]
        assert child  # a figure from the second reading
    finally:
        host.wait(10)
