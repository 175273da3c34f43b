"""Lecture slides are readable from the back: the contrast bar of each theme, measured on
the rendered prose slide and live slide (as in tests/test_contrast.py)."""

from __future__ import annotations

import pytest

from tests.test_contrast import offenders, screen_cells
from tests.test_lecture_snapshots import DECK, _live_slide
from tests.tui_fakes import T0
from tui.lecture.deck import parse_deck
from tui.lecture.lecture_app import LectureApp
from tui.lecture.lecture_cli import BUILT_IN
from tui.themes import THEMES, min_contrast


@pytest.mark.parametrize("scene", ["prose", "live"])
@pytest.mark.parametrize("theme", list(THEMES))
async def test_every_text_cell_of_a_slide_reaches_the_bar(theme: str, scene: str) -> None:
    app = LectureApp(
        deck=parse_deck(DECK, BUILT_IN.parent), sync=False, theme=theme, clock=lambda: T0 + 12
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if scene == "live":
            await _live_slide(pilot)
        cells = screen_cells(app)
    assert len(cells) > 100, "the slide did not draw"
    bar = min_contrast(theme)
    for shown in (cells, [c.in_256_colors() for c in cells]):
        bad = offenders(shown, bar)
        assert not bad, "\n  ".join(str(c) for c in bad[:12])
