"""The worker board: panels drawn as lines of one widget, as Textual would draw them.

The board replaced one bordered ``Static`` per worker; these tests hold it to that
widget's picture (the same cells, the same colours), and to what made it worth it:
nothing mounted per worker, and only the lines that changed repainted.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.markup import escape
from textual.strip import Strip
from textual.widgets import Static

from tests.tui_fakes import fixed_sample
from tests.tui_helpers import click_panel
from tui.markup_lines import markup_lines
from tui.messages import WorkerChosen
from tui.themes import app_variables, register
from tui.widgets.worker_board import WorkerBoard, column_widths
from tui.widgets.worker_colors import WorkerColors
from tui.widgets.worker_grid import WorkerGrid
from tui.widgets.worker_panel import Run, WorkerPanel, fit_title
from workloads.cpu_sampler import CpuSample
from workloads.events import (
    PROCESS,
    THREAD,
    WAITING,
    Event,
    Progress,
    RunStarted,
    StateChanged,
    WorkerStarted,
)
from workloads.run_state import RunState, fold

T0 = 1000.0
NOW = T0 + 2.0
W, H = 28, 7


def events() -> list[Event]:
    """A run with the main thread, a thread that made progress, and a process."""
    return [
        RunStarted(T0, "threads", {}, 1.0, 4000, "3.11.7", True, 0.005),
        WorkerStarted("main", T0, "MainThread", THREAD, 4000, 4000),
        WorkerStarted("t1", T0 + 0.1, "print_numbers", THREAD, 4000, 4001),
        WorkerStarted("p1", T0 + 0.2, "SpawnProcess-1", PROCESS, 5001, 5001),
        StateChanged("t1", T0 + 0.5, WAITING, "sleep(2)"),
        Progress("t1", T0 + 0.6, 2, 5),
    ]


def run_state() -> RunState:
    return fold(events())


def sample(pct: float) -> CpuSample:
    base = fixed_sample()
    return replace(base, thread_pct={4001: pct, 4000: 0.0}, process_pct={5001: pct})


class BoardApp(App[None]):
    CSS_PATH = "../tui/app.tcss"
    CSS = """
    /* The panel the board replaced (app.tcss before the board), for comparison. */
    .reference {
        width: 28;
        height: 7;
        padding: 0 1;
        border: round $primary 60%;
        border-title-align: left;
        border-subtitle-align: right;
        border-title-color: $foreground;
        border-subtitle-color: $foreground;
    }
    .reference.-process { border: heavy $primary 60%; }
    .reference.-main { border: round $border-blurred; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        register(self)
        self.palette = WorkerColors()
        self.chosen: list[str] = []

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return app_variables()

    def compose(self) -> ComposeResult:
        yield WorkerGrid(self.palette, id="workers")

    def on_worker_chosen(self, message: WorkerChosen) -> None:
        self.chosen.append(message.worker_id)


def markup(runs: tuple[Run, ...], plain: str = "") -> str:
    """Styled runs as markup (``plain``: the style of unstyled text, left out)."""
    return "".join(
        f"[{style}]{escape(text)}[/]" if style and style != plain else escape(text)
        for text, style in runs
    )


def reference(panel: WorkerPanel) -> Static:
    """A bordered Static showing what ``panel`` shows, as Textual draws it."""
    # The board mutes the main thread's text itself; the reference's CSS does.
    inner = [markup(line.runs, panel.plain) for line in panel.lines[1:-1]]
    static = Static(markup_lines(inner), classes="reference")
    if panel.process:
        static.add_class("-process")
    if panel.main:
        static.add_class("-main")
    static.border_title = f"[b {panel.color}]{panel.worker_id}[/] {panel.name}"
    # The bottom border's runs: the fill, the CPU figure and kind, a dash and corner.
    static.border_subtitle = markup(panel.lines[-1].runs[1:-2]).strip()
    return static


def cells(strip: Strip) -> list[tuple[str, object, object, bool]]:
    """Each cell of a strip: its character, colours and weight (a space has only a
    background: its colour and weight show nowhere)."""
    out: list[tuple[str, object, object, bool]] = []
    for seg in strip:
        style = seg.style
        for char in seg.text:
            ink = char != " "
            color = style.color.triplet if ink and style and style.color else None
            bgcolor = style.bgcolor.triplet if style and style.bgcolor else None
            out.append((char, color, bgcolor, ink and bool(style and style.bold)))
    return out


def board_of(app: BoardApp) -> WorkerBoard:
    board = app.query_one(WorkerGrid).board
    assert board is not None
    return board


# -- pure --------------------------------------------------------------------------------
def test_columns_share_the_width_and_use_every_cell() -> None:
    for width in range(1, 130):
        for cols in range(1, 6):
            widths = column_widths(width, cols)
            assert sum(widths) == width and len(widths) == cols
            assert max(widths) - min(widths) <= 1


def test_a_title_cuts_the_name_before_the_id() -> None:
    assert fit_title("t1", "print_numbers", 40) == ("t1", "print_numbers")
    assert fit_title("t1", "print_numbers", 8) == ("t1", "prin…")
    assert fit_title("t12", "x", 3) == ("t12", "")
    assert fit_title("p1.t12", "x", 4) == ("p1.…", "")


def test_a_cpu_figure_that_moves_changes_only_the_bottom_border() -> None:
    state = run_state()
    w = state.workers["t1"]
    panel = WorkerPanel(w, "$worker-1")
    assert panel.draw(w, NOW, sample(10.0), W, H) == list(range(H))
    assert panel.draw(w, NOW, sample(10.0), W, H) == []
    assert panel.draw(w, NOW, sample(55.0), W, H) == [H - 1]
    assert "cpu  55%" in panel.text().splitlines()[-1]
    # A new size redraws every line.
    assert panel.draw(w, NOW, sample(55.0), W + 2, H) == list(range(H))


def test_every_line_is_as_wide_as_the_panel() -> None:
    state = run_state()
    for w in state.workers.values():
        panel = WorkerPanel(w, "$worker-1")
        for width in (10, 26, 40):
            for height in (4, 5, 7):
                panel.draw(w, NOW, None, width, height)
                lines = panel.text().splitlines()
                assert len(lines) == height
                assert all(len(line) == width for line in lines), (w.id, width, lines)


# -- drawn -------------------------------------------------------------------------------
@pytest.mark.parametrize("theme", ["dark", "light", "projector"])
async def test_panels_look_as_textual_draws_a_bordered_widget(theme: str) -> None:
    app = BoardApp()
    async with app.run_test(size=(3 * W, 4 * H + 2)) as pilot:
        app.theme = theme
        grid = app.query_one(WorkerGrid)
        grid.room = H
        grid.refresh_from(run_state(), NOW, sample(12.0))
        await pilot.pause()
        board = board_of(app)
        references = [reference(panel) for panel in board.panels]
        await app.screen.mount_all(references)
        await pilot.pause()
        for panel, ref in zip(board.panels, references, strict=True):
            x = board.panel_region(panel.worker_id).x
            assert board.panel_region(panel.worker_id).width == W
            for y in range(H):
                ours = cells(board.render_line(y).crop(x, x + W))
                theirs = cells(ref.render_lines(Region(0, y, W, 1))[0])
                assert ours == theirs, (panel.worker_id, y)


async def test_an_arrival_is_drawn_without_mounting_anything() -> None:
    app = BoardApp()
    async with app.run_test(size=(100, 20)) as pilot:
        grid = app.query_one(WorkerGrid)
        grid.room = 2 * H
        grid.refresh_from(run_state(), NOW, None)
        await pilot.pause()
        widgets = len(app.query("*"))
        arrival = WorkerStarted("t2", T0 + 0.3, "print_letters", THREAD, 4000, 4002)
        grid.refresh_from(fold([*events(), arrival]), NOW, None)
        await pilot.pause()
        assert len(app.query("*")) == widgets
        assert not grid.compact
        board = board_of(app)
        assert [p.worker_id for p in board.panels] == ["main", "t1", "p1", "t2"]
        assert "print_letters" in board.panels[-1].text()


async def test_a_click_on_a_panel_chooses_its_worker() -> None:
    app = BoardApp()
    async with app.run_test(size=(100, 20)) as pilot:
        grid = app.query_one(WorkerGrid)
        grid.room = H
        grid.refresh_from(run_state(), NOW, None)
        await pilot.pause()
        for wid in ("p1", "main", "t1"):
            await click_panel(pilot, app.screen, wid)
            await pilot.pause()
        assert app.chosen == ["p1", "main", "t1"]
