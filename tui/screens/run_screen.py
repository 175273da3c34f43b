"""The run screen: one live run of one demo, from spawn to the end, then frozen."""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Callable
from typing import Any

import psutil
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer

from tui.messages import RunEnded, WorkerChosen
from tui.screens.pause_marks import PAUSED_NOTE, pause_marks
from tui.screens.recording_notes import save_outputs, save_recording
from tui.screens.run_layout import Room, plan
from tui.screens.traceback_screen import TracebackScreen, failures_of
from tui.screens.worker_placement import WorkerPlacement
from tui.services import Services
from tui.widgets.code_pane import CodePane
from tui.widgets.cpu_gauges import MAX_GAUGE_LINES, ONE_PER_LINE, CpuGauges
from tui.widgets.output_pane import OutputPane
from tui.widgets.results_chart import ResultsChart
from tui.widgets.results_table import ResultsTable
from tui.widgets.run_header import PAUSED, SEPARATOR, RunHeader
from tui.widgets.timeline import Timeline
from tui.widgets.worker_colors import WorkerColors
from tui.widgets.worker_grid import WorkerGrid
from workloads import dask_options
from workloads.cpu_sampler import CpuSample, CpuSampler
from workloads.demo import Demo
from workloads.events import PROCESS
from workloads.recording import RecordingHeader, RunLog
from workloads.run_session import RunSession
from workloads.run_state import RunState

#: Screen refreshes per second while a run is live: the clock and the lanes move
#: smoothly and a printed line is on screen about 0.1 s after the print. A refresh
#: redraws only the widgets whose inputs changed (benchmarks/tui_overhead.py measures
#: the rate, the latency and the UI's CPU together).
REFRESH_HZ = 10
#: A psutil reading every this many refreshes (once a second, as htop): a reading walks
#: /proc for the run's processes and threads, and redraws every gauge and every panel
#: whose CPU figure moved (about 4 ms at 120x36, a tenth of what the live view costs
#: at two a second). A figure averaged over a second is also what a room can read:
#: one that changes twice a second flickers (top shows one every three seconds).
SAMPLE_EVERY = 10
#: Entries the run's log keeps for ``w`` before it keeps only starts and ends (memory).
LOG_LIMIT = 2_000_000
#: Panes that ``m`` maximises in turn (by id; absent ones are skipped), then none.
MAXIMISABLE = ("timeline-box", "output", "results", "code", "top")
#: Panes whose height (or absence) the layout plan sets.
PLANNED = frozenset({"top", "timeline-box", "results"})
#: The CPU gauges' lines besides the cores: the headline, "now", the interpreter.
CPU_TEXT_LINES = 3
#: The CPU gauges' width in app.tcss (narrow, wide), until they have been laid out.
CPU_WIDTHS = (26, 34)
#: Actions left out of the footer: the timeline's heading names its zoom keys, and
#: 80 columns cannot hold them beside the screen's own (``?`` lists every key).
NOT_IN_FOOTER = frozenset({"zoom", "zoom_in", "zoom_out"})
#: Narrower than this, the footer is compact and leaves out the command palette's key
#: and these actions' keys too (``e`` must fit when something failed).
NARROW = 100
NOT_IN_NARROW_FOOTER = NOT_IN_FOOTER | {"screenshot"}


def mode_parts(demo: Demo, params: dict[str, Any], time_scale: float) -> list[str]:
    """The mode (if the demo has one), the options and the scale, ``name value`` each."""
    # The mode leads (it is what the run is about); options left empty are not shown.
    ordered = sorted(params.items(), key=lambda kv: kv[0] != "mode")
    unused = dask_options.unused(params)  # --threads-per-worker means nothing to threads
    parts = [
        f"{name.replace('_', '-')} {text}"
        for name, value in ordered
        if name not in unused and (text := demo.param(name).format(value))
    ]
    if time_scale != 1:
        parts.append(f"time ×{time_scale:g}")
    return parts


def describe_mode(demo: Demo, params: dict[str, Any], time_scale: float) -> str:
    """One line for the header: the mode (if the demo has one), the options, the scale."""
    return SEPARATOR.join(mode_parts(demo, params, time_scale))


def results_pane(demo: Demo) -> ResultsTable | ResultsChart | None:
    """The demo's results as a chart, if it has one, else a table (None: no results)."""
    if demo.chart is not None:
        return ResultsChart(demo.chart, id="results")
    return ResultsTable(demo.results, id="results") if demo.results else None


def cpu_rows(cores: int) -> int:
    """The CPU gauges' height for ``cores``, border included, as they draw themselves."""
    per_line = 1 if cores <= ONE_PER_LINE else 2
    gauges = min(math.ceil(cores / per_line), MAX_GAUGE_LINES)
    return gauges + CPU_TEXT_LINES + 2


class RunScreen(Screen[None]):
    """Starts a run on mount and shows it live; ``replay`` shows a finished state instead.

    The run is a :class:`RunSession` followed on its own thread; this screen only ever
    reads the session's snapshots, REFRESH_HZ times a second, and redraws what moved.
    Each pane's height is planned from the terminal's size and the number of workers
    (:mod:`tui.screens.run_layout`); ``m`` gives the whole screen to one pane.
    """

    #: The timeline's keys (left/right/home/end, up/down) work without a tab first.
    AUTO_FOCUS = "#timeline"
    #: A maximised pane keeps the header (status, clock) and the keys above it.
    ALLOW_IN_MAXIMIZED_VIEW = "RunHeader, Footer"
    BINDINGS = [
        Binding("x", "cancel", "Cancel"),
        Binding("p", "pause", "Pause"),
        Binding("r", "rerun", "Rerun"),
        Binding("escape", "menu", "Menu"),
        Binding("t", "timeline", "Timeline"),
        Binding("m", "maximise", "Maximise"),
        Binding("e", "traceback", "Error"),
        Binding("w", "write", "Save run", show=False),
        Binding("plus,equals_sign", "zoom(True)", "Zoom +", show=False),
        Binding("minus", "zoom(False)", "Zoom -", show=False),
    ]

    def __init__(
        self,
        demo: Demo,
        params: dict[str, Any],
        time_scale: float = 1.0,
        services: Services | None = None,
        *,
        replay: RunState | None = None,
        sample: CpuSample | None = None,
    ) -> None:
        super().__init__()
        self.demo = demo
        self.params = demo.resolve(params)
        self.time_scale = time_scale
        self.services = services or Services()
        self.state = replay if replay is not None else RunState()
        self.sample: CpuSample | None = sample
        self.session: RunSession | None = None
        #: Everything the run reported and the gauges showed (``w`` saves it).
        self.run_log: RunLog | None = None
        self._saved = False
        self.worker_colors = WorkerColors()
        self._replay = replay is not None
        self._sampler: CpuSampler | None = None
        self._timer: Timer | None = None
        self._ticks = 0
        #: Grows each time ``self.state`` is replaced: what the widgets were drawn from.
        self._generation = 0
        self._version = -1
        #: What each part of the screen was last drawn from (absent: draw it again).
        self._drawn: dict[str, object] = {}
        self._layout: object = None
        self._failed = False
        #: How many of the run's workers have their panel and lane yet.
        #: How many workers the run will show, if the demo knows (None: a script, a
        #: pool whose count depends on timing): the panes are planned for them at once.
        self._planned = None if replay is not None else demo.expected_workers(self.params)
        self._placement = WorkerPlacement(planned=self._planned or 0)
        self._colored = 0
        #: The workers placed, and the refresh, at the last CPU reading.
        self._sampled_workers = 0
        self._sampled_tick = 0

    @property
    def clock(self) -> Callable[[], float]:
        """The clock the screen reads (faked in snapshot tests)."""
        return self.services.clock

    def mode_parts(self) -> list[str]:
        """The header's mode line, ``name value`` each."""
        return mode_parts(self.demo, self.params, self.time_scale)

    def compose(self) -> ComposeResult:
        # Kept at hand: a refresh ten times a second must not query the DOM for them.
        mode = self.mode_parts()
        self._header = RunHeader(self.demo, mode, id="run-header")
        self._grid = WorkerGrid(self.worker_colors, id="workers")
        self._cpu = CpuGauges(id="cpu")
        self._timeline = Timeline(id="timeline", colors=self.worker_colors)
        self._output = OutputPane(self.worker_colors, id="output")
        self._results = results_pane(self.demo)
        self._code = CodePane(
            self.demo.source(),
            path=self.demo.source_path(),
            colors=self.worker_colors,
            gutter=not self._replay,
            id="code",
        )
        yield self._header
        with Horizontal(id="top"):
            yield self._grid
            yield self._cpu
        with Vertical(id="timeline-box") as box:
            box.border_title = "Timeline"
            self._timeline_box = box
            yield self._timeline
        if self._results is not None:
            yield self._results
        with Horizontal(id="bottom"):
            yield self._output
            yield self._code
        self._footer = Footer()
        yield self._footer

    def on_mount(self) -> None:
        self._apply_breakpoints()
        self._apply_layout()  # before the first frame: no pane at a stylesheet default
        if self._replay:
            self.call_after_refresh(self.refresh_now)
            return
        self._sampler = self.services.sampler_factory()
        self._start()
        self._timer = self.set_interval(1 / REFRESH_HZ, self._tick)

    def _start(self) -> None:
        config = self.demo.config(self.params, self.time_scale)
        header = RecordingHeader.here(self.demo.id, self.params, self.time_scale)
        self.run_log = RunLog(header, limit=LOG_LIMIT)
        session = RunSession(
            config, python=self.services.python, clock=self.clock, log=self.run_log
        )
        self.services.sessions.add(session)
        self.session = session.start()
        if self._sampler is not None and session.pid is not None:
            self._sampler.attach(session.pid)
        session.follow_in_background(self._ended_elsewhere)

    def _ended_elsewhere(self, _final: RunState) -> None:
        # Called on the session's thread; post_message is thread-safe, and the end is
        # handled on the UI's.
        self.post_message(RunEnded())

    def on_run_ended(self, message: RunEnded) -> None:
        # A failure is said in the header (and ``e`` shows its traceback), not in a
        # toast that would sit over the output pane for seconds.
        self._end_run()

    def _end_run(self, redraw: bool = True) -> None:
        """Kill whatever is left of the run, take the final state, freeze the figures."""
        session = self.session
        if self._sampler is not None and self._sampler.host_pid is not None:
            self._take_sample()
            self._sampler.detach()
            self.sample = self._sampler.run_average() or self.sample  # all figures of one kind
        if session is not None:
            self.services.sessions.close(session)
            self._set_state(session.snapshot())
            if self._timeline_box.border_subtitle == PAUSED_NOTE:  # cancelled while paused
                self._timeline_box.border_subtitle = pause_marks(session.pauses, self.state.started)
            if self.services.outputs and self.run_log is not None and not self._saved:
                self._saved = True
                save_outputs(self, self.services.outputs, self.run_log.recording())
        if self._timer is not None:  # nothing moves any more; resizes redraw by themselves
            self._timer.stop()
            self._timer = None
        self.refresh_bindings()  # p (pause) leaves the footer
        if redraw:
            self.refresh_now()

    def _set_state(self, state: RunState) -> None:
        self.state = state
        self._generation += 1

    def _tick(self) -> None:
        self._ticks += 1
        # Workers just placed get a first reading: a CPU figure needs two, so theirs
        # comes with the next regular reading, not the one after.
        workers = self._placement.placed
        fresh = workers != self._sampled_workers and self._ticks - self._sampled_tick >= 3
        if self._ticks % SAMPLE_EVERY == 1 or SAMPLE_EVERY == 1 or fresh:
            self._take_sample(rescan=fresh)
        self._refresh()

    def _take_sample(self, rescan: bool = False) -> None:
        if self._sampler is None or self._sampler.host_pid is None:
            return
        self._sampled_workers, self._sampled_tick = self._placement.placed, self._ticks
        # Threads' own figures only where a panel shows one (a process worker's figure
        # is its process's).
        pids = {w.pid for w in self.state.workers.values() if w.kind != PROCESS and w.pid}
        with contextlib.suppress(Exception):  # psutil races with exiting processes
            self.sample = self._sampler.sample(pids, rescan=rescan)
            if self.run_log is not None:  # what the gauges show is part of a recording
                self.run_log.add(self.sample)

    # -- drawing -----------------------------------------------------------------------------
    def _changed(self, part: str, inputs: object) -> bool:
        """Whether ``part`` was drawn from other ``inputs`` (and note these as drawn)."""
        if self._drawn.get(part, self) == inputs:
            return False
        self._drawn[part] = inputs
        return True

    def _refresh(self) -> None:
        """Redraw what changed since the last refresh, in one batch."""
        session = self.session
        paused = session.paused_since if session is not None else None
        now = self.clock() if paused is None else paused  # the clock stops while paused
        if session is not None and not session.ended and not self._replay:
            version = session.version
            if version != self._version:
                self._version = version
                self._set_state(session.snapshot())
        state, gen, sample = self.state, self._generation, self.sample
        # New workers get their panel and lane together (see worker_placement); their
        # colours, in order of arrival, at once (their lines are in the output already).
        for worker_id in itertools.islice(state.workers, self._colored, None):
            self.worker_colors(worker_id)
        self._colored = len(state.workers)
        placed = self._placement.follow(len(state.workers), now_all=state.over or self._replay)
        shown = state.first_workers(placed)
        with self.app.batch_update():
            self._header.show(state, now, status=self._status(state, paused is not None))
            self._check_failures(state)
            self._apply_layout()
            timeline = self._timeline
            # The lanes move when the run's time crosses a cell, or when spans arrive.
            cell = int(state.elapsed(now) / timeline.cell_s) if timeline.cell_s > 0 else 0
            if self._changed("timeline", (gen, placed, cell, timeline.cell_s)):
                timeline.refresh_from(shown, now)
            # Spans arrive all the time (the state words look back a quarter of a
            # second); CPU readings every SAMPLE_EVERY refreshes.
            if self._changed("workers", (gen, placed, sample)):
                self._grid.refresh_from(shown, now, sample)
            if self._changed("cpu", (sample, state.python, state.gil_enabled)):
                self._cpu.show(sample, state)
            if self._changed("output", gen):
                self._output.refresh_from(state)
            if self._results is not None and self._changed("results", gen):
                self._results.refresh_from(state)
            if self._changed("code", gen):  # each worker's current line
                self._code.show_lines(state)

    def _status(self, state: RunState, paused: bool) -> str | None:
        """The header's status word, when it is not the run's own."""
        return PAUSED if paused and not state.over else None

    def refresh_now(self) -> None:
        """Redraw everything now (after a resize, or a replayed state)."""
        self._drawn.clear()
        self._layout = None
        self._refresh()

    def _check_failures(self, state: RunState) -> None:
        failed = bool(state.error or state.traceback or state.failed_workers)
        if failed != self._failed:
            self._failed = failed
            self.refresh_bindings()  # ``e`` appears in the footer

    # -- layout ------------------------------------------------------------------------------
    def on_resize(self, event: Resize) -> None:
        narrow = event.size.width < NARROW
        self._footer.compact = narrow
        self._footer.show_command_palette = not narrow
        self._layout = None
        if self.is_mounted:
            self._apply_layout()

    def _apply_breakpoints(self) -> None:
        """The app's breakpoint classes (``-narrow``, ``-short``, ...) for its size, now.

        Textual sets them at a screen's first resize, which comes after its first
        layout: at 80x24 that layout had the wide CPU box, so too narrow a grid (the
        list was mounted), then the right one. Set before it, the first is the last.
        """
        app, (width, height) = self.app, self.app.size
        classes: dict[str, bool] = {}
        for size, breakpoints in (
            (width, app.HORIZONTAL_BREAKPOINTS or []),
            (height, app.VERTICAL_BREAKPOINTS or []),
        ):
            reached = [(at, name) for at, name in breakpoints if size >= at]
            for at, name in breakpoints:
                classes[name] = (at, name) == max(reached, default=None)
        self.update_classes(classes)

    def _apply_layout(self) -> None:
        """Give each pane its rows (:func:`run_layout.plan`), or the screen to one pane."""
        width, height = self.size
        if not height:
            return
        header, cpu = self._header, self._cpu
        cores = self.sample.cores if self.sample is not None else psutil.cpu_count() or 1
        room = Room(
            rows=max(0, height - header.rows_for(width) - 1),  # the footer's line
            screen_rows=height,
            workers=self._layout_workers(),
            grid_width=width - (cpu.outer_size.width or CPU_WIDTHS[width >= NARROW]),
            cpu_rows=cpu_rows(cores),
            results=bool(self.demo.results),
        )
        maximised = self.maximized
        key = (room, maximised)
        if key == self._layout:
            return
        self._layout = key
        layout = plan(room)
        grid = self._grid
        grid.width_hint = room.grid_width
        grid.planned = self._timeline.planned = room.workers
        self._size_pane("#top", layout.top)
        grid.room = layout.top
        self._size_pane("#timeline-box", layout.timeline)
        if self._results is not None:
            self._size_pane("#results", layout.results)
        if maximised is not None and maximised.id in PLANNED:
            # The maximised pane takes every row between the header and the footer (the
            # output and the code have their size from app.tcss, -maximized).
            maximised.display = True
            maximised.styles.height = "1fr"
            if maximised.id == "top":
                grid.room = room.rows

    def _layout_workers(self) -> int:
        """The workers the panes are planned for: those the run will show, while it runs
        (no pane moves when they arrive), and those it showed once it is over."""
        placed = self._placement.placed
        if self._planned is None or self.state.over:
            return placed
        return max(placed, self._planned)

    def _size_pane(self, selector: str, rows: int) -> None:
        pane = self.query_one(selector)
        pane.display = rows > 0
        if rows > 0:
            pane.styles.height = rows

    def watch_maximized(self, maximized: Widget | None) -> None:
        self._layout = None
        if self.is_mounted:
            self._apply_layout()
        focused = self.focused
        if maximized is None and (focused is None or not focused.display):
            self._timeline.focus()

    def _maximise(self, pane_id: str | None) -> None:
        """Give the screen to the pane ``pane_id`` (None: back to every pane)."""
        if pane_id is None:
            self.minimize()
            return
        pane = self.query_one(f"#{pane_id}")
        # Set directly: the containers (the timeline's box, the workers' row) cannot
        # take the focus, which maximize() requires.
        self.maximized = pane
        target = pane if pane.can_focus else next((w for w in pane.query("*") if w.can_focus), None)
        if target is not None:
            target.focus()

    # -- keys --------------------------------------------------------------------------
    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys the footer shows (all of them still work)."""
        hidden = NOT_IN_NARROW_FOOTER if self.size.width < NARROW else NOT_IN_FOOTER
        return {
            key: active
            for key, active in super().active_bindings.items()
            if active.binding.action.split("(")[0] not in hidden
        }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "traceback":  # shown in the footer only when something failed
            return self._failed
        if action == "write":
            return self.run_log is not None
        if action in ("pause", "cancel"):  # only a live run can be paused or cancelled
            return self.session is not None and not self.state.over
        return True

    def action_zoom(self, zoom_in: bool) -> None:
        """+ / -: zoom the timeline, from the whole run down to 1 ms cells."""
        timeline = self._timeline
        if zoom_in:
            timeline.zoom_in()
        else:
            timeline.zoom_out()

    def action_cancel(self) -> None:
        """x: stop the run now; its processes are killed (the header says CANCELLED)."""
        if self.session is not None and not self.session.ended and not self.state.over:
            self.stop_run()

    def action_pause(self) -> None:
        """p: freeze every process of the run where it is (SIGSTOP), or let it go on."""
        session = self.session
        if session is None or session.ended or self.state.over:
            return
        if session.paused:
            session.resume()
            self._timeline_box.border_subtitle = pause_marks(session.pauses, self.state.started)
        else:
            session.pause()
            if session.paused:
                self._timeline_box.border_subtitle = PAUSED_NOTE
        self._refresh()

    def action_write(self) -> None:
        """w: save the run so far as a recording (for `interleave replay`); says where."""
        if self.run_log is not None:
            save_recording(self, self.run_log.recording())

    def action_rerun(self) -> None:
        """r: the same demo again, from scratch."""
        self.stop_run(redraw=False)
        self.app.switch_screen(RunScreen(self.demo, self.params, self.time_scale, self.services))

    def action_menu(self) -> None:
        """escape: back to the menu (the run is stopped); with a pane maximised, restore it."""
        self.stop_run(redraw=False)
        self.app.pop_screen()

    def action_timeline(self) -> None:
        """t: the timeline on the whole screen (every lane; + - zoom), or back again."""
        shown = self.maximized is not None and self.maximized.id == "timeline-box"
        self._maximise(None if shown else "timeline-box")

    def action_maximise(self) -> None:
        """m: one pane on the whole screen, the next one at each press (timeline, output,
        results, code, workers), then every pane again; escape restores them too."""
        panes = [p for p in MAXIMISABLE if self.query(f"#{p}")]
        current = self.maximized.id if self.maximized is not None else None
        if current in panes:
            index = panes.index(current) + 1
            self._maximise(panes[index] if index < len(panes) else None)
        else:
            self._maximise(panes[0])

    def action_traceback(self) -> None:
        """e: why the run failed: every failure's exception line and traceback."""
        found = failures_of(self.state)
        if found:
            self.app.push_screen(TracebackScreen(found))

    def on_worker_chosen(self, message: WorkerChosen) -> None:
        # A click on a failed worker's panel or row: its traceback.
        found = failures_of(self.state, message.worker_id)
        if found:
            self.app.push_screen(TracebackScreen(found))

    # -- the run's end -----------------------------------------------------------------
    def stop_run(self, redraw: bool = True) -> None:
        """Cancel the run if it is live (keys x, escape, r; unmount; app exit)."""
        session = self.session
        if session is None:
            return
        session.cancel()
        self._end_run(redraw)

    def on_unmount(self) -> None:
        self.stop_run(redraw=False)
