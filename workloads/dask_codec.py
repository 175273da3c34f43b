"""Events as Dask's event log carries them: msgpack-able lists, and back.

A worker of a Dask cluster may be on another machine: its events travel through the
scheduler (``Worker.log_event`` to ``Client.subscribe_topic``), which only takes
msgpack-able values. So an event goes as ``[kind, *fields]`` with its enums as text,
and its times as wall-clock seconds: ``time.monotonic()`` is one clock per machine,
not across machines. The run host turns them back into events on its own clock, with
worker ids of its own (``d1``, ``d1.t2``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from workloads.events import (
    Event,
    Output,
    Progress,
    Result,
    Span,
    State,
    StateChanged,
    WorkerCpu,
    WorkerFailed,
    WorkerFinished,
    WorkerKind,
    WorkerStarted,
)

#: The events a Dask worker sends: all of them name a worker first.
_TYPES: dict[str, type] = {
    t.__name__: t
    for t in (
        WorkerStarted,
        Progress,
        Output,
        Span,
        StateChanged,
        Result,
        WorkerFinished,
        WorkerFailed,
        WorkerCpu,
    )
}
#: Which fields hold times, per kind (the others hold one at index 1).
_TIMES: dict[str, tuple[int, ...]] = {"Span": (1, 2)}


def wall_offset() -> float:
    """What to add to this machine's ``time.monotonic()`` to get wall-clock seconds."""
    return time.time() - time.monotonic()


def encode(event: Event, offset: float) -> list[Any]:
    """``event`` as a msgpack-able list, its times made wall-clock with ``offset``."""
    name = type(event).__name__
    fields: list[Any] = [str(v) if isinstance(v, (State, WorkerKind)) else v for v in event]
    for i in _TIMES.get(name, (1,)):
        fields[i] += offset
    return [name, *fields]


def decode(item: list[Any], offset: float, worker_id: Callable[[str], str]) -> Event | None:
    """An event of this machine from :func:`encode`'s list; None if it is not one.

    ``offset`` is this machine's :func:`wall_offset`; ``worker_id`` maps the sender's
    own worker ids to the run's.
    """
    if not item or item[0] not in _TYPES:
        return None
    name, fields = item[0], list(item[1:])
    fields[0] = worker_id(str(fields[0]))
    for i in _TIMES.get(name, (1,)):
        fields[i] -= offset
    if name == "WorkerStarted":
        fields[3] = WorkerKind(fields[3])
    elif name in ("Span", "StateChanged"):
        fields[3 if name == "Span" else 2] = State(fields[3 if name == "Span" else 2])
    try:
        event: Event = _TYPES[name](*fields)
    except TypeError:
        return None
    return event
