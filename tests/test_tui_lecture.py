"""Pilot tests of lecture mode: navigate a deck, reveal, run a demo inside a slide, leave it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tui_helpers import run_children, wait_until
from tui.lecture.deck import parse_deck
from tui.lecture.followed_run_screen import FollowedRunScreen
from tui.lecture.lecture_app import LectureApp
from tui.lecture.lecture_screen import LectureScreen
from tui.lecture.lecture_sync import LectureSync, sync_file
from tui.lecture.overview_screen import OverviewScreen
from tui.lecture.presenter_screen import PresenterScreen
from workloads.events import RunStatus

DECK = """\
# Welcome
first slide
---
# Predict
How long?
<!-- pause -->
Ten seconds.
---
# Live
```interleave
run threads
```
---
# Broken
```interleave
run no-such-demo
```
---
# Last
bye
"""


def _app(text: str = DECK) -> LectureApp:
    return LectureApp(deck=parse_deck(text, Path.cwd()), sync=False)


def _screen(app: LectureApp) -> LectureScreen:
    screen = app.screen
    assert isinstance(screen, LectureScreen)
    return screen


def _text(screen: LectureScreen) -> str:
    return screen.slide.markdown(screen.position.step)


async def test_keys_move_through_the_deck_and_reveal_pauses() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _screen(app)
        assert screen.slide.title == "Welcome"
        await pilot.press("right")
        assert screen.slide.title == "Predict"
        assert "Ten seconds" not in _text(screen)
        await pilot.press("space")  # the pause first
        assert screen.slide.title == "Predict" and "Ten seconds" in _text(screen)
        await pilot.press("n")
        assert screen.slide.title == "Live"
        await pilot.press("left")
        assert screen.slide.title == "Predict" and "Ten seconds" in _text(screen)
        await pilot.press("end")
        assert screen.slide.title == "Last"
        await pilot.press("pageup")
        assert screen.slide.title == "Broken"
        await pilot.press("home")
        assert screen.slide.title == "Welcome"
        await pilot.press("g", "4", "enter")
        assert screen.slide.title == "Broken"
        await pilot.press("g", "9", "9", "enter")  # past the end: the last slide
        assert screen.slide.title == "Last"
        await pilot.press("g", "2", "escape", "enter")  # forgotten: enter does nothing
        assert screen.slide.title == "Last"


async def test_the_overview_jumps_to_a_slide() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("o")
        await wait_until(pilot, lambda: isinstance(app.screen, OverviewScreen))
        await pilot.press("down", "down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, LectureScreen))
        assert _screen(app).slide.title == "Live"


async def test_blank_timer_and_footer() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _screen(app)
        footer = screen.query_one("#lecture-footer")
        assert "1/5" in str(footer.render())
        await pilot.press("b")
        assert screen.has_class("-blank")
        await pilot.press("b")
        assert not screen.has_class("-blank")
        await pilot.press("t")
        assert screen.timer_started is not None
        assert "00:0" in str(footer.render())
        await pilot.press("f")
        assert not footer.display
        theme = app.theme
        await pilot.press("d")
        assert app.theme != theme


async def test_a_run_inside_a_slide_shows_output_and_stops_when_the_slide_is_left() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _screen(app)
        await pilot.press("g", "3", "enter")
        live = screen.live
        assert live is not None and live.session is None  # enter starts it, not arriving
        await pilot.press("enter")
        await wait_until(pilot, lambda: live.state.output_count >= 1)
        await wait_until(pilot, lambda: live._output.shown >= 1)
        assert "Number: 0" in "\n".join(str(line) for line in live._output.lines)
        assert run_children()  # the host runs
        session = live.session
        assert session is not None
        await pilot.press("right")
        assert screen.slide.title == "Broken"
        assert session.closed
        await wait_until(pilot, lambda: not run_children())
        await pilot.press("q")
    assert not run_children()


async def test_x_stops_r_reruns_and_z_follows_the_run_full_screen() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _screen(app)
        await pilot.press("g", "3", "enter", "enter")
        live = screen.live
        assert live is not None
        await wait_until(pilot, lambda: live.state.output_count >= 1)
        await pilot.press("x")
        assert live.state.status == RunStatus.CANCELLED
        await wait_until(pilot, lambda: not run_children())
        await pilot.press("r")
        await wait_until(pilot, lambda: live.state.output_count >= 1)
        first = live.session
        await pilot.press("z")
        await wait_until(pilot, lambda: isinstance(app.screen, FollowedRunScreen))
        full = app.screen
        assert isinstance(full, FollowedRunScreen) and full.session is first
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        assert live.live and run_children()  # back on the slide, the run goes on
        await pilot.press("q")
    assert not run_children()


async def test_autorun_starts_on_arrival() -> None:
    app = _app("# A\n---\n# Auto\n```interleave autorun\nrun threads --time-scale 0.05\n```\n")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _screen(app)
        await pilot.press("right")
        await wait_until(pilot, lambda: screen.live is not None and screen.live.state.over)
        live = screen.live
        assert live is not None and live.state.status == RunStatus.FINISHED
        await pilot.press("q")
    assert not run_children()


async def test_a_bad_command_is_an_error_on_its_slide_only() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _screen(app)
        await pilot.press("g", "4", "enter")
        live = screen.live
        assert live is not None and not live.runnable
        status = str(live.query_one(".live-status").render())
        assert "unknown demo 'no-such-demo'" in status
        await pilot.press("enter")  # nothing to run; nothing breaks
        assert live.session is None
        await pilot.press("right")
        assert screen.slide.title == "Last" and screen.live is None


async def test_a_thousand_slides_open_and_navigate() -> None:
    text = "\n---\n".join(f"# Slide {i}\n- point\n<!-- pause -->\n- more" for i in range(1, 1001))
    app = _app(text)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _screen(app)
        await pilot.press("end")
        assert screen.slide.title == "Slide 1000"
        await pilot.press("g", "5", "0", "0", "enter", "right", "right")
        assert screen.slide.title == "Slide 501"


async def test_a_saved_deck_reloads_on_the_same_slide(tmp_path: Path) -> None:
    path = tmp_path / "talk.md"
    path.write_text("# One\n---\n# Two\n---\n# Three\n", encoding="utf-8")
    app = LectureApp(path, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _screen(app)
        await pilot.press("right")
        path.write_text("# One\n---\n# Two, edited\n---\n# Three\n", encoding="utf-8")
        await wait_until(pilot, lambda: screen.slide.title == "Two, edited", limit_s=10)
        path.write_bytes(b"\0\0binary")
        await wait_until(pilot, lambda: bool(screen.reload_error), limit_s=10)
        assert screen.slide.title == "Two, edited"  # the last good deck stays
        problems = str(screen.query_one("#slide-problems").render())
        assert "binary" in problems
        path.write_text("# One\n---\n# Two again\n", encoding="utf-8")
        await wait_until(pilot, lambda: screen.slide.title == "Two again", limit_s=10)
        assert not screen.reload_error


async def test_the_presenter_view_follows_the_slides_and_drives_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    path = tmp_path / "talk.md"
    path.write_text("# One\nNote: say hi\n---\n# Two\n<!-- notes: the middle -->\n---\n# Three\n")
    slides = LectureSync(sync_file(path))  # the other window, in another process
    app = LectureApp(path, presenter=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, PresenterScreen)
        assert "say hi" in screen.slide.notes
        assert "NEXT: Two" in str(screen.query_one("#presenter-next").render())
        slides.write(screen.position._replace(slide=1), 1234.0)
        await wait_until(pilot, lambda: screen.slide.title == "Two")
        assert screen.timer_started == 1234.0
        await pilot.press("right")
        shared = slides.read_new()
        assert shared is not None and shared.position.slide == 2
    assert not sync_file(path).exists()  # the window that closes last removes it


async def test_a_slide_too_long_for_the_screen_says_so_and_scrolls() -> None:
    long = "# Long\n" + "\n\n".join(f"paragraph {i}" for i in range(30))
    app = _app(long)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _screen(app)
        footer = screen.query_one("#lecture-footer")
        await wait_until(pilot, lambda: "more below" in str(footer.render()))
        for _ in range(80):
            await pilot.press("down")
        await wait_until(pilot, lambda: "more above" in str(footer.render()))
        assert screen.slide.title == "Long"  # scrolling is not moving on


async def test_the_full_view_freezes_when_the_slide_is_moved_from_elsewhere() -> None:
    app = _app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _screen(app)
        await pilot.press("g", "3", "enter", "z")
        await wait_until(pilot, lambda: isinstance(app.screen, FollowedRunScreen))
        full = app.screen
        assert isinstance(full, FollowedRunScreen)
        await wait_until(pilot, lambda: bool(run_children()))
        screen.move_to(screen.position._replace(slide=3))  # as the presenter's window does
        await wait_until(pilot, lambda: full.state.over)
        assert full.state.status == RunStatus.CANCELLED
        await wait_until(pilot, lambda: not run_children())
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        assert screen.slide.title == "Broken"


async def test_every_slide_of_the_built_in_lesson_fits_80x24() -> None:
    from tui.lecture.deck_position import last_step
    from tui.lecture.lecture_cli import BUILT_IN

    app = LectureApp(BUILT_IN, sync=False, theme="projector")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = _screen(app)
        too_long = []
        for index in range(len(screen.deck)):
            screen.move_to(last_step(screen.deck, index))
            await pilot.pause()
            await pilot.pause()
            if screen._scroll.max_scroll_y > 0:
                too_long.append(screen.slide.title)
        assert too_long == []
