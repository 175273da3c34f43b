"""The timeline: one lane per worker, running / waiting / ready over time.

STUB (API contract, to be replaced by the GIL-lab work): the run screen composes
``Timeline()`` and calls ``refresh_from(state, now)`` several times a second.
"""

from __future__ import annotations

from textual.widgets import Static

from workloads.run_state import RunState


class Timeline(Static):
    """Lanes of coloured cells, one per worker."""

    def refresh_from(self, state: RunState, now: float) -> None:
        """Redraw from the folded run state; ``now`` is ``time.monotonic()``."""
        self.update(f"{len(state.workers)} workers")
