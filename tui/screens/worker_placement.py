"""When new workers get their place on the run screen: a panel, a lane, the panes' rows.

Placing a worker lays the whole screen out again: its panel is mounted, the grid and
the timeline take more rows, every pane below them moves, and Textual settles the new
sizes in a second pass (10-25 ms each at 120x36, with a repaint of what moved). A
pool's workers start tens of milliseconds apart, so one placement per worker made the
first quarter second of ``process-pool`` cost as much as the next two seconds.

New workers are therefore placed together: once none has arrived for
:data:`SETTLE_S`, or at the latest :data:`PLACE_WITHIN_S` after the first of them, and
at once when the run is over. The first worker of a run (its main thread, as a rule)
is placed at once: the screen never looks empty once the run has started. Nothing is
lost meanwhile: the output pane shows their
lines as they print, and a lane shows a worker's whole life from its start, whenever
it is placed.

When the demo says how many workers its run will show (``Demo.workers``), the screen
plans its rows for all of them before the run starts; a worker within that plan costs
a repaint of its own rows only, so it is placed at once. Pure (a clock is passed in),
so it is unit-tested without a screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: Seconds without a new worker after which the new ones are placed.
SETTLE_S = 0.15
#: Seconds after the first unplaced worker was seen by which it is placed, however
#: many keep arriving.
PLACE_WITHIN_S = 0.4


class WorkerPlacement:
    """Counts the workers on screen, following the run's count in steps."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, *, planned: int = 0) -> None:
        self._clock = clock
        #: Workers the screen has rows for already (placing them lays nothing out).
        self.planned = planned
        #: Workers on screen.
        self.placed = 0
        #: The run's count as last seen, and when it last changed.
        self._seen = 0
        self._seen_at = 0.0
        #: When the first worker not on screen was seen (None: all are on screen).
        self._waiting_since: float | None = None

    def follow(self, count: int, *, now_all: bool = False) -> int:
        """The number of workers to show, the run having ``count`` (its first ones, in
        order of arrival); ``now_all`` places every one at once (the run is over)."""
        if count <= self.placed:
            self.placed = count
            self._waiting_since = None
            return count
        now = self._clock()
        if count != self._seen:
            self._seen, self._seen_at = count, now
            if self._waiting_since is None:
                self._waiting_since = now
        waiting_since = self._waiting_since if self._waiting_since is not None else now
        if (
            now_all
            or not self.placed
            or count <= self.planned
            or now - self._seen_at >= SETTLE_S
            or now - waiting_since >= PLACE_WITHIN_S
        ):
            self.placed, self._waiting_since = count, None
        return self.placed
