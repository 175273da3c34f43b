"""The run's worker panels, drawn as the lines of one widget.

A Line API widget: the board lays :class:`~tui.widgets.worker_panel.WorkerPanel` s out
in ``cols`` columns of ``row_height`` rows, and each of its lines joins the lines of the
panels side by side. Nothing is mounted per worker, so an arrival costs a repaint of its
panel's rows, not a layout of the screen; and a panel repaints only its lines that
changed: a new CPU figure is one border line.
"""

from __future__ import annotations

from itertools import accumulate

from textual.cache import LRUCache
from textual.events import Click, Resize
from textual.geometry import Region
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

from tui.messages import WorkerChosen
from tui.widgets.worker_colors import WorkerColors
from tui.widgets.worker_panel import PanelLine, WorkerPanel
from workloads.cpu_sampler import CpuSample
from workloads.run_state import WorkerState


def column_widths(width: int, cols: int) -> list[int]:
    """``width`` cells shared by ``cols`` columns, as evenly as cells allow (the later
    columns take the odd cells)."""
    cols = max(1, cols)
    return [(i + 1) * width // cols - i * width // cols for i in range(cols)]


class WorkerBoard(Widget):
    """Every worker's panel, in a grid drawn line by line (see the module's docstring)."""

    DEFAULT_CSS = """
    WorkerBoard {
        height: auto;
    }
    """
    #: Panels hold no text worth selecting, and no links.
    ALLOW_SELECT = False
    auto_links = False

    def __init__(self, colors: WorkerColors, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.worker_colors = colors
        self._panels: dict[str, WorkerPanel] = {}
        self._order: list[WorkerPanel] = []
        self._cols = 1
        self._row_height = 1
        self._shown: tuple[list[WorkerState], float, CpuSample | None] | None = None
        # Panel lines drawn, by runs, frame, width and theme: most redraws reuse them.
        self._strips: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)

    @property
    def panels(self) -> list[WorkerPanel]:
        """The panels, in the order of the grid (left to right, then down)."""
        return list(self._order)

    def set_shape(self, cols: int, row_height: int) -> None:
        """Lay the panels out in ``cols`` columns of ``row_height`` rows (borders included)."""
        if (cols, row_height) == (self._cols, self._row_height):
            return
        self._cols, self._row_height = max(1, cols), max(1, row_height)
        self._draw(everything=True)

    def show(self, workers: list[WorkerState], now: float, sample: CpuSample | None) -> None:
        """Show these workers (a list the caller will not change) as of ``now``."""
        for w in workers[len(self._order) :]:
            panel = WorkerPanel(w, self.worker_colors(w.id))
            self._panels[w.id] = panel
            self._order.append(panel)
        self._shown = (workers, now, sample)
        self._draw()

    def panel_region(self, worker_id: str) -> Region:
        """Where ``worker_id``'s panel is on the screen (empty: not on the board)."""
        panel = self._panels.get(worker_id)
        if panel is None or not self.size.width:
            return Region()
        x, y, width = self._place(self._order.index(panel))
        return Region(x, y, width, self._row_height).translate(self.content_region.offset)

    def on_resize(self, event: Resize) -> None:
        self._draw(everything=True)

    def on_click(self, event: Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        starts, _ = self._columns()
        col = next((i for i, x in enumerate(starts[1:]) if offset.x < x), None)
        index = (offset.y // self._row_height) * self._cols + col if col is not None else -1
        if 0 <= index < len(self._order):
            event.stop()
            self.post_message(WorkerChosen(self._order[index].worker_id))

    # -- drawing ---------------------------------------------------------------------------
    def _columns(self) -> tuple[list[int], list[int]]:
        """Where each column starts (and, last, where the board ends), and its width."""
        widths = column_widths(self.size.width, self._cols)
        return [0, *accumulate(widths)], widths

    def _place(self, index: int) -> tuple[int, int, int]:
        """The x, y and width of the panel at ``index`` of the grid, in the board."""
        row, col = divmod(index, self._cols)
        starts, widths = self._columns()
        return starts[col], row * self._row_height, widths[col]

    def _draw(self, everything: bool = False) -> None:
        """Work out the panels' lines; repaint those that changed (or all of them)."""
        if self._shown is None or not self.size.width:
            return
        workers, now, sample = self._shown
        starts, widths = self._columns()
        for index, w in enumerate(workers):
            row, col = divmod(index, self._cols)
            changed = self._panels[w.id].draw(w, now, sample, widths[col], self._row_height)
            if changed and not everything:
                top = row * self._row_height + changed[0]
                lines = 1 + changed[-1] - changed[0]
                self.refresh(Region(starts[col], top, widths[col], lines))
        if everything:
            self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        row, line = divmod(y, self._row_height)
        panels = self._order[row * self._cols : (row + 1) * self._cols]
        if not panels:
            return Strip.blank(width, self.rich_style)
        starts, widths = self._columns()
        pieces = [
            self._strip(panel, panel.lines[line], cells)
            if line < len(panel.lines)
            else Strip.blank(cells, self.rich_style)
            for panel, cells in zip(panels, widths, strict=False)
        ]
        rest = width - starts[len(panels)]
        if rest > 0:
            pieces.append(Strip.blank(rest, self.rich_style))
        return Strip.join(pieces)

    def _strip(self, panel: WorkerPanel, line: PanelLine, width: int) -> Strip:
        """One line of ``panel``, ``width`` cells wide."""
        key = (line, panel.edge, panel.glyphs, width, self.app.theme)
        strip = self._strips.get(key)
        if strip is None:
            content = panel.content(line)
            strips = Visual.to_strips(self, content, width, 1, self.visual_style, pad=True)
            strip = strips[0] if strips else Strip.blank(width, self.rich_style)
            self._strips[key] = strip
        return strip
