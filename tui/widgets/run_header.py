"""The run screen's top line: which demo, how, its status, and a big elapsed time.

On a short terminal (an 80x24 projector) the header is one line: the demo, its mode and
options (wrapped onto a second line only when they do not fit), the status and a small
clock. A failure adds a line that says why, so that the reason is on screen without a
toast over the output.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.geometry import Region
from textual.markup import escape
from textual.reactive import reactive
from textual.renderables.digits import Digits as DigitsRenderable
from textual.strip import Strip
from textual.widgets import Digits, Static

from tui.themes import STATE_COLORS
from workloads.demo import Demo
from workloads.events import CANCELLED, RunStatus
from workloads.run_state import RunState

#: The status shown while a live run is stopped by ``p`` (its state is still running).
PAUSED = "paused"
#: The status of a replayed run (its own status is in the replay's position line).
REPLAY = "replay"
STATUS_STYLES: dict[str, str] = {
    RunStatus.RUNNING: "$success",
    RunStatus.FINISHED: "$primary",
    RunStatus.CANCELLED: STATE_COLORS[CANCELLED],
    RunStatus.FAILED: "$error",
    PAUSED: "$warning",
    REPLAY: "$accent",
}
#: Between two options of the mode line.
SEPARATOR = " · "
#: Cells around the short header's text: its left padding and the gaps either side of
#: the status (app.tcss); the small clock ends at the right edge.
SHORT_FRAME = 3


def failure_line(state: RunState) -> str:
    """Why the run (or its first failed worker) failed, in one line; "" if nothing did."""
    if state.error:
        return state.error
    failed = state.failed_workers
    if not failed:
        return ""
    w = failed[0]
    more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
    return f"{w.id} {w.name}: {w.error or 'failed'}{more}"


def wrap_parts(parts: Sequence[str], width: int) -> list[str]:
    """``parts`` joined by :data:`SEPARATOR` in lines of at most ``width`` cells, broken
    between parts only (``workers 8`` is never split); markup does not count."""
    lines: list[str] = []
    line, used = "", 0
    for part in parts:
        cells = Content.from_markup(part).cell_length
        if line and used + len(SEPARATOR) + cells > width:
            lines.append(line)
            line, used = "", 0
        if line:
            line, used = line + SEPARATOR, used + len(SEPARATOR)
        line, used = line + part, used + cells
    if line:
        lines.append(line)
    return lines


@lru_cache(maxsize=128)
def _digit_rows(char: str, bold: bool) -> tuple[str, ...]:
    """The rows of ``char`` in Textual's digits font (each character is drawn on its own)."""
    glyphs = DigitsRenderable(char).render(Style(bold=bold))
    return tuple(s.text for s in glyphs if isinstance(s, Segment) and s.text != "\n")


class Clock(Digits):
    """Textual's ``Digits``, drawn without going through Rich's layout on each change.

    The big clock changes ten times a second. ``Digits`` draws a Rich ``Align`` around
    its glyphs, which Textual lays out, styles and crops on every change; when the
    widget is exactly as wide as its digits (its normal state: ``width: auto``) that
    comes down to one segment a line, glyphs in the clock's style, which this builds
    directly: the same segments, the same styles. Otherwise (a selection, a width being
    laid out) it draws as ``Digits`` does.
    """

    #: Lines of the glyphs.
    ROWS = 3

    def __init__(self, value: str = "", *, id: str | None = None) -> None:
        super().__init__(value, id=id)
        self._drawn: tuple[object, ...] = ()
        self._strips: list[Strip] = []
        #: The segments' style, for the (base style, style) it was made for.
        self._segment_style: tuple[tuple[Style, Style], Style] | None = None
        #: Whether ``_strips`` were checked against the value and styles this render,
        #: and whether they can be drawn (else ``Digits`` draws).
        self._checked = False
        self._direct = False

    def render_lines(self, crop: Region) -> list[Strip]:
        self._checked = False  # the styles are worked out once a render, not once a line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        value = self.value
        if not self._checked or self._drawn[:1] != (value,):
            self._checked = True
            self._direct = (
                self.text_selection is None
                and self.size.width == DigitsRenderable.get_width(value)
                and self.styles.content_align == ("left", "top")
            )
            if self._direct:
                base, style = self.visual_style.rich_style, self.rich_style
                key = (value, base, style)
                if key != self._drawn:
                    self._drawn, self._strips = key, self._draw(value, base, style)
        if not self._direct or y >= self.ROWS:
            return super().render_line(y)
        return self._strips[y]

    def _draw(self, value: str, base: Style, style: Style) -> list[Strip]:
        segment_style = self._style_of_segments(base, style)
        glyphs = [_digit_rows(char, bool(style.bold)) for char in value]
        return [
            Strip([Segment("".join(rows[y] for rows in glyphs), segment_style)])
            for y in range(self.ROWS)
        ]

    def _style_of_segments(self, base: Style, style: Style) -> Style:
        # Digits.render: Align(glyphs, style), styled by the widget's base style (Textual's
        # post_render); an exact fit adds no padding. The glyphs' own style (the offset
        # meta included) comes from Textual's renderable.
        cached = self._segment_style
        if cached is None or cached[0] != (base, style):
            glyphs = DigitsRenderable("", style).render(style)
            own = next(s.style for s in glyphs if isinstance(s, Segment))
            cached = self._segment_style = ((base, style), base + (style + own))
        return cached[1]


class RunHeader(Horizontal):
    """Title, mode, status badge and clock; the clock is large when the screen is tall."""

    # The watchers redraw the one child that shows each value: repainting the whole
    # header ten times a second for the clock is most of what the header costs.
    status: reactive[str] = reactive(RunStatus.STARTING.value, repaint=False)
    elapsed: reactive[float] = reactive(0.0, repaint=False)
    failure: reactive[str] = reactive("", repaint=False)

    def __init__(self, demo: Demo, mode: Sequence[str], **kwargs: str) -> None:
        """``mode`` is the run's mode and options, one ``name value`` string each."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.demo = demo
        self.mode = tuple(mode)
        self._clock_len = 0
        self._title_key: tuple[object, ...] | None = None
        self._rows_key: tuple[int, int, int] | None = None
        self._rows = 1

    def compose(self) -> ComposeResult:
        # Kept at hand: the clocks change ten times a second.
        self._title = Static(id="run-title")
        self._status = Static(id="run-status")
        self._clock_small = Static("", id="clock-small", markup=False)
        self._clock = Clock("0.0", id="clock")
        yield self._title
        yield self._status
        yield self._clock_small
        yield self._clock

    @property
    def short(self) -> bool:
        """Whether the terminal is short: a one-line header, the small clock."""
        return self.app.size.height < 32

    def rows_for(self, width: int) -> int:
        """The header's height on a screen ``width`` cells wide, as it would be drawn."""
        if not self.short:
            return 3
        key = (width, len(self.status), self._clock_len)
        if key != self._rows_key:  # asked at each refresh: wrap only when it may change
            self._rows_key, self._rows = key, len(self._short_lines(width))
        return self._rows + bool(self.failure)

    def show(self, state: RunState, now: float, *, status: str | None = None) -> None:
        """Follow the run: status (or ``status`` instead), elapsed time, failure
        (reactives only redraw on change)."""
        # Compared here first: setting a reactive, even to the value it has, runs
        # Textual's watcher machinery, and this runs ten times a second.
        status = status or state.status
        if status != self.status:
            self.status = status
        elapsed = round(state.elapsed(now), 1)
        if elapsed != self.elapsed:
            self.elapsed = elapsed
        failure = failure_line(state)
        if failure != self.failure:
            self.failure = failure

    # -- drawing ---------------------------------------------------------------------------
    def _short_lines(self, width: int) -> list[str]:
        parts = list(self.mode)
        lead = f"[b $accent]{escape(self.demo.id)}[/]"
        if parts and parts[0].startswith("mode "):  # "scrape threads · workers 8 · ..."
            lead += f" [b]{escape(parts.pop(0)[5:])}[/]"
        room = width - SHORT_FRAME - len(self.status) - 2 - len(self._clock_text(self.elapsed))
        return wrap_parts([lead, *(escape(p) for p in parts)], max(1, room))

    def _title_markup(self) -> str:
        # One line, cut with an ellipsis if need be (app.tcss): ``e`` (in the footer when
        # something failed) shows the whole of it.
        failure = f"\n[b $error]✗ {escape(self.failure)}[/]" if self.failure else ""
        if self.short:
            width = self.outer_size.width or self.app.size.width
            return "\n".join(self._short_lines(width)) + failure
        return (
            f"[b]interleave[/]  [b $accent]{escape(self.demo.id)}[/] · {escape(self.demo.title)}"
            f"\n[$text-muted]{escape(SEPARATOR.join(self.mode))}[/]{failure}"
        )

    def _update_title(self) -> None:
        width = self.outer_size.width or self.app.size.width
        key = (self.short, width, len(self.status), self._clock_len, self.failure)
        if key == self._title_key:
            return
        self._title_key = key
        self._title.update(self._title_markup())

    def on_mount(self) -> None:
        self._update_title()

    def on_resize(self, event: Resize) -> None:
        self._update_title()
        self._show_clock(self.elapsed)  # the clock that was hidden is not up to date

    @staticmethod
    def _clock_text(elapsed: float) -> str:
        return f"{elapsed:.1f}s"

    def watch_status(self, status: str) -> None:
        style = STATUS_STYLES.get(status, "$foreground")
        self._status.update(f"[b $background on {style}] {status.upper()} [/]")
        self._update_title()

    def watch_failure(self, failure: str) -> None:
        self._update_title()

    def watch_elapsed(self, elapsed: float) -> None:
        self._show_clock(elapsed)

    def _show_clock(self, elapsed: float) -> None:
        # Only the clock on screen: this runs ten times a second.
        small = self._clock_text(elapsed)
        if not self.short:
            self._clock.update(f"{elapsed:04.1f}")
        elif len(small) != self._clock_len:
            self._clock_small.update(small)  # wider: a layout pass, and the title rewraps
        else:
            self._clock_small.update(small, layout=False)
        if len(small) != self._clock_len:
            self._clock_len = len(small)
            self._update_title()
