"""Pilot tests: a run of 256 workers and a flood of printed lines stays small on screen.

The state is folded from synthetic events (no processes, no clocks): half threads, half
processes, a quarter each running, waiting, done and failed, and 100k printed lines.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical

from tests.tui_fakes import fixed_sample
from tests.tui_helpers import panels
from tui.app import InterleaveApp
from tui.screens.run_screen import RunScreen
from tui.widgets.cpu_gauges import CpuGauges
from tui.widgets.output_pane import MAX_LINES, OutputPane
from tui.widgets.timeline import Timeline
from tui.widgets.worker_colors import WorkerColors
from tui.widgets.worker_grid import MAX_PANELS, WorkerGrid
from tui.widgets.worker_list import WorkerList
from workloads import catalog
from workloads.cpu_sampler import CpuSample
from workloads.events import (
    PROCESS,
    READY,
    RUNNING,
    THREAD,
    WAITING,
    Event,
    Output,
    Progress,
    RunStarted,
    Span,
    StateChanged,
    WorkerFailed,
    WorkerFinished,
    WorkerStarted,
)
from workloads.run_state import RunState, fold

T0 = 1000.0
NOW = T0 + 10.0
WORKERS = 256
LINES = 100_000
#: Widgets a run screen may mount, whatever the number of workers (a dozen panes,
#: their scrollbars, the footer's keys).
FEW_WIDGETS = 60


def many_workers_state(workers: int = WORKERS, lines: int = LINES) -> RunState:
    """A live run: ``main``, then threads and processes alternately, in four states."""
    events: list[Event] = [
        RunStarted(T0, "io-bound", {"mode": "threads"}, 1.0, 4000, "3.11.7", True, 0.005),
        WorkerStarted("main", T0, "MainThread", THREAD, 4000, 4000),
    ]
    ids = []
    for i in range(1, workers + 1):
        thread = i % 2 == 1
        wid = f"t{i}" if thread else f"p{i}"
        ids.append(wid)
        kind, pid = (THREAD, 4000) if thread else (PROCESS, 5000 + i)
        start = T0 + i * 0.01
        events += [
            WorkerStarted(wid, start, "fetch", kind, pid, pid if not thread else 4000 + i),
            Span(wid, start, start + 1.0, RUNNING),
            Span(wid, start + 1.0, start + 2.0, READY),
            Span(wid, start + 2.0, NOW - 0.5, WAITING),
            Progress(wid, start + 2.0, i % 6, 5 if i % 3 else 0),
        ]
        fate = i % 4
        if fate == 0:
            events.append(Span(wid, NOW - 0.5, NOW, RUNNING))
        elif fate == 1:
            events.append(StateChanged(wid, NOW - 0.5, WAITING, "sleep 2 s"))
        elif fate == 2:
            events.append(WorkerFinished(wid, NOW - 0.4, "", 0.02))
        else:
            events.append(WorkerFailed(wid, NOW - 0.4, "ValueError: boom", "", 0.01))
    events += [Output(ids[n % len(ids)], T0 + 1 + 8 * n / lines, f"line {n}") for n in range(lines)]
    return fold(events)


def many_cores_sample() -> CpuSample:
    """A reading of a 64-core machine, every worker's thread and process in it."""
    per_core = tuple(float(i * 37 % 101) for i in range(64))
    return CpuSample(NOW, per_core, 300.0, 10.0, 30.0)


class PanesApp(App[None]):
    """The run screen's live widgets, with the app's stylesheet, and nothing else."""

    CSS_PATH = "../tui/app.tcss"
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        colors = WorkerColors()
        with Horizontal(id="top"):
            yield WorkerGrid(colors, id="workers")
            yield CpuGauges(id="cpu")
        with Vertical(id="timeline-box"):
            yield Timeline(id="timeline", colors=colors)
        with Horizontal(id="bottom"):
            yield OutputPane(colors, id="output")

    def show(self, state: RunState, sample: CpuSample | None = None) -> None:
        """What the run screen does on each tick."""
        with self.batch_update():
            self.query_one(Timeline).refresh_from(state, NOW)
            self.query_one(WorkerGrid).refresh_from(state, NOW, sample)
            self.query_one(CpuGauges).show(sample, state)
            self.query_one(OutputPane).refresh_from(state)


async def test_256_workers_collapse_to_one_list() -> None:
    state = many_workers_state()
    app = PanesApp()
    async with app.run_test(size=(120, 36)) as pilot:
        app.show(state.snapshot(), fixed_sample())
        await pilot.pause()
        grid = app.query_one(WorkerGrid)
        assert grid.compact
        assert not panels(app)
        rows = app.query_one(WorkerList)
        assert rows.rows == WORKERS + 1  # and main
        assert len(app.query("*")) < FEW_WIDGETS
        # The list fits its share of the screen; the rest scrolls inside it.
        assert rows.size.height <= 36 * 0.42
        title = str(rows.border_subtitle)
        for word in ("running", "waiting", "done", "failed"):
            assert word in title
        await pilot.press("q")
    assert app.return_code == 0


async def test_few_workers_keep_their_panels_until_they_do_not_fit() -> None:
    app = PanesApp()
    async with app.run_test(size=(120, 36)) as pilot:
        app.show(many_workers_state(workers=3, lines=10).snapshot())
        await pilot.pause()
        grid = app.query_one(WorkerGrid)
        assert not grid.compact
        assert len(panels(app)) == 4
        # The run grows past what panels can hold: one list replaces them.
        app.show(many_workers_state(workers=40, lines=10).snapshot())
        await pilot.pause()
        assert grid.compact
        assert not panels(app)
        # A taller terminal never mounts more than MAX_PANELS panels.
        await pilot.resize_terminal(200, 120)
        await pilot.pause()
        assert len(panels(app)) <= MAX_PANELS
        assert grid.compact


async def test_a_larger_terminal_brings_the_panels_back() -> None:
    app = PanesApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.show(many_workers_state(workers=9, lines=10).snapshot())
        await pilot.pause()
        grid = app.query_one(WorkerGrid)
        assert grid.compact
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert not grid.compact
        assert not any(rows.display for rows in app.query(WorkerList))
        shown = panels(app)
        assert len(shown) == 10
        # Placed after the last refresh, they are drawn again once they have a size.
        assert all("pid" in p.text() for p in shown.values())


async def test_a_flood_of_output_keeps_only_the_last_lines() -> None:
    state = many_workers_state(lines=LINES // 2)
    app = PanesApp()
    async with app.run_test(size=(120, 36)) as pilot:
        pane = app.query_one(OutputPane)
        written: list[int] = []
        write_lines = pane.write_lines

        def counting(lines: Iterable[str], scroll_end: bool | None = None) -> OutputPane:
            batch = list(lines)
            written.append(len(batch))
            return write_lines(batch, scroll_end)

        pane.write_lines = counting  # type: ignore[method-assign]
        app.show(state.snapshot())
        await pilot.pause()
        assert written == [MAX_LINES]
        assert pane.shown == LINES // 2
        assert pane.line_count == MAX_LINES
        assert pane.lines[-1].endswith(f"line {LINES // 2 - 1}")
        # The run goes on: the next refresh writes only what is new.
        state.apply_all(Output("t1", NOW, f"late {n}") for n in range(7))
        app.show(state.snapshot())
        await pilot.pause()
        assert written == [MAX_LINES, 7]
        assert pane.line_count == MAX_LINES
        assert pane.lines[-1].endswith("late 6")


async def test_lines_past_what_the_run_keeps_are_counted() -> None:
    app = PanesApp()
    async with app.run_test(size=(120, 36)) as pilot:
        app.show(many_workers_state(lines=LINES + 5).snapshot())
        await pilot.pause()
        pane = app.query_one(OutputPane)
        assert pane.line_count == MAX_LINES
        assert str(pane.border_subtitle) == f"{LINES + 5:,} lines"


async def test_timeline_draws_only_the_lanes_that_fit() -> None:
    state = many_workers_state(lines=10)
    app = PanesApp()
    async with app.run_test(size=(120, 36)) as pilot:
        app.show(state.snapshot())
        await pilot.pause()
        timeline = app.query_one(Timeline)
        shown = timeline.lanes_shown
        assert 0 < shown < WORKERS
        # Lanes off screen are not computed at all.
        assert len(timeline.model.lanes) <= shown
        assert timeline.size.height <= 36
        text = timeline.render().plain
        assert f"of {WORKERS + 1}" in text
        timeline.focus()
        await pilot.press("pagedown")
        assert timeline.lane_first == shown
        await pilot.press("up")
        assert timeline.lane_first == shown - 1


async def test_timeline_reads_its_own_copy_of_the_workers() -> None:
    state = many_workers_state(workers=8, lines=10)
    app = PanesApp()
    async with app.run_test(size=(120, 36)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.refresh_from(state, NOW)
        await pilot.pause()
        # The fold goes on after the refresh: a new worker, more spans. Redrawing the
        # same refresh must neither fail nor show the new lane.
        state.apply(WorkerStarted("t99", NOW, "late", THREAD, 4000, 4099))
        state.apply(Span("t1", NOW, NOW + 0.1, RUNNING))
        timeline.refresh()
        await pilot.pause()
        assert "t99" not in timeline.render().plain


async def test_many_cores_fold_into_a_few_lines() -> None:
    app = PanesApp()
    async with app.run_test(size=(120, 36)) as pilot:
        app.show(many_workers_state(lines=10).snapshot(), many_cores_sample())
        await pilot.pause()
        gauges = app.query_one(CpuGauges)
        text = str(gauges.render())
        assert "cores busy" in text
        assert gauges.size.height <= 12


async def test_run_screen_replays_256_workers_and_quits() -> None:
    state = many_workers_state()
    app = InterleaveApp(clock=lambda: NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = RunScreen(
            catalog.get("io-bound"), {}, 1.0, app.services, replay=state, sample=fixed_sample()
        )
        await app.push_screen(screen)
        await pilot.pause()
        screen.refresh_now()
        await pilot.pause()
        assert screen.query_one(WorkerGrid).compact
        assert not panels(screen)
        assert len(screen.query("*")) < FEW_WIDGETS
        assert screen.query_one(OutputPane).line_count <= MAX_LINES
        await pilot.press("q")
    assert app.return_code == 0


async def test_output_keeps_following_when_its_pane_shrinks() -> None:
    state = many_workers_state(workers=4, lines=100)
    app = PanesApp()
    async with app.run_test(size=(120, 36)) as pilot:
        app.show(state.snapshot())
        await pilot.pause()
        pane = app.query_one(OutputPane)
        assert pane.is_vertical_scroll_end
        # More workers, more lanes: the run screen gives the output fewer lines.
        app.query_one("#bottom").styles.height = 6
        await pilot.pause()
        state.apply_all(Output("t1", NOW, f"late {n}") for n in range(50))
        app.show(state.snapshot())
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y
        # A reader who scrolled up is left where they are.
        pane.scroll_to(y=10, animate=False, immediate=True)
        state.apply_all(Output("t1", NOW, f"later {n}") for n in range(50))
        app.show(state.snapshot())
        await pilot.pause()
        assert pane.scroll_y == 10
