"""A finished, recorded-looking run of every demo, and one with failures, for the layout
tests and the 80x24 snapshots: no process runs, no clock moves (``T0`` from tui_fakes).

The runs are shaped like the real ones (the same workers, names, kinds and lines), not
timed like them: what matters is what the screen has to fit.
"""

from __future__ import annotations

from typing import Any

from tests import concept_fakes
from tests.tui_fakes import PARAMS, T0, threads_run_events
from workloads.events import (
    PROCESS,
    READY,
    RUNNING,
    THREAD,
    WAITING,
    Event,
    Output,
    ProcessExited,
    Progress,
    Result,
    RunFinished,
    RunStarted,
    Span,
    WorkerFailed,
    WorkerFinished,
    WorkerKind,
    WorkerStarted,
)
from workloads.run_state import RunState, fold

HOST = 4123
#: Parameters per demo, given in full: defaults that depend on the machine (the GIL
#: lab's workers are twice its cores) would make the snapshots differ between machines.
DEMO_PARAMS: dict[str, dict[str, Any]] = {
    "threads": PARAMS,
    "processes": {"items": 5, "square_sleep": 1.0, "cube_sleep": 1.5},
    "thread-pool": {"workers": 3, "items": 5, "sleep": 1.0},
    "process-pool": {"workers": 3, "items": 5, "sleep": 2.0},
    "cpu-bound": {"mode": "threads", "workers": 4},
    "io-bound": {"mode": "threads", "workers": 4},
    "scrape": {"mode": "threads", "workers": 8},
    "startup": {"workers": 20, "alive": 4},
    "handoff": {"payload_kb": 1000, "seconds": 0.5},
    **concept_fakes.PARAMS,
}
#: The results of the demos that chart theirs, as a run on this machine reported them.
CHARTED: dict[str, list[dict[str, Any]]] = {
    "startup": [
        {"kind": "thread", "method": "thread", "start_ms_median": 0.073, "memory_mb": 0.02},
        {"kind": "process", "method": "fork", "start_ms_median": 2.75, "memory_mb": 2.18},
        {"kind": "process", "method": "forkserver", "start_ms_median": 2.23, "memory_mb": 2.96},
        {"kind": "process", "method": "spawn", "start_ms_median": 30.8, "memory_mb": 7.07},
    ],
    "handoff": [
        {"kind": k, "payload_kb": kb, "round_trips_per_s": round(1e6 / us), "us_per_round_trip": us}
        for k, kb, us in (
            ("thread", 0, 19.6),
            ("process", 0, 44.1),
            ("thread", 1000, 15.5),
            ("process", 1000, 1323.1),
        )
    ],
}
#: A worker: id, name, kind, and the lines it prints.
Worker = tuple[str, str, WorkerKind, list[str]]

#: How the fold says a process of the run died from a signal (no traceback).
NO_TRACEBACK_ERROR = "killed by SIGKILL"
TRACEBACK = """\
Traceback (most recent call last):
  File "workloads/demos/cpu_bound.py", line 14, in crunch
    total += check(n)
  File "workloads/demos/cpu_bound.py", line 9, in check
    raise ValueError(f"bad input: {n}")
ValueError: bad input: 42
"""


def _workers(demo: str) -> tuple[list[Worker], list[str]]:
    """The demo's workers (main excluded) and what main prints at the end."""
    if demo == "processes":
        return [
            ("p1", "square_numbers", PROCESS, [f"Square of {i}: {i * i}" for i in range(5)]),
            ("p2", "cube_numbers", PROCESS, [f"Cube of {i}: {i**3}" for i in range(5)]),
        ], ["Total time: 8.61"]
    if demo in ("thread-pool", "process-pool"):
        kind = THREAD if demo == "thread-pool" else PROCESS
        names = [f"ThreadPoolExecutor-0_{i}" for i in range(3)]
        if kind == PROCESS:
            names = [f"SpawnProcess-{i + 1}" for i in range(3)]
        prefix = "t" if kind == THREAD else "p"
        lines = [f"{'Number' if kind == THREAD else 'Square'}: {n}" for n in range(1, 6)]
        return [(f"{prefix}{i + 1}", names[i], kind, []) for i in range(3)], lines
    if demo in ("cpu-bound", "io-bound"):
        name = "crunch" if demo == "cpu-bound" else "fetch"
        lines = [f"item {i} ready ({3999 - i})" for i in range(5)] if demo == "io-bound" else []
        workers = [(f"t{i}", name, THREAD, lines) for i in range(1, 5)]
        return workers, ["threads: 4 of 4 jobs done in 2.31 s"]
    if demo == "scrape":
        return [(f"t{i}", "scrape_worker", THREAD, []) for i in range(1, 9)], [
            "Scraped 30 pages in 1.47 s (threads)"
        ]
    if demo == "startup":
        return [], [f"{r['kind']} {r['method']}: {r['start_ms_median']} ms" for r in CHARTED[demo]]
    if demo == "handoff":
        return [
            ("t1", "echo_thread", THREAD, []),
            ("p1", "echo_process", PROCESS, []),
            ("t2", "echo_thread", THREAD, []),
            ("p2", "echo_process", PROCESS, []),
        ], [f"{r['kind']} {r['payload_kb']} KB: {r['us_per_round_trip']} µs" for r in CHARTED[demo]]
    raise KeyError(demo)


def run_events(demo: str) -> list[Event]:
    """The events of a finished run of ``demo`` (about 10 s long)."""
    if demo == "threads":
        return threads_run_events()
    if demo in concept_fakes.PARAMS:
        return concept_fakes.run_events(demo)
    workers, main_lines = _workers(demo)
    events: list[Event] = [
        RunStarted(T0, demo, DEMO_PARAMS[demo], 1.0, HOST, "3.11.7", True, 0.005),
        WorkerStarted("main", T0, "MainThread", THREAD, HOST, HOST),
        Span("main", T0, T0 + 0.05, RUNNING),
        Span("main", T0 + 0.05, T0 + 9.9, WAITING),
    ]
    for n, (wid, name, kind, lines) in enumerate(workers):
        pid = HOST + 10 + n if kind == PROCESS else HOST
        start = T0 + 0.1 + 0.01 * n
        events.append(
            WorkerStarted(wid, start, name, kind, pid, pid if kind == PROCESS else pid + n + 1)
        )
        for i in range(5):
            t = start + 1.9 * i
            cpu = demo == "cpu-bound"
            events += [
                Span(wid, t, t + 0.9, RUNNING),
                Span(wid, t + 0.9, t + 1.9, READY if cpu else WAITING),
                Progress(wid, t + 1.9, i + 1, 5 if lines else 0),
            ]
            if i < len(lines):
                events.append(Output(wid, t + 0.9, lines[i]))
        if demo == "scrape":
            for i in range(4):
                row = n * 4 + i
                if row < 30:
                    events.append(Result(wid, start + 2 * i, row, _page(row)))
        events.append(WorkerFinished(wid, start + 9.5, "", 0.01 if not cpu else 2.3))
        if kind == PROCESS:
            events.append(ProcessExited(start + 9.6, pid, 0))
    events += [Output("main", T0 + 9.95 + i * 0.001, text) for i, text in enumerate(main_lines)]
    events += [Result("main", T0 + 9.96, i, row) for i, row in enumerate(CHARTED.get(demo, []))]
    events += [WorkerFinished("main", T0 + 9.99, "", 0.1), RunFinished(T0 + 10.0, 10.0, 0.4)]
    return events


def _page(row: int) -> dict[str, Any]:
    path = "/" if row == 0 else f"/birds/bird-{row}.html"
    data: dict[str, Any] = {
        "url": f"http://127.0.0.1:40411{path}",
        "status": 200,
        "title": f"Bird {row} · Birds · Riverside Field Guide",
        "links": 14,
        "words": 900 + row,
        "ms": 330 + row,
        "error": "",
    }
    if row == 7:
        data.update(status=404, title="", links=0, words=0, error="HTTP 404 Not Found")
    return data


def finished_state(demo: str) -> RunState:
    """The folded state of :func:`run_events`."""
    return fold(run_events(demo))


def failed_state() -> RunState:
    """A finished ``cpu-bound`` run where one thread raised and a process was killed."""
    events = [e for e in run_events("cpu-bound") if not _ends("t3", e)]
    events.insert(-2, WorkerFailed("t3", T0 + 5.0, "ValueError: bad input: 42", TRACEBACK, 1.1))
    events.insert(-2, WorkerStarted("p9", T0 + 1.0, "helper", PROCESS, HOST + 99, HOST + 99))
    events.insert(-2, ProcessExited(T0 + 6.0, HOST + 99, -9))
    return fold(events)


def _ends(worker: str, event: Event) -> bool:
    return isinstance(event, WorkerFinished) and event.worker == worker
