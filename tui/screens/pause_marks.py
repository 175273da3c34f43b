"""What the run screen says about a live run that was paused with ``p``.

A paused run's processes are stopped (SIGSTOP), so the lanes have nothing to draw for
that time; the pauses are marked under the timeline instead, in run seconds.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Shown once when a run is paused: the demo's own figures are not adjusted.
PAUSED_NOTE = (
    "Every thread and process of the run is stopped (SIGSTOP); p lets it go on. "
    "The demo's own printed times will include the pause."
)
#: Pauses listed under the timeline, the most recent ones.
SHOWN = 3


def pause_marks(pauses: Sequence[tuple[float, float]], started: float | None) -> str:
    """``‖ paused 3.4-5.5 s`` (an en dash) for each pause (run seconds), or "" if none."""
    if started is None or not pauses:
        return ""
    marks = [f"{a - started:.1f}–{b - started:.1f}" for a, b in pauses[-SHOWN:]]
    more = "… " if len(pauses) > SHOWN else ""
    return f"‖ paused {more}{', '.join(marks)} s"
