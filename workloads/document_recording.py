"""A ``--json`` run document turned back into a recording, so that it can be replayed.

The document keeps less than a recording: no CPU samples, no progress, no live state
changes, no thread ids of the machine's other runs. What it keeps (workers, their
spans, their outputs, results, the end) becomes the events that would have said it,
at the document's times (seconds from the run's start, which is 0 here).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workloads.events import (
    Output,
    Result,
    RunFailed,
    RunFinished,
    RunStarted,
    RunStatus,
    Span,
    State,
    StateChanged,
    WorkerFailed,
    WorkerFinished,
    WorkerKind,
    WorkerStarted,
)
from workloads.recording import (
    Cancelled,
    Entry,
    Recording,
    RecordingError,
    RecordingHeader,
    entry_time,
)


def _num(value: Any, default: float = 0.0) -> float:
    return float(value) if isinstance(value, int | float) else default


def recording_from_document(doc: Mapping[str, Any], name: str) -> Recording:
    """The entries a ``--json`` document stands for (a RecordingError if malformed)."""
    try:
        return _convert(doc, name)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RecordingError(f"{name}: a run document, but malformed ({exc})") from None


def _convert(doc: Mapping[str, Any], name: str) -> Recording:
    demo, params = doc["demo"], doc.get("params") or {}
    if not isinstance(demo, str) or not isinstance(params, dict):
        raise ValueError("no demo or parameters")
    header = RecordingHeader(demo=demo, params=params, time_scale=_num(doc.get("time_scale"), 1.0))
    started = RunStarted(
        0.0,
        demo,
        params,
        header.time_scale,
        int(doc.get("host_pid") or 0),
        str(doc.get("python", "")),
        bool(doc.get("gil_enabled", True)),
        0.005,  # not in the document: CPython's default
    )
    starts: list[Entry] = []
    body: list[Entry] = []
    ends: list[Entry] = []
    for w in doc["workers"]:
        wid = str(w["id"])
        starts.append(  # before any of its events, as live (a kernel span may predate it)
            WorkerStarted(
                wid,
                _num(w.get("started")),
                str(w.get("name", wid)),
                WorkerKind(w.get("kind", "thread")),
                int(w.get("pid") or 0),
                int(w.get("tid") or 0),
            )
        )
        for s in w.get("spans", ()):
            span = Span(wid, _num(s["start"]), _num(s["end"]), State(s["state"]))
            if span.state == State.WAITING:  # said live when the wait began, as the host does
                body.append(StateChanged(wid, span.start, State.WAITING, ""))
            body.append(span)
        finished, cpu = w.get("finished"), w.get("cpu_s")
        if finished is None:
            continue
        if w.get("state") == State.DONE:
            ends.append(WorkerFinished(wid, _num(finished), "", cpu))
        elif w.get("state") == State.FAILED:
            ends.append(
                WorkerFailed(wid, _num(finished), w.get("error", ""), w.get("traceback", ""), cpu)
            )
    body += [Output(str(o["worker"]), _num(o["t"]), str(o["text"])) for o in doc["outputs"]]
    end = max((entry_time(e) for e in [*body, *ends]), default=0.0)
    end = max(end, _num(doc.get("wall_s")))
    body += [Result("", end, i, dict(r)) for i, r in enumerate(doc.get("results") or ())]
    status = doc.get("status")
    if status == RunStatus.FINISHED:
        ends.append(RunFinished(end, _num(doc.get("wall_s")), _num(doc.get("cpu_s"))))
    elif status == RunStatus.FAILED:
        ends.append(RunFailed(end, str(doc.get("error", "")), str(doc.get("traceback", ""))))
    elif status == RunStatus.CANCELLED:
        ends.append(Cancelled(end))
    # In time order (starts before their spans at equal times: a stable sort).
    starts.sort(key=entry_time)
    body.sort(key=entry_time)
    ends.sort(key=entry_time)
    return Recording(header, [started, *starts, *body, *ends], source=name)
