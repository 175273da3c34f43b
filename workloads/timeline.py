"""The timeline as data: each worker's spans bucketed into cells of a fixed width.

Pure and UI-free: the Textual widget draws what this computes, and the tests check it.

A cell covers ``cell_s`` seconds on a grid that starts when the run started. Within a
cell a worker spent some time *running*, *ready* (it wanted the CPU but did not have
it: the GIL, or no free core) and *waiting* (sleep, I/O). A cell is classified:

- **running** if the worker ran at all in it (it made progress); ``running`` then says
  which fraction of the cell's known time it ran, so that at a coarse zoom four
  CPU-bound threads sharing one GIL show as quarter-filled cells, and processes with a
  core each as full ones;
- otherwise **ready** or **waiting**, whichever took longer;
- **done** after the worker finished, **none** before it started (or in the future).

Spans arrive incrementally while a run goes on, so :class:`LaneGrid` accumulates
them, and a redraw only folds in the spans that are new since the last one.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from typing import NamedTuple

from workloads.events import DONE, READY, RUNNING, WAITING, Span
from workloads.run_state import RunState, WorkerState

NONE = "none"

#: Cell widths the zoom steps through, in seconds: from 1 ms (a fifth of the default
#: GIL switch interval) to a minute.
ZOOM_LEVELS: tuple[float, ...] = (
    0.001,
    0.002,
    0.005,
    0.01,
    0.02,
    0.05,
    0.1,
    0.2,
    0.5,
    1.0,
    2.0,
    5.0,
    10.0,
    30.0,
    60.0,
)

#: Time below this (seconds) counts as none at all (float noise at cell edges).
_EPS = 1e-9


class Cell(NamedTuple):
    """One cell of one lane."""

    state: str
    #: Fraction (0-1) of the cell's known time the worker was running.
    running: float = 0.0
    #: The state that filled the rest of the cell (ready or waiting), or none.
    other: str = NONE


def fit_level(duration: float, cells: int) -> float:
    """The finest zoom level at which ``duration`` seconds fit in ``cells`` cells."""
    for level in ZOOM_LEVELS:
        if duration <= level * max(cells, 1):
            return level
    return ZOOM_LEVELS[-1]


def format_seconds(seconds: float) -> str:
    """``0.005`` -> ``5 ms``, ``2.0`` -> ``2 s``: a cell width for people."""
    if seconds < 1:
        return f"{seconds * 1000:.3g} ms"
    return f"{seconds:.3g} s"


def classify(running: float, ready: float, waiting: float) -> Cell:
    """The cell for the given seconds of each state (see the module docstring)."""
    known = running + ready + waiting
    other = READY if ready >= waiting and ready > _EPS else WAITING if waiting > _EPS else NONE
    if running > _EPS:
        return Cell(RUNNING, min(1.0, running / known), other)
    if other != NONE:
        return Cell(other, 0.0, other)
    return Cell(NONE)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


class LaneGrid:
    """Seconds of running, ready and waiting per cell for one worker, fed span by span."""

    __slots__ = ("cell_s", "fed", "origin", "times", "until")

    def __init__(self, origin: float, cell_s: float) -> None:
        self.origin = origin
        self.cell_s = cell_s
        self.times: dict[str, array[float]] = {
            RUNNING: array("d"),
            READY: array("d"),
            WAITING: array("d"),
        }
        #: How many spans of the worker's list have been folded in.
        self.fed = 0
        #: The latest span end seen: what comes after it is not known yet.
        self.until = origin

    def add(self, start: float, end: float, state: str) -> None:
        """Fold in one span."""
        times = self.times.get(state)
        if times is None:
            return
        self.until = max(self.until, end)
        origin, cell_s = self.origin, self.cell_s
        start = max(start, origin)
        if end <= start:
            return
        first = int((start - origin) / cell_s)
        last = int((end - origin) / cell_s)
        if last >= len(times):
            for arr in self.times.values():
                arr.extend(array("d", bytes(8 * (last + 1 - len(arr)))))
        if first == last:
            times[first] += end - start
            return
        times[first] += origin + (first + 1) * cell_s - start
        for i in range(first + 1, last):
            times[i] += cell_s
        times[last] += end - (origin + last * cell_s)

    def feed(self, spans: Sequence[Span]) -> None:
        """Fold in the spans of ``spans`` not seen yet (the list only ever grows)."""
        new = spans[self.fed :]  # one slice: spans appended meanwhile wait for next time
        for span in new:
            self.add(span.start, span.end, span.state)
        self.fed += len(new)

    def cells(
        self,
        first: int,
        count: int,
        *,
        started: float,
        finished: float | None = None,
        tail_state: str = NONE,
        now: float | None = None,
        horizon: float | None = None,
    ) -> list[Cell]:
        """Cells ``first`` .. ``first + count - 1``.

        ``tail_state`` is the state to assume from the last span's end until
        ``finished`` (or ``now``). Only a *declared* wait may be assumed: a worker asleep
        for seconds has sent no span for that sleep yet, but it said it began waiting.
        Running or ready is never assumed: spans of CPU work arrive after the fact, and
        painting the unreported tail as running would show GIL-bound threads running
        at the same moment. That tail is left blank (unknown). Cells that begin at or
        after ``horizon`` (the end of the run) are none.
        """
        origin, cell_s = self.origin, self.cell_s
        run, ready, wait = self.times[RUNNING], self.times[READY], self.times[WAITING]
        n = len(run)
        live_end = finished if finished is not None else now
        tail: tuple[float, float] | None = None
        if tail_state == WAITING and live_end is not None:
            tail_start = max(self.until, started)
            if live_end > tail_start:
                tail = (tail_start, live_end)
        out: list[Cell] = []
        for i in range(first, first + count):
            c0 = origin + i * cell_s
            c1 = c0 + cell_s
            t: dict[str, float] = {
                RUNNING: run[i] if 0 <= i < n else 0.0,
                READY: ready[i] if 0 <= i < n else 0.0,
                WAITING: wait[i] if 0 <= i < n else 0.0,
            }
            if tail is not None:
                t[tail_state] += _overlap(c0, c1, *tail)
            cell = classify(t[RUNNING], t[READY], t[WAITING])
            if horizon is not None and c0 >= horizon:
                cell = Cell(NONE)
            elif cell.state == NONE and finished is not None and c1 > finished:
                cell = Cell(DONE)
            out.append(cell)
        return out


def bucket(
    spans: Sequence[Span],
    *,
    origin: float,
    cell_s: float,
    first: int,
    count: int,
    started: float,
    finished: float | None = None,
    tail_state: str = NONE,
    now: float | None = None,
) -> list[Cell]:
    """One lane's cells from its spans, in one go (see :class:`LaneGrid`)."""
    grid = LaneGrid(origin, cell_s)
    grid.feed(spans)
    return grid.cells(
        first, count, started=started, finished=finished, tail_state=tail_state, now=now
    )


class Window(NamedTuple):
    """Which cells are on screen: ``width`` cells from ``first``, each ``cell_s`` wide."""

    first: int
    width: int
    cell_s: float

    def start(self) -> float:
        """Seconds since the run started, at the window's left edge."""
        return self.first * self.cell_s

    def end(self) -> float:
        """Seconds since the run started, at the window's right edge."""
        return (self.first + self.width) * self.cell_s


class TimelineModel:
    """Every lane of a run at one cell width, kept up to date from its ``RunState``."""

    def __init__(self, cell_s: float = 0.1) -> None:
        self.cell_s = cell_s
        self.lanes: dict[str, LaneGrid] = {}
        self._run: tuple[int, float | None] = (0, None)  # (host pid, start): which run

    def set_cell(self, cell_s: float) -> None:
        """Change the cell width (the lanes are rebuilt on the next sync)."""
        if cell_s != self.cell_s:
            self.cell_s = cell_s
            self.lanes.clear()

    def sync(self, state: RunState) -> None:
        """Fold in whatever spans arrived since the last sync."""
        # Readers get a new snapshot object each time: a run is its host and its start.
        run = (state.host_pid, state.started)
        if run != self._run:
            self._run = run
            self.lanes.clear()
        if state.started is None:
            return
        for wid, w in state.workers.items():
            lane = self.lanes.get(wid)
            if lane is None:
                lane = self.lanes[wid] = LaneGrid(state.started, self.cell_s)
            lane.feed(w.spans)

    @staticmethod
    def end_time(state: RunState, now: float) -> float:
        """Seconds from the run's start to its end, or to ``now`` while it runs."""
        return state.elapsed(now)

    def last_index(self, state: RunState, now: float) -> int:
        """The index of the cell that holds the run's end (or ``now``)."""
        return max(0, math.ceil(self.end_time(state, now) / self.cell_s) - 1)

    def rows(
        self, state: RunState, window: Window, now: float
    ) -> list[tuple[WorkerState, list[Cell]]]:
        """Each worker with its cells in ``window`` (call :meth:`sync` first)."""
        if state.started is None:
            return []
        rows = []
        for wid, w in state.workers.items():
            lane = self.lanes.get(wid)
            if lane is None:
                continue
            finished = w.finished
            if finished is None and state.over:
                finished = state.finished
            # Only a declared wait continues past the last span (see LaneGrid.cells),
            # live or up to where the worker ended (a cancelled sleeper).
            waiting = w.state == WAITING or (w.over and w.last_live == WAITING)
            live = WAITING if waiting else NONE
            cells = lane.cells(
                window.first,
                window.width,
                started=w.started or state.started,
                finished=finished,
                tail_state=live,
                now=now,
                horizon=state.finished if state.over else None,
            )
            rows.append((w, cells))
        return rows
