"""Issue 9's leftovers, each as a lecturer would meet it.

- a cancelled run has a colour of its own, readable in every theme;
"""

from __future__ import annotations

import pytest

from tests.test_contrast import LIVE_NOW, live_sample, live_state, offenders, screen_cells, show_run
from tui.app import InterleaveApp
from tui.themes import STATE_COLORS, THEMES, min_contrast, variable
from workloads.events import CANCELLED, READY
from workloads.run_state import RunState

SIZES = ((80, 24), (120, 36))


def cancelled_state() -> RunState:
    """The live scene of the contrast test, cancelled (``x``) at its live edge."""
    state = live_state()
    state.cancel(LIVE_NOW)
    return state


# -- 1. CANCELLED has its own colour ---------------------------------------------------------
@pytest.mark.parametrize("theme", list(THEMES))
def test_cancelled_has_a_colour_no_other_state_has(theme: str) -> None:
    values = THEMES[theme].textual_theme().to_color_system().generate()
    values |= dict(THEMES[theme].variables)
    colour = {s: variable(values, c.removeprefix("$")) for s, c in STATE_COLORS.items()}
    others = {c for s, c in colour.items() if s != CANCELLED}
    assert colour[CANCELLED] not in others
    assert colour[CANCELLED] != colour[READY]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("theme", list(THEMES))
async def test_a_cancelled_run_says_so_in_its_colour_and_stays_readable(
    theme: str, size: tuple[int, int]
) -> None:
    app = InterleaveApp(clock=lambda: LIVE_NOW, theme=theme)
    async with app.run_test(size=size) as pilot:
        await show_run(pilot, cancelled_state(), live_sample(), "cpu-bound")
        cells = screen_cells(app, figures="Digits")  # letters, digits, the clock
        cancelled = variable(app.theme_variables, "state-cancelled")
        ready = variable(app.theme_variables, "warning")
        # The state word is a badge: background-coloured letters on the state's colour.
        on = {"#{:02X}{:02X}{:02X}".format(*c.bg) for c in cells if "CANCELLED" in c.context}
        assert cancelled in on, "no CANCELLED badge in the cancelled colour"
        assert ready not in on, "a CANCELLED badge in ready's colour"
        assert not offenders(cells, min_contrast(theme))
        assert not offenders([c.in_256_colors() for c in cells], min_contrast(theme))
