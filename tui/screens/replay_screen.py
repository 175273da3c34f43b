"""The run screen driven by a recording: the same panes, fed by a :class:`ReplaySession`.

Everything the live screen shows comes from the file: the events, the CPU samples (so
the gauges have the recording machine's cores), the clock (the recording's time). The
header says REPLAY; the line under the timeline is the scrubber: play or pause, the
speed, where in the run the replay is, and the run's own status.
"""

from __future__ import annotations

import dataclasses

from textual.binding import Binding

from tui.screens.run_screen import REFRESH_HZ, RunScreen, mode_parts
from tui.services import Services
from tui.widgets.run_header import REPLAY
from workloads import catalog
from workloads.recording import Recording
from workloads.replay_session import ReplaySession
from workloads.run_state import RunState

#: Cells of the scrubber's bar.
BAR = 16
#: Live-run actions that mean nothing in a replay.
LIVE_ONLY = frozenset({"cancel", "pause", "rerun", "write"})


def scrubber(replay: ReplaySession, state: RunState, width: int = BAR) -> str:
    """Where the replay is: play or pause, speed, a bar, seconds, entries, status."""
    duration = replay.duration
    at = max(0.0, replay.now() - replay.start_t)
    filled = round(width * at / duration) if duration > 0 else width
    filled = min(max(filled, 0), width)
    bar = "━" * filled + "●" + "─" * (width - filled)
    icon = "‖" if replay.paused else "▶"
    return (
        f"{icon} {replay.speed:g}× {bar} {at:.2f}/{duration:.2f} s"
        f" · {replay.index}/{len(replay.entries)} · {state.status}"
    )


class ReplayScreen(RunScreen):
    """A recorded run, replayed: ``space`` pause, ``[`` ``]`` speed, ``←`` ``→`` step."""

    BINDINGS = [
        Binding("space", "play", "Play/pause", priority=True),
        Binding("left_square_bracket", "slower", "Slower"),
        Binding("right_square_bracket", "faster", "Faster"),
        Binding("left", "step(-1)", "Step back", show=False, priority=True),
        Binding("right", "step(1)", "Step", show=False, priority=True),
        Binding("home", "home", "Start", show=False, priority=True),
        Binding("end", "end", "End", show=False, priority=True),
    ]

    def __init__(self, replay: ReplaySession, services: Services | None = None) -> None:
        header = replay.recording.header
        services = dataclasses.replace(services or Services(), clock=replay.now)
        demo = catalog.get(header.demo)
        super().__init__(demo, header.params, header.time_scale, services)
        self.replay = replay
        self._replayed = 0
        self._replay = True  # RunScreen: no session, no sampler

    @classmethod
    def of(cls, recording: Recording, services: Services | None = None) -> ReplayScreen:
        """A screen replaying ``recording`` from its start, on the real clock."""
        return cls(ReplaySession(recording), services)

    def mode_parts(self) -> list[str]:
        header = self.replay.recording.header
        where = [f"recorded on {header.machine}"] if header.machine else []
        if header.cores:
            where.append(f"{header.cores} cores")
        return [*mode_parts(self.demo, self.params, self.time_scale), *where]

    def on_mount(self) -> None:
        # Then RunScreen.on_mount, which for a replay starts no run (``_replay``).
        self._tick()
        dropped = self.replay.recording.header.dropped
        if dropped:
            self.notify(f"{dropped:,} spans, lines or readings were left out of this recording")
        self._timer = self.set_interval(1 / REFRESH_HZ, self._tick)

    def _tick(self) -> None:
        replay = self.replay
        replay.advance()
        if replay.version != self._version:
            self._version = replay.version
            if replay.index < self._replayed:
                self._rewind()
            self._replayed = replay.index
            self._set_state(replay.snapshot())
        self.sample = replay.sample
        self._refresh()
        self._timeline_box.border_subtitle = scrubber(replay, self.state)

    def _rewind(self) -> None:
        """The replay went back: the panes that only ever append start over."""
        # A state from no run makes the timeline drop its lanes (it tells runs apart).
        self._timeline.refresh_from(RunState(), self.replay.now())
        self._output.reset()
        self._drawn.clear()

    def _status(self, state: RunState, paused: bool) -> str | None:
        return REPLAY

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in LIVE_ONLY:
            return False
        return super().check_action(action, parameters)

    def _moved(self) -> None:
        self._tick()

    def action_play(self) -> None:
        """space: pause the replay, or go on."""
        self.replay.toggle()
        self._moved()

    def action_slower(self) -> None:
        """[: replay slower (down to 0.01x: a 5 ms GIL slice lasts half a second)."""
        self.replay.slower()
        self._moved()

    def action_faster(self) -> None:
        """]: replay faster (up to 10x)."""
        self.replay.faster()
        self._moved()

    def action_step(self, count: int) -> None:
        """left / right: pause, then one recorded event back or on."""
        self.replay.step(count)
        self._moved()

    def action_home(self) -> None:
        """home: back to the start of the run."""
        self.replay.home()
        self._moved()

    def action_end(self) -> None:
        """end: jump to the end of the run."""
        self.replay.end()
        self._moved()
