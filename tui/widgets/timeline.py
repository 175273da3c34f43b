"""The timeline: one lane per worker, running / ready / waiting / done over time.

The run screen composes ``Timeline()`` and calls ``refresh_from(state, now)`` several
times a second. The bucketing is :mod:`workloads.timeline` (pure, unit-tested); this
widget only picks the window, zoom and colours, and draws.

Zoom (``+`` / ``-``) goes from the whole run (the default: it fits the width and
grows coarser as the run goes on) down to 1 ms per cell, a fifth of the GIL's default
switch interval, where CPU-bound threads show as alternating stripes. While zoomed in,
the window follows the end of the run; ``left`` / ``right`` scroll back and forth and
``end`` follows again.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget

from tui.widgets.worker_colors import WorkerColors
from workloads.events import DONE, READY, RUNNING, WAITING
from workloads.run_state import RunState
from workloads.text_bar import EIGHTHS
from workloads.timeline import (
    NONE,
    ZOOM_LEVELS,
    Cell,
    TimelineModel,
    Window,
    fit_level,
    format_seconds,
)

#: Left-aligned blocks of 0/8 .. 7/8 of a cell: how much of a cell the worker ran.
GLYPHS = {RUNNING: "█", READY: "▒", WAITING: "░", DONE: "·", NONE: " "}
LABEL_MAX = 18


class Timeline(Widget, can_focus=True):
    """Lanes of coloured cells, one per worker, with a zoom and a legend."""

    DEFAULT_CSS = """
    Timeline {
        height: auto;
        padding: 0 1;
    }
    Timeline > .timeline--running { color: $success; }
    Timeline > .timeline--ready { color: $warning; }
    Timeline > .timeline--waiting { color: $primary 70%; }
    Timeline > .timeline--done { color: $foreground 35%; }
    Timeline > .timeline--ready-bg { background: $warning 40%; }
    Timeline > .timeline--waiting-bg { background: $primary 25%; }
    Timeline > .timeline--muted { color: $foreground 60%; }
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
    ]

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.model = TimelineModel()
        #: The cell width chosen with +/-; None: fit the whole run.
        self.level: float | None = None
        #: Follow the end of the run; otherwise show from ``first``.
        self.follow = True
        self.first = 0
        self._state: RunState | None = None
        self._now = 0.0
        self._colors = WorkerColors()
        self._window = Window(0, 0, self.model.cell_s)
        self._lanes = -1
        self._styles: dict[tuple[str, str], Style] = {}

    # -- the API the run screen uses ---------------------------------------------------
    def refresh_from(self, state: RunState, now: float) -> None:
        """Redraw from the folded run state; ``now`` is ``time.monotonic()``."""
        if state is not self._state:
            self._colors = WorkerColors()
        lanes = len(state.workers)
        self._state, self._now = state, now
        # Only a new lane changes the height; anything else is a repaint.
        self.refresh(layout=lanes != self._lanes)
        self._lanes = lanes

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
        state = self._state
        if state is None or not state.workers:
            return 4
        longest = max(len(self._label(w.id, w.name)) for w in state.workers.values())
        return min(LABEL_MAX, longest)

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
        self.model.sync(state)
        rows = self.model.rows(state, window, self._now)
        label_w = self._label_width()
        text = Text(no_wrap=True, overflow="crop")
        text.append_text(self._heading(window))
        for w, cells in rows:
            text.append("\n")
            label = self._label(w.id, w.name)[:label_w].ljust(label_w)
            text.append(label, style=Style(color=self._colors(w.id), bold=True))
            text.append(" ")
            self._append_cells(text, cells)
        text.append("\n")
        text.append_text(self._legend())
        return text

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
