"""What the run screen says about a live run that was paused with ``p``.

A paused run's processes are stopped (SIGSTOP), so the lanes have nothing to draw for
that time; the pauses are marked under the timeline instead, in run seconds.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Under the timeline while a run is paused (its own figures are not adjusted). Not a
#: toast: a toast drawn over a live run screen in tmux left its panes drawn out of place
#: for as long as it stayed, and pausing is what a lecturer does to explain the screen.
PAUSED_NOTE = "‖ paused (SIGSTOP) · p goes on · the demo's times include the pause"
#: Pauses listed under the timeline, the most recent ones.
SHOWN = 3


def pause_marks(pauses: Sequence[tuple[float, float]], started: float | None) -> str:
    """``‖ paused 3.4-5.5 s`` (an en dash) for each pause (run seconds), or "" if none."""
    if started is None or not pauses:
        return ""
    marks = [f"{a - started:.1f}–{b - started:.1f}" for a, b in pauses[-SHOWN:]]
    more = "… " if len(pauses) > SHOWN else ""
    return f"‖ paused {more}{', '.join(marks)} s"
