"""The scheduler sampler: the classifier on a fixed /proc tree, then on real threads."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workloads.events import ThreadActivity, ThreadSpan
from workloads.thread_sampler import (
    ThreadSampler,
    classify,
    parse_syscall,
    parse_wchan,
    read_snapshot,
    syscall_table,
    unavailable_reason,
)

X86 = syscall_table("x86_64")
MS = 1_000_000


def _task(root: Path, pid: int, tid: int, *, state: str, syscall: str, cpu: int, wait: int) -> None:
    d = root / str(pid) / "task" / str(tid)
    d.mkdir(parents=True, exist_ok=True)
    (d / "stat").write_text(f"{tid} (python3 worker) {state} 1 1 1 0 -1 0\n")
    (d / "syscall").write_text(syscall + "\n")
    (d / "schedstat").write_text(f"{cpu} {wait} 7\n")


def _snapshots(tmp_path: Path, before: dict, after: dict) -> tuple[dict, dict]:
    """Two readings of a fake /proc: ``{(pid, tid): (state, syscall, cpu_ms, wait_ms)}``."""
    out = []
    for n, tasks in enumerate((before, after)):
        root = tmp_path / f"proc{n}"
        for (pid, tid), (state, call, cpu, wait) in tasks.items():
            _task(root, pid, tid, state=state, syscall=call, cpu=cpu * MS, wait=wait * MS)
        pids = {pid for pid, _ in tasks}
        out.append(read_snapshot(str(root), pids, X86))
    return out[0], out[1]


def test_two_threads_sharing_a_gil_and_a_sleeper(tmp_path: Path) -> None:
    futex = "202 0x7f 0x80 0x0"
    sleep = "230 0x1 0x0 0x7ffd"
    before = {
        (10, 10): ("S", futex, 0, 0),  # main, joining
        (10, 11): ("R", "running", 100, 5),  # holds the GIL
        (10, 12): ("S", futex, 90, 5),  # waits for it
        (10, 13): ("S", sleep, 1, 0),  # sleeps
    }
    after = {
        (10, 10): ("S", futex, 0, 0),
        (10, 11): ("R", "running", 104, 5),
        (10, 12): ("S", futex, 90, 5),
        (10, 13): ("S", sleep, 1, 0),
    }
    acts = classify(*_snapshots(tmp_path, before, after), 5 * MS)
    assert acts[(10, 11)].activity == ThreadActivity.RUNNING
    assert acts[(10, 12)] == (ThreadActivity.GIL, "futex")
    assert acts[(10, 13)] == (ThreadActivity.SLEEP, "clock_nanosleep")
    # The main thread in futex too, but it is told apart by the fold (a declared join).
    assert acts[(10, 10)].activity == ThreadActivity.GIL


def test_futex_with_nobody_running_is_a_lock_not_the_gil(tmp_path: Path) -> None:
    futex = "202 0x7f 0x80 0x0"
    before = {(10, 10): ("S", futex, 5, 0), (10, 11): ("S", futex, 5, 0)}
    after = {(10, 10): ("S", futex, 5, 0), (10, 11): ("S", futex, 5, 0)}
    acts = classify(*_snapshots(tmp_path, before, after), 5 * MS)
    assert {a.activity for a in acts.values()} == {ThreadActivity.LOCK}


def test_waiting_for_a_core(tmp_path: Path) -> None:
    # Two processes: one ran the whole interval, the other sat in the run queue.
    before = {(20, 20): ("R", "running", 50, 0), (30, 30): ("R", "running", 50, 10)}
    after = {(20, 20): ("R", "running", 55, 0), (30, 30): ("R", "running", 50, 14)}
    acts = classify(*_snapshots(tmp_path, before, after), 5 * MS)
    assert acts[(20, 20)].activity == ThreadActivity.RUNNING
    assert acts[(30, 30)].activity == ThreadActivity.CORE


def test_a_queue_wait_still_going_on_is_a_core_wait(tmp_path: Path) -> None:
    # The kernel adds a run-queue stretch to schedstat when it ends: while it lasts,
    # neither counter grows, and the thread is runnable (R, no system call).
    before = {(30, 30): ("R", "running", 50, 10)}
    after = {(30, 30): ("R", "running", 50, 10)}
    acts = classify(*_snapshots(tmp_path, before, after), 5 * MS)
    assert acts[(30, 30)].activity == ThreadActivity.CORE


def test_io_and_disk(tmp_path: Path) -> None:
    before = {(40, 40): ("S", "45 0x3 0x0", 1, 0), (40, 41): ("D", "running", 1, 0)}
    after = {(40, 40): ("S", "45 0x3 0x0", 1, 0), (40, 41): ("D", "-1 0x0", 1, 0)}
    acts = classify(*_snapshots(tmp_path, before, after), 5 * MS)
    assert acts[(40, 40)] == (ThreadActivity.IO, "recvfrom")
    assert acts[(40, 41)] == (ThreadActivity.IO, "disk")


def test_threads_seen_once_are_not_classified(tmp_path: Path) -> None:
    before = {(10, 11): ("R", "running", 1, 0)}
    after = {(10, 11): ("R", "running", 2, 0), (10, 12): ("R", "running", 1, 0)}
    assert set(classify(*_snapshots(tmp_path, before, after), MS)) == {(10, 11)}


def test_syscall_tables_and_parsers() -> None:
    assert syscall_table("x86_64")[202] == "futex"
    assert syscall_table("aarch64")[98] == "futex"
    assert syscall_table("aarch64")[115] == "clock_nanosleep"
    assert syscall_table("sparc") == {}
    assert parse_syscall("running\n", X86) == ""
    assert parse_syscall("230 0x1 0x0", X86) == "clock_nanosleep"
    assert parse_syscall("999 0x1", X86) == "syscall 999"
    assert parse_wchan("futex_wait_queue") == "futex"
    assert parse_wchan("hrtimer_nanosleep") == "clock_nanosleep"
    assert parse_wchan("0") == ""


def test_without_the_files_the_sampler_says_why(tmp_path: Path) -> None:
    assert "schedstat" in unavailable_reason(str(tmp_path))


@pytest.mark.skipif(bool(unavailable_reason()), reason=unavailable_reason() or "ok")
def test_a_gap_between_samples_is_left_unknown() -> None:
    """A paused run (or a starved sampler): no span covers the time it did not look."""
    spans: list[ThreadSpan] = []
    sampler = ThreadSampler(os.getpid(), spans.append)
    t = time.monotonic()
    sampler.sample(t)
    sampler.sample(t + 0.005)
    sampler.sample(t + 5.0)  # as if stopped for five seconds
    sampler.sample(t + 5.005)
    sampler.close()
    assert spans and all(s.end <= t + 0.005 or s.start >= t + 5.0 for s in spans)


# -- on real threads -------------------------------------------------------------------
_STUDIED = """
import threading, time, sys
def spin():
    end = time.monotonic() + 3
    while time.monotonic() < end:
        sum(i * i for i in range(200))
threads = [threading.Thread(target=spin) for _ in range(2)]
threads.append(threading.Thread(target=time.sleep, args=(3,)))
for t in threads:
    t.start()
print(" ".join(str(t.native_id) for t in threads), flush=True)
for t in threads:
    t.join()
"""


@pytest.mark.skipif(bool(unavailable_reason()), reason=unavailable_reason() or "ok")
def test_real_threads_show_the_gil_and_a_sleep() -> None:
    """Sampled from this process, outside the one studied: a CPU-bound pair takes turns
    with the GIL (each is seen waiting for it), and the sleeper is seen sleeping."""
    proc = subprocess.Popen([sys.executable, "-c", _STUDIED], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        cpu1, cpu2, sleeper = (int(t) for t in proc.stdout.readline().split())
        spans: list[ThreadSpan] = []
        sampler = ThreadSampler(proc.pid, spans.append, hz=200)
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            sampler.sample(time.monotonic())
            time.sleep(sampler.interval)
        sampler.close()
    finally:
        proc.kill()
        proc.wait()
    time_in: dict[int, dict[ThreadActivity, float]] = collections.defaultdict(
        lambda: collections.defaultdict(float)
    )
    for s in spans:
        time_in[s.tid][s.activity] += s.end - s.start
    for tid in (cpu1, cpu2):
        assert time_in[tid][ThreadActivity.GIL] > 0, time_in[tid]
        assert time_in[tid][ThreadActivity.SLEEP] == 0
    assert max(time_in[sleeper], key=time_in[sleeper].__getitem__) == ThreadActivity.SLEEP
    # Never both running at once: one GIL (here, cells of the sampler's own 5 ms).
    both = _overlap([s for s in spans if s.tid == cpu1], [s for s in spans if s.tid == cpu2])
    ran = sum(s.end - s.start for s in spans if s.tid == cpu1 and s.activity == "running")
    assert both <= 0.5 * ran


def _overlap(a: list[ThreadSpan], b: list[ThreadSpan]) -> float:
    runs_b = [(s.start, s.end) for s in b if s.activity == ThreadActivity.RUNNING]
    total = 0.0
    for s in a:
        if s.activity != ThreadActivity.RUNNING:
            continue
        for b0, b1 in runs_b:
            total += max(0.0, min(s.end, b1) - max(s.start, b0))
    return total
