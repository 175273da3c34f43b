"""Pilot tests: the replay screen's keys, and saving a live run with ``w`` / ``--record``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui_fakes import PARAMS, T0, fixed_sample, threads_run_events
from tests.tui_helpers import run_children, wait_until
from tui.app import InterleaveApp
from tui.cli_record import Outputs
from tui.screens.replay_screen import ReplayScreen
from tui.screens.run_screen import RunScreen
from tui.widgets.output_pane import OutputPane
from workloads.cpu_sampler import CpuSample
from workloads.events import RunStatus
from workloads.recording import Entry, Recording, RecordingHeader, read_recording
from workloads.replay_session import ReplaySession
from workloads.run_document import run_document

pytestmark = pytest.mark.timeout(90)


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def recording() -> Recording:
    """The threads run, as recorded on a 16-core machine called big-box."""
    sixteen = CpuSample(T0 + 1, (50.0,) * 16, 0.01, 1.0, 0.01, {}, {})
    entries: list[Entry] = [*threads_run_events(), sixteen, fixed_sample()]
    entries.sort(key=lambda e: getattr(e, "t", None) or e.end)  # type: ignore[union-attr]
    return Recording(RecordingHeader("threads", PARAMS, machine="big-box", cores=16), entries)


async def test_replay_keys_move_the_screen_through_the_recording() -> None:
    clock = FakeClock()
    replay = ReplaySession(recording(), clock=clock)
    app = InterleaveApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = ReplayScreen(replay, app.services)
        await app.push_screen(screen)
        await pilot.pause(0.2)
        assert screen._header.status == "replay"
        assert "big-box" in " ".join(screen.mode_parts())
        assert str(screen._timeline_box.border_subtitle).startswith("▶ 1×")

        await pilot.press("space")
        assert replay.paused and str(screen._timeline_box.border_subtitle).startswith("‖")
        at = replay.index
        await pilot.press("right", "right", "right")
        assert replay.index == at + 3
        await pilot.press("left")
        assert replay.index == at + 2
        await pilot.press("right_square_bracket")
        assert replay.speed == 2
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert replay.speed == 0.5

        await pilot.press("end")
        await pilot.pause(0.2)
        assert replay.ended and screen.state.status == RunStatus.FINISHED
        output = screen.query_one(OutputPane)
        assert output.shown == 10
        assert screen.sample is not None and screen.sample.cores == 2  # the last reading
        await pilot.press("home")
        await pilot.pause(0.2)
        assert output.shown == 0 and screen.state.status == RunStatus.RUNNING
        assert replay.paused  # still paused, as before home
        await pilot.press("space")
        clock.t += 3.0  # at 0.5x, 1.5 s from the start again: the 16-core reading
        await pilot.pause(0.3)
        assert screen.sample is not None and screen.sample.cores == 16

        await pilot.press("x", "p", "r", "w")  # live-only keys do nothing here
        assert app.screen is screen and not run_children()
        await pilot.press("q")


async def test_the_app_opens_straight_into_a_replay() -> None:
    app = InterleaveApp(replay=recording())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ReplayScreen))
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        await pilot.pause(0.2)
        assert screen._header.status == "replay"
        await pilot.press("escape")  # back to the menu
        await wait_until(pilot, lambda: not isinstance(app.screen, RunScreen))
        await pilot.press("q")


async def test_w_saves_the_live_run_and_record_saves_it_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    outputs = Outputs(record=tmp_path / "end.jsonl.gz", trace=tmp_path / "end.json")
    app = InterleaveApp(demo_id="threads", time_scale=0.1, outputs=outputs)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen))
        screen = app.screen
        assert isinstance(screen, RunScreen)
        await wait_until(pilot, lambda: screen.state.over)
        await pilot.pause(0.3)
        await pilot.press("w")
        await pilot.pause(0.2)
        saved = list(tmp_path.glob("interleave-threads-*.jsonl.gz"))
        assert len(saved) == 1
        final = run_document(screen.state, spans=True)
        await pilot.press("q")
    for path in (saved[0], outputs.record):
        assert path is not None
        recorded = read_recording(path)
        assert run_document(recorded.state(), spans=True) == final
        assert recorded.samples(), "the gauges' readings are in the recording"
        assert recorded.header.cores >= 1 and recorded.header.machine
    assert outputs.trace is not None and outputs.trace.stat().st_size > 0
    assert not run_children()
