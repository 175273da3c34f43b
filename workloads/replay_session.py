"""``ReplaySession``: a run session fed from a recording instead of a host.

It has the reading surface of :class:`workloads.run_session.RunSession` that the run
screen uses (:meth:`snapshot`, :attr:`version`, :attr:`ended`, :attr:`paused`) plus
what a replay needs: a position in the recorded run that moves with a clock at a
chosen speed, pause, steps event by event, home and end.

Time here is the recording's: :meth:`now` is the ``time.monotonic()`` reading of the
recording machine that the replay has reached, so the fold's times, the lanes and
the clock line up exactly as they did live. The wall clock (``clock``, faked in
tests) only says how far to move.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable

from workloads.cpu_sampler import CpuSample
from workloads.events import RunStarted
from workloads.recording import Entry, Paused, Recording, apply_entry, entry_time
from workloads.run_state import RunState

#: The speeds ``[`` and ``]`` step through.
SPEEDS: tuple[float, ...] = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
MIN_SPEED, MAX_SPEED = SPEEDS[0], SPEEDS[-1]


class ReplaySession:
    """Replays ``recording`` from its start; :meth:`advance` moves it on the clock."""

    def __init__(
        self, recording: Recording, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.recording = recording
        self.clock = clock
        self.entries: list[Entry] = recording.entries
        # When each entry is applied: its own time, but never before the one before it
        # (entries are in the order the live session folded them).
        self.times: list[float] = []
        latest = float("-inf")
        for entry in self.entries:
            latest = max(latest, entry_time(entry))
            self.times.append(latest)
        # The run's start (readings taken while the host started up come before it).
        started = next((e.t for e in self.entries if isinstance(e, RunStarted)), None)
        self.start_t = started if started is not None else self.times[0] if self.times else 0.0
        self.end_t = self.times[-1] if self.times else 0.0
        self.speed = 1.0
        self._paused = False
        self._state = RunState()
        self._index = 0
        self._version = 0
        self._sample: CpuSample | None = None
        self._pos = self.start_t
        self._anchor_wall = clock()
        self._anchor_pos = self._pos
        self.pauses: list[tuple[float, float]] = [
            (e.start, e.end) for e in self.entries if isinstance(e, Paused)
        ]
        self.advance()  # the first entries (the run's start) at once

    # -- the surface the run screen reads -----------------------------------------------
    @property
    def version(self) -> int:
        """Grows each time the replayed state changes."""
        return self._version

    @property
    def ended(self) -> bool:
        """Whether every entry has been replayed."""
        return self._index >= len(self.entries)

    @property
    def paused(self) -> bool:
        """Whether the replay stands still (``space``)."""
        return self._paused

    @property
    def index(self) -> int:
        """How many entries have been replayed."""
        return self._index

    @property
    def sample(self) -> CpuSample | None:
        """The last CPU sample replayed (what the gauges showed then)."""
        return self._sample

    @property
    def duration(self) -> float:
        """Recorded seconds from the run's start to the last entry."""
        return self.end_t - self.start_t

    def now(self) -> float:
        """The recorded time the replay has reached (the run screen's clock)."""
        return self._pos

    def snapshot(self) -> RunState:
        """A copy of the replayed state."""
        return self._state.snapshot()

    # -- moving -------------------------------------------------------------------------
    def advance(self) -> None:
        """Move the position on by the wall time since the last move, times the speed."""
        if self._paused:  # a step may stand between entries of the same time
            return
        wall = self.clock()
        target = self._anchor_pos + (wall - self._anchor_wall) * self.speed
        self._pos = min(max(target, self._pos), self.end_t)
        self._apply_until(self._pos)

    def pause(self) -> None:
        """Stand still where the replay is."""
        if not self._paused:
            self.advance()
            self._paused = True

    def resume(self) -> None:
        """Go on from where the replay stands."""
        if self._paused:
            self._paused = False
            self._reanchor()

    def toggle(self) -> None:
        """``space``: pause, or go on."""
        if self._paused:
            self.resume()
        else:
            self.pause()

    def set_speed(self, speed: float) -> None:
        """Replay at ``speed`` times the recorded pace (0.01 to 10)."""
        self.advance()
        self.speed = min(MAX_SPEED, max(MIN_SPEED, speed))
        self._reanchor()

    def faster(self) -> None:
        """``]``: the next speed up."""
        self.set_speed(next((s for s in SPEEDS if s > self.speed + 1e-12), MAX_SPEED))

    def slower(self) -> None:
        """``[``: the next speed down."""
        self.set_speed(next((s for s in reversed(SPEEDS) if s < self.speed - 1e-12), MIN_SPEED))

    def step(self, count: int = 1) -> None:
        """Pause, then move ``count`` entries on (or back, if negative)."""
        self.pause()
        self.seek_index(self._index + count)

    def home(self) -> None:
        """Back to the start."""
        self.seek_index(0)
        self._apply_until(self.start_t)  # the run has started, as when the replay opened

    def end(self) -> None:
        """Jump to the end: every entry replayed."""
        self.seek_index(len(self.entries))

    def seek_index(self, index: int) -> None:
        """Show the run as it was after its first ``index`` entries."""
        index = min(max(index, 0), len(self.entries))
        if index < self._index:  # the fold only goes forward: fold again from the start
            self._state, self._index, self._sample = RunState(), 0, None
        self._pos = self.times[index - 1] if index > 0 else self.start_t
        self._apply(index)
        self._reanchor()

    # -- internals -----------------------------------------------------------------------
    def _reanchor(self) -> None:
        self._anchor_wall, self._anchor_pos = self.clock(), self._pos

    def _apply_until(self, t: float) -> None:
        self._apply(bisect.bisect_right(self.times, t))

    def _apply(self, index: int) -> None:
        if index <= self._index:
            return
        state = self._state
        for entry in self.entries[self._index : index]:
            if isinstance(entry, CpuSample):
                self._sample = entry
            else:
                apply_entry(state, entry)
        # Counted once per batch: RunState.apply counts each event it folds.
        self._index = index
        self._version += 1
