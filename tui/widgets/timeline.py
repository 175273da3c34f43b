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

It redraws ten times a second, so it draws line by line (Textual's line API): a redraw
lays out every line as runs of text and style, compares them with the lines on screen
and repaints only the ones that changed, each turned into a strip the way Textual would
have turned the whole text into strips (same segments, same styles, same offsets). When
that shortcut does not hold (a line wider than the widget, a text selection), it draws
the whole text as any widget does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from itertools import groupby
from typing import TYPE_CHECKING, NamedTuple

from rich.cells import cell_len
from rich.control import STRIP_CONTROL_CODES
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import MouseScrollDown, MouseScrollUp
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.widget import Widget

from tui.themes import STATE_COLORS
from tui.widgets.worker_colors import WorkerColors
from workloads.events import CORE, DONE, GIL, READY, RUNNING, WAITING
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
GLYPHS = {
    RUNNING: "█",
    READY: "▒",
    GIL: "▓",
    CORE: "▚",
    WAITING: "░",
    DONE: "·",
    NONE: " ",
}
LABEL_MAX = 18
#: Lines besides the lanes: the heading and the legend.
FRAME_LINES = 2
BOLD = Style(bold=True)
#: What a line of the widget must not hold to be drawn on its own: a line break, a tab,
#: or a character Rich strips (each would change the line's length once drawn).
_NOT_BY_LINE = re.compile("[\n\t" + "".join(map(chr, STRIP_CONTROL_CODES)) + "]")

if TYPE_CHECKING:
    from typing_extensions import Self

#: A piece of a line: its text and its style (None or a null style: the widget's own).
Run = tuple[str, "Style | None"]
#: A line of the widget, as runs.
Line = tuple[Run, ...]


@lru_cache(maxsize=4096)
def _plain(text: str) -> bool:
    """Whether ``text`` is drawn as one cell a character (runs of glyphs, most labels),
    with nothing that breaks or changes a line: a line of these is as wide as it is long.
    """
    return cell_len(text) == len(text) and _NOT_BY_LINE.search(text) is None


class _Key(NamedTuple):
    """What lines are laid out for, besides the run: when it changes, all of them are."""

    #: The widget's content size.
    size: Size
    theme: str
    #: The widget's own (base) style.
    style: VisualStyle
    #: No text of the widget is selected.
    unselected: bool


class _Frame(NamedTuple):
    """The lines of one redraw, and the strips made of them so far (by line)."""

    key: _Key
    lines: list[Line]
    #: Whether each line is a strip of its own (see the module docstring).
    by_line: bool
    strips: dict[int, Strip]


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
    Timeline > .timeline--gil {{ color: {STATE_COLORS[GIL]}; }}
    Timeline > .timeline--core {{ color: {STATE_COLORS[CORE]}; }}
    Timeline > .timeline--ready-bg {{ background: {STATE_COLORS[READY]} 40%; }}
    Timeline > .timeline--gil-bg {{ background: {STATE_COLORS[GIL]} 40%; }}
    Timeline > .timeline--core-bg {{ background: {STATE_COLORS[CORE]} 40%; }}
    Timeline > .timeline--waiting-bg {{ background: {STATE_COLORS[WAITING]} 25%; }}
    Timeline > .timeline--muted {{ color: $foreground-muted; }}
    """

    COMPONENT_CLASSES = {
        "timeline--running",
        "timeline--ready",
        "timeline--waiting",
        "timeline--done",
        "timeline--gil",
        "timeline--core",
        "timeline--gil-bg",
        "timeline--core-bg",
        "timeline--ready-bg",
        "timeline--waiting-bg",
        "timeline--muted",
    }

    #: The heading's reminder of the keys ("" where the keys do something else).
    KEYS_HINT = "  + - zoom  ← → scroll  end follow"

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
        #: The lines the height was laid out for (see ``_wanted_lines``).
        self._height_key: int | None = None
        self._planned = 0
        self._styles: dict[tuple[str, str], Style] = {}
        #: A cell's glyph and style by what decides them (see ``_look``), in one theme.
        self._looks: dict[tuple[str, ...], tuple[str, Style]] = {}
        self._looks_theme = ""
        self._label_styles: dict[str, Style] = {}
        #: Each lane's label, with the theme variables, name and width it was made for.
        self._lane_labels: dict[str, tuple[Mapping[str, str], str, int, Run]] = {}
        self._legends: dict[str, Line] = {}
        #: Spans' styles as Textual's, in the theme of ``_span_theme``.
        self._span_styles: dict[Style, VisualStyle] = {}
        self._span_theme = ""
        self._frame: _Frame | None = None
        #: Whether the inputs changed since ``_frame`` was laid out.
        self._stale = True
        #: Whether ``_frame`` was checked against the size, theme and style this render.
        self._checked = False
        #: The Rich style of a segment, by its style, x and y, for the base style and
        #: theme of ``_segments_key``: a line that changed keeps most of its segments.
        self._segments: dict[tuple[Style | None, int, int], Style] = {}
        self._segments_key: object = None

    # -- the API the run screen uses ---------------------------------------------------
    def refresh_from(self, state: RunState, now: float) -> None:
        """Redraw from a snapshot of the run state; ``now`` is ``time.monotonic()``."""
        # Snapshots are new objects each time: a new run is told by its start.
        run = (state.started, state.host_pid, state.demo)
        if run != self._run:
            self._run, self._workers, self._label_w, self.lane_first = run, [], 0, 0
            self.model.lanes.clear()
            self._lane_labels.clear()
            if self._own_colors:
                self._colors = WorkerColors()
        # Listed once per refresh: drawing never walks the state's dict.
        workers = list(state.workers.values())
        for w in workers[len(self._workers) :]:
            self._colors(w.id)  # in order of appearance, whichever lanes are drawn
            self._label_w = max(self._label_w, min(LABEL_MAX, len(self._label(w.id, w.name))))
        self._workers = workers
        self._state, self._now = state, now
        # Only a lane past the planned ones changes the height; anything else repaints
        # what changed.
        if not self._follow_height():
            self._repaint()

    @property
    def planned(self) -> int:
        """Lanes the timeline has rows for before their workers arrive (0: none)."""
        return self._planned

    @planned.setter
    def planned(self, lanes: int) -> None:
        # The run screen plans its panes for every worker the demo will show: a lane
        # then takes its row when it arrives, and nothing below the timeline moves.
        if lanes != self._planned:
            self._planned = lanes
            self._follow_height()

    def _follow_height(self) -> bool:
        """Lay the screen out again if the lines it takes changed; whether it did."""
        lines = self._wanted_lines()
        if lines == self._height_key:
            return False
        self._height_key = lines
        self.refresh(layout=True)
        return True

    def _wanted_lines(self) -> int:
        """The lines it takes with every lane (planned or there): one before the run
        starts ("waiting for the run"), unless lanes are planned."""
        state = self._state
        started = state is not None and state.started is not None
        lanes = max(len(self._workers) if started else 0, self._planned)
        return lanes + FRAME_LINES if started or lanes else 1

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        """Textual's refresh; a whole repaint lays the lines out again from the inputs."""
        if repaint and not regions:
            self._stale = True
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Every lane if they fit, else what the box holds: lanes below its edge would
        # be drawn (at a cost per lane) only to be clipped.
        lines = self._wanted_lines()
        return lines if lines == 1 else min(lines, max(FRAME_LINES + 2, container.height))

    # -- lanes -----------------------------------------------------------------------------
    @property
    def lanes_shown(self) -> int:
        """How many lanes are on screen: all, or as many as fit beside a "more" line."""
        return self._lanes_fitting(self.size.height)

    def _lanes_fitting(self, height: int) -> int:
        n = len(self._workers)
        room = height - FRAME_LINES
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

    def _cells_width(self, content_width: int) -> int:
        return max(1, content_width - self._label_width() - 1)

    def _fit_level(self, content_width: int | None = None) -> float:
        if content_width is None:
            content_width = self.content_size.width
        state = self._state
        elapsed = 0.0 if state is None else state.elapsed(self._now)
        return fit_level(elapsed, self._cells_width(content_width))

    def _place_window(self, state: RunState, content_width: int) -> Window:
        width = self._cells_width(content_width)
        fit = self._fit_level(content_width)
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
        # What the widget shows, as one text: Textual draws it this way when lines cannot
        # be drawn one by one, and tests read it.
        text = Text(no_wrap=True, overflow="crop")
        for i, line in enumerate(self._lines(self.size)):
            if i:
                text.append("\n")
            for part, style in line:
                text.append(part, style=style)
        return text

    def render_lines(self, crop: Region) -> list[Strip]:
        self._checked = False  # the size, theme and style are looked at once a render
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        frame = self._current_frame()
        if not frame.by_line:
            return super().render_line(y)
        strip = frame.strips.get(y)
        if strip is None:
            if y >= len(frame.lines):
                return Strip.blank(frame.key.size.width, self.visual_style.rich_style)
            strip = frame.strips[y] = self._strip(y, frame.lines[y])
        return strip

    # -- line by line ----------------------------------------------------------------------
    def _frame_key(self, region: Region | None = None) -> _Key:
        # ``size`` is ``region`` less the padding: one look-up of where the widget is.
        size = (self.region if region is None else region).shrink(self.styles.gutter).size
        return _Key(size, self.app.theme, self.visual_style, self.text_selection is None)

    def _current_frame(self) -> _Frame:
        """The lines as they are to be drawn now (laid out again if anything changed)."""
        frame = self._frame
        if frame is None or self._stale or not self._checked:
            key = self._frame_key()
            if frame is None or self._stale or frame.key != key:
                frame = self._frame = self._layout_frame(key, frame)
                self._stale = False
            self._checked = True
        return frame

    def _layout_frame(self, key: _Key, old: _Frame | None) -> _Frame:
        lines = self._lines(key.size)
        width = key.size.width
        by_line = (
            key.unselected
            and self._plain_styles()
            and all(self._fits(line, width) for line in lines)
        )
        strips: dict[int, Strip] = {}
        if by_line and old is not None and old.by_line and old.key == key:
            # A line drawn already is the same strip (its offsets say which line it is).
            for y, (was, now) in enumerate(zip(old.lines, lines, strict=False)):
                if was == now and y in old.strips:
                    strips[y] = old.strips[y]
        return _Frame(key, lines, by_line, strips)

    def _repaint(self) -> None:
        """Repaint the lines that changed since the last redraw, or all of them."""
        old = self._frame
        region = self.region  # empty while hidden
        if old is None or self._stale or not old.by_line or not region:
            self.refresh()  # laid out when drawn (and not at all while hidden)
            return
        key = self._frame_key(region)
        if key != old.key:
            self.refresh()
            return
        new = self._frame = self._layout_frame(key, old)
        if not new.by_line or len(new.lines) != len(old.lines):
            self.refresh()
            return
        width = key.size.width
        changed = [
            y for y, (was, now) in enumerate(zip(old.lines, new.lines, strict=True)) if was != now
        ]
        # Neighbouring lines in one region: fewer, larger repaints.
        for _, group in groupby(enumerate(changed), key=lambda pair: pair[1] - pair[0]):
            ys = [y for _, y in group]
            self.refresh(Region(0, ys[0], width, len(ys)))

    def _plain_styles(self) -> bool:
        """Whether no rule of the widget's own stylesheet changes how text is laid out."""
        styles = self.styles
        return not any(
            styles.has_rule(rule) for rule in ("text_align", "line_pad", "content_align")
        )

    @staticmethod
    def _fits(line: Line, width: int) -> bool:
        """Whether ``line`` is one line of at most ``width`` cells once drawn (no wrap,
        no tab, nothing Rich would strip)."""
        return all(_plain(part) for part, _ in line) and sum(len(p) for p, _ in line) <= width

    def _strip(self, y: int, line: Line) -> Strip:
        """Line ``y`` as Textual draws a line of text content that fits.

        The same segments as ``Content.render_strips`` makes of that line of the whole
        text: one per styled run, one per stretch of unstyled text, each in the base
        style plus the run's (``Style.combine``) with the offset meta of where it is.
        """
        base = self.visual_style
        key = (base, self.app.theme)
        if self._segments_key != key or len(self._segments) > 4096:
            self._segments_key, self._segments = key, {}
        segments: list[Segment] = []
        x = 0
        unstyled = ""
        for part, style in line:
            if not style:  # no span: one piece with the unstyled text around it
                unstyled += part
                continue
            if unstyled:
                segments.append(self._segment(base, unstyled, None, x, y))
                x += len(unstyled)
                unstyled = ""
            segments.append(self._segment(base, part, style, x, y))
            x += len(part)
        if unstyled:
            segments.append(self._segment(base, unstyled, None, x, y))
        return Strip(segments, cell_len("".join(part for part, _ in line)))

    def _segment(
        self, base: VisualStyle, text: str, style: Style | None, x: int, y: int
    ) -> Segment:
        key = (style, x, y)
        rich = self._segments.get(key)
        if rich is None:
            styles = [base] if style is None else [base, self._span_style(style)]
            piece = VisualStyle.combine(styles)
            rich = self._segments[key] = (base + piece).rich_style_with_offset(x, y)
        return Segment(text, rich)

    def _span_style(self, style: Style) -> VisualStyle:
        theme = self.app.theme
        if theme != self._span_theme:
            self._span_theme, self._span_styles = theme, {}
        visual = self._span_styles.get(style)
        if visual is None:
            # As Textual converts a Rich text's styles (``Content.from_rich_text``).
            visual = self._span_styles[style] = VisualStyle.from_rich_style(
                style, self.app.ansi_theme
            )
        return visual

    # -- the lines -------------------------------------------------------------------------
    def _lines(self, size: Size) -> list[Line]:
        """Every line of the widget, as runs of text and style, at content ``size``."""
        state = self._state
        theme = self.app.theme
        muted = self._style("muted", theme)
        if state is None or state.started is None:
            return [(("Waiting for the run to start.", muted),)]
        self._window = window = self._place_window(state, size.width)
        n, shown = len(self._workers), self._lanes_fitting(size.height)
        first = self.lane_first = max(0, min(self.lane_first, n - shown))
        lanes = self._workers[first : first + shown]
        self._sync(state, lanes)
        # Only the lanes on screen: the others cost nothing.
        rows = self.model.rows(state, window, self._now, lanes)
        label_w = self._label_width()
        variables = self.app.theme_variables
        lines: list[Line] = [self._heading(window, muted, size.width)]
        for w, cells in rows:
            label = self._lane_label(w, label_w, variables)
            lines.append((label, (" ", None), *self._cell_runs(cells, theme)))
        if shown < n:
            more = f"lanes {first + 1}–{first + shown} of {n}   ↑ ↓ PgUp PgDn: more lanes"
            lines.append(((more, muted),))
        labelled = any(grid.labelled or grid.hinted for grid in self.model.lanes.values())
        lines.append(self._legend(theme, muted, labelled))
        return lines

    def _lane_label(self, w: WorkerState, width: int, variables: Mapping[str, str]) -> Run:
        """The lane's label in the worker's colour (the same until the name, the width or
        the theme's variables change)."""
        known = self._lane_labels.get(w.id)
        if known is not None and known[0] is variables and known[1:3] == (w.name, width):
            return known[3]
        label = self._label(w.id, w.name)[:width].ljust(width)
        color = self._colors.color(w.id, variables)
        style = self._label_styles.get(color)
        if style is None:
            style = self._label_styles[color] = Style(color=color, bold=True)
        self._lane_labels[w.id] = (variables, w.name, width, (label, style))
        return label, style

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
            if w.ticks:  # why it was ready, from the scheduler sampler
                grid.feed_hints(w.sampled)

    def _heading(self, window: Window, muted: Style, content_width: int) -> Line:
        head = f"1 cell = {format_seconds(window.cell_s)}"
        where = "whole run" if self.level is None else "following" if self.follow else "scrolled"
        span = f"  {window.start():.3f}–{window.end():.3f} s  {where}"
        hint = self.KEYS_HINT
        if cell_len(head + span) + len(hint) <= content_width:
            return ((head, BOLD), (span, muted), (hint, muted))
        return ((head, BOLD), (span, muted))

    def _legend(self, theme: str, muted: Style, labelled: bool = False) -> Line:
        key = f"{theme}/{labelled}"
        legend = self._legends.get(key)
        if legend is None:
            legend = self._legends[key] = self._make_legend(theme, muted, labelled)
        return legend

    def _make_legend(self, theme: str, muted: Style, labelled: bool = False) -> Line:
        # Once the scheduler sampler named why workers waited, the legend names it too
        # (shorter words: six entries fit in 80 columns).
        parts = (
            (
                (RUNNING, "running"),
                (GIL, "GIL wait"),
                (CORE, "core wait"),
                (READY, "ready"),
                (WAITING, "sleep/I/O"),
                (DONE, "done"),
            )
            if labelled
            else (
                (RUNNING, "running"),
                (READY, "ready (wants the CPU)"),
                (WAITING, "waiting (sleep / I/O)"),
                (DONE, "done"),
            )
        )
        gap = "  " if labelled else "   "
        runs: list[Run] = []
        for i, (state, words) in enumerate(parts):
            if i:
                runs.append((gap, None))
            runs += [(GLYPHS[state], self._style(state, theme)), (f" {words}", muted)]
        return tuple(runs)

    def _cell_runs(self, cells: list[Cell], theme: str) -> list[Run]:
        """The cells as runs of one style each (glyphs of one style share a run)."""
        if theme != self._looks_theme:
            self._looks_theme, self._looks = theme, {}
        runs: list[Run] = []
        glyphs: list[str] = []
        run_style: Style | None = None
        # Equal neighbours look the same: a lane is mostly long stretches of one state.
        for cell, same in groupby(cells):
            glyph, style = self._look(cell, theme)
            if style is not run_style and style != run_style and glyphs:
                runs.append(("".join(glyphs), run_style))
                glyphs = []
            run_style = style
            glyphs.append(glyph * len(list(same)))
        if glyphs:
            runs.append(("".join(glyphs), run_style))
        return runs

    def _look(self, cell: Cell, theme: str) -> tuple[str, Style]:
        """A cell's glyph and style (remembered per theme by what decides them)."""
        if cell.state != RUNNING:
            key: tuple[str, ...] = (cell.state,)
        else:
            eighths = round(cell.running * 8)
            full = eighths >= 8 or cell.other == NONE
            key = (RUNNING,) if full else (RUNNING, EIGHTHS[max(1, eighths)], cell.other)
        look = self._looks.get(key)
        if look is None:
            look = self._looks[key] = self._glyph(cell, theme)
        return look

    def _glyph(self, cell: Cell, theme: str) -> tuple[str, Style]:
        if cell.state != RUNNING:
            return GLYPHS[cell.state], self._style(cell.state, theme)
        eighths = round(cell.running * 8)
        if eighths >= 8 or cell.other == NONE:
            return GLYPHS[RUNNING], self._style(RUNNING, theme)
        glyph = EIGHTHS[max(1, eighths)]
        background = self._style(f"{cell.other}-bg", theme)
        return glyph, self._style(RUNNING, theme) + Style(bgcolor=background.bgcolor)

    def _style(self, name: str, theme: str) -> Style:
        # Called for every run of cells on every redraw: computed once per theme.
        key = (theme, name)
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
