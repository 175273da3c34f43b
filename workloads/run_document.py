"""A finished run as data (the ``--json`` document) and as a text summary."""

from __future__ import annotations

from typing import Any

from workloads.run_state import RunState, WorkerState


def _rel(state: RunState, t: float | None) -> float | None:
    if t is None or state.started is None:
        return None
    return round(t - state.started, 6)


def worker_document(state: RunState, w: WorkerState, *, spans: bool = False) -> dict[str, Any]:
    """One worker as JSON-ready data; times are seconds since the run started."""
    doc: dict[str, Any] = {
        "id": w.id,
        "name": w.name,
        "kind": w.kind,
        "pid": w.pid,
        "tid": w.tid,
        "state": w.state,
        "started": _rel(state, w.started),
        "finished": _rel(state, w.finished),
        "cpu_s": None if w.cpu_s is None else round(w.cpu_s, 6),
    }
    if w.line is not None and w.line[0]:
        doc["line"] = {"file": w.line[0], "line": w.line[1]}  # the last one sampled
    if w.error:
        doc["error"] = w.error
    if w.traceback:
        doc["traceback"] = w.traceback
    if spans:
        # In time order: spans arrive from several sources (the worker's own, the kernel
        # sampler's) and a replay folds them by when they ended; one order for both.
        doc["spans"] = [
            {"start": _rel(state, s.start), "end": _rel(state, s.end), "state": s.state}
            for s in sorted(w.spans, key=lambda s: (s.start, s.end, s.state))
        ]
    return doc


def _sampler(state: RunState) -> dict[str, Any] | None:
    """Whether the scheduler sampler watched the run, and if not why."""
    s = state.sampler
    return None if s is None else {"active": s.active, "hz": s.hz, "note": s.note}


def run_document(state: RunState, *, spans: bool = False) -> dict[str, Any]:
    """The whole run as JSON-ready data."""
    doc: dict[str, Any] = {
        "demo": state.demo,
        "params": state.params,
        "time_scale": state.time_scale,
        "status": state.status,
        "wall_s": None if state.wall_s is None else round(state.wall_s, 6),
        "cpu_s": None if state.cpu_s is None else round(state.cpu_s, 6),
        "host_pid": state.host_pid,
        "python": state.python,
        "gil_enabled": state.gil_enabled,
        "sampler": _sampler(state),
        "workers": [worker_document(state, w, spans=spans) for w in state.workers.values()],
        "outputs": [
            {"t": _rel(state, o.t), "worker": o.worker, "text": o.text} for o in state.outputs
        ],
    }
    if state.results:
        doc["results"] = [state.results[i] for i in sorted(state.results)]
    if state.error:
        doc["error"] = state.error
    if state.traceback:
        doc["traceback"] = state.traceback
    if state.outputs_dropped:
        doc["outputs_dropped"] = state.outputs_dropped
    return doc


def _fmt(value: float | None, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def summary_text(state: RunState) -> str:
    """A table of the workers and the total time, for the terminal."""
    header = ("worker", "name", "kind", "pid", "tid", "start s", "end s", "cpu s", "state")
    rows = [header]
    for w in state.workers.values():
        rows.append(
            (
                w.id,
                w.name,
                w.kind,
                str(w.pid),
                str(w.tid),
                _fmt(_rel(state, w.started)),
                _fmt(_rel(state, w.finished)),
                _fmt(w.cpu_s, ".3f"),
                w.state,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * wd for wd in widths))
    total = f"total {_fmt(state.wall_s)} s wall, {_fmt(state.cpu_s)} s CPU ({state.status})"
    if state.error:
        total += f": {state.error}"
    return "\n".join([*lines, *failures_text(state), "", total])


def failures_text(state: RunState) -> list[str]:
    """What went wrong, worker by worker, with each traceback indented below."""
    out: list[str] = []
    for w in state.failed_workers:
        out += ["", f"{w.id} {w.name} failed: {w.error or 'no reason given'}"]
        out += ["    " + line for line in w.traceback.rstrip().splitlines()]
    if state.traceback and not any(w.traceback == state.traceback for w in state.failed_workers):
        out += ["", "the run failed:"]
        out += ["    " + line for line in state.traceback.rstrip().splitlines()]
    return out
