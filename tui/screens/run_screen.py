"""The run screen: one live run of one demo, from spawn to the end, then frozen."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer

from tui.messages import RunEnded
from tui.services import Services
from tui.widgets.code_pane import CodePane
from tui.widgets.cpu_gauges import CpuGauges
from tui.widgets.output_pane import OutputPane
from tui.widgets.results_table import ResultsTable
from tui.widgets.run_header import RunHeader
from tui.widgets.timeline import Timeline
from tui.widgets.worker_colors import WorkerColors
from tui.widgets.worker_grid import WorkerGrid
from workloads.cpu_sampler import CpuSample, CpuSampler
from workloads.demo import Demo
from workloads.events import RunStatus
from workloads.run_session import RunSession
from workloads.run_state import RunState

#: psutil readings and screen refreshes per second while a run is live. One timer for
#: both, so each tick costs one compositor update; at 4 Hz the whole UI stays under 5%
#: of a core (benchmarks/tui_overhead.py) and the eye still sees a live screen.
TICK_HZ = 4


def describe_mode(demo: Demo, params: dict[str, Any], time_scale: float) -> str:
    """One line for the header: the mode (if the demo has one), the options, the scale."""
    # The mode leads (it is what the run is about); options left empty are not shown.
    ordered = sorted(params.items(), key=lambda kv: kv[0] != "mode")
    parts = [
        f"{name.replace('_', '-')} {text}"
        for name, value in ordered
        if (text := demo.param(name).format(value))
    ]
    if time_scale != 1:
        parts.append(f"time ×{time_scale:g}")
    return " · ".join(parts)


class RunScreen(Screen[None]):
    """Starts a run on mount and shows it live; ``replay`` shows a finished state instead.

    The run is a :class:`RunSession` followed on its own thread; this screen only ever
    reads the session's snapshots, TICK_HZ times a second, and redraws when it moved.
    """

    BINDINGS = [
        Binding("x", "cancel", "Cancel"),
        Binding("r", "rerun", "Rerun"),
        Binding("escape", "menu", "Menu"),
        Binding("t", "emphasis", "Swap"),
        Binding("s", "screenshot", "Screenshot"),
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
        self.worker_colors = WorkerColors()
        self._replay = replay is not None
        self._shown: tuple[int, CpuSample | None] | None = None
        self._sampler: CpuSampler | None = None

    @property
    def clock(self) -> Callable[[], float]:
        """The clock the screen reads (faked in snapshot tests)."""
        return self.services.clock

    def compose(self) -> ComposeResult:
        self.set_class(bool(self.demo.results), "-has-results")
        yield RunHeader(
            self.demo, describe_mode(self.demo, self.params, self.time_scale), id="run-header"
        )
        with Horizontal(id="top"):
            yield WorkerGrid(self.worker_colors, id="workers")
            yield CpuGauges(id="cpu")
        with Vertical(id="timeline-box") as box:
            box.border_title = "Timeline"
            yield Timeline(id="timeline", colors=self.worker_colors)
        if self.demo.results:
            yield ResultsTable(self.demo.results, id="results")
        with Horizontal(id="bottom"):
            yield OutputPane(self.worker_colors, id="output")
            yield CodePane(self.demo.source(), id="code")
        yield Footer()

    def on_mount(self) -> None:
        if self._replay:
            self.call_after_refresh(self.refresh_now)
            return
        self._sampler = self.services.sampler_factory()
        self._start()
        self.set_interval(1 / TICK_HZ, self._tick)

    def _start(self) -> None:
        config = self.demo.config(self.params, self.time_scale)
        session = RunSession(config, python=self.services.python, clock=self.clock)
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
        self._end_run()
        if self.state.status == RunStatus.FAILED and self.state.error:
            self.notify(self.state.error, title="Run failed", severity="error", timeout=8)

    def _end_run(self, redraw: bool = True) -> None:
        """Kill whatever is left of the run, take the final state, freeze the figures."""
        session = self.session
        if self._sampler is not None and self._sampler.host_pid is not None:
            self._take_sample()
            self._sampler.detach()
        if session is not None:
            self.services.sessions.close(session)
            self.state = session.snapshot()
        if redraw:
            self.refresh_now()

    def _tick(self) -> None:
        self._take_sample()
        self._refresh()

    def _take_sample(self) -> None:
        if self._sampler is None or self._sampler.host_pid is None:
            return
        with contextlib.suppress(Exception):  # psutil races with exiting processes
            self.sample = self._sampler.sample()

    def _refresh(self) -> None:
        """Redraw what changed, in one batch (TICK_HZ times a second)."""
        now = self.clock()
        session = self.session
        live = session is not None and not session.ended and not self._replay
        version = session.version if live and session is not None else -1
        shown = (version, self.sample)
        changed = shown != self._shown
        if not changed and self.state.over and self._shown is not None:
            return
        self._shown = shown
        if changed and live and session is not None:
            self.state = session.snapshot()
        state = self.state
        with self.app.batch_update():
            self.query_one(RunHeader).show(state, now)
            self.query_one(Timeline).refresh_from(state, now)
            if changed:
                self.query_one(WorkerGrid).refresh_from(state, now, self.sample)
                self.query_one(CpuGauges).show(self.sample, state)
                self.query_one(OutputPane).refresh_from(state)
                if self.demo.results:
                    self.query_one(ResultsTable).refresh_from(state)

    def refresh_now(self) -> None:
        """Redraw everything now (after a resize, or a replayed state)."""
        self._shown = None
        self._refresh()

    def stop_run(self, redraw: bool = True) -> None:
        """Cancel the run if it is live (keys x, escape, r; unmount; app exit)."""
        session = self.session
        if session is None:
            return
        session.cancel()
        self._end_run(redraw)

    def on_unmount(self) -> None:
        self.stop_run(redraw=False)

    # -- keys --------------------------------------------------------------------------
    def action_zoom(self, zoom_in: bool) -> None:
        """+ / -: zoom the timeline, from the whole run down to 1 ms cells."""
        timeline = self.query_one(Timeline)
        if zoom_in:
            timeline.zoom_in()
        else:
            timeline.zoom_out()

    def action_cancel(self) -> None:
        """x: stop the run now; its processes are killed."""
        if self.session is not None and not self.session.ended and not self.state.over:
            self.stop_run()
            self.notify("Run cancelled; its processes were stopped.", severity="warning")

    def action_rerun(self) -> None:
        """r: the same demo again, from scratch."""
        self.stop_run(redraw=False)
        self.app.switch_screen(RunScreen(self.demo, self.params, self.time_scale, self.services))

    def action_menu(self) -> None:
        """escape: back to the menu (the run is stopped)."""
        self.stop_run(redraw=False)
        self.app.pop_screen()

    def action_emphasis(self) -> None:
        """t: give the room to the output or to the timeline."""
        self.toggle_class("-timeline-first")

    def action_screenshot(self) -> None:
        """s: save an SVG of the screen in the current directory."""
        path = self.app.save_screenshot()
        self.notify(f"Saved {path}", title="Screenshot")
