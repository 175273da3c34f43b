"""A run as a Chrome / Perfetto trace (the Trace Event Format's JSON object form).

ui.perfetto.dev and chrome://tracing open it. What it holds:

- one process track per OS process of the run (named, by pid) and one thread track per
  worker (``t1 print_numbers``, by native thread id);
- a complete event (``"ph": "X"``) for every running, ready and waiting span;
- an instant event (``"ph": "i"``) for every line a worker printed;
- counter tracks (``"ph": "C"``) for each core's load and the run's cores busy, from the
  CPU samples the run screen showed (none for a headless run);
- the run's demo, parameters, Python, GIL and switch interval in ``otherData``.

Timestamps are microseconds from the run's start (``time.monotonic()`` is one clock
for every process, so threads and processes line up).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from workloads.cpu_sampler import CpuSample
from workloads.events import WorkerKind
from workloads.recording import Paused, Recording
from workloads.run_state import RunState, WorkerState

#: The pid of the counter tracks about the whole machine (its cores): above Linux's
#: largest pid, so it is no process of the run (pid 0 reads as the kernel's idle task).
MACHINE_PID = 4_194_305
#: Thread ids given to workers without one of their own (say, a process that died first).
SYNTHETIC_TID = 1_000_000


def _us(t: float, origin: float) -> float:
    return round((t - origin) * 1e6, 3)


def _tracks(state: RunState) -> dict[str, tuple[int, int]]:
    """Each worker's (pid, tid), unique even when the run did not report one."""
    host = state.host_pid or 1
    seen: set[tuple[int, int]] = set()
    tracks: dict[str, tuple[int, int]] = {}
    for n, w in enumerate(state.workers.values()):
        pid = w.pid or host
        tid = w.tid or (pid if w.kind == WorkerKind.PROCESS else SYNTHETIC_TID + n)
        if (pid, tid) in seen:
            tid = SYNTHETIC_TID + n
        seen.add((pid, tid))
        tracks[w.id] = (pid, tid)
    return tracks


def _process_names(state: RunState, tracks: dict[str, tuple[int, int]]) -> dict[int, str]:
    names = {state.host_pid or 1: f"run host: {state.demo}"}
    for w in state.workers.values():
        pid = tracks[w.id][0]
        if w.kind == WorkerKind.PROCESS and pid not in names:
            names[pid] = f"{w.id} {w.name}"
    return names


def _worker_events(w: WorkerState, pid: int, tid: int, origin: float) -> list[dict[str, Any]]:
    n = len(w.spans)
    ordered = sorted(w.spans[:n], key=lambda s: (s.start, -s.end))
    # Spans come from two sources (the worker's own, the kernel sampler's) and may overlap
    # in part: a sleep the worker declared ends when Python resumes, while the kernel saw
    # it wait for a core before that. A track's slices must nest, so a slice overlapped in
    # part ends where the next one begins (what the kernel saw is the finer account).
    ends = [s.end for s in ordered]
    open_: list[int] = []  # slices not yet ended, outermost first: they nest
    for i, s in enumerate(ordered):
        while open_:
            top = open_[-1]
            if ends[top] > s.start and ends[top] >= s.end:
                break  # s nests inside it
            if ends[top] > s.start:
                ends[top] = s.start  # overlapped in part: it ends where s begins
            open_.pop()
        open_.append(i)
    # The kernel sampler may see a thread just before the run's clock starts: the trace
    # starts at 0, so what came before is cut off (a slice wholly before lasts 0 µs).
    spans = [
        (max(s.start, origin), max(end, origin), s.state)
        for s, end in zip(ordered, ends, strict=True)
    ]
    return [
        {
            "ph": "X",
            "cat": "state",
            "name": str(state),
            "pid": pid,
            "tid": tid,
            "ts": _us(start, origin),
            "dur": round(max(0.0, end - start) * 1e6, 3),
        }
        for start, end, state in spans
    ]


def _counter(
    name: str, t: float, origin: float, args: dict[str, float], pid: int
) -> dict[str, Any]:
    return {"ph": "C", "name": name, "pid": pid, "tid": 0, "ts": _us(t, origin), "args": args}


def _sample_events(samples: Sequence[CpuSample], origin: float, host: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    for s in samples:
        if s.t < origin:
            continue
        for core, pct in enumerate(s.per_core):
            events.append(_counter(f"core {core} %", s.t, origin, {"value": pct}, MACHINE_PID))
        busy = {"now": round(s.recent_busy, 4), "average": round(s.cores_busy, 4)}
        events.append(_counter("cores busy", s.t, origin, busy, host))
    return events


def trace_document(
    state: RunState,
    samples: Sequence[CpuSample] = (),
    *,
    pauses: Sequence[tuple[float, float]] = (),
    machine: str = "",
    cores: int = 0,
) -> dict[str, Any]:
    """The trace of a (finished or not) run, as a JSON-ready object."""
    origin = state.started if state.started is not None else 0.0
    host = state.host_pid or 1
    tracks = _tracks(state)
    events: list[dict[str, Any]] = []
    for pid, name in _process_names(state, tracks).items():
        events.append(
            {"ph": "M", "name": "process_name", "pid": pid, "tid": 0, "args": {"name": name}}
        )
    if samples:
        events.append(
            {
                "ph": "M",
                "name": "process_name",
                "pid": MACHINE_PID,
                "tid": 0,
                "args": {"name": "machine"},
            }
        )
    for n, w in enumerate(state.workers.values()):
        pid, tid = tracks[w.id]
        label = w.id if w.name == w.id else f"{w.id} {w.name}"
        events.append(
            {"ph": "M", "name": "thread_name", "pid": pid, "tid": tid, "args": {"name": label}}
        )
        events.append(
            {
                "ph": "M",
                "name": "thread_sort_index",
                "pid": pid,
                "tid": tid,
                "args": {"sort_index": n},
            }
        )
        events += _worker_events(w, pid, tid, origin)
    count = state.output_count
    for line in state.output_lines(0, count):
        pid, tid = tracks.get(line.worker, (host, 0))
        events.append(
            {
                "ph": "i",
                "s": "t",
                "name": line.text[:60] or "(empty line)",
                "cat": "output",
                "pid": pid,
                "tid": tid,
                "ts": _us(line.t, origin),
                "args": {"text": line.text},
            }
        )
    for a, b in pauses:
        events.append(
            {
                "ph": "X",
                "cat": "pause",
                "name": "paused (SIGSTOP)",
                "pid": host,
                "tid": 0,
                "ts": _us(a, origin),
                "dur": round((b - a) * 1e6, 3),
            }
        )
    events += _sample_events(samples, origin, host)
    # Metadata first, then everything in time order (stable: nested slices keep theirs),
    # so that each track's timestamps never go back.
    meta = [e for e in events if e["ph"] == "M"]
    timed = sorted((e for e in events if e["ph"] != "M"), key=lambda e: float(e["ts"]))
    return {
        "traceEvents": meta + timed,
        "displayTimeUnit": "ms",
        "otherData": {
            "tool": "interleave",
            "demo": state.demo,
            "params": json.dumps(state.params, sort_keys=True, default=str),
            "time_scale": state.time_scale,
            "python": state.python,
            "gil": "on" if state.gil_enabled else "off",
            "switch_interval_ms": round(state.switch_interval * 1000, 3),
            "status": str(state.status),
            "machine": machine,
            "cores": cores,
        },
    }


def recording_trace(recording: Recording, state: RunState | None = None) -> dict[str, Any]:
    """The trace of a recording (folded whole unless ``state`` is given)."""
    header = recording.header
    pauses = [(e.start, e.end) for e in recording.entries if isinstance(e, Paused)]
    return trace_document(
        state if state is not None else recording.state(),
        recording.samples(),
        pauses=pauses,
        machine=header.machine,
        cores=header.cores,
    )


def write_trace(path: str | os.PathLike[str], trace: dict[str, Any]) -> Path:
    """Write ``trace`` to ``path`` (whole or not at all)."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as out:
            json.dump(trace, out, separators=(",", ":"), ensure_ascii=False)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
