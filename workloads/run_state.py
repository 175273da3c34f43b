"""``RunState``: everything known about a run, folded from its events.

The fold is deterministic and does no I/O: the CLI, the TUI and the tests all feed it
the same events and read the same state. It mutates in place (a run can produce a
million events a second; copying state per event would not keep up).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from workloads.events import (
    DONE,
    FAILED,
    RUNNING,
    WAITING,
    Event,
    Output,
    Progress,
    Result,
    RunFailed,
    RunFinished,
    RunStarted,
    Span,
    StateChanged,
    WorkerFailed,
    WorkerFinished,
    WorkerStarted,
)

#: Lines of output kept per worker (for its panel); the run keeps all of them.
WORKER_LINES = 50

# Run statuses.
STARTING = "starting"
RUN_RUNNING = "running"
FINISHED = "finished"
RUN_FAILED = "failed"
CANCELLED = "cancelled"


@dataclass
class WorkerState:
    """One thread or process of the run."""

    id: str
    name: str
    kind: str
    pid: int
    tid: int
    started: float
    state: str = RUNNING
    detail: str = ""
    finished: float | None = None
    done: int = 0
    total: int = 0
    lines: deque[str] = field(default_factory=lambda: deque(maxlen=WORKER_LINES))
    spans: list[Span] = field(default_factory=list)
    cpu_s: float | None = None
    result: str = ""
    error: str = ""
    traceback: str = ""


@dataclass
class OutputLine:
    """A line printed by a worker, at ``t`` (monotonic seconds)."""

    t: float
    worker: str
    text: str


@dataclass
class RunState:
    """The fold of a run's events."""

    status: str = STARTING
    demo: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    time_scale: float = 1.0
    host_pid: int = 0
    python: str = ""
    gil_enabled: bool = True
    switch_interval: float = 0.005
    started: float | None = None
    finished: float | None = None
    wall_s: float | None = None
    cpu_s: float | None = None
    error: str = ""
    traceback: str = ""
    workers: dict[str, WorkerState] = field(default_factory=dict)
    outputs: list[OutputLine] = field(default_factory=list)
    results: dict[int, dict[str, Any]] = field(default_factory=dict)
    events: int = 0

    # -- the fold ----------------------------------------------------------------------
    def apply(self, event: Event) -> None:
        """Fold one event into the state."""
        self.events += 1
        _HANDLERS[type(event)](self, event)

    def apply_all(self, events: Iterable[Event]) -> None:
        """Fold many events, in order."""
        handlers = _HANDLERS
        n = 0
        for event in events:
            handlers[type(event)](self, event)
            n += 1
        self.events += n

    # -- derived -----------------------------------------------------------------------
    @property
    def over(self) -> bool:
        """Whether the run has ended, one way or another."""
        return self.status in (FINISHED, RUN_FAILED, CANCELLED)

    def cancel(self, t: float) -> None:
        """Record that the user stopped the run at ``t``."""
        if not self.over:
            self.status = CANCELLED
            self.finished = t
            for w in self.workers.values():
                if w.state not in (DONE, FAILED):
                    w.state = FAILED
                    w.error = "cancelled"
                    w.finished = t

    def fail(self, t: float, error: str) -> None:
        """Record that the run died without reporting why (e.g. the host was killed)."""
        if not self.over:
            self.status = RUN_FAILED
            self.finished = t
            self.error = error

    def elapsed(self, now: float) -> float:
        """Seconds since the run started, frozen once it ended."""
        if self.started is None:
            return 0.0
        end = self.finished if self.finished is not None else now
        return max(0.0, end - self.started)


def fold(events: Iterable[Event]) -> RunState:
    """A new state from a sequence of events."""
    state = RunState()
    state.apply_all(events)
    return state


def _run_started(s: RunState, e: RunStarted) -> None:
    s.status = RUN_RUNNING
    s.demo, s.params, s.time_scale, s.host_pid = e.demo, dict(e.params), e.time_scale, e.host_pid
    s.python, s.gil_enabled, s.switch_interval = e.python, e.gil_enabled, e.switch_interval
    s.started = e.t


def _run_finished(s: RunState, e: RunFinished) -> None:
    if s.status != CANCELLED:
        s.status = FINISHED
    s.finished, s.wall_s, s.cpu_s = e.t, e.wall_s, e.cpu_s


def _run_failed(s: RunState, e: RunFailed) -> None:
    s.status = RUN_FAILED
    s.finished, s.error, s.traceback = e.t, e.error, e.traceback


def _worker_started(s: RunState, e: WorkerStarted) -> None:
    s.workers[e.worker] = WorkerState(e.worker, e.name, e.kind, e.pid, e.tid, e.t)


def _worker(s: RunState, worker_id: str) -> WorkerState:
    w = s.workers.get(worker_id)
    if w is None:  # an event from a thread that never registered (e.g. stray prints)
        w = s.workers[worker_id] = WorkerState(worker_id, worker_id, "thread", 0, 0, 0.0)
    return w


def _progress(s: RunState, e: Progress) -> None:
    w = _worker(s, e.worker)
    w.done = e.done
    if e.total:
        w.total = e.total


def _output(s: RunState, e: Output) -> None:
    s.outputs.append(OutputLine(e.t, e.worker, e.text))
    _worker(s, e.worker).lines.append(e.text)


def _span(s: RunState, e: Span) -> None:
    w = _worker(s, e.worker)
    w.spans.append(e)
    if w.state == WAITING and e.state == WAITING:
        w.state, w.detail = RUNNING, ""
    elif w.state not in (DONE, FAILED) and e.state != WAITING:
        w.state = RUNNING


def _state_changed(s: RunState, e: StateChanged) -> None:
    w = _worker(s, e.worker)
    if w.state not in (DONE, FAILED):
        w.state, w.detail = e.state, e.detail


def _result(s: RunState, e: Result) -> None:
    s.results[e.row] = dict(e.data)


def _worker_finished(s: RunState, e: WorkerFinished) -> None:
    w = _worker(s, e.worker)
    w.state, w.detail, w.finished, w.result, w.cpu_s = DONE, "", e.t, e.result, e.cpu_s


def _worker_failed(s: RunState, e: WorkerFailed) -> None:
    w = _worker(s, e.worker)
    w.state, w.finished, w.error, w.traceback, w.cpu_s = FAILED, e.t, e.error, e.traceback, e.cpu_s


_HANDLERS: dict[type, Any] = {
    RunStarted: _run_started,
    RunFinished: _run_finished,
    RunFailed: _run_failed,
    WorkerStarted: _worker_started,
    Progress: _progress,
    Output: _output,
    Span: _span,
    StateChanged: _state_changed,
    Result: _result,
    WorkerFinished: _worker_finished,
    WorkerFailed: _worker_failed,
}
