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
import sys
from array import array
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from workloads.events import CORE, DONE, GIL, READY, RUNNING, WAITING, Span
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

#: The lanes of sampled GIL and core waits of a ticking worker (see LaneGrid.feed_hints).
_HINT_GIL, _HINT_CORE = "hint-gil", "hint-core"
_HINTS = {GIL: _HINT_GIL, CORE: _HINT_CORE}

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


#: The cells that need no arithmetic, shared: a redraw classifies every cell on screen.
_NONE_CELL = Cell(NONE)
_DONE_CELL = Cell(DONE)
_READY_CELLS: dict[str, Cell] = {s: Cell(s, 0.0, s) for s in (READY, GIL, CORE)}
_WAITING_CELL = Cell(WAITING, 0.0, WAITING)
_FULL_CELLS = {other: Cell(RUNNING, 1.0, other) for other in (READY, GIL, CORE, WAITING, NONE)}


def classify(
    running: float, ready: float, waiting: float, gil: float = 0.0, core: float = 0.0
) -> Cell:
    """The cell for the given seconds of each state (see the module docstring).

    ``gil`` and ``core`` are ready time whose cause the scheduler sampler knows: they
    count as ready, and name it when they are most of it.
    """
    wanting = ready + gil + core
    other = READY if wanting >= waiting and wanting > _EPS else WAITING if waiting > _EPS else NONE
    if other == READY and (gil > ready or core > ready):
        other = GIL if gil >= core else CORE
    if running > _EPS:
        share = running / (running + wanting + waiting)
        return _FULL_CELLS[other] if share >= 1.0 else Cell(RUNNING, share, other)
    if other == WAITING:
        return _WAITING_CELL
    return _READY_CELLS.get(other, _NONE_CELL)


#: An assumed wait after the last span, from .. to (see :meth:`LaneGrid.cells`), or None.
_Tail = tuple[float, float] | None
#: No cells: a band of cells from .. to (excluded) that holds none.
_NO_BAND = (sys.maxsize, -sys.maxsize)


def _hull(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    """The smallest band of cells that holds both bands."""
    return min(a[0], b[0]), max(a[1], b[1])


class LaneGrid:
    """Seconds of running, ready and waiting per cell for one worker, fed span by span."""

    __slots__ = (
        "_last",
        "_touched",
        "cell_s",
        "fed",
        "fed_hints",
        "hinted",
        "labelled",
        "origin",
        "times",
        "until",
    )

    def __init__(self, origin: float, cell_s: float) -> None:
        self.origin = origin
        self.cell_s = cell_s
        self.times: dict[str, array[float]] = {
            RUNNING: array("d"),
            READY: array("d"),
            WAITING: array("d"),
            GIL: array("d"),
            CORE: array("d"),
            # What the sampler saw of a ticking worker's ready time (not time itself:
            # its tick() spans are; these only say why it was ready).
            _HINT_GIL: array("d"),
            _HINT_CORE: array("d"),
        }
        self.fed_hints = 0
        self.hinted = False
        #: How many spans of the worker's list have been folded in.
        self.fed = 0
        #: Some ready time came labelled (the GIL, a core) by the scheduler sampler.
        self.labelled = False
        #: The latest span end seen: what comes after it is not known yet.
        self.until = origin
        #: The last cells handed out: their window and edges, their tail, the cells.
        self._last: tuple[tuple[object, ...], _Tail, tuple[Cell, ...]] | None = None
        #: The cells spans changed since then: from .. to (excluded).
        self._touched = _NO_BAND

    def add(self, start: float, end: float, state: str) -> None:
        """Fold in one span."""
        times = self.times.get(state)
        if times is None:
            return
        if state in (_HINT_GIL, _HINT_CORE):
            self.hinted = True  # not time of its own: the worker's spans say how far
        else:
            self.until = max(self.until, end)
            if state in (GIL, CORE):
                self.labelled = True
        origin, cell_s = self.origin, self.cell_s
        start = max(start, origin)
        if end <= start:
            return
        first = int((start - origin) / cell_s)
        last = int((end - origin) / cell_s)
        self._touched = _hull(self._touched, (first, last + 1))
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

    def feed_hints(self, sampled: Sequence[Span]) -> None:
        """Fold in a ticking worker's sampled GIL and core waits not seen yet: its ready
        cells are named after them (its own spans stay the time)."""
        new = sampled[self.fed_hints :]
        for span in new:
            hint = _HINTS.get(span.state)
            if hint is not None:
                self.add(span.start, span.end, hint)
        self.fed_hints += len(new)

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
        tail_until: float | None = None,
    ) -> list[Cell]:
        """Cells ``first`` .. ``first + count - 1``.

        ``tail_state`` is the state to assume from the last span's end until
        ``finished`` (or ``now``). Only a *declared* wait may be assumed: a worker asleep
        for seconds has sent no span for that sleep yet, but it said it began waiting.
        Running or ready is never assumed: spans of CPU work arrive after the fact, and
        painting the unreported tail as running would show GIL-bound threads running
        at the same moment. That tail is left blank (unknown). Cells that begin at or
        after ``horizon`` (the end of the run) are none. The assumed wait stops at
        ``tail_until`` if given (the last sign of life of a process that died unseen).
        """
        # Called for every lane on screen at each redraw. A cell depends on its own
        # seconds, the tail and the edges only: cells that none of these changed since
        # the last call are the same cells (a sleeper's lane only grows at its end).
        count = max(0, count)
        live_end = finished if finished is not None else now
        if tail_until is not None and live_end is not None:
            live_end = min(live_end, tail_until)
        tail: _Tail = None
        if tail_state == WAITING and live_end is not None:
            tail_start = max(self.until, started)
            if live_end > tail_start:
                tail = (tail_start, live_end)
        key = (first, count, started, finished, horizon)
        end = first + count
        last = self._last
        if last is None or last[0] != key:
            out = tuple(self._compute(first, count, tail, finished, horizon))
        else:
            lo, hi = _hull(self._touched, self._tail_band(last[1], tail))
            lo, hi = max(lo, first), min(hi, end)
            out = last[2]
            if lo < hi:
                cells = self._compute(lo, hi - lo, tail, finished, horizon)
                out = out[: lo - first] + tuple(cells) + out[hi - first :]
        self._last, self._touched = (key, tail, out), _NO_BAND
        return list(out)

    def _tail_band(self, old: _Tail, new: _Tail) -> tuple[int, int]:
        """The cells (from .. to, excluded) outside which both tails cover the same part
        of every cell."""
        if old == new:
            return _NO_BAND
        edges: tuple[float, ...]
        if old is not None and new is not None and old[0] == new[0]:
            edges = (old[1], new[1])  # it grew (or shrank): only around its ends
        else:
            edges = tuple(t for tail in (old, new) if tail is not None for t in tail)
        # A cell of margin each side: float rounding may put an edge a cell off.
        origin, cell_s = self.origin, self.cell_s
        return (
            math.floor((min(edges) - origin) / cell_s) - 1,
            math.floor((max(edges) - origin) / cell_s) + 2,
        )

    def _compute(
        self, first: int, count: int, tail: _Tail, finished: float | None, horizon: float | None
    ) -> list[Cell]:
        """Cells ``first`` .. ``first + count - 1`` (see :meth:`cells`), all of them:
        whole slices of the arrays, a loop only over the cells the tail and the two edges
        (done, horizon) touch."""
        if count <= 0:
            return []
        run = self._window(self.times[RUNNING], first, count)
        ready = self._window(self.times[READY], first, count)
        wait = self._window(self.times[WAITING], first, count)
        if tail is not None:
            self._add_tail(wait, first, *tail)
        if self.labelled or self.hinted:  # the sampler said why some ready time was
            gil = self._window(self.times[GIL], first, count)
            core = self._window(self.times[CORE], first, count)
            if self.hinted:
                self._name_ready(ready, gil, core, first, count)
            out = list(map(classify, run, ready, wait, gil, core))
        else:
            out = list(map(classify, run, ready, wait))
        end = first + count
        cut = end if horizon is None else self._first_cell(first, end, horizon, 0.0, True)
        if finished is not None:
            for i in range(self._first_cell(first, cut, finished, self.cell_s, False), cut):
                if out[i - first].state == NONE:
                    out[i - first] = _DONE_CELL
        for i in range(cut, end):
            out[i - first] = _NONE_CELL
        return out

    def _name_ready(
        self, ready: list[float], gil: list[float], core: list[float], first: int, count: int
    ) -> None:
        """Ready time of cells the sampler saw as GIL or core waits becomes that."""
        hint_gil = self._window(self.times[_HINT_GIL], first, count)
        hint_core = self._window(self.times[_HINT_CORE], first, count)
        for i in range(count):
            if ready[i] > _EPS and (hint_gil[i] > _EPS or hint_core[i] > _EPS):
                if hint_gil[i] >= hint_core[i]:
                    gil[i] += ready[i]
                else:
                    core[i] += ready[i]
                ready[i] = 0.0

    @staticmethod
    def _window(times: array[float], first: int, count: int) -> list[float]:
        """``times[first : first + count]``, with zeros where the array has no cell."""
        lo, hi = max(first, 0), min(first + count, len(times))
        if lo >= hi:
            return [0.0] * count
        return [0.0] * (lo - first) + times[lo:hi].tolist() + [0.0] * (first + count - hi)

    def _add_tail(self, wait: list[float], first: int, t0: float, t1: float) -> None:
        """Add the part of ``t0`` .. ``t1`` that each cell of ``wait`` covers."""
        origin, cell_s = self.origin, self.cell_s
        # A cell more on each side than the division says: float rounding may put an
        # edge a cell off, and a cell the tail does not touch gets 0.0 added, no change.
        lo = max(first, int((t0 - origin) / cell_s) - 1)
        hi = min(first + len(wait), int((t1 - origin) / cell_s) + 2)
        starts = [origin + i * cell_s for i in range(lo, hi)]
        # How much of each cell the tail covers (a sleeper's tail may span the window).
        for i, c0 in enumerate(starts, lo - first):
            wait[i] += max(0.0, min(c0 + cell_s, t1) - max(c0, t0))

    def _first_cell(self, lo: int, hi: int, t: float, shift: float, inclusive: bool) -> int:
        """The first cell ``i`` of ``lo`` .. ``hi`` whose edge ``origin + i * cell_s +
        shift`` is at or after ``t`` (``inclusive``) or after it; ``hi`` if none is.

        The same float expression as a cell's start (``shift`` 0) or end (``shift``
        ``cell_s``), so that a cell is on the same side of ``t`` as when each one is
        tested; the edges grow with ``i``, so the first one found is the boundary.
        """
        origin, cell_s = self.origin, self.cell_s

        def past(i: int) -> bool:
            edge = origin + i * cell_s + shift
            return edge >= t if inclusive else edge > t

        guess = (t - origin - shift) / cell_s
        i = lo if guess <= lo else hi if guess >= hi else int(guess)
        while i > lo and past(i - 1):
            i -= 1
        while i < hi and not past(i):
            i += 1
        return i


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
            if w.ticks:
                lane.feed_hints(w.sampled)

    @staticmethod
    def end_time(state: RunState, now: float) -> float:
        """Seconds from the run's start to its end, or to ``now`` while it runs."""
        return state.elapsed(now)

    def last_index(self, state: RunState, now: float) -> int:
        """The index of the cell that holds the run's end (or ``now``)."""
        return max(0, math.ceil(self.end_time(state, now) / self.cell_s) - 1)

    def rows(
        self,
        state: RunState,
        window: Window,
        now: float,
        workers: Iterable[WorkerState] | None = None,
    ) -> list[tuple[WorkerState, list[Cell]]]:
        """Each worker (or each of ``workers``, by default all of the state's) with its
        cells in ``window`` (call :meth:`sync` first)."""
        if state.started is None:
            return []
        rows = []
        seen: dict[int, float] = {}  # per process: its last sign of life (see below)
        for w in state.workers.values() if workers is None else workers:
            lane = self.lanes.get(w.id)
            if lane is None:
                continue
            finished = w.finished
            if finished is None and state.over:
                finished = state.finished
            # Only a declared wait continues past the last span (see LaneGrid.cells),
            # live or up to where the worker ended (a cancelled sleeper); for a worker
            # whose process died unseen, only up to the process's last sign of life:
            # it was dead by the time its death was noticed (between: unknown).
            waiting = w.state == WAITING or (w.over and w.last_live == WAITING)
            alive = _seen_alive_until(state, w.pid, seen) if w.unseen_end else None
            live = WAITING if waiting else NONE
            cells = lane.cells(
                window.first,
                window.width,
                started=w.started or state.started,
                finished=finished,
                tail_state=live,
                now=now,
                horizon=state.finished if state.over else None,
                tail_until=alive,
            )
            rows.append((w, cells))
        return rows


def _seen_alive_until(state: RunState, pid: int, seen: dict[int, float]) -> float:
    """The end of the latest span of any worker of process ``pid`` (its threads' included;
    the kernel sampler's too): the last time the process was seen alive."""
    if pid not in seen:
        seen[pid] = max(
            (
                spans[-1].end
                for w in state.workers.values()
                if w.pid == pid
                for spans in (w.spans, w.sampled)
                if spans
            ),
            default=float("-inf"),
        )
    return seen[pid]
