"""The timeline's look, pinned from a synthetic run (no clocks, no processes)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tests.timeline_data import T0, gil_threads_and_processes
from tui.widgets.timeline import Timeline


class TimelineApp(App[None]):
    """Only a timeline, fed one recorded run."""

    def compose(self) -> ComposeResult:
        yield Timeline()

    def on_mount(self) -> None:
        self.query_one(Timeline).refresh_from(gil_threads_and_processes(), T0 + 1.0)


def test_timeline_snapshot(snap_compare):
    assert snap_compare(TimelineApp(), terminal_size=(100, 10))


def test_timeline_snapshot_zoomed_in(snap_compare):
    assert snap_compare(TimelineApp(), terminal_size=(100, 10), press=["plus", "plus"])
