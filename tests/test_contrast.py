"""Every letter and digit on screen is readable: WCAG contrast, measured on rendered screens.

Each scene (the menu, a live run, one with forty workers, a scrape with its results, a
finished run, the compare screen, the help page, notifications) is rendered by Textual at 80x24 and
120x36 in every theme of :mod:`tui.themes`. The compositor's segments give each cell's
character, foreground and background as the terminal receives them (dim text and
translucent colours already blended by Textual); every cell holding a letter or digit
must reach the theme's bar (4.5:1 in ``projector``, 3:1 in ``dark`` and ``light``), in
true colour and in the 256 colours of tmux or screen.

Whitespace and box or block drawing glyphs (U+2500-U+259F: borders, bars, lanes) are
graphics, not text, and are skipped, and so is punctuation; but inside the widgets of
:data:`FIGURES` (the clock's big digits, the chart's bars, gauges and progress bars)
the glyphs are what is read, and count.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import pytest
from rich.cells import get_character_cell_size
from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.segment import Segment
from textual._compositor import LayoutUpdate
from textual.app import App
from textual.constants import DIM_FACTOR
from textual.geometry import Offset, Region
from textual.pilot import Pilot

from tests.run_fakes import finished_state
from tests.test_compare import CPU_FIGURES, FakeRunner
from tests.tui_fakes import PARAMS, T0, finished_threads_state, fixed_sample
from tests.tui_helpers import wait_until
from tui.app import InterleaveApp
from tui.screens.compare_screen import CompareScreen
from tui.screens.run_screen import RunScreen
from tui.themes import THEMES, min_contrast
from workloads import catalog
from workloads.cpu_sampler import CpuSample
from workloads.events import (
    FAILED,
    PROCESS,
    READY,
    RUNNING,
    THREAD,
    WAITING,
    Event,
    Output,
    Progress,
    Result,
    RunStarted,
    Span,
    StateChanged,
    WorkerFailed,
    WorkerStarted,
)
from workloads.run_state import RunState, fold

SIZES = ((80, 24), (120, 36))
#: Box drawing, block elements: borders, bars and lanes, drawn, not read.
GRAPHICS = range(0x2500, 0x25A0)
#: Block elements: what bars and gauges are made of.
BLOCKS = range(0x2580, 0x25A0)
#: Widgets whose drawing glyphs are read all the same: the clock's big digits, the
#: compare chart's bars, the CPU gauges and the workers' progress bars.
FIGURES = "Digits, #compare-chart, CpuGauges, WorkerBoard, WorkerList"
#: The moment the live scenes are frozen at.
LIVE_NOW = T0 + 4.1

RGB = tuple[int, int, int]


# -- measuring ---------------------------------------------------------------------------
def luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""

    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: RGB, bg: RGB) -> float:
    """WCAG 2 contrast ratio, 1 (none) to 21 (black on white)."""
    a, b = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@cache
def in_256_colors(rgb: RGB) -> RGB:
    """``rgb`` as Rich (and so Textual) writes it to a 256-colour terminal."""
    triplet = RichColor.from_rgb(*rgb).downgrade(ColorSystem.EIGHT_BIT).get_truecolor()
    return (triplet.red, triplet.green, triplet.blue)


@dataclass(frozen=True)
class TextCell:
    """A cell holding a letter or digit, its colours, and the words around it (to report)."""

    x: int
    y: int
    char: str
    fg: RGB
    bg: RGB
    context: str

    @property
    def ratio(self) -> float:
        return contrast(self.fg, self.bg)

    def in_256_colors(self) -> TextCell:
        """The cell as a 256-colour terminal shows it (tmux and screen by default)."""
        return replace(self, fg=in_256_colors(self.fg), bg=in_256_colors(self.bg))

    def __str__(self) -> str:
        fg, bg = ("#{:02x}{:02x}{:02x}".format(*c) for c in (self.fg, self.bg))
        return f"{self.ratio:4.2f}:1 {fg} on {bg} at {self.x},{self.y} in {self.context!r}"


def _triplet(color: RichColor | None, default: RGB) -> RGB:
    if color is None or color.is_default or color.triplet is None:
        return default
    return color.triplet


def _blend(fg: RGB, bg: RGB, factor: float) -> RGB:
    r, g, b = (round(b_ + (f_ - b_) * factor) for f_, b_ in zip(fg, bg, strict=True))
    return (r, g, b)


def is_text(char: str) -> bool:
    """Letters and digits are read; spaces, punctuation and drawing glyphs are not."""
    return char.isalnum() and ord(char) not in GRAPHICS


def _regions(app: App[Any], selectors: str) -> list[Region]:
    return [w.scrollable_content_region for w in app.screen.query(selectors) if w.display]


def screen_cells(
    app: App[Any], *, figures: str = FIGURES, within: str | None = None
) -> list[TextCell]:
    """Every text cell of the app's screen as the terminal would get it.

    The compositor's full update is what Textual writes to the terminal: line filters
    have turned dim text and ANSI colours into true colours, and translucent colours
    are blended over what is behind them, so each segment's colours are final (a
    ``dim`` or ``reverse`` left over is applied here as a terminal would).

    Inside the widgets matched by ``figures`` (the clock's big digits, bars), block
    and box glyphs are read too; ``within`` limits the cells to those widgets.
    """
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    assert isinstance(update, LayoutUpdate)
    base_bg = RichColor.parse(app.current_theme.background or "#000000").triplet
    base_fg = RichColor.parse(app.current_theme.foreground or "#ffffff").triplet
    assert base_bg is not None and base_fg is not None
    # The clock's digits are drawn with box glyphs; bars and gauges with blocks only (a
    # neighbour's border line that a region touches while layout settles is no figure).
    digits = _regions(app, "Digits") if "Digits" in figures else []
    drawn = _regions(app, figures)
    only = _regions(app, within) if within else None
    cells: list[TextCell] = []
    for y, line in enumerate(update.strips):
        segments: list[Segment] = [seg for strip in line for seg in strip if not seg.control]
        row = "".join(seg.text for seg in segments)
        x = 0
        for seg in segments:
            style = seg.style
            fg = _triplet(style.color if style else None, base_fg)
            bg = _triplet(style.bgcolor if style else None, base_bg)
            if style is not None and style.reverse:
                fg, bg = bg, fg
            if style is not None and style.dim:
                fg = _blend(fg, bg, DIM_FACTOR)
            for char in seg.text:
                here = Offset(x, y)
                read = is_text(char) or (
                    not char.isspace()
                    and (
                        any(here in r for r in digits)
                        or (ord(char) in BLOCKS and any(here in r for r in drawn))
                    )
                )
                if read and (only is None or any(here in r for r in only)):
                    context = row[max(0, x - 12) : x + 12].strip()
                    cells.append(TextCell(x, y, char, fg, bg, context))
                x += get_character_cell_size(char)
    return cells


def offenders(cells: list[TextCell], bar: float) -> list[TextCell]:
    """The cells under ``bar``, worst first, one per colour pair and context."""
    seen: set[tuple[RGB, RGB, str]] = set()
    worst: list[TextCell] = []
    for cell in sorted(cells, key=lambda c: c.ratio):
        key = (cell.fg, cell.bg, cell.context)
        if cell.ratio < bar and key not in seen:
            seen.add(key)
            worst.append(cell)
    return worst


# -- scenes ------------------------------------------------------------------------------
def live_events(workers: int = 4) -> list[Event]:
    """A run caught mid-way: threads running, ready (for the GIL), sleeping, one failed."""
    events: list[Event] = [
        RunStarted(T0, "cpu-bound", {"mode": "threads"}, 1.0, 4123, "3.11.7", True, 0.005),
        WorkerStarted("main", T0, "MainThread", THREAD, 4123, 4123),
        Span("main", T0, T0 + 0.003, RUNNING),
        StateChanged("main", T0 + 0.003, WAITING, "join"),
    ]
    states = (RUNNING, READY, WAITING, FAILED)
    for i in range(workers):
        wid, tid = f"t{i + 1}", 4125 + i
        kind = PROCESS if i == 3 and workers <= 8 else THREAD
        pid = 4200 + i if kind == PROCESS else 4123
        events.append(WorkerStarted(wid, T0 + 0.001 * i, "crunch", kind, pid, tid))
        state = states[i % len(states)]
        for j in range(4):
            t = T0 + j
            events.append(Output(wid, t + 0.5, f"{wid} chunk {j} done, sum={j * 7919}"))
            events.append(Progress(wid, t + 0.5, j + 1, 8))
            events.append(Span(wid, t, t + 0.5, RUNNING))
            events.append(Span(wid, t + 0.5, t + 1.0, READY if i % 2 else WAITING))
        if state == FAILED:
            trace = "Traceback (most recent call last):\nValueError: bad chunk"
            events.append(WorkerFailed(wid, T0 + 4.0, "ValueError: bad chunk", trace, 0.4))
        elif state == WAITING:
            events.append(StateChanged(wid, T0 + 4.0, WAITING, "sleep 0.5 s"))
        else:
            events.append(Span(wid, T0 + 4.0, LIVE_NOW, state))
    return events


def live_state(workers: int = 4) -> RunState:
    """The folded state of :func:`live_events` (the run is still going)."""
    return fold(live_events(workers))


def scrape_state() -> RunState:
    """A scrape caught mid-way: pages fetched fine, redirected, missing, failed."""
    events = live_events(3)
    pages = [
        (200, "Quotes to Scrape", ""),
        (301, "Moved", ""),
        (404, "Not Found", ""),
        (None, "", "ConnectTimeout: no answer in 2.0 s"),
        (200, "Books to Scrape", ""),
    ]
    for row, (status, title, error) in enumerate(pages):
        data = {
            "url": f"http://127.0.0.1:8000/page/{row}",
            "status": status,
            "title": title,
            "links": 0 if error else 12 + row,
            "words": 0 if error else 310 * (row + 1),
            "ms": 300 + row,
            "error": error,
        }
        events.append(Result(f"t{row % 3 + 1}", T0 + 1 + row * 0.3, row, data))
    return fold(events)


def live_sample() -> CpuSample:
    """A CPU reading with one core busy, one half busy, as while threads fight the GIL."""
    return CpuSample(
        t=LIVE_NOW,
        per_core=(97.0, 64.0, 12.0, 3.0),
        run_cpu_s=3.9,
        run_wall_s=4.1,
        recent_busy=1.02,
        thread_pct={4123: 0.0, 4125: 51.0, 4126: 48.0, 4127: 0.0},
        process_pct={4123: 99.0, 4203: 0.0},
    )


async def show_run(pilot: Pilot[Any], state: RunState, sample: CpuSample, demo: str) -> None:
    """Push a run screen that shows ``state`` (no host, no psutil) and let it draw."""
    app = pilot.app
    assert isinstance(app, InterleaveApp)
    params = PARAMS if demo == "threads" else {}
    screen = RunScreen(catalog.get(demo), params, 1.0, app.services, replay=state, sample=sample)
    await app.push_screen(screen)
    await pilot.pause()
    screen.refresh_now()
    await pilot.pause()


#: A scene sets the screen up and returns the part of it to read (None: all of it).
Scene = Callable[[Pilot[Any]], Awaitable[str | None]]


async def menu(pilot: Pilot[Any]) -> str | None:
    await pilot.pause()
    return None


async def live(pilot: Pilot[Any]) -> str | None:
    await show_run(pilot, live_state(), live_sample(), "cpu-bound")
    return None


async def many(pilot: Pilot[Any]) -> str | None:
    await show_run(pilot, live_state(40), live_sample(), "cpu-bound")
    return None


async def scrape(pilot: Pilot[Any]) -> str | None:
    await show_run(pilot, scrape_state(), live_sample(), "scrape")
    return None


async def chart(pilot: Pilot[Any]) -> str | None:
    await show_run(pilot, finished_state("startup"), fixed_sample(), "startup")
    return None


async def finished(pilot: Pilot[Any]) -> str | None:
    await show_run(pilot, finished_threads_state(), fixed_sample(), "threads")
    return None


async def compare(pilot: Pilot[Any]) -> str | None:
    screen = CompareScreen("cpu-bound", {"workers": 4}, runner=FakeRunner(CPU_FIGURES))
    await pilot.app.push_screen(screen)
    for _ in range(250):
        if screen.comparison is not None:
            break
        await pilot.pause(0.02)
    assert screen.comparison is not None
    await pilot.pause()
    return None


async def help_page(pilot: Pilot[Any]) -> str | None:
    await pilot.press("question_mark")
    await pilot.pause()
    # The screen behind a modal is dimmed on purpose: only the page is for reading.
    return "#help-box"


async def notices(pilot: Pilot[Any]) -> str | None:
    app = pilot.app
    app.notify("Run cancelled; its processes were stopped.", severity="warning")
    app.notify("--workers must be at least 1, not '0'", title="Cannot run", severity="error")
    app.notify("Saved /home/lecturer/interleave.svg", title="Screenshot")
    await wait_until(pilot, lambda: len(app.screen.query("Toast")) >= 3)  # a bound, not a timing
    await pilot.pause(0.3)  # their fade-in over
    return "Toast"


SCENES: dict[str, Scene] = {
    "menu": menu,
    "live": live,
    "many": many,
    "scrape": scrape,
    "finished": finished,
    "chart": chart,
    "compare": compare,
    "help": help_page,
    "notices": notices,
}


async def rendered_cells(theme: str, size: tuple[int, int], scene: str) -> list[TextCell]:
    """The text cells of ``scene`` rendered in ``theme`` at ``size``."""
    now = LIVE_NOW if scene in ("live", "many", "scrape") else T0 + 12.0
    app = InterleaveApp(clock=lambda: now, theme=theme)
    async with app.run_test(size=size, notifications=True) as pilot:
        within = await SCENES[scene](pilot)
        return screen_cells(app, within=within)


# -- the tests ---------------------------------------------------------------------------
def test_contrast_formula() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert contrast((10, 20, 30), (10, 20, 30)) == 1.0


def test_drawing_glyphs_and_spaces_are_not_text() -> None:
    assert [is_text(c) for c in "a7 █▒░─│╭·›"] == [True, True] + [False] * 9


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("scene", list(SCENES))
@pytest.mark.parametrize("theme", list(THEMES))
async def test_every_text_cell_reaches_the_bar(
    theme: str, scene: str, size: tuple[int, int]
) -> None:
    cells = await rendered_cells(theme, size, scene)
    assert len(cells) > 100, "the scene did not draw"
    bar = min_contrast(theme)
    for colors, shown_cells in (
        ("true colour", cells),
        ("256 colours", [c.in_256_colors() for c in cells]),
    ):
        bad = offenders(shown_cells, bar)
        below = sum(1 for c in shown_cells if c.ratio < bar)
        worst = "\n  ".join(str(c) for c in bad[:12])
        assert not bad, (
            f"{below} of {len(cells)} text cells ({below / len(cells):.0%}) below {bar}:1 "
            f"in {theme}, {colors}; worst:\n  {worst}"
        )


@pytest.mark.parametrize("scene", ["live", "scrape", "compare", "chart"])
async def test_d_cycles_the_themes_and_recolours_everything(scene: str) -> None:
    # Colours cached by widgets (log lines, lanes, rows, the chart's Rich text) must
    # follow the switch: the screen after "d" is as readable as one started in it.
    app = InterleaveApp(clock=lambda: LIVE_NOW, theme="dark")
    async with app.run_test(size=(120, 36)) as pilot:
        await SCENES[scene](pilot)
        for expected in ("light", "projector", "dark"):
            await pilot.press("d")
            await pilot.pause()
            assert app.theme == expected
            bad = offenders(screen_cells(app), min_contrast(expected))
            assert not bad, f"after d, in {expected}: " + "; ".join(map(str, bad[:5]))
