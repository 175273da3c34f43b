"""The run's workers: a grid of panels while they fit, else one line per worker.

Panels are widgets with borders, mounted one per worker: right for the seed's two or
three threads, far too slow for 256. Past what fits (or :data:`MAX_PANELS`), the grid
holds a single :class:`WorkerList` instead, which draws only its visible rows.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from textual.containers import ScrollableContainer
from textual.events import Resize

from tui.widgets.worker_colors import WorkerColors
from tui.widgets.worker_list import HEADER_LINES, WorkerList
from tui.widgets.worker_panel import WorkerPanel
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
#: Most panels ever mounted, however large the terminal: mounting is the cost.
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


class WorkerGrid(ScrollableContainer):
    """Holds one :class:`WorkerPanel` per worker, or one :class:`WorkerList` for all."""

    def __init__(self, colors: WorkerColors, **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.worker_colors = colors
        self._workers: list[WorkerState] = []
        self._now = 0.0
        self._sample: CpuSample | None = None
        self._panels: dict[str, WorkerPanel] = {}
        self._list: WorkerList | None = None
        self._shape: tuple[int, int, int] | None = None
        self._room: int | None = None

    @property
    def compact(self) -> bool:
        """Whether the workers are shown one line each (too many for panels)."""
        return self._list is not None

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
            return
        for w in self._workers:
            self._panels[w.id].show(w, self._now, self._sample)

    def _relayout(self) -> bool:
        """Pick panels or the list for the current size; True if it switched."""
        n = len(self._workers)
        if not n:
            return False
        width = self.size.width or self.app.size.width
        shape = grid_shape(n, width, self.room)
        switched = self._use_list() if shape.compact else self._use_panels()
        self._set_shape(shape.cols, shape.row_height, shape.height)
        return switched

    def _set_shape(self, cols: int, row_height: int, max_height: int) -> None:
        if (cols, row_height, max_height) == self._shape:
            return
        self._shape = (cols, row_height, max_height)
        self.styles.grid_size_columns = cols
        self.styles.grid_rows = str(row_height)
        self.styles.max_height = max_height

    def _use_panels(self) -> bool:
        switched = self._list is not None
        if self._list is not None:
            self._list.remove()
            self._list = None
            self.remove_class("-compact")
        new = [w for w in self._workers if w.id not in self._panels]
        if new:
            panels = [WorkerPanel(w, self.worker_colors(w.id)) for w in new]
            self._panels.update((p.worker_id, p) for p in panels)
            self.mount_all(panels)
        return switched

    def _use_list(self) -> bool:
        if self._list is not None:
            return False
        self.remove_children()
        self._panels.clear()
        self._list = WorkerList(self.worker_colors, id="worker-list")
        self.add_class("-compact")
        self.mount(self._list)
        return True
