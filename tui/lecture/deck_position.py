"""Where a lecture is: the slide and how many of its steps are shown (pure, no Textual).

Both windows of a lecture (the slides and the presenter's view) move through the deck
with the same rules, so the rules live here.
"""

from __future__ import annotations

from typing import NamedTuple

from tui.lecture.deck import Deck


class Position(NamedTuple):
    """A slide (its 0-based index in the deck) and the step of it shown (0-based)."""

    slide: int
    step: int


def clamp(deck: Deck, pos: Position) -> Position:
    """``pos`` within ``deck`` (after a reload that removed slides or pauses)."""
    index = min(max(0, pos.slide), len(deck) - 1)
    steps = len(deck.slides[index].steps)
    return Position(index, min(max(0, pos.step), steps - 1))


def forward(deck: Deck, pos: Position) -> Position:
    """Next: the slide's next step first, then the next slide (stays on the last)."""
    if pos.step + 1 < len(deck.slides[pos.slide].steps):
        return Position(pos.slide, pos.step + 1)
    if pos.slide + 1 < len(deck):
        return Position(pos.slide + 1, 0)
    return pos


def back(deck: Deck, pos: Position) -> Position:
    """Previous: the previous slide, shown whole (a step back is never needed live)."""
    if pos.slide == 0:
        return Position(0, 0)
    return last_step(deck, pos.slide - 1)


def last_step(deck: Deck, index: int) -> Position:
    """Slide ``index`` with every step shown."""
    index = min(max(0, index), len(deck) - 1)
    return Position(index, len(deck.slides[index].steps) - 1)


def go_to(deck: Deck, number: int) -> Position:
    """Slide ``number`` (1-based, as shown), from its first step; clamped to the deck."""
    return clamp(deck, Position(number - 1, 0))
