"""A run inside a slide: the command's status line, compact workers, timeline, output.

It is a thin consumer of a :class:`RunSession`, as the run screen is: the session runs
the demo (or the lecturer's script) in its own host process; this widget reads
snapshots REFRESH_HZ times a second and redraws what moved. The slide owns the run:
leaving the slide stops it (``stop``). A ``replay`` block is the same panes fed by a
:class:`ReplaySession` at 1x instead: no process at all.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from tui.lecture.deck_commands import CommandProblem, DeckCommand
from tui.messages import RunEnded
from tui.screens.run_screen import REFRESH_HZ, SAMPLE_EVERY
from tui.services import Services
from tui.widgets.output_pane import OutputPane
from tui.widgets.timeline import Timeline
from tui.widgets.worker_colors import WorkerColors
from tui.widgets.worker_grid import LIST_FRAME, MIN_PANEL_WIDTH, WorkerGrid
from workloads.cpu_sampler import CpuSample, CpuSampler
from workloads.replay_session import ReplaySession
from workloads.run_session import RunSession
from workloads.run_state import RunState
from workloads.script import ScriptError, load_script

#: The timeline's rows besides its lanes: the heading and the legend.
TIMELINE_TEXT_ROWS = 2
#: The output's rows at the least: its top rule and a line.
MIN_OUTPUT_ROWS = 2
#: A row of worker panels (or the list of them); shown only when every lane and two
#: output lines fit too.
PANEL_ROWS = 4


class SlideTimeline(Timeline):
    """The timeline of a slide: its keys move the slides, so the heading names none."""

    KEYS_HINT = ""


class LiveRun(Vertical):
    """The live area of a slide, for one checked block command (or its problem)."""

    def __init__(
        self,
        command: DeckCommand | CommandProblem,
        services: Services,
        *,
        open_screen: Callable[[Screen[None]], None] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.command = command
        self.services = services
        self.open_screen = open_screen
        self.session: RunSession | None = None
        #: A ``replay`` block's replay (None until enter, or for a live run).
        self.replay: ReplaySession | None = None
        #: Why the last start failed (a script that changed since the deck was checked).
        self._refused = ""
        self.state = RunState()
        self.sample: CpuSample | None = None
        self.worker_colors = WorkerColors()
        self._sampler: CpuSampler | None = None
        #: Workers the live run will show, if its demo says (the parts are sized for them).
        self._planned = 0
        self._timer: Timer | None = None
        self._ticks = 0
        self._version = -1
        #: A full-screen view following this run (``z``), told when the run ends.
        self.follower: Screen[None] | None = None
        #: Whether the panes (workers, timeline, output) are mounted.
        self._parts = False
        self._grid: WorkerGrid
        self._timeline: Timeline
        self._output: OutputPane

    # -- parts ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # The panes come with the first run (``_reset_parts``): a slide passed through
        # without running costs one line, and a key press stays instant.
        self._status = Static(self._idle_text(), classes="live-status", markup=False)
        yield self._status

    def on_mount(self) -> None:
        if isinstance(self.command, CommandProblem):
            self._status.add_class("-problem")

    def _idle_text(self) -> str:
        command = self.command
        if isinstance(command, CommandProblem):
            return f"✗ cannot run: {command.message}"
        if command.verb == "compare":
            return "enter: compare every mode (opens the compare screen)"
        if command.verb == "replay":
            return f"enter: replay {command.demo_id} here at 1× · z: full screen"
        return "enter: run it here · z: full screen"

    @property
    def runnable(self) -> bool:
        """Whether the block's command could be checked (else its problem is shown)."""
        return isinstance(self.command, DeckCommand)

    @property
    def live(self) -> bool:
        """Whether a run (or a replay) is going on now."""
        replay = self.replay
        if replay is not None:
            return not replay.ended and not replay.paused
        return self.session is not None and not self.session.ended

    # -- the run -------------------------------------------------------------------------
    def start(self) -> None:
        """Enter: start the run here (a compare opens its screen); a live run goes on."""
        command = self.command
        if not isinstance(command, DeckCommand) or self.live:
            return
        if command.verb == "compare":
            self._open_compare(command)
            return
        if command.verb == "replay":
            self._start_replay(command)
            return
        self.stop()
        self._refused = ""
        demo = command.demo()
        if command.script is not None:
            try:  # the file may have changed since the deck was checked
                load_script(command.script.path, command.script.argv)
            except ScriptError as exc:
                self._refused = str(exc)
                self._refresh()
                return
        config = demo.config(command.params, command.time_scale)
        # The parts are sized for every worker the demo will show, from the start: an
        # arrival takes its place, and nothing on the slide moves (as on the run screen).
        self._planned = demo.expected_workers(command.params) or 0
        session = RunSession(config, python=command.python, clock=self.services.clock)
        self.services.sessions.add(session)
        self.session = session.start()
        self.state = RunState()
        self._reset_parts()
        self._sampler = self.services.sampler_factory()
        if session.pid is not None:
            self._sampler.attach(session.pid)
        session.follow_in_background(self._ended_elsewhere)
        self._timer = self.set_interval(1 / REFRESH_HZ, self._tick)
        self._refresh()

    def _start_replay(self, command: DeckCommand) -> None:
        """Enter on a replay: go on if it was stopped half-way, else play it from the start."""
        replay = self.replay
        if replay is not None and not replay.ended:
            replay.resume()
        elif command.recording is not None:
            self.replay = ReplaySession(command.recording, clock=self.services.clock)
            self.state = RunState()
            self._version = -1
            self._reset_parts()
        if self._timer is None:
            self._timer = self.set_interval(1 / REFRESH_HZ, self._tick)
        self._tick()

    def rerun(self) -> None:
        """r: stop the run if live, then start it again from scratch."""
        self.stop()
        self.replay = None
        self.start()

    def cancel(self) -> None:
        """x: stop the run now (the status says it was cancelled); a replay pauses."""
        if self.replay is not None:
            self.stop()
        elif self.live and self.session is not None:
            self.session.cancel()
            self._end()

    def stop(self) -> None:
        """Stop the run and kill its processes (leaving the slide; quitting)."""
        if self.replay is not None:
            self.replay.pause()
            self._stop_timer()
            if self.is_mounted:
                self._refresh()
        if self.session is not None:
            self.session.cancel()
            self._end()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def show_state(self, state: RunState, sample: CpuSample | None = None) -> None:
        """Show a given state, no run (tests and snapshots)."""
        self.state, self.sample = state, sample
        self._reset_parts()
        self._refresh()

    def _open_compare(self, command: DeckCommand) -> None:
        from tui.screens.compare_screen import CompareScreen

        if self.open_screen is not None:
            screen = CompareScreen(
                command.demo_id, command.params, command.time_scale, services=self.services
            )
            self.open_screen(screen)

    def _reset_parts(self) -> None:
        """New panes for a new run (its colours, lanes and lines start afresh)."""
        self.worker_colors = WorkerColors()
        if self._parts:
            for widget in (self._grid, self._timeline, self._output):
                widget.remove()
        self._parts = True
        self._grid = WorkerGrid(self.worker_colors, classes="live-workers")
        self._timeline = SlideTimeline(classes="live-timeline", colors=self.worker_colors)
        self._output = OutputPane(self.worker_colors, classes="live-output")
        self.mount_all([self._grid, self._timeline, self._output])
        for widget in (self._grid, self._timeline, self._output):
            widget.can_focus = False
        self._size_parts()

    def _ended_elsewhere(self, _final: RunState) -> None:
        # On the session's thread: post_message is thread-safe.
        self.post_message(RunEnded())
        follower = self.follower
        if follower is not None:
            follower.post_message(RunEnded())

    def on_run_ended(self, message: RunEnded) -> None:
        message.stop()
        self._end()

    def _end(self) -> None:
        session = self.session
        follower = self.follower
        if follower is not None and session is not None and not session.closed:
            # Stopped from the slide (the presenter moved on): the full view freezes too.
            follower.post_message(RunEnded())
        if self._sampler is not None and self._sampler.host_pid is not None:
            self._take_sample()
            self._sampler.detach()
        if session is not None:
            self.services.sessions.close(session)
            self.state = session.snapshot()
        self._stop_timer()
        if self.is_mounted:
            self._refresh()

    def _tick(self) -> None:
        replay = self.replay
        if replay is not None:
            self._tick_replay(replay)
            return
        self._ticks += 1
        if self._ticks % SAMPLE_EVERY == 1:
            self._take_sample()
        session = self.session
        if session is not None and not session.ended and session.version != self._version:
            self._version = session.version
            self.state = session.snapshot()
        self._refresh()

    def _tick_replay(self, replay: ReplaySession) -> None:
        replay.advance()
        if replay.version != self._version:
            self._version = replay.version
            self.state = replay.snapshot()
        self.sample = replay.sample
        if replay.ended:
            self._stop_timer()
        self._refresh()

    def _take_sample(self) -> None:
        if self._sampler is None or self._sampler.host_pid is None:
            return
        with contextlib.suppress(Exception):  # psutil races with exiting processes
            self.sample = self._sampler.sample()

    # -- drawing -------------------------------------------------------------------------
    def _refresh(self) -> None:
        state = self.state
        now = self.replay.now() if self.replay is not None else self.services.clock()
        with self.app.batch_update():
            self._status.update(self._status_text(state, now))
            if not self._parts:
                return
            self._size_parts()
            self._grid.refresh_from(state, now, self.sample)
            self._timeline.refresh_from(state, now)
            self._output.refresh_from(state)

    def _status_text(self, state: RunState, now: float) -> str:
        command = self.command
        if not isinstance(command, DeckCommand):
            return self._idle_text()
        if self._refused:
            return f"✗ cannot run: {self._refused}"
        if self.replay is not None:
            return self._replay_text(self.replay, state, command.demo_id)
        if not state.workers and not self.live:
            return self._idle_text()
        status = str(state.status).upper()
        elapsed = state.elapsed(now)
        keys = "x stop · z full screen" if self.live else "r rerun · z full screen"
        line = f"{status} {elapsed:5.1f} s · {command.demo_id} · {keys}"
        if state.error:
            line = f"{status} · {state.error} · {keys}"
        return line

    def _replay_text(self, replay: ReplaySession, state: RunState, name: str) -> str:
        at = max(0.0, replay.now() - replay.start_t)
        if replay.ended:
            keys = "r replay again · z full screen"
        elif replay.paused:
            keys = "enter go on · r from the start · z full screen"
        else:
            keys = "x pause · z full screen"
        icon = "▶" if self.live else "■" if replay.ended else "‖"
        return f"REPLAY {icon} {at:5.1f}/{replay.duration:.1f} s · {state.status} · {name} · {keys}"

    def on_resize(self, event: Resize) -> None:
        if self._parts:
            self._size_parts()

    def _size_parts(self) -> None:
        """Share the rows under the status line: every lane first, then output, then panels."""
        rows = self.size.height - 1
        if rows <= 0:
            return
        workers = len(self.state.workers)
        if self.session is not None and not self.state.over:
            workers = max(workers, self._planned)
        self._grid.planned = self._timeline.planned = workers
        timeline = max(2, min(workers + TIMELINE_TEXT_ROWS, rows - MIN_OUTPUT_ROWS))
        left = rows - timeline
        # Panels in one row, else a list with a line per worker (pids, states, cpu), or
        # nothing: a list cut short would hide most workers.
        one_row = 0 < workers <= max(1, self.size.width // MIN_PANEL_WIDTH)
        wanted = PANEL_ROWS if one_row else workers + LIST_FRAME
        grid = wanted if workers and left - wanted >= MIN_OUTPUT_ROWS + 1 else 0
        self._grid.room = grid
        self._grid.styles.height = grid
        self._grid.display = grid > 0
        self._timeline.styles.height = timeline
        self._output.styles.height = max(1, left - grid)
