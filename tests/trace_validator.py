"""A checker for the Trace Event Format (JSON object form), as Perfetto reads it."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

PHASES = {"B", "E", "X", "i", "I", "C", "M"}


def validate(trace: Any) -> list[str]:
    """Every problem found (empty: valid): fields, B/E pairs, X durations, per-track order,
    and slices on one thread nesting properly."""
    problems: list[str] = []
    if not isinstance(trace, dict) or not isinstance(trace.get("traceEvents"), list):
        return ["not an object with a traceEvents list"]
    open_slices: dict[tuple[int, int], list[str]] = defaultdict(list)
    last_ts: dict[tuple[object, ...], float] = {}
    slices: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    for n, e in enumerate(trace["traceEvents"]):
        ph = e.get("ph")
        if ph not in PHASES:
            problems.append(f"event {n}: unknown phase {ph!r}")
            continue
        if not isinstance(e.get("pid"), int) or not isinstance(e.get("name"), str):
            problems.append(f"event {n}: no integer pid or no name")
            continue
        if ph == "M":
            continue
        ts, tid = e.get("ts"), e.get("tid", 0)
        if not isinstance(ts, int | float) or ts < 0 or not isinstance(tid, int):
            problems.append(f"event {n}: bad ts or tid")
            continue
        track = (e["pid"], e["name"]) if ph == "C" else (e["pid"], tid)
        if ts < last_ts.get(track, float("-inf")):
            problems.append(f"event {n}: time goes back on track {track}")
        last_ts[track] = ts
        if ph == "B":
            open_slices[(e["pid"], tid)].append(e["name"])
        elif ph == "E":
            if not open_slices[(e["pid"], tid)]:
                problems.append(f"event {n}: E without B")
            else:
                open_slices[(e["pid"], tid)].pop()
        elif ph == "X":
            dur = e.get("dur")
            if not isinstance(dur, int | float) or dur < 0:
                problems.append(f"event {n}: X without a duration")
            else:
                slices[(e["pid"], tid)].append((ts, ts + dur))
        elif ph == "C" and not all(isinstance(v, int | float) for v in e.get("args", {}).values()):
            problems.append(f"event {n}: a counter with a value that is not a number")
    problems += [f"B without E on {k}" for k, v in open_slices.items() if v]
    for track, spans in slices.items():
        stack: list[float] = []
        for start, end in spans:  # in ts order: each nests in the open one, or follows it
            while stack and stack[-1] <= start + 1.0:  # 1 µs of rounding
                stack.pop()
            if stack and end > stack[-1] + 1.0:
                problems.append(f"overlapping slices on {track} at {start}")
                break
            stack.append(end)
    return problems


def named_threads(trace: dict[str, Any]) -> dict[tuple[int, int], str]:
    """(pid, tid) -> the thread's name, from the metadata events."""
    return {
        (e["pid"], e["tid"]): e["args"]["name"]
        for e in trace["traceEvents"]
        if e["ph"] == "M" and e["name"] == "thread_name"
    }


def named_processes(trace: dict[str, Any]) -> dict[int, str]:
    """pid -> the process's name, from the metadata events."""
    return {
        e["pid"]: e["args"]["name"]
        for e in trace["traceEvents"]
        if e["ph"] == "M" and e["name"] == "process_name"
    }
