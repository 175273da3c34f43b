"""Recorded-looking runs of ``memory``, ``crash`` and ``notebook`` for the layout tests
and the 80x24 snapshots (see tests/run_fakes.py): shaped like the real runs (workers,
kinds, lines, results, the crash's signal and tracebacks), not timed like them."""

from __future__ import annotations

from typing import Any

from tests.tui_fakes import T0
from workloads.events import (
    PROCESS,
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

HOST = 4123
PARAMS: dict[str, dict[str, Any]] = {
    "memory": {
        "mode": "threads",
        "workers": 4,
        "increments": 2_000_000,
        "race": True,
        "lock": False,
    },
    "crash": {"mode": "threads", "workers": 3, "crash_after": 1.0},
    "notebook": {"variant": "both"},
}
CRASH_TRACEBACK = """\
Fatal Python error: Segmentation fault

Current thread 0x00007f9b367fc6c0 (most recent call first):
  File "/usr/lib/python3.11/ctypes/__init__.py", line 519 in string_at
  File "workloads/demos/crash.py", line 24 in crash
  File "workloads/demos/crash.py", line 50 in crasher
"""
NOTEBOOK_ERROR = "AttributeError: Can't get attribute '{}' on <module '__main__' (built-in)>"
NOTEBOOK_TRACEBACK = """\
Traceback (most recent call last):
  File "<string>", line 1, in <module>
  File "/usr/lib/python3.11/multiprocessing/spawn.py", line 132, in _main
    self = reduction.pickle.load(from_parent)
{}
"""


def _start(demo: str) -> list[Event]:
    return [
        RunStarted(T0, demo, PARAMS[demo], 1.0, HOST, "3.11.7", True, 0.005),
        WorkerStarted("main", T0, "MainThread", THREAD, HOST, HOST),
        Span("main", T0, T0 + 0.05, RUNNING),
        Span("main", T0 + 0.05, T0 + 9.9, WAITING),
    ]


def _end(main_lines: list[str]) -> list[Event]:
    events: list[Event] = [
        Output("main", T0 + 9.95 + i * 0.001, text) for i, text in enumerate(main_lines)
    ]
    return [*events, WorkerFinished("main", T0 + 9.99, "", 0.01), RunFinished(T0 + 10, 10, 0.4)]


def _worker(wid: str, name: str, kind: WorkerKind, pid: int, tid: int, n: int) -> list[Event]:
    start = T0 + 0.1 + 0.01 * n
    return [WorkerStarted(wid, start, name, kind, pid, tid), Span(wid, start, start + 5, RUNNING)]


def _memory() -> list[Event]:
    events = _start("memory")
    counts = [6_343_521, 6_143_483, 6_700_117, 6_512_000]
    for n, final in enumerate(counts):
        wid = f"t{n + 1}"
        events += _worker(wid, "add_racy", THREAD, HOST, HOST + n + 1, n)
        events += [
            Output(wid, T0 + 5, f"added 2,000,000, sees counter = {final:,}"),
            Progress(wid, T0 + 5, 2_000_000, 2_000_000),
            Result(wid, T0 + 5, n + 1, _memory_row(wid, "thread", final)),
            WorkerFinished(wid, T0 + 5.1, "", 2.3),
        ]
    events.append(Result("main", T0 + 9.9, 0, _memory_row("main", "main", 6_700_117, 8_000_000)))
    return events + _end(
        [
            "4 threads added 8,000,000 in all; main sees 6,700,117",
            "lost updates: 1,299,883 (one process, one counter)",
        ]
    )


def _memory_row(wid: str, kind: str, final: int, expected: int | None = None) -> dict[str, Any]:
    lost = None if expected is None else expected - final
    return {
        "worker": wid,
        "kind": kind,
        "pid": HOST,
        "final": final,
        "expected": expected,
        "lost": lost,
        "rss_mb": 21.3,
        "uss_mb": 7.1,
    }


def _crash() -> list[Event]:
    events = _start("crash")
    victim = HOST + 10
    workers = [
        ("p1", "victim", PROCESS, "crashed"),
        ("p1.t1", "keep_working", THREAD, "died with its process"),
        ("p1.t2", "keep_working", THREAD, "died with its process"),
        ("p1.t3", "crasher", THREAD, "crashed"),
    ]
    for n, (wid, name, kind, _) in enumerate(workers):
        events += _worker(wid, name, kind, victim, victim + n, n)
        events.append(Output(wid, T0 + 1, "step 1 of 8"))
    events += [
        Output("p1.t3", T0 + 1.1, "reading memory at address 0 ..."),
        WorkerFailed(
            "p1.t3",
            T0 + 1.2,
            "crashed its process: SIGSEGV (it read address 0)",
            CRASH_TRACEBACK,
            0.01,
        ),
        ProcessExited(T0 + 1.2, victim, -11),
    ]
    for n, (wid, _, kind, outcome) in enumerate(workers):
        row = {"worker": wid, "kind": str(kind), "pid": victim, "outcome": outcome}
        events.append(Result("main", T0 + 1.3, n, {**row, "signal": "SIGSEGV"}))
    main_row = {"worker": "main", "kind": "main", "pid": HOST, "outcome": "finished", "signal": ""}
    events.append(Result("main", T0 + 1.3, len(workers), main_row))
    return events + _end(
        [
            "Process-1 (pid 4133) exit code -11",
            "main is still here: the crash took only its own process",
        ]
    )


def _notebook() -> list[Event]:
    events = _start("notebook")
    for n, name in enumerate(("square_numbers", "cube_numbers")):
        wid, pid = f"p{n + 1}", HOST + 10 + n
        error = NOTEBOOK_ERROR.format(name)
        events += _worker(wid, f"Process-{n + 1}", PROCESS, pid, pid, n)
        events += [
            WorkerFailed(wid, T0 + 0.4, error, NOTEBOOK_TRACEBACK.format(error), 0.0),
            ProcessExited(T0 + 0.4, pid, 1),
        ]
    for n, name in enumerate(("square_numbers", "cube_numbers")):
        wid, pid = f"p{n + 3}", HOST + 12 + n
        events += _worker(wid, name, PROCESS, pid, pid, n + 2)
        events += [
            Output(wid, T0 + 5, "Square of 4: 16" if n == 0 else "Cube of 4: 64"),
            Progress(wid, T0 + 5, 5, 5),
            WorkerFinished(wid, T0 + 8, "", 0.02),
            ProcessExited(T0 + 8, pid, 0),
        ]
    errors = "; ".join(NOTEBOOK_ERROR.format(n) for n in ("square_numbers", "cube_numbers"))
    events += [
        Result("main", T0 + 0.5, 0, _notebook_row("notebook", 0, 0.47, errors)),
        Result("main", T0 + 9.9, 1, _notebook_row("module", 2, 7.74, "")),
    ]
    return events + _end(["Total time: 7.742", "Process-4 (pid 4137) exit code 0"])


def _notebook_row(variant: str, ok: int, total: float, error: str) -> dict[str, Any]:
    return {"variant": variant, "children_ok": ok, "total_s": total, "error": error}


def run_events(demo: str) -> list[Event]:
    """The events of a finished run of ``demo`` (one of :data:`PARAMS`)."""
    return {"memory": _memory, "crash": _crash, "notebook": _notebook}[demo]()
