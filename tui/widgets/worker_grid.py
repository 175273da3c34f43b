"""The run's workers: a grid of panels while they fit, else one line per worker.

Panels are widgets with borders, mounted one per worker: right for the seed's two or
three threads, far too slow for 256. Past what fits (or :data:`MAX_PANELS`), the grid
holds a single :class:`WorkerList` instead, which draws only its visible rows.
"""

from __future__ import annotations

import math

from textual.containers import ScrollableContainer
from textual.events import Resize

from tui.widgets.worker_colors import WorkerColors
from tui.widgets.worker_list import HEADER_LINES, WorkerList
from tui.widgets.worker_panel import WorkerPanel
from workloads.cpu_sampler import CpuSample
from workloads.run_state import RunState, WorkerState

#: Narrowest useful panel, border included.
MIN_PANEL_WIDTH = 26
#: Panel heights (borders included): full, short, tiny (state and progress only).
HEIGHTS = (7, 5, 4)
#: Share of the screen's height the grid may take before it compacts.
MAX_SHARE = 0.42
#: Most panels ever mounted, however large the terminal: mounting is the cost.
MAX_PANELS = 24
#: The list's border, top and bottom.
LIST_BORDER = 2


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

    @property
    def compact(self) -> bool:
        """Whether the workers are shown one line each (too many for panels)."""
        return self._list is not None

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
        cols = max(1, min(n, width // MIN_PANEL_WIDTH))
        rows = math.ceil(n / cols)
        room = max(HEIGHTS[-1], int(self.screen.size.height * MAX_SHARE))
        if n <= MAX_PANELS and rows * HEIGHTS[-1] <= room:
            switched = self._use_panels()
            height = next((h for h in HEIGHTS if rows * h <= room), HEIGHTS[-1])
            self._set_shape(cols, height, rows * height)
        else:
            switched = self._use_list()
            height = min(n + HEADER_LINES + LIST_BORDER, room)
            self._set_shape(1, height, height)
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
