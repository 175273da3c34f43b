"""Soak: hundreds of reruns, cancels and faults; what is left behind, and what grew.

Three sweeps, each counting what the tests can only sample:

1. reruns: the real app, headless (Textual's ``run_test``), reruns (``r``) a short run
   of ``threads`` over and over, waiting for each to end; every 20 reruns it prints the
   UI process's file descriptors, threads and RSS;
2. cancels: runs of process, thread, pool and scrape demos cancelled at random times
   (some before ``follow`` starts, many in the first 200 ms), through ``RunSession``
   and, for every fourth, through the CLI with SIGINT or SIGTERM; it counts processes
   that survive, tracebacks, hangs, and the runs' own named semaphores (found by
   inode) left in /dev/shm;
3. faults: SIGKILL of a worker process, SIGKILL of the host, a worker thread that
   raises, a host that dies at start-up; each must be reported as what it is.

Usage: ``python -m benchmarks.soak [--reruns 200] [--cancels 100] [--seed N]``.
The last line printed is one JSON object (``fd_growth``, ``rss_growth_mb``,
``thread_growth``, ``survivors``, ``tracebacks``, ``hangs``, ``reruns``, ``cancels``,
and more). Never run by the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import psutil

from tests.fault_demos import (
    IMPORT_EXIT_CODE,
    MESSAGE,
    READY,
    config,
    group_gone,
    group_members,
)
from tui.app import InterleaveApp
from tui.screens.run_screen import RunScreen
from workloads import catalog
from workloads.events import PROCESS, THREAD, RunStatus, State
from workloads.interpreter import ROOT
from workloads.run_session import RunSession
from workloads.run_state import RunState
from workloads.runtime import RunConfig
from workloads.semaphore_sweeper import PREFIX, SHM_DIR, shm_inodes_mapped_by

#: Reruns between two lines of the resource curve.
EVERY = 20
#: Seconds a run may take to end once cancelled, or a fault to be reported: a hang guard.
HANG_S = 30.0
#: Cancel times: a share of cancels before ``follow`` starts, a share in the first
#: 200 ms (start-up), the rest up to this many seconds.
LATEST_CANCEL_S = 1.5
LIVE = (State.RUNNING, State.READY, State.WAITING)
CLI = [sys.executable, "-m", "tui", "run"]
#: Demos the cancel sweep picks from: processes, threads, pools and the scraper.
CANCEL_DEMOS: list[tuple[str, dict[str, Any]]] = [
    ("processes", {}),
    ("threads", {}),
    ("process-pool", {}),
    ("thread-pool", {}),
    ("cpu-bound", {"mode": "process-pool", "workers": 4}),
    ("scrape", {"mode": "threads", "latency": 2000}),
    ("scrape", {"mode": "processes", "workers": 3, "latency": 2000}),
]


@dataclass
class Tally:
    """What the sweeps counted."""

    reruns: int = 0
    cancels: int = 0
    cli_cancels: int = 0
    survivors: int = 0
    tracebacks: int = 0
    hangs: int = 0
    semaphores_leaked: int = 0
    bad_exit_codes: int = 0
    #: Most sessions the app held at once during the reruns (1: only the live run's).
    max_sessions: int = 0
    curve: list[dict[str, float]] = field(default_factory=list)
    faults: dict[str, bool] = field(default_factory=dict)


# -- measuring the UI process ---------------------------------------------------------
def resources() -> dict[str, float]:
    """This process's file descriptors, threads and resident memory (MB)."""
    me = psutil.Process()
    return {
        "fds": me.num_fds(),
        "threads": me.num_threads(),
        "rss_mb": round(me.memory_info().rss / 2**20, 1),
    }


def live_children() -> list[psutil.Process]:
    """This process's descendants still running (its resource tracker left out)."""
    out = []
    for p in psutil.Process().children(recursive=True):
        try:
            if p.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(
                p.cmdline()
            ):
                out.append(p)
        except psutil.Error:
            pass
    return out


def count_survivors(pgid: int | None, seen: list[psutil.Process] | None = None) -> int:
    """Processes of a finished run still alive (then killed, so the sweep goes on)."""
    left: set[psutil.Process] = set(live_children())
    if pgid is not None and not group_gone(pgid):
        left.update(group_members(pgid))
    if seen:
        _, alive = psutil.wait_procs(seen, timeout=2.0)
        left.update(alive)
    for p in left:
        with contextlib.suppress(psutil.Error):
            p.kill()
    return len(left)


def mapped_semaphores(pids: list[int]) -> set[int]:
    """Inodes of the /dev/shm files that processes ``pids`` map: the run's semaphores.

    Taken just before a cancel, while every process of the run lives. Only these are
    looked for afterwards: other programs on the machine make semaphores too, and
    theirs are neither counted nor touched.
    """
    try:
        dev = os.stat(SHM_DIR).st_dev
    except OSError:
        return set()
    found: set[int] = set()
    for pid in pids:
        found |= shm_inodes_mapped_by(pid, (os.major(dev), os.minor(dev)))
    return found


def leaked(inodes: set[int]) -> int:
    """How many of the run's semaphore files (``inodes``) are still in /dev/shm after a
    moment; removes them (a leak is counted, not left on the machine)."""

    def left() -> list[str]:
        with contextlib.suppress(OSError), os.scandir(SHM_DIR) as entries:
            return [e.name for e in entries if e.name.startswith(PREFIX) and e.inode() in inodes]
        return []

    names = left() if inodes else []
    deadline = time.monotonic() + 2.0
    while names and time.monotonic() < deadline:
        time.sleep(0.05)
        names = left()
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(SHM_DIR, name))
    return len(names)


def group_pids(pgid: int | None) -> list[int]:
    """The live processes of the run's group (its host's pid)."""
    return [p.pid for p in group_members(pgid)] if pgid is not None else []


# -- 1. reruns in the app -------------------------------------------------------------
async def rerun_sweep(count: int, tally: Tally) -> None:
    """Rerun a short ``threads`` run ``count`` times in one app; record the curve."""
    params = {"numbers": 1, "letters": 1}
    app = InterleaveApp(demo_id="threads", params=params, time_scale=0.01)
    async with app.run_test(size=(120, 36)) as pilot:

        async def wait_for(condition: Callable[[], bool]) -> bool:
            deadline = time.monotonic() + HANG_S
            while not condition():
                if time.monotonic() > deadline:
                    return False
                await pilot.pause(0.02)
            return True

        def over() -> bool:
            return isinstance(app.screen, RunScreen) and app.screen.state.over

        if not await wait_for(over):
            tally.hangs += 1
        stop = threading.Event()
        sampler = threading.Thread(target=count_sessions, args=(app, tally, stop), daemon=True)
        sampler.start()
        point(tally, 0)  # with the sampler: its thread is no growth
        for n in range(1, count + 1):
            before = app.screen

            def replaced(before: object = before) -> bool:
                return app.screen is not before

            await pilot.press("r")
            if not (await wait_for(replaced) and await wait_for(over)):
                tally.hangs += 1
            tally.reruns = n
            if n % EVERY == 0 or n == count:
                await pilot.pause(0.1)
                point(tally, n)
        stop.set()
        sampler.join()
        await pilot.press("q")
    tally.survivors += count_survivors(None)


def count_sessions(app: InterleaveApp, tally: Tally, stop: threading.Event) -> None:
    """Sample the app's live sessions every 2 ms (a short run lives a few hundred)."""
    while not stop.wait(0.002):
        tally.max_sessions = max(tally.max_sessions, len(app.services.sessions))


def point(tally: Tally, reruns: int) -> None:
    """Record and print one point of the resource curve."""
    figures = {"reruns": reruns, **resources()}
    tally.curve.append(figures)
    print(
        f"reruns {reruns:4d}  fds {figures['fds']:4.0f}  threads {figures['threads']:3.0f}"
        f"  rss {figures['rss_mb']:7.1f} MB",
        flush=True,
    )


# -- 2. cancels -----------------------------------------------------------------------
def cancel_time(rng: random.Random) -> float | None:
    """When to cancel: before follow (None) 15%, in the first 200 ms 45%, later 40%."""
    roll = rng.random()
    if roll < 0.15:
        return None
    if roll < 0.6:
        return rng.uniform(0.0, 0.2)
    return rng.uniform(0.2, LATEST_CANCEL_S)


def traceback_count(state: RunState) -> int:
    """Tracebacks anywhere in a cancelled run's state."""
    found = sum(1 for w in state.workers.values() if w.traceback)
    found += 1 if state.traceback else 0
    return found + sum(1 for o in state.outputs if "Traceback" in o.text)


def session_cancel(cfg: RunConfig, when: float | None, tally: Tally) -> None:
    """One run cancelled through ``RunSession`` ``when`` seconds after its start."""
    session = RunSession(cfg).start()
    pgid = session.pid
    inodes: set[int] = set()
    try:
        if when is None:
            session.cancel()
        session.follow_in_background()
        if when is not None:
            time.sleep(when)
            inodes = mapped_semaphores(group_pids(pgid))
            session.cancel()
        if not session.wait(HANG_S):
            tally.hangs += 1
        state = session.snapshot()
    finally:
        session.close()
    tally.tracebacks += traceback_count(state)
    if state.status != RunStatus.CANCELLED or any(w.state in LIVE for w in state.workers.values()):
        print(f"  {cfg.demo}: ended {state.status} after a cancel at {when}", flush=True)
    tally.survivors += count_survivors(pgid)
    tally.semaphores_leaked += leaked(inodes)


def cli_cancel(args: list[str], when: float, sig: int, tally: Tally) -> None:
    """One headless CLI run sent ``sig`` ``when`` seconds after its host appeared."""
    cli = subprocess.Popen(
        [*CLI, *args, "--headless"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    host = host_of(cli.pid)
    time.sleep(when)
    seen = psutil.Process(cli.pid).children(recursive=True)
    inodes = mapped_semaphores([p.pid for p in seen])
    cli.send_signal(sig)
    try:
        _, err = cli.communicate(timeout=HANG_S)
    except subprocess.TimeoutExpired:
        tally.hangs += 1
        cli.kill()
        _, err = cli.communicate()
    tally.tracebacks += err.count("Traceback")
    lines = err.strip().splitlines()
    if cli.returncode != 128 + sig or len(lines) != 1 or "leaked semaphore" in err:
        tally.bad_exit_codes += 1
        print(f"  cli {args}: exit {cli.returncode}, stderr {err!r}", flush=True)
    tally.survivors += count_survivors(host, seen)
    tally.semaphores_leaked += leaked(inodes)


def host_of(cli_pid: int) -> int | None:
    """The run host the CLI started (waits up to HANG_S; None if it never appeared)."""
    deadline = time.monotonic() + HANG_S
    while time.monotonic() < deadline:
        try:
            for p in psutil.Process(cli_pid).children():
                if "workloads.run_host" in p.cmdline():
                    return p.pid
        except psutil.Error:
            return None
        time.sleep(0.005)
    return None


def cli_args(demo: str, params: dict[str, Any]) -> list[str]:
    """The command-line options for ``params``."""
    args = [demo]
    for name, value in params.items():
        args += ["--" + name.replace("_", "-"), str(value)]
    return args


def cancel_sweep(count: int, rng: random.Random, tally: Tally) -> None:
    """``count`` cancels across :data:`CANCEL_DEMOS`; every fourth through the CLI."""
    for n in range(count):
        demo, params = CANCEL_DEMOS[n % len(CANCEL_DEMOS)]
        when = cancel_time(rng)
        if n % 4 == 3:
            sig = signal.SIGINT if rng.random() < 0.5 else signal.SIGTERM
            cli_cancel(cli_args(demo, params), when or 0.0, sig, tally)
            tally.cli_cancels += 1
        else:
            session_cancel(catalog.get(demo).config(params, 1.0), when, tally)
        tally.cancels = n + 1
        if (n + 1) % EVERY == 0:
            print(
                f"cancels {n + 1:4d}  survivors {tally.survivors}  tracebacks "
                f"{tally.tracebacks}  hangs {tally.hangs}",
                flush=True,
            )


# -- 3. faults ------------------------------------------------------------------------
def followed(cfg: RunConfig) -> RunSession:
    """A started session followed on its own thread."""
    session = RunSession(cfg).start()
    session.follow_in_background()
    return session


def wait_until(condition: Callable[[], bool]) -> bool:
    """Poll ``condition`` until it holds or HANG_S pass."""
    deadline = time.monotonic() + HANG_S
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def ready_pids(session: RunSession) -> list[int]:
    """Pids of the process workers that printed READY."""
    workers = session.snapshot().workers.values()
    return [w.pid for w in workers if w.kind == PROCESS and READY in w.lines]


def fault_run(
    cfg: RunConfig, act: Callable[[RunSession], None] | None
) -> tuple[RunState | None, int | None]:
    """Run ``cfg``, ``act`` on it: its final state (None if it hung) and its group."""
    session = followed(cfg)
    try:
        if act is not None:
            act(session)
        state = session.snapshot() if session.wait(HANG_S) else None
    finally:
        session.close()
    return state, session.pid


def kill_a_worker(session: RunSession) -> None:
    if wait_until(lambda: len(ready_pids(session)) >= 2):
        os.kill(ready_pids(session)[0], signal.SIGKILL)


def kill_the_host(session: RunSession) -> None:
    if wait_until(lambda: len(ready_pids(session)) >= 2) and session.pid is not None:
        os.kill(session.pid, signal.SIGKILL)


def worker_killed(state: RunState) -> bool:
    failed = state.failed_workers
    return len(failed) == 1 and "killed by SIGKILL" in failed[0].error and not state.ok


def host_killed(state: RunState) -> bool:
    return (
        state.status == RunStatus.FAILED
        and state.error.startswith("the run host was killed by SIGKILL")
        and not any(w.state in LIVE for w in state.workers.values())
    )


def thread_raised(state: RunState) -> bool:
    threads = [w for w in state.failed_workers if w.kind == THREAD and w.id != "main"]
    return (
        len(threads) == 1
        and threads[0].error == f"ValueError: {MESSAGE}"
        and "raise ValueError" in threads[0].traceback
    )


def died_at_start(state: RunState) -> bool:
    return (
        state.status == RunStatus.FAILED and f"exited with code {IMPORT_EXIT_CODE}" in state.error
    )


FAULTS: dict[str, tuple[RunConfig, Callable[[RunSession], None] | None, Callable[..., bool]]] = {
    "sigkill_worker": (config("sleepers", count=2, seconds=2.0), kill_a_worker, worker_killed),
    "sigkill_host": (config("sleepers", count=2, seconds=60.0), kill_the_host, host_killed),
    "thread_raises": (config("raise_in_thread"), None, thread_raised),
    "exit_at_start": (config("exit_at_import"), None, died_at_start),
}


def fault_sweep(tally: Tally) -> None:
    """Each fault once: reported as what it is, and nothing left behind."""
    for name, (cfg, act, check) in FAULTS.items():
        state, pgid = fault_run(cfg, act)
        if state is None:
            tally.hangs += 1
        ok = state is not None and check(state)
        tally.faults[name] = ok
        tally.survivors += count_survivors(pgid)
        print(f"fault {name:<15} {'reported' if ok else 'MISREPORTED'}", flush=True)


# -- the whole soak -------------------------------------------------------------------
def summary(tally: Tally) -> dict[str, Any]:
    """The last line's figures: growth from the first point of the curve to the last."""
    first, last = tally.curve[0], tally.curve[-1]
    # Textual's caches (styles, segments) fill over the first few dozen screens and are
    # bounded: growth after that point is what a leak would show.
    warm = tally.curve[min(2, len(tally.curve) - 1)]
    figures = asdict(tally)
    figures.pop("curve")
    return {
        "fd_growth": last["fds"] - first["fds"],
        "rss_growth_mb": round(last["rss_mb"] - first["rss_mb"], 1),
        "rss_growth_after_warmup_mb": round(last["rss_mb"] - warm["rss_mb"], 1),
        "warmup_reruns": int(warm["reruns"]),
        "thread_growth": last["threads"] - first["threads"],
        **figures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reruns", type=int, default=200, help="reruns in the app")
    parser.add_argument("--cancels", type=int, default=100, help="runs cancelled")
    parser.add_argument("--seed", type=int, default=1, help="seed of the cancel times")
    args = parser.parse_args()
    # Started in the background by a shell (`soak &`), this process ignores SIGINT, and
    # so would every CLI it starts (an ignored signal stays ignored across exec): the
    # CLI cancels by SIGINT would not cancel. Handled here, it is the default there.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    tally = Tally()
    t0 = time.monotonic()
    asyncio.run(rerun_sweep(args.reruns, tally))
    cancel_sweep(args.cancels, random.Random(args.seed), tally)
    fault_sweep(tally)
    print(f"soak took {time.monotonic() - t0:.0f} s", flush=True)
    print(json.dumps(summary(tally)))


if __name__ == "__main__":
    main()
