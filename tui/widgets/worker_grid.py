"""The grid of worker panels: as many columns as fit, compacting then scrolling."""

from __future__ import annotations

import math

from textual.containers import ScrollableContainer
from textual.events import Resize

from tui.widgets.worker_colors import WorkerColors
from tui.widgets.worker_panel import WorkerPanel
from workloads.cpu_sampler import CpuSample
from workloads.run_state import RunState

#: Narrowest useful panel, border included.
MIN_PANEL_WIDTH = 26
#: Panel heights (borders included): full, compact, tiny (state and progress only).
HEIGHTS = (7, 5, 4)
#: Share of the screen's height the grid may take before it compacts.
MAX_SHARE = 0.42


class WorkerGrid(ScrollableContainer):
    """Holds one :class:`WorkerPanel` per worker, in order of appearance."""

    def __init__(self, colors: WorkerColors, **kwargs: str) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.worker_colors = colors
        self._panels: dict[str, WorkerPanel] = {}
        self._shape: tuple[int, int] | None = None

    def refresh_from(self, state: RunState, now: float, sample: CpuSample | None) -> None:
        """Add panels for new workers and redraw every panel."""
        new = [w for wid, w in state.workers.items() if wid not in self._panels]
        if new:
            panels = [WorkerPanel(w, self.worker_colors(w.id)) for w in new]
            self._panels.update((p.worker_id, p) for p in panels)
            self.mount_all(panels)
            self._relayout()
        for wid, panel in self._panels.items():
            panel.show(state.workers[wid], now, sample)

    def on_resize(self, event: Resize) -> None:
        self._relayout()

    def _relayout(self) -> None:
        n = len(self._panels)
        if not n:
            return
        width = self.size.width or self.app.size.width
        cols = max(1, min(n, width // MIN_PANEL_WIDTH))
        rows = math.ceil(n / cols)
        room = max(HEIGHTS[-1], int(self.screen.size.height * MAX_SHARE))
        height = next((h for h in HEIGHTS if rows * h <= room), HEIGHTS[-1])
        if (cols, height) == self._shape:
            return
        self._shape = (cols, height)
        self.styles.grid_size_columns = cols
        self.styles.grid_rows = str(height)
        self.styles.max_height = min(rows * height, max(room, height))
