"""The run's workers: a grid of panels while they fit, else one line per worker.

Panels are drawn by one :class:`WorkerBoard` (nothing is mounted per worker); past what
fits (or :data:`MAX_PANELS`), the grid holds a single :class:`WorkerList` instead, which
draws only its visible rows and scrolls.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from textual.app import ComposeResult
from textual.containers import Container
from textual.events import Resize

from tui.widgets.worker_board import WorkerBoard
from tui.widgets.worker_colors import WorkerColors
from tui.widgets.worker_list import HEADER_LINES, WorkerList
from workloads.cpu_sampler import CpuSample
from workloads.run_state import RunState, WorkerState

#: Narrowest useful panel, border included: the widest border subtitle
#: (``cpu 0.00 s · PROCESS``) and a full ``pid 12345 · tid 12345`` line.
MIN_PANEL_WIDTH = 26
#: Panel heights (borders included): full, short, tiny (state and progress only).
HEIGHTS = (7, 5, 4)
#: Share of the screen's height the grid may take before it compacts (when the screen
#: does not say how much room it has: see :attr:`WorkerGrid.room`).
MAX_SHARE = 0.42
#: Most panels ever drawn, however large the terminal: past two dozen, a line each
#: reads better (and the list draws only its visible rows).
MAX_PANELS = 24
#: The list's border, top and bottom.
LIST_BORDER = 2
#: Rows of a list that shows none of its workers yet: border and column names.
LIST_FRAME = HEADER_LINES + LIST_BORDER


class GridShape(NamedTuple):
    """How the workers are laid out: panels in ``cols`` columns of ``row_height`` rows,
    or (``compact``) one list; ``height`` is the whole grid's, borders included."""

    compact: bool
    cols: int
    row_height: int
    height: int


def grid_shape(workers: int, width: int, room: int) -> GridShape:
    """The densest layout that shows ``workers`` in ``width`` x ``room`` cells.

    Panels while every one of them fits at least at the tiny height (the tallest
    height that fits is used), else a list, as tall as its rows or the room.
    """
    cols = max(1, min(workers, width // MIN_PANEL_WIDTH))
    rows = math.ceil(workers / cols) if workers else 0
    if workers <= MAX_PANELS and rows * HEIGHTS[-1] <= room:
        height = next(h for h in HEIGHTS if rows * h <= room)
        return GridShape(False, cols, height, rows * height)
    height = max(0, min(workers + LIST_FRAME, room))
    return GridShape(True, 1, height, height)


def rows_for_all(workers: int, width: int) -> int:
    """The fewest rows in which :func:`grid_shape` shows every worker's state."""
    cols = max(1, min(workers, width // MIN_PANEL_WIDTH))
    panels = math.ceil(workers / cols) * HEIGHTS[-1] if workers <= MAX_PANELS else math.inf
    return int(min(panels, workers + LIST_FRAME))


class WorkerGrid(Container):
    """Holds one :class:`WorkerBoard` for the workers' panels, or one :class:`WorkerList`."""

    def __init__(self, colors: WorkerColors, **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.worker_colors = colors
        self._workers: list[WorkerState] = []
        self._now = 0.0
        self._sample: CpuSample | None = None
        self._board: WorkerBoard | None = None
        self._list: WorkerList | None = None
        self._shape: GridShape | None = None
        self._room: int | None = None
        self._planned = 0
        #: Cells across the grid as its screen planned it, until it has a size of its
        #: own (the terminal's width would make a grid of other columns, laid out again
        #: at the first resize).
        self.width_hint: int | None = None
        #: The board and the list, once made (shown in turn, never removed). The board
        #: is there from the start, laid out with the screen: placing the first worker
        #: mounts nothing (the list is made if ever needed).
        self._made: dict[str, WorkerBoard | WorkerList] = {
            "board": WorkerBoard(colors, id="worker-board")
        }

    @property
    def compact(self) -> bool:
        """Whether the workers are shown one line each (too many for panels)."""
        return self._list is not None

    @property
    def board(self) -> WorkerBoard | None:
        """The panels, unless the workers are shown one line each."""
        return self._board

    @property
    def room(self) -> int:
        """Rows the grid may take: what the screen gave it, else a share of the screen."""
        if self._room is not None:
            return self._room
        return max(HEIGHTS[-1], int(self.screen.size.height * MAX_SHARE))

    @room.setter
    def room(self, rows: int | None) -> None:
        # The run screen plans every pane's height at once (tui/screens/run_layout.py).
        if rows != self._room:
            self._room = rows
            if self._relayout():
                self._show()

    @property
    def planned(self) -> int:
        """Workers the grid is laid out for, however many have arrived (0: those there)."""
        return self._planned

    @planned.setter
    def planned(self, workers: int) -> None:
        # The run screen plans the panes for the workers the demo will show: their
        # panels take their places as they arrive, and nothing moves.
        if workers != self._planned:
            self._planned = workers
            if self._relayout():
                self._show()

    def compose(self) -> ComposeResult:
        yield self._made["board"]

    def refresh_from(self, state: RunState, now: float, sample: CpuSample | None) -> None:
        """Show the workers of ``state`` (a snapshot): new ones get a place, all are redrawn."""
        workers = list(state.workers.values())
        # Colours go by order of appearance; hand them out in that order even to workers
        # that are not drawn, so that the output and the timeline agree with the rows.
        for w in workers[len(self._workers) :]:
            self.worker_colors(w.id)
        self._workers, self._now, self._sample = workers, now, sample
        self._relayout()
        self._show()

    def on_resize(self, event: Resize) -> None:
        if self._relayout():
            self._show()

    def _show(self) -> None:
        if self._list is not None:
            self._list.show(self._workers, self._now, self._sample)
        elif self._board is not None:
            self._board.show(self._workers, self._now, self._sample)

    def _relayout(self) -> bool:
        """Pick panels or the list for the current size; True if it switched."""
        n = max(len(self._workers), self._planned)
        if not n:
            return False
        width = self.size.width or self.width_hint or self.app.size.width
        shape = grid_shape(n, width, self.room)
        switched = self._use_list() if shape.compact else self._use_board()
        if shape != self._shape or switched:
            self._shape = shape
            child = self._list if self._list is not None else self._board
            if child is not None:
                child.styles.height = shape.height
            if self._board is not None:
                self._board.set_shape(shape.cols, shape.row_height)
        return switched

    def _use_board(self) -> bool:
        if self._board is not None:
            return False
        # Both are kept once made, and shown in turn: removing one is not done before
        # the next frame, and a replay's keys can switch twice in one.
        if self._list is not None:
            self._list.display = False
            self._list = None
            self.remove_class("-compact")
        board = self._made["board"]
        assert isinstance(board, WorkerBoard)
        board.display = True
        self._board = board
        return True

    def _use_list(self) -> bool:
        if self._list is not None:
            return False
        self._made["board"].display = False
        self._board = None
        rows = self._made.get("list")
        if not isinstance(rows, WorkerList):
            rows = self._made["list"] = WorkerList(self.worker_colors, id="worker-list")
            self.mount(rows)
        rows.display = True
        self._list = rows
        self.add_class("-compact")
        return True
