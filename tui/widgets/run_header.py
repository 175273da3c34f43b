"""The run screen's top line: which demo, how, its status, and a big elapsed time.

On a short terminal (an 80x24 projector) the header is one line: the demo, its mode and
options (wrapped onto a second line only when they do not fit), the status and a small
clock. A failure adds a line that says why, so that the reason is on screen without a
toast over the output.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.events import Resize
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Static

from tui.themes import STATE_COLORS
from tui.widgets.clock import Clock
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
#: Cells of the status badge: the longest status word and a space each side. Fixed, so
#: that a new status (STARTING, RUNNING, ...) is a repaint, not a layout of the screen.
STATUS_CELLS = max(len(word) for word in (*RunStatus, PAUSED, REPLAY)) + 2
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


class RunHeader(Horizontal):
    """Title, mode, status badge and clock; the clock is large when the screen is tall."""

    # The watchers redraw the one child that shows each value: repainting the whole
    # header ten times a second for the clock is most of what the header costs.
    status: reactive[str] = reactive(RunStatus.STARTING.value, repaint=False)
    failure: reactive[str] = reactive("", repaint=False)

    def __init__(self, demo: Demo, mode: Sequence[str], **kwargs: str) -> None:
        """``mode`` is the run's mode and options, one ``name value`` string each."""
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.demo = demo
        self.mode = tuple(mode)
        #: Cells of the small clock's text (the title is wrapped beside it).
        self._clock_len = len(self._clock_text(0.0))
        self._title_key: tuple[object, ...] | None = None
        self._rows_key: tuple[int, int] | None = None
        self._rows = 1
        #: Seconds since the run started, as the clock shows them (tenths).
        self.elapsed = 0.0

    def compose(self) -> ComposeResult:
        # Kept at hand: the clocks change ten times a second.
        self._title = Static(id="run-title")
        self._status = Static(id="run-status")
        self._status.styles.width = STATUS_CELLS
        # Both clocks start as wide as they will be (``_clock_len``, ``_show_clock``):
        # their first update is a repaint, not a layout.
        self._clock_small = Static(self._clock_text(0.0), id="clock-small", markup=False)
        self._clock = Clock(f"{0.0:04.1f}", id="clock")
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
        key = (width, self._clock_len)
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
        if elapsed != self.elapsed:  # a plain attribute: Textual's reactive costs a
            self.elapsed = elapsed  # tenth of what the clock does, ten times a second
            self._show_clock(elapsed)
        failure = failure_line(state)
        if failure != self.failure:
            self.failure = failure

    # -- drawing ---------------------------------------------------------------------------
    def _short_lines(self, width: int) -> list[str]:
        parts = list(self.mode)
        lead = f"[b $accent]{escape(self.demo.id)}[/]"
        if parts and parts[0].startswith("mode "):  # "scrape threads · workers 8 · ..."
            lead += f" [b]{escape(parts.pop(0)[5:])}[/]"
        room = width - SHORT_FRAME - STATUS_CELLS - len(self._clock_text(self.elapsed))
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
        key = (self.short, width, self._clock_len, self.failure)
        if key == self._title_key:
            return
        self._title_key = key
        # The tall header's title has a fixed size: only the short one's height follows
        # its lines.
        self._title.update(self._title_markup(), layout=self.short)

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
        self._status.update(f"[b $background on {style}] {status.upper()} [/]", layout=False)

    def watch_failure(self, failure: str) -> None:
        self._update_title()

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
