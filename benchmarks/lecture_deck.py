"""How fast a big deck opens and moves: parse, ``--check``, open in the app, key presses.

Builds a deck of N slides (each with a pause, a block and notes), then measures:

- parsing it, and checking every block with the CLI's parsers (``lecture --check``);
- opening it in the app (headless ``run_test`` at 80x24) until the first slide is drawn;
- the mean time a slide change takes to be drawn (the action of ``end``, ``home``,
  ``right``, then the app idle again), less an idle round of the app without a change
  (Pilot's own cost, measured the same way).

Target (issue 13): a 1,000-slide deck opens in under 1 s and navigates instantly; the
ratios printed are measured / target (below 1 is within it).

Usage: ``python -m benchmarks.lecture_deck [--slides N]``. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

from tui.lecture.deck import Deck, parse_deck
from tui.lecture.lecture_app import LectureApp
from tui.lecture.lecture_cli import deck_problems
from tui.lecture.lecture_screen import LectureScreen

OPEN_TARGET_S = 1.0
#: "Instantly": a key press that redraws within a frame or two of a 60 Hz screen.
KEY_TARGET_S = 0.05


def big_deck(slides: int) -> str:
    """A deck of ``slides`` slides, every construct on each."""
    return "\n---\n".join(
        f"# Slide {i}\n- a **point**\n<!-- pause -->\n"
        f"```interleave\nrun threads --time-scale 0.{i % 9 + 1}\n```\nNote: say {i}"
        for i in range(1, slides + 1)
    )


async def _app_times(deck: Deck, presses: int) -> tuple[float, float]:
    start = time.perf_counter()
    app = LectureApp(deck=deck, sync=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        opened = time.perf_counter() - start
        screen = app.screen
        assert isinstance(screen, LectureScreen)
        actions = [screen.action_last, screen.action_first]
        actions += [screen.action_next] * (presses - 2)
        start = time.perf_counter()
        for _ in actions:
            await pilot.pause()
        idle = time.perf_counter() - start
        start = time.perf_counter()
        for action in actions:
            action()
            await pilot.pause()
        per_key = (time.perf_counter() - start - idle) / len(actions)
        await pilot.press("q")
    return opened, per_key


def main() -> int:
    """Measure and print; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slides", type=int, default=1000)
    parser.add_argument("--presses", type=int, default=20)
    args = parser.parse_args()
    text = big_deck(args.slides)
    start = time.perf_counter()
    deck = parse_deck(text, Path.cwd())
    parse_s = time.perf_counter() - start
    start = time.perf_counter()
    problems = deck_problems(deck)
    check_s = time.perf_counter() - start
    open_s, key_s = asyncio.run(_app_times(deck, args.presses))
    print(f"slides {len(deck)}, problems {len(problems)}")
    print(f"parse {parse_s * 1000:.1f} ms · check {check_s * 1000:.1f} ms")
    print(f"open (parse done) {open_s:.3f} s: {open_s / OPEN_TARGET_S:.2f} of the target")
    print(f"slide change {key_s * 1000:.1f} ms: {key_s / KEY_TARGET_S:.2f} of the target")
    result = {
        "slides": len(deck),
        "parse_s": parse_s,
        "check_s": check_s,
        "open_s": open_s,
        "open_ratio": open_s / OPEN_TARGET_S,
        "key_s": key_s,
        "key_ratio": key_s / KEY_TARGET_S,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
