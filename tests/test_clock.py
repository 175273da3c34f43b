"""The big clock draws exactly what Textual's Digits draws, by a shorter way."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Digits

from tui.themes import THEMES, register
from tui.widgets.clock import Clock

CSS = """
Screen { layout: horizontal; }
#clock, #digits { width: auto; height: 3; color: $accent; }
"""


class _Clocks(App[None]):
    CSS = CSS

    def __init__(self, theme: str) -> None:
        super().__init__()
        register(self)
        self.theme = theme

    def compose(self) -> ComposeResult:
        yield Clock("04.2", id="clock")
        yield Digits("04.2", id="digits")


def _segments(strips: list[Strip]) -> list[list[tuple[str, Any]]]:
    return [[(s.text, s.style) for s in strip] for strip in strips]


@pytest.mark.parametrize("theme", sorted(THEMES))
async def test_the_clock_draws_what_digits_draws_in_every_theme(theme: str) -> None:
    app = _Clocks(theme)
    async with app.run_test(size=(40, 5)) as pilot:
        clock, digits = app.query_one(Clock), app.query_one("#digits", Digits)
        for value in ("04.2", "17.9", "123.4"):
            clock.update(value)
            digits.update(value)
            await pilot.pause()
            whole = Region(0, 0, clock.size.width, 3)
            assert clock.size == digits.size
            fast = clock.render_lines(whole)
            assert clock._look is not None and clock._look.plain  # the short way was taken
            # Textual's way for this very widget, and for a stock Digits.
            assert _segments(fast) == _segments(Widget.render_lines(clock, whole))
            assert _segments(fast) == _segments(digits.render_lines(whole))
            # A band of rows only (the compositor asks for the rows it repaints).
            assert _segments(clock.render_lines(Region(0, 1, whole.width, 2))) == _segments(
                fast[1:]
            )


async def test_a_theme_change_is_drawn_in_the_new_colours() -> None:
    app = _Clocks("dark")
    async with app.run_test(size=(40, 5)) as pilot:
        clock = app.query_one(Clock)
        whole = Region(0, 0, clock.size.width, 3)
        dark = _segments(clock.render_lines(whole))
        app.theme = "light"
        await pilot.pause()
        light = _segments(clock.render_lines(whole))
        assert light != dark
        assert light == _segments(Widget.render_lines(clock, whole))


async def test_a_boxed_clock_is_drawn_the_long_way() -> None:
    app = _Clocks("dark")
    async with app.run_test(size=(40, 7)) as pilot:
        clock = app.query_one(Clock)
        clock.styles.padding = (0, 1)
        await pilot.pause()
        whole = Region(0, 0, clock.size.width, clock.size.height)
        assert clock._plain_lines(whole) is None
        assert _segments(clock.render_lines(whole)) == _segments(Widget.render_lines(clock, whole))
