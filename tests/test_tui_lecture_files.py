"""Pilot: a deck's script and replay blocks, live inside their slides; b in both windows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui_fakes import PARAMS, threads_run_events
from tests.tui_helpers import run_children, wait_until
from tui.lecture.followed_run_screen import FollowedRunScreen
from tui.lecture.lecture_app import LectureApp
from tui.lecture.lecture_screen import LectureScreen
from tui.lecture.lecture_sync import LectureSync, sync_file
from tui.lecture.live_run import LiveRun
from tui.lecture.presenter_screen import PresenterScreen
from tui.screens.replay_screen import ReplayScreen
from workloads.recording import Entry, Recording, RecordingHeader, write_recording

pytestmark = pytest.mark.timeout(120)

#: A script that says its first line at once, then goes on long enough to be left.
SCRIPT = """\
import time
print("first line from the script", flush=True)
for i in range(600):
    time.sleep(0.1)
    print("tick", i, flush=True)
"""


def _deck(tmp_path: Path) -> Path:
    (tmp_path / "demos").mkdir()
    (tmp_path / "demos" / "long.py").write_text(SCRIPT)
    entries: list[Entry] = [*threads_run_events()]
    write_recording(
        tmp_path / "run.jsonl.gz", Recording(RecordingHeader("threads", PARAMS), entries)
    )
    deck = tmp_path / "talk.md"
    deck.write_text(
        "# Start\n---\n"
        "# Script\n```interleave\nrun demos/long.py\n```\n---\n"
        "# Replay\n```interleave\nreplay run.jsonl.gz\n```\n---\n"
        "# End\n"
    )
    return deck


def _lines(live: LiveRun) -> str:
    return "\n".join(str(line) for line in live._output.lines)


def _screen(app: LectureApp) -> LectureScreen:
    screen = app.screen
    assert isinstance(screen, LectureScreen)
    return screen


async def test_a_script_block_runs_in_its_slide_and_stops_when_left(tmp_path: Path) -> None:
    app = LectureApp(_deck(tmp_path), sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _screen(app)
        await pilot.press("right")
        live = screen.live
        assert live is not None and live.runnable and live.session is None
        await pilot.press("enter")
        await wait_until(pilot, lambda: "first line from the script" in _lines(live))
        assert run_children()  # the script runs for real, in the run host
        # In a slide ← → move the slides: the timeline's heading names no keys.
        heading = "".join(seg.text for seg in live._timeline.render_line(0))
        assert "1 cell" in heading and "scroll" not in heading and "zoom" not in heading
        await pilot.press("z")
        await wait_until(pilot, lambda: isinstance(app.screen, FollowedRunScreen))
        full = app.screen
        assert isinstance(full, FollowedRunScreen) and full.session is live.session
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        assert live.live
        session = live.session
        assert session is not None
        await pilot.press("right")  # leaving the slide stops the run
        assert screen.slide.title == "Replay"
        assert session.closed
        await wait_until(pilot, lambda: not run_children())
        await pilot.press("q")
    assert not run_children()


async def test_a_replay_block_plays_in_its_slide(tmp_path: Path) -> None:
    app = LectureApp(_deck(tmp_path), sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _screen(app)
        await pilot.press("g", "3", "enter")
        live = screen.live
        assert live is not None and live.replay is None
        await pilot.press("enter")
        replay = live.replay
        assert replay is not None and replay.speed == 1.0
        await wait_until(pilot, lambda: "Number: 0" in _lines(live))
        assert live.live and not run_children()  # a replay runs nothing
        assert "REPLAY ▶" in str(live._status.render())
        await pilot.press("x")  # pauses the replay where it is
        assert replay.paused and not live.live
        assert "REPLAY ‖" in str(live._status.render())
        await pilot.press("enter")  # goes on
        assert not replay.paused
        await pilot.press("z")
        await wait_until(pilot, lambda: isinstance(app.screen, ReplayScreen))
        full = app.screen
        assert isinstance(full, ReplayScreen) and full.replay is replay
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        assert screen.live is live and live.replay is replay
        await pilot.press("right")  # leaving the slide stops the replay
        assert replay.paused and live._timer is None
        await pilot.press("q")
    assert not run_children()


async def test_an_autorun_replay_plays_on_arrival(tmp_path: Path) -> None:
    _deck(tmp_path)
    deck = tmp_path / "auto.md"
    deck.write_text("# A\n---\n# Auto\n```interleave autorun\nreplay run.jsonl.gz\n```\n")
    app = LectureApp(deck, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _screen(app)
        await pilot.press("right")
        await wait_until(pilot, lambda: screen.live is not None and screen.live.replay is not None)
        live = screen.live
        assert live is not None
        await wait_until(pilot, lambda: "Number: 0" in _lines(live))
        await pilot.press("q")


async def test_b_blanks_the_slides_from_either_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    path = tmp_path / "talk.md"
    path.write_text("# One\nNote: hi\n---\n# Two\n")
    other = LectureSync(sync_file(path))  # the other window, in another process
    app = LectureApp(path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _screen(app)
        other.write(screen.position, None, blank=True)  # b in the presenter's window
        await wait_until(pilot, lambda: screen.has_class("-blank"))
        assert screen.blank
        await pilot.press("b")  # b here: back, and the other window is told
        assert not screen.has_class("-blank")
        shared = other.read_new()
        assert shared is not None and not shared.blank
    presenter = LectureApp(path, presenter=True)
    async with presenter.run_test(size=(80, 24)) as pilot:
        view = presenter.screen
        assert isinstance(view, PresenterScreen)
        await pilot.press("b")
        shared = other.read_new()
        assert shared is not None and shared.blank  # the slides' window blanks
        assert not view.has_class("-blank")  # the notes stay on the presenter's screen
        assert "SLIDES BLANK" in str(view.query_one("#presenter-heading").render())
