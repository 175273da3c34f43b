"""The timeline: one lane per worker, running / ready / waiting / done over time.

The run screen composes ``Timeline()`` and calls ``refresh_from(state, now)`` several
times a second. The bucketing is :mod:`workloads.timeline` (pure, unit-tested); this
widget only picks the window, zoom and colours, and draws.

Zoom (``+`` / ``-``) goes from the whole run (the default: it fits the width and
grows coarser as the run goes on) down to 1 ms per cell, a fifth of the GIL's default
switch interval, where CPU-bound threads show as alternating stripes. While zoomed in,
the window follows the end of the run; ``left`` / ``right`` scroll back and forth and
``end`` follows again.

With more lanes than fit, the widget takes the room its box gives it and draws only
the lanes on screen; ``up`` / ``down`` / ``pageup`` / ``pagedown`` (or the mouse wheel)
scroll through the others, and a line says which ones are shown.
"""

from __future__ import annotations

from dataclasses import replace

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import MouseScrollDown, MouseScrollUp
from textual.geometry import Size
from textual.widget import Widget

from tui.themes import STATE_COLORS
from tui.widgets.worker_colors import WorkerColors
from workloads.events import DONE, READY, RUNNING, WAITING
from workloads.run_state import RunState, WorkerState
from workloads.text_bar import EIGHTHS
from workloads.timeline import (
    NONE,
    ZOOM_LEVELS,
    Cell,
    LaneGrid,
    TimelineModel,
    Window,
    fit_level,
    format_seconds,
)

#: Left-aligned blocks of 0/8 .. 7/8 of a cell: how much of a cell the worker ran.
GLYPHS = {RUNNING: "█", READY: "▒", WAITING: "░", DONE: "·", NONE: " "}
LABEL_MAX = 18
#: Lines besides the lanes: the heading and the legend.
FRAME_LINES = 2


class Timeline(Widget, can_focus=True):
    """Lanes of coloured cells, one per worker, with a zoom and a legend."""

    # A lane's state has the colour of the state's word in the panels (one source:
    # STATE_COLORS); the partial cells' backgrounds are tints of it.
    DEFAULT_CSS = f"""
    Timeline {{
        height: auto;
        padding: 0 1;
    }}
    Timeline > .timeline--running {{ color: {STATE_COLORS[RUNNING]}; }}
    Timeline > .timeline--ready {{ color: {STATE_COLORS[READY]}; }}
    Timeline > .timeline--waiting {{ color: {STATE_COLORS[WAITING]}; }}
    Timeline > .timeline--done {{ color: {STATE_COLORS[DONE]}; }}
    Timeline > .timeline--ready-bg {{ background: {STATE_COLORS[READY]} 40%; }}
    Timeline > .timeline--waiting-bg {{ background: {STATE_COLORS[WAITING]} 25%; }}
    Timeline > .timeline--muted {{ color: $foreground-muted; }}
    """

    COMPONENT_CLASSES = {
        "timeline--running",
        "timeline--ready",
        "timeline--waiting",
        "timeline--done",
        "timeline--ready-bg",
        "timeline--waiting-bg",
        "timeline--muted",
    }

    BINDINGS = [
        Binding("plus,equals_sign", "zoom_in", "Zoom in"),
        Binding("minus", "zoom_out", "Zoom out"),
        Binding("left", "scroll_back", "Earlier", show=False),
        Binding("right", "scroll_forward", "Later", show=False),
        Binding("end", "follow", "Follow", show=False),
        Binding("home", "whole_run", "Whole run", show=False),
        Binding("up", "lanes(-1)", "Lane up", show=False),
        Binding("down", "lanes(1)", "Lane down", show=False),
        Binding("pageup", "lane_pages(-1)", "Lanes up", show=False),
        Binding("pagedown", "lane_pages(1)", "Lanes down", show=False),
    ]

    def __init__(
        self,
        *,
        colors: WorkerColors | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``colors`` are the run's worker colours, shared with its panels and output
        lines; without them the timeline hands out its own, in the same order."""
        super().__init__(name=name, id=id, classes=classes)
        self.model = TimelineModel()
        #: The cell width chosen with +/-; None: fit the whole run.
        self.level: float | None = None
        #: Follow the end of the run; otherwise show from ``first``.
        self.follow = True
        self.first = 0
        #: The first lane on screen (when not all of them fit).
        self.lane_first = 0
        self._state: RunState | None = None
        self._now = 0.0
        self._own_colors = colors is None
        self._colors = colors if colors is not None else WorkerColors()
        self._run: tuple[object, ...] | None = None
        self._workers: list[WorkerState] = []
        self._label_w = 0
        self._window = Window(0, 0, self.model.cell_s)
        self._lanes = -1
        self._styles: dict[tuple[str, str], Style] = {}

    # -- the API the run screen uses ---------------------------------------------------
    def refresh_from(self, state: RunState, now: float) -> None:
        """Redraw from a snapshot of the run state; ``now`` is ``time.monotonic()``."""
        # Snapshots are new objects each time: a new run is told by its start.
        run = (state.started, state.host_pid, state.demo)
        if run != self._run:
            self._run, self._workers, self._label_w, self.lane_first = run, [], 0, 0
            self.model.lanes.clear()
            if self._own_colors:
                self._colors = WorkerColors()
        # Listed once per refresh: drawing never walks the state's dict.
        workers = list(state.workers.values())
        for w in workers[len(self._workers) :]:
            self._colors(w.id)  # in order of appearance, whichever lanes are drawn
            self._label_w = max(self._label_w, min(LABEL_MAX, len(self._label(w.id, w.name))))
        self._workers = workers
        self._state, self._now = state, now
        # Only a new lane changes the height; anything else is a repaint.
        self.refresh(layout=len(workers) != self._lanes)
        self._lanes = len(workers)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Every lane if they fit, else what the box holds: lanes below its edge would
        # be drawn (at a cost per lane) only to be clipped.
        state = self._state
        if state is None or state.started is None:
            return 1
        lines = len(self._workers) + FRAME_LINES
        return min(lines, max(FRAME_LINES + 2, container.height))

    # -- lanes -----------------------------------------------------------------------------
    @property
    def lanes_shown(self) -> int:
        """How many lanes are on screen: all, or as many as fit beside a "more" line."""
        n = len(self._workers)
        room = self.size.height - FRAME_LINES
        return n if n <= room else max(1, room - 1)

    def _scroll_lanes(self, step: int) -> None:
        last = max(0, len(self._workers) - self.lanes_shown)
        self.lane_first = max(0, min(self.lane_first + step, last))
        self.refresh()

    def action_lanes(self, step: int) -> None:
        """up / down: one lane up or down, when not all fit."""
        self._scroll_lanes(step)

    def action_lane_pages(self, pages: int) -> None:
        """pageup / pagedown: a screenful of lanes up or down."""
        self._scroll_lanes(pages * self.lanes_shown)

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        if self.lanes_shown < len(self._workers):
            event.stop()
            self._scroll_lanes(1)

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        if self.lanes_shown < len(self._workers):
            event.stop()
            self._scroll_lanes(-1)

    # -- zoom and scroll -----------------------------------------------------------------
    @property
    def cell_s(self) -> float:
        """Seconds per cell, as last drawn."""
        return self._window.cell_s

    def zoom_in(self) -> None:
        """Finer cells (down to 1 ms); keeps the window's right edge in place."""
        finer = [z for z in ZOOM_LEVELS if z < self.cell_s]
        if finer:
            self._zoom_to(finer[-1])

    def zoom_out(self) -> None:
        """Coarser cells, until the whole run fits; then it follows the run's growth."""
        fit = self._fit_level()
        coarser = [z for z in ZOOM_LEVELS if z > self.cell_s]
        if not coarser or coarser[0] >= fit:
            self.level, self.follow = None, True
        else:
            self._zoom_to(coarser[0])
        self.refresh()

    def _zoom_to(self, level: float) -> None:
        right = self._window.end()
        self.level = level
        width = max(self._window.width, 1)
        self.first = max(0, int(right / level) - width)
        self.refresh()

    def action_zoom_in(self) -> None:
        """+: zoom in."""
        self.zoom_in()

    def action_zoom_out(self) -> None:
        """-: zoom out."""
        self.zoom_out()

    def action_scroll_back(self) -> None:
        """left: earlier, by half a window."""
        self.follow = False
        self.first = max(0, self._window.first - max(1, self._window.width // 2))
        self.refresh()

    def action_scroll_forward(self) -> None:
        """right: later, by half a window (following again at the end)."""
        self.first = self._window.first + max(1, self._window.width // 2)
        self.follow = False
        self.refresh()

    def action_follow(self) -> None:
        """end: follow the end of the run."""
        self.follow = True
        self.refresh()

    def action_whole_run(self) -> None:
        """home: the whole run in one window."""
        self.level, self.follow = None, True
        self.refresh()

    # -- drawing ---------------------------------------------------------------------------
    def _label_width(self) -> int:
        return self._label_w if self._workers else 4

    @staticmethod
    def _label(worker_id: str, name: str) -> str:
        return worker_id if name in (worker_id, "") else f"{worker_id} {name}"

    def _cells_width(self) -> int:
        return max(1, self.content_size.width - self._label_width() - 1)

    def _fit_level(self) -> float:
        state = self._state
        elapsed = 0.0 if state is None else state.elapsed(self._now)
        return fit_level(elapsed, self._cells_width())

    def _place_window(self, state: RunState) -> Window:
        width = self._cells_width()
        fit = self._fit_level()
        if self.level is not None and self.level >= fit:
            self.level = None  # zoomed out past the whole run: back to fitting it
        cell_s = fit if self.level is None else self.level
        if self.level is None and state.over and state.elapsed(self._now) > 0:
            # A finished run does not grow: fill the width exactly (one rebuild only).
            cell_s = state.elapsed(self._now) / width
        self.model.set_cell(cell_s)
        last = self.model.last_index(state, self._now)
        if self.level is None or self.follow:
            first = max(0, last - width + 1)
        else:
            first = min(max(0, self.first), max(0, last - width + 1))
            if first == max(0, last - width + 1):
                self.follow = True
        self.first = first
        return Window(first, width, cell_s)

    def render(self) -> Text:
        state = self._state
        if state is None or state.started is None:
            return Text("Waiting for the run to start.", style=self._style("muted"))
        self._window = window = self._place_window(state)
        n, shown = len(self._workers), self.lanes_shown
        first = self.lane_first = max(0, min(self.lane_first, n - shown))
        lanes = self._workers[first : first + shown]
        self._sync(state, lanes)
        # The same run with only the lanes on screen: the others cost nothing.
        rows = self.model.rows(replace(state, workers={w.id: w for w in lanes}), window, self._now)
        label_w = self._label_width()
        text = Text(no_wrap=True, overflow="crop")
        text.append_text(self._heading(window))
        for w, cells in rows:
            text.append("\n")
            label = self._label(w.id, w.name)[:label_w].ljust(label_w)
            color = self._colors.color(w.id, self.app.theme_variables)
            text.append(label, style=Style(color=color, bold=True))
            text.append(" ")
            self._append_cells(text, cells)
        if shown < n:
            text.append("\n")
            text.append(
                f"lanes {first + 1}–{first + shown} of {n}   ↑ ↓ PgUp PgDn: more lanes",
                style=self._style("muted"),
            )
        text.append("\n")
        text.append_text(self._legend())
        return text

    def _sync(self, state: RunState, lanes: list[WorkerState]) -> None:
        """Fold the spans that arrived since the last redraw into these lanes."""
        if state.started is None:
            return
        grids = self.model.lanes
        for w in lanes:
            grid = grids.get(w.id)
            if grid is None:
                grid = grids[w.id] = LaneGrid(state.started, self.model.cell_s)
            grid.feed(w.spans)  # reads the shared, growing list up to a length taken once

    def _heading(self, window: Window) -> Text:
        muted = self._style("muted")
        head = Text(no_wrap=True, overflow="crop")
        head.append(f"1 cell = {format_seconds(window.cell_s)}", style="bold")
        where = "whole run" if self.level is None else "following" if self.follow else "scrolled"
        head.append(f"  {window.start():.3f}–{window.end():.3f} s  {where}", style=muted)
        hint = "  + - zoom  ← → scroll  end follow"
        if head.cell_len + len(hint) <= self.content_size.width:
            head.append(hint, style=muted)
        return head

    def _legend(self) -> Text:
        legend = Text(no_wrap=True, overflow="crop")
        parts = (
            (RUNNING, "running"),
            (READY, "ready (wants the CPU)"),
            (WAITING, "waiting (sleep / I/O)"),
            (DONE, "done"),
        )
        for i, (state, words) in enumerate(parts):
            if i:
                legend.append("   ")
            legend.append(GLYPHS[state], style=self._style(state))
            legend.append(f" {words}", style=self._style("muted"))
        return legend

    def _append_cells(self, text: Text, cells: list[Cell]) -> None:
        run: list[str] = []
        run_style: Style | None = None
        for cell in cells:
            glyph, style = self._glyph(cell)
            if style != run_style and run:
                text.append("".join(run), style=run_style)
                run = []
            run_style = style
            run.append(glyph)
        if run:
            text.append("".join(run), style=run_style)

    def _glyph(self, cell: Cell) -> tuple[str, Style]:
        if cell.state != RUNNING:
            return GLYPHS[cell.state], self._style(cell.state)
        eighths = round(cell.running * 8)
        if eighths >= 8 or cell.other == NONE:
            return GLYPHS[RUNNING], self._style(RUNNING)
        glyph = EIGHTHS[max(1, eighths)]
        background = self._style(f"{cell.other}-bg")
        return glyph, self._style(RUNNING) + Style(bgcolor=background.bgcolor)

    def _style(self, name: str) -> Style:
        # Called for every run of cells on every redraw: computed once per theme.
        key = (self.app.theme, name)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = self._compute_style(name)
        return style

    def _compute_style(self, name: str) -> Style:
        if name == NONE:
            return Style()
        # Component styles lose their alpha on the way to Rich (``$primary 25%``
        # would come out as full ``$primary``): blend over the widget's background.
        styles = self.get_component_styles(f"timeline--{name}")
        base = self.background_colors[1]
        color = styles.color if styles.has_rule("color") else None
        bg = styles.background if styles.has_rule("background") else None
        return Style(
            color=None if color is None else (base + color).rich_color,
            bgcolor=None if bg is None else (base + bg).rich_color,
        )
