"""``python -m tui.screenshots``: SVGs of the real app, driven by Pilot, for the README.

Writes into ``screenshots/``: the menu, the ``threads`` demo mid-run, the
``processes`` demo mid-run, a finished run (``thread-pool``, in the light theme), and
``cpu-bound`` threads mid-run at 80x24 in the projector theme, the lesson's own code
(``examples/seed_lesson.py``) run as a user's script with its line markers, and a slide
of the built-in lecture with its ``threads`` run live inside it (80x24, projector).
Runs are real (the host process, psutil), so the figures differ from run to run.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from tui.app import InterleaveApp
from tui.screens.run_screen import RunScreen
from workloads.script import load_script

SIZE = (120, 36)
OUT = Path("screenshots")


async def _until(pilot: object, condition: Callable[[], bool], limit_s: float = 60.0) -> None:
    for _ in range(int(limit_s / 0.1)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise RuntimeError("the app did not reach the expected state")


async def _shoot(
    name: str,
    key: str | None,  # the demo to open straight into (None: the menu)
    *,
    script: str | None = None,
    time_scale: float = 1.0,
    lines: int = 0,
    finished: bool = False,
    theme: str | None = None,
    size: tuple[int, int] = SIZE,
    wait_s: float = 0.6,
) -> Path:
    opened = None if script is None else load_script(script)
    app = InterleaveApp(demo_id=key, time_scale=time_scale, theme=theme, script=opened)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if key is not None or opened is not None:
            await _until(pilot, lambda: isinstance(app.screen, RunScreen))
            screen = app.screen
            assert isinstance(screen, RunScreen)
            if finished:
                await _until(pilot, lambda: screen.state.over)
            else:
                await _until(pilot, lambda: len(screen.state.outputs) >= lines)
            await asyncio.sleep(wait_s)  # refresh ticks and a CPU reading
            screen.refresh_now()
        await pilot.pause()
        path = Path(app.save_screenshot(f"{name}.svg", str(OUT)))
        await pilot.press("q")
    return path


async def _shoot_lecture(name: str, slide: int, lines: int) -> Path:
    """The built-in lecture's slide ``slide`` (1-based), its run started, ``lines`` in."""
    from tui.lecture.lecture_app import LectureApp
    from tui.lecture.lecture_cli import BUILT_IN
    from tui.lecture.lecture_screen import LectureScreen

    app = LectureApp(BUILT_IN, theme="projector", sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("g", *str(slide), "enter", "right", "enter")
        screen = app.screen
        assert isinstance(screen, LectureScreen)
        live = screen.live
        assert live is not None
        await _until(pilot, lambda: live.state.output_count >= lines)
        await asyncio.sleep(0.6)  # refresh ticks and a CPU reading
        await pilot.pause()
        path = Path(app.save_screenshot(f"{name}.svg", str(OUT)))
        await pilot.press("q")
    return path


async def main() -> int:
    """Take every screenshot; returns the exit code."""
    OUT.mkdir(exist_ok=True)
    shots = [
        await _shoot("menu", None),
        await _shoot("threads-running", "threads", time_scale=0.5, lines=5),
        await _shoot("processes-running", "processes", time_scale=0.5, lines=5),
        await _shoot("finished", "thread-pool", time_scale=0.5, finished=True, theme="light"),
        await _shoot(
            "projector-cpu-bound",
            "cpu-bound",
            theme="projector",
            size=(80, 24),
            wait_s=1.5,
        ),
        await _shoot("own-script", None, script="examples/seed_lesson.py", lines=3, wait_s=1.0),
        await _shoot_lecture("lecture-live", 15, lines=5),
    ]
    for path in shots:
        print(path)
    return 0


if __name__ == "__main__":
    if sys.argv[1:]:  # "--help" rewrote every screenshot of the README: say what it does
        print((__doc__ or "").strip())
        sys.exit(0 if sys.argv[1] in ("-h", "--help") else 2)
    sys.exit(asyncio.run(main()))
