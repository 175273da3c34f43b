"""``RunState``: everything known about a run, folded from its events.

The fold is deterministic and does no I/O: the CLI, the TUI and the tests all feed it
the same events and read the same state. It mutates in place (a run can produce a
million events a second; copying state per event would not keep up). Readers on
another thread than the fold's take a :meth:`RunState.snapshot` (the session does it
under its lock) and never look at the live state.
"""

from __future__ import annotations

import copy
import itertools
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from workloads.events import (
    CurrentLine,
    Event,
    Output,
    ProcessExited,
    Progress,
    Result,
    RunFailed,
    RunFinished,
    RunStarted,
    RunStatus,
    SamplerStatus,
    Span,
    State,
    StateChanged,
    ThreadActivity,
    ThreadSpan,
    Ticking,
    WorkerCpu,
    WorkerFailed,
    WorkerFinished,
    WorkerKind,
    WorkerStarted,
    describe_exit,
)

#: Lines of output kept per worker (for its panel).
WORKER_LINES = 50
#: A ticking worker reports a running slice at least every 50 ms (SLICE_S) plus the
#: reporter's 20 ms flush; one that said nothing for this long is not running now.
STALE_S = 0.25
#: Lines of output the run keeps (for ``--json``); beyond, only the count grows and the
#: most recent TAIL_LINES are kept (what a screen shows). A flood of prints must not
#: grow the UI's memory without bound.
RUN_LINES = 100_000
TAIL_LINES = 2_000


@dataclass
class WorkerState:
    """One thread or process of the run."""

    id: str
    name: str
    kind: WorkerKind
    pid: int
    tid: int
    started: float
    state: State = State.RUNNING
    detail: str = ""
    finished: float | None = None
    done: int = 0
    total: int = 0
    lines: deque[str] = field(default_factory=lambda: deque(maxlen=WORKER_LINES))
    #: Only ever appended to (a snapshot shares it; read it by index or slice).
    spans: list[Span] = field(default_factory=list)
    cpu_s: float | None = None
    #: CPU% of one core it last reported itself (WorkerCpu); for workers out of psutil's
    #: sight (a remote Dask worker).
    reported_cpu: float | None = None
    result: str = ""
    error: str = ""
    traceback: str = ""
    #: The state it was in when it ended (a cancelled sleeper was waiting until then).
    last_live: State = State.RUNNING
    #: It ended unseen: its process (or the host) died, and when is known only to be
    #: between its last report and ``finished`` (when the death was noticed).
    unseen_end: bool = False
    #: It reported time spent ready: it ticks, and competes for the CPU.
    seen_ready: bool = False
    #: It calls ``tick()``: its own spans say when it runs (the sampler's do not).
    ticks: bool = False
    #: What the scheduler sampler saw it do (only ever appended to), whether or not
    #: the timeline uses it (see :func:`_thread_span`).
    sampled: list[Span] = field(default_factory=list)
    #: Where its code is now: (file, line) of its innermost frame in the program's code.
    line: tuple[str, int] | None = None
    #: Running spans it declared while the sampler watched, kept aside: the sampler's
    #: spans say better when it ran. Used if the sampler never saw it (a short thread).
    held: list[Span] = field(default_factory=list)
    #: Its recent declared waits (start, end), and the start of the one going on.
    waits: deque[tuple[float, float]] = field(default_factory=lambda: deque(maxlen=8))
    wait_since: float | None = None

    @property
    def over(self) -> bool:
        """Whether the worker is done, failed or cancelled."""
        return self.state.final

    def live_state(self, now: float, window: float = STALE_S) -> State:
        """The state to show at ``now``: what the worker mostly did in the last ``window``.

        Spans are reported when they end, so an ongoing wait is known from ``state``
        (set live when the wait began), which wins for waits and ends. Otherwise the
        state that filled most of the window: four threads sharing one GIL are each
        mostly *ready*. A ticking worker that reported nothing in the window is not
        running, whatever its last slice said: it waits for the GIL or a core.
        """
        spans = self.spans
        # The list may be shared with the live fold, which appends to it: read by
        # index, up to a length taken once, never through an iterator.
        n = len(spans)
        if self.over or self.state == State.WAITING or not n:
            return self.state
        since = now - window
        time_in: dict[State, float] = {}
        for i in range(n - 1, -1, -1):
            span = spans[i]
            if span.end <= since:
                break
            time_in[span.state] = time_in.get(span.state, 0.0) + span.end - max(span.start, since)
        if time_in:
            state = max(time_in.items(), key=lambda kv: kv[1])[0]
            return self._why_ready(since) if state == State.READY else state
        if self.seen_ready and self.state == State.RUNNING:
            return self._why_ready(since)
        return self.state

    def _why_ready(self, since: float) -> State:
        """READY, or why (the GIL, a core) if the sampler saw it lately."""
        sampled = self.sampled
        n = len(sampled)  # shared with the live fold: index up to a length taken once
        last = sampled[n - 1] if n else None
        if last is not None and last.end > since and last.state in (State.GIL, State.CORE):
            return last.state
        return State.READY

    def end(self, t: float, state: State, error: str = "") -> None:
        """Mark an unfinished worker as over (it will send nothing more)."""
        if self.over:
            return
        self.last_live = self.state
        self.state, self.detail, self.finished = state, "", t
        if error:
            self.error = error


@dataclass
class OutputLine:
    """A line printed by a worker, at ``t`` (monotonic seconds)."""

    t: float
    worker: str
    text: str


@dataclass
class RunState:
    """The fold of a run's events."""

    status: RunStatus = RunStatus.STARTING
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
    #: CPU seconds of every process of the run, start-up included (once it ended).
    total_cpu_s: float | None = None
    error: str = ""
    traceback: str = ""
    workers: dict[str, WorkerState] = field(default_factory=dict)
    #: Only ever appended to, up to RUN_LINES (a snapshot shares it).
    outputs: list[OutputLine] = field(default_factory=list)
    #: Lines printed beyond RUN_LINES: counted, not kept ...
    outputs_dropped: int = 0
    #: ... but for the last TAIL_LINES of them.
    outputs_tail: deque[OutputLine] = field(default_factory=lambda: deque(maxlen=TAIL_LINES))
    results: dict[int, dict[str, Any]] = field(default_factory=dict)
    #: Processes of the run that ended, by pid: their exit codes.
    exits: dict[int, int] = field(default_factory=dict)
    events: int = 0
    #: The scheduler sampler's word on the run: watching at some rate, or why not.
    sampler: SamplerStatus | None = None
    #: Worker ids by (pid, native thread id), to place the sampler's readings.
    threads: dict[tuple[int, int], str] = field(default_factory=dict)
    #: Workers that said they tick before they said they started.
    ticking: set[str] = field(default_factory=set)

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
        return self.status.over

    @property
    def output_count(self) -> int:
        """Lines printed so far, kept or not."""
        return len(self.outputs) + self.outputs_dropped

    def output_lines(self, first: int, end: int) -> list[OutputLine]:
        """The printed lines ``first`` to ``end`` (counting every line printed) that are
        still known: kept in ``outputs``, or among the tail of the dropped ones."""
        kept = len(self.outputs)
        lines = self.outputs[first : min(end, kept)] if first < kept else []
        if end > kept:
            tail = list(self.outputs_tail)
            tail_first = self.output_count - len(tail)  # index of tail[0]
            lines += tail[max(0, max(first, kept) - tail_first) : max(0, end - tail_first)]
        return lines

    @property
    def failed_workers(self) -> list[WorkerState]:
        """Workers that raised or died (not the ones the user cancelled)."""
        return [w for w in self.workers.values() if w.state == State.FAILED]

    @property
    def ok(self) -> bool:
        """The run finished and none of its workers failed."""
        return self.status == RunStatus.FINISHED and not self.failed_workers

    def elapsed(self, now: float) -> float:
        """Seconds since the run started, frozen once it ended."""
        if self.started is None:
            return 0.0
        end = self.finished if self.finished is not None else now
        return max(0.0, end - self.started)

    # -- what the session learns outside the event stream ---------------------------
    def cancel(self, t: float) -> None:
        """Record that the user stopped the run at ``t``: unfinished workers are cancelled."""
        if self.over:
            return
        self.status, self.finished = RunStatus.CANCELLED, t
        for w in self.workers.values():
            w.end(t, State.CANCELLED)

    def host_exited(self, t: float, exitcode: int, stderr_tail: str = "") -> None:
        """The host process ended with ``exitcode``: settle everything still open.

        Whatever of the run had not reported its end died with the host (the host's
        children watch it and exit with it). A run that had not ended, ended here.
        """
        if self.host_pid:
            self.exits.setdefault(self.host_pid, exitcode)
        how = describe_exit(exitcode)
        died = not self.over
        if died:
            self.status, self.finished = RunStatus.FAILED, t
            self.error = describe_exit(exitcode, "the run host")
            if stderr_tail:
                self.error += f" ({stderr_tail})"
        for w in self.workers.values():
            if self.status == RunStatus.CANCELLED:
                w.end(t, State.CANCELLED)
            elif died:
                if not w.over:
                    w.unseen_end = True
                w.end(t, State.FAILED, f"died with the run host ({how})")
            else:  # the demo returned and left it running: it was stopped with the run
                w.end(t, State.FAILED, "still running when the run ended; stopped with it")

    def snapshot(self) -> RunState:
        """A copy for readers on another thread, which the fold will not touch.

        Containers that change in place (the worker table, its lines, the results)
        are copied; lists that only grow (spans, outputs) are shared, so a reader
        must take their length once and read up to it.
        """
        snap = copy.copy(self)
        snap.params = dict(self.params)
        snap.workers = {wid: _copy_worker(w) for wid, w in self.workers.items()}
        snap.results = dict(self.results)
        snap.outputs_tail = deque(self.outputs_tail, maxlen=TAIL_LINES)
        snap.exits = dict(self.exits)
        return snap

    def first_workers(self, count: int) -> RunState:
        """This snapshot as if only its first ``count`` workers (in order of arrival)
        had appeared: a shallow copy that shares everything else."""
        if count >= len(self.workers):
            return self
        view = copy.copy(self)
        view.workers = dict(itertools.islice(self.workers.items(), count))
        return view


def _copy_worker(w: WorkerState) -> WorkerState:
    c = copy.copy(w)
    c.lines = deque(w.lines, maxlen=WORKER_LINES)
    return c


def fold(events: Iterable[Event]) -> RunState:
    """A new state from a sequence of events."""
    state = RunState()
    state.apply_all(events)
    return state


def _run_started(s: RunState, e: RunStarted) -> None:
    if s.status == RunStatus.STARTING:
        s.status = RunStatus.RUNNING
    s.demo, s.params, s.time_scale, s.host_pid = e.demo, dict(e.params), e.time_scale, e.host_pid
    s.python, s.gil_enabled, s.switch_interval = e.python, e.gil_enabled, e.switch_interval
    s.started = e.t


def _run_finished(s: RunState, e: RunFinished) -> None:
    if not s.over:
        s.status, s.finished = RunStatus.FINISHED, e.t
    s.wall_s, s.cpu_s = e.wall_s, e.cpu_s


def _run_failed(s: RunState, e: RunFailed) -> None:
    if not s.over:
        s.status, s.finished = RunStatus.FAILED, e.t
    s.error, s.traceback = e.error, e.traceback


def _worker_started(s: RunState, e: WorkerStarted) -> None:
    w = s.workers[e.worker] = WorkerState(e.worker, e.name, e.kind, e.pid, e.tid, e.t)
    if e.worker in s.ticking:  # it said so first (see Runtime.register)
        s.ticking.discard(e.worker)
        w.ticks = True
    s.threads[(e.pid, e.tid)] = e.worker
    # Its process's end may be reported (by its parent, on another connection) before
    # the process's own last events arrive: the stand-in made for it gives way.
    ghost = s.workers.get(f"pid{e.pid}")
    if ghost is not None and ghost is not w and e.pid in s.exits:
        del s.workers[ghost.id]
        _ended_with_process(w, ghost.finished or e.t, s.exits[e.pid])


def _worker(s: RunState, worker_id: str) -> WorkerState:
    w = s.workers.get(worker_id)
    if w is None:  # an event from a thread that never registered (e.g. stray prints)
        w = s.workers[worker_id] = WorkerState(worker_id, worker_id, WorkerKind.THREAD, 0, 0, 0.0)
    return w


def _progress(s: RunState, e: Progress) -> None:
    w = _worker(s, e.worker)
    w.done = e.done
    if e.total:
        w.total = e.total


def _output(s: RunState, e: Output) -> None:
    if len(s.outputs) < RUN_LINES:
        s.outputs.append(OutputLine(e.t, e.worker, e.text))
    else:
        s.outputs_dropped += 1
        s.outputs_tail.append(OutputLine(e.t, e.worker, e.text))
    _worker(s, e.worker).lines.append(e.text)


def _span(s: RunState, e: Span) -> None:
    w = _worker(s, e.worker)
    if e.state == State.WAITING:
        w.waits.append((e.start, e.end))
        w.wait_since = None
    if e.state == State.RUNNING and not w.ticks and _sampling(s):
        w.held.append(e)  # the sampler says when it really ran (not waiting for the GIL)
    else:
        w.spans.append(e)
    if e.state == State.READY:
        w.seen_ready = True
    if w.over:
        return
    if w.state == State.WAITING and e.state == State.WAITING:
        w.state, w.detail = State.RUNNING, ""
    elif e.state != State.WAITING:
        w.state = State.RUNNING


def _state_changed(s: RunState, e: StateChanged) -> None:
    w = _worker(s, e.worker)
    if e.state == State.WAITING:
        w.wait_since = e.t
    if not w.over:
        w.state, w.detail = e.state, e.detail


def _result(s: RunState, e: Result) -> None:
    s.results[e.row] = dict(e.data)


def _worker_finished(s: RunState, e: WorkerFinished) -> None:
    w = _worker(s, e.worker)
    _settle_held(w)
    w.state, w.detail, w.finished, w.result, w.cpu_s = State.DONE, "", e.t, e.result, e.cpu_s


def _worker_failed(s: RunState, e: WorkerFailed) -> None:
    w = _worker(s, e.worker)
    _settle_held(w)
    w.state, w.detail, w.finished = State.FAILED, "", e.t
    w.error, w.traceback, w.cpu_s = e.error, e.traceback, e.cpu_s


def _worker_cpu(s: RunState, e: WorkerCpu) -> None:
    _worker(s, e.worker).reported_cpu = e.percent


def _process_exited(s: RunState, e: ProcessExited) -> None:
    s.exits[e.pid] = e.exitcode
    how = describe_exit(e.exitcode)
    workers = _workers_of(s.workers.values(), e.pid)
    if not workers and e.exitcode != 0:
        # It died before it could say who it was (killed while importing, say): it is
        # a failure all the same, shown as a worker of its own.
        wid = f"pid{e.pid}"
        w = s.workers[wid] = WorkerState(wid, f"process {e.pid}", WorkerKind.PROCESS, e.pid, 0, e.t)
        w.end(e.t, State.FAILED, f"{how} before it reported anything")
        return
    for w in workers:
        _ended_with_process(w, e.t, e.exitcode)


def _ended_with_process(w: WorkerState, t: float, exitcode: int) -> None:
    """``w``'s process ended at ``t`` with ``exitcode``: so did ``w``, if still open."""
    if exitcode == 0:
        w.end(t, State.DONE)
        return
    if not w.over:
        w.unseen_end = True
    if w.kind == WorkerKind.PROCESS:
        w.end(t, State.FAILED, describe_exit(exitcode))
    else:
        w.end(t, State.FAILED, describe_exit(exitcode, "its process"))


# -- the scheduler sampler (workloads.thread_sampler) ---------------------------------------
def _sampling(s: RunState) -> bool:
    return s.sampler is not None and s.sampler.active


def _sampler_status(s: RunState, e: SamplerStatus) -> None:
    s.sampler = e


def _ticking(s: RunState, e: Ticking) -> None:
    w = s.workers.get(e.worker)
    if w is None:  # it starts next
        s.ticking.add(e.worker)
        return
    w.ticks = True
    _settle_held(w)


def _settle_held(w: WorkerState) -> None:
    """Declared running spans kept aside go to the timeline if the sampler has nothing
    better: the worker ticks, or it ended before the sampler first saw it."""
    if w.held and (w.ticks or not w.sampled):
        w.spans.extend(w.held)
    w.held.clear()


#: The state a sampled activity shows as (a futex wait is the GIL only if not declared).
_SAMPLED = {
    ThreadActivity.RUNNING: State.RUNNING,
    ThreadActivity.CORE: State.CORE,
    ThreadActivity.GIL: State.GIL,
    ThreadActivity.LOCK: State.WAITING,
    ThreadActivity.SLEEP: State.WAITING,
    ThreadActivity.IO: State.WAITING,
}


def _declared_wait(w: WorkerState, start: float, end: float) -> bool:
    """Whether the worker said it waited (sleep, join, a pool's result) in start..end."""
    if w.wait_since is not None and w.wait_since < end:
        return True
    return any(a < end and start < b for a, b in w.waits)


def _thread_span(s: RunState, e: ThreadSpan) -> None:
    """A sampled stretch of one thread: for a worker that does not tick, the timeline's
    truth about running, waiting for the GIL and waiting for a core. A ticking worker's
    own spans stay (finer); the reading is kept in ``sampled`` all the same."""
    wid = s.threads.get((e.pid, e.tid))
    if wid is None:
        return  # a thread of the machinery, not a worker
    w = s.workers[wid]
    state = _SAMPLED[e.activity]
    declared = _declared_wait(w, e.start, e.end)
    if state == State.GIL and (declared or not s.gil_enabled):
        state = State.WAITING  # a join or a lock it told us about (or no GIL at all)
    end = e.end if w.finished is None else min(e.end, w.finished)
    if end <= e.start:
        return  # after its end: the thread was the machinery's by then
    span = Span(wid, e.start, end, state)
    w.sampled.append(span)
    if w.ticks or (state == State.WAITING and declared):
        return  # its own spans say it (finer), or its own wait span covers it
    w.spans.append(span)


def _current_line(s: RunState, e: CurrentLine) -> None:
    _worker(s, e.worker).line = (e.file, e.line)


def _workers_of(workers: Iterable[WorkerState], pid: int) -> Sequence[WorkerState]:
    return [w for w in workers if w.pid == pid]


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
    WorkerCpu: _worker_cpu,
    ProcessExited: _process_exited,
    Ticking: _ticking,
    ThreadSpan: _thread_span,
    SamplerStatus: _sampler_status,
    CurrentLine: _current_line,
}
