"""A snapshot of the replay screen at 80x24: paused half way through the threads run,
recorded on another machine (a fake clock: the picture never moves)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.pilot import Pilot

from tests.tui_fakes import PARAMS, T0, fixed_sample, threads_run_events
from tui.app import InterleaveApp
from tui.screens.replay_screen import ReplayScreen
from workloads.events import WAITING, Span, StateChanged
from workloads.recording import Entry, Recording, RecordingHeader
from workloads.replay_session import ReplaySession


def _recording() -> Recording:
    entries: list[Entry] = [*threads_run_events(), replace(fixed_sample(), t=T0 + 4.5)]
    # As the host says it: a wait is announced when it begins (the fake has only spans).
    entries += [
        StateChanged(e.worker, e.start, WAITING, "join(t1)" if e.worker == "main" else "sleep(2)")
        for e in threads_run_events()
        if isinstance(e, Span) and e.state == WAITING
    ]
    entries.sort(key=lambda e: getattr(e, "t", None) or e.end)  # type: ignore[union-attr]
    return Recording(RecordingHeader("threads", PARAMS, machine="lecture-hall", cores=2), entries)


async def _paused_half_way(pilot: Pilot[Any]) -> None:
    wall = [0.0]
    replay = ReplaySession(_recording(), clock=lambda: wall[0])
    app = pilot.app
    assert isinstance(app, InterleaveApp)
    await app.push_screen(ReplayScreen(replay, app.services))
    wall[0] = 5.0
    replay.set_speed(0.5)  # the scrubber shows the speed
    await pilot.pause()
    replay.pause()
    await pilot.pause(0.3)


def test_replay_paused_small(snap_compare: Any) -> None:
    app = InterleaveApp(clock=lambda: T0 + 12.0)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_paused_half_way)
