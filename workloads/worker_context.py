"""Per-worker bookkeeping: spans for the timeline, printed lines, progress, CPU time."""

from __future__ import annotations

import time
from collections.abc import Callable

from workloads.events import (
    READY,
    RUNNING,
    WAITING,
    Event,
    Output,
    Progress,
    Result,
    Span,
    StateChanged,
    Ticking,
    WorkerFailed,
    WorkerFinished,
    WorkerKind,
    WorkerStarted,
)

_monotonic = time.monotonic

#: Between two ticks a thread is assumed to be on the CPU. A pause longer than this
#: means it was not: it wanted the CPU (it is not in a declared wait) but did not have
#: it, because another thread held the GIL or no core was free. The GIL hands over
#: every 5 ms by default, so 1 ms separates the two cleanly as long as the work between
#: two ticks stays well under 1 ms (the demos tick every ~50 us).
GAP_S = 0.001
#: An unbroken running stretch is reported in slices of this length, so the timeline
#: of a busy process fills in live instead of when it finally pauses.
SLICE_S = 0.05


class WorkerContext:
    """The state one worker (a thread, or the main thread of a process) reports from.

    It lives in the worker's own thread; only that thread calls its methods, so none
    of them lock. ``tick()`` is the hot path: one clock read and two comparisons.
    """

    __slots__ = (
        "cpu0",
        "cpu_clock",
        "depth",
        "done",
        "emit",
        "id",
        "idle_start",
        "kind",
        "last",
        "lines",
        "name",
        "partial",
        "run_start",
        "ticking",
        "total",
    )

    def __init__(
        self,
        worker_id: str,
        name: str,
        kind: WorkerKind,
        emit: Callable[[Event], None],
        *,
        total: int = 0,
        cpu_clock: Callable[[], float] = time.thread_time,
    ) -> None:
        self.id = worker_id
        self.name = name
        self.kind = kind
        self.emit = emit
        self.cpu_clock = cpu_clock
        self.total = total
        self.lines = 0
        self.done = 0
        self.partial = ""
        self.idle_start: float | None = None
        self.depth = 0
        self.ticking = False
        now = _monotonic()
        self.last = now
        self.run_start = now
        self.cpu0 = cpu_clock()

    # -- lifecycle -------------------------------------------------------------
    def mark_ticking(self) -> None:
        """Say that this worker calls ``tick()``: its own spans are finer than sampling."""
        if not self.ticking:
            self.ticking = True
            self.emit(Ticking(self.id, _monotonic()))

    def started(self, pid: int, tid: int) -> None:
        """Announce the worker; its first running span starts now."""
        now = _monotonic()
        self.last = self.run_start = now
        self.cpu0 = self.cpu_clock()
        self.emit(WorkerStarted(self.id, now, self.name, self.kind, pid, tid))
        if self.total:
            self.emit(Progress(self.id, now, 0, self.total))

    def finished(self, result: object = None) -> None:
        """Close the last span and report the worker done."""
        self.busy()
        now = self._close_running()
        self.flush_partial()
        text = "" if result is None else repr(result)
        self.emit(WorkerFinished(self.id, now, text, self.cpu_clock() - self.cpu0))

    def failed(self, error: BaseException, tb: str) -> None:
        """Close the last span and report the worker failed."""
        now = self._close_running()
        self.flush_partial()
        self.emit(
            WorkerFailed(
                self.id, now, f"{type(error).__name__}: {error}", tb, self.cpu_clock() - self.cpu0
            )
        )

    # -- activity --------------------------------------------------------------
    def tick(self) -> None:
        """Mark that the worker is running now (call once per unit of CPU work)."""
        now = _monotonic()
        last = self.last
        if not self.ticking:  # code the run's module did not say would tick
            self.mark_ticking()
        if now - last > GAP_S:
            emit = self.emit
            if last > self.run_start:
                emit(Span(self.id, self.run_start, last, RUNNING))
            emit(Span(self.id, last, now, READY))
            self.run_start = now
        elif now - self.run_start > SLICE_S:
            self.emit(Span(self.id, self.run_start, now, RUNNING))
            self.run_start = now
        self.last = now

    def begin_wait(self, detail: str = "") -> float:
        """The worker is about to block (sleep, I/O); returns the start time.

        Waits nest (a ``join`` inside a pool's ``shutdown``): only the outermost one
        makes a span.
        """
        self.depth += 1
        if self.depth > 1:
            return _monotonic()
        now = self._close_running()
        self.emit(StateChanged(self.id, now, WAITING, detail))
        return now

    def end_wait(self, start: float) -> None:
        """The block that began at ``start`` is over; the worker runs again."""
        self.depth -= 1
        if self.depth > 0:
            return
        now = _monotonic()
        self.emit(Span(self.id, start, now, WAITING))
        self.last = self.run_start = now

    def idle(self) -> None:
        """A pool worker waits for its next task (shown as waiting)."""
        if self.idle_start is None:
            self.idle_start = self.begin_wait("idle: waiting for a task")

    def busy(self) -> None:
        """A pool worker got a task (or is leaving): its idle wait is over."""
        if self.idle_start is not None:
            self.end_wait(self.idle_start)
            self.idle_start = None

    def _close_running(self) -> float:
        now = _monotonic()
        end = now
        if self.ticking and now - self.last > GAP_S:
            # Silent since its last tick for longer than a tick takes: it may have waited
            # for the GIL all that time (to print, to return, to start its wait), or done
            # work that does not tick. Not known, so not drawn: a GIL wait painted as
            # running would show two threads running at once.
            end = max(self.last, self.run_start)
        if end > self.run_start:
            self.emit(Span(self.id, self.run_start, end, RUNNING))
        self.last = self.run_start = now
        return now

    # -- reporting -------------------------------------------------------------
    def write(self, text: str) -> None:
        """Take text the worker printed; each completed line becomes an event."""
        if "\n" not in text:
            self.partial += text
            return
        lines = (self.partial + text).split("\n")
        self.partial = lines.pop()
        for line in lines:
            self.line(line)

    def flush_partial(self) -> None:
        """Report a last line that had no newline."""
        if self.partial:
            text, self.partial = self.partial, ""
            self.line(text)

    def line(self, text: str) -> None:
        """Report one printed line; with a known total it also counts as progress."""
        now = _monotonic()
        self.emit(Output(self.id, now, text))
        self.lines += 1
        if self.total:
            self.emit(Progress(self.id, now, min(self.lines, self.total), self.total))

    def progress(self, done: int, total: int = 0) -> None:
        """Report explicit progress."""
        self.done = done
        if total:
            self.total = total
        self.emit(Progress(self.id, _monotonic(), done, self.total))

    def result(self, index: int, data: dict[str, object]) -> None:
        """Report a structured result row."""
        self.emit(Result(self.id, _monotonic(), index, dict(data)))
