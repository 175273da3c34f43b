"""How the run screen shares its rows between its panes, at any terminal size.

Percentages in the stylesheet cannot say "every worker's state first, then the lanes":
at 80x24 a 45% cap cut the worker list in half while the timeline showed one lane of
nine. :func:`plan` hands out the rows in order of what the room must see:

1. the minimums: the last output lines, three result rows (the scraper), the workers
   at their most compact, and a few timeline lanes (or no timeline, if they do not fit);
2. every worker's state word (all rows of the list, or every panel at its tiny height);
3. every timeline lane, up to the timeline's share of the screen;
4. taller worker panels (the pid/tid line, the last lines printed), up to their share;
5. the rest to the results table if there is one (it is the story there, and the
   output repeats it line by line), else to the output.

Pure and size-only, so it is unit-tested without a terminal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tui.widgets.worker_grid import MAX_SHARE, GridShape, grid_shape, rows_for_all

#: Output pane: its border and three lines, or a fifth of the rows on a tall screen;
#: two lines beside a results table, which says what the scraper prints, row by row.
OUTPUT_MIN = 5
OUTPUT_SHARE = 0.2
OUTPUT_MIN_WITH_RESULTS = 4
#: Results table: border, column names and three rows.
RESULTS_MIN = 6
#: Timeline: border, heading and legend around its lanes, and the "lanes 1-3 of 9" line.
TIMELINE_FRAME = 4
TIMELINE_MIN_LANES = 3
#: Share of the rows the timeline may take (less beside a results table, the story there).
TIMELINE_SHARE = 0.45
TIMELINE_SHARE_WITH_RESULTS = 0.25
#: The workers at their most compact: tiny panels in two rows, or a list of five.
WORKERS_MIN_ROOM = 8
#: Below this many rows, a terminal is short (the app's vertical breakpoint): every
#: worker's state word comes before the timeline, which ``t`` brings back.
SHORT_ROWS = 32


@dataclass(frozen=True)
class Room:
    """What there is to lay out: the rows between header and footer, and the panes."""

    rows: int
    #: The terminal's height (the workers' share is of the whole screen).
    screen_rows: int
    workers: int
    #: Cells across the worker grid (the screen less the CPU gauges).
    grid_width: int
    #: The CPU gauges' height, border included, as they would like it.
    cpu_rows: int
    results: bool


@dataclass(frozen=True)
class RunLayout:
    """Rows given to each pane (0: hidden); the output and code take what is left."""

    top: int
    grid: GridShape
    timeline: int
    results: int
    bottom: int


def timeline_rows(lanes: int) -> int:
    """The timeline box's height with every lane on screen."""
    return lanes + TIMELINE_FRAME


def timeline_min(lanes: int) -> int:
    """The smallest timeline worth showing: a few lanes and the line that scrolls them."""
    if lanes <= TIMELINE_MIN_LANES:
        return timeline_rows(lanes)
    return timeline_rows(TIMELINE_MIN_LANES) + 1


def plan(room: Room) -> RunLayout:
    """Every pane's height for ``room`` (see the module's docstring for the order)."""
    n, width = room.workers, room.grid_width
    short = room.screen_rows < SHORT_ROWS
    if room.results:
        output = OUTPUT_MIN_WITH_RESULTS
    else:
        output = max(OUTPUT_MIN, int(room.rows * OUTPUT_SHARE))
    results = RESULTS_MIN if room.results else 0
    free = room.rows - output - results

    def top_for(rows: int) -> tuple[GridShape, int]:
        shape = grid_shape(n, width, rows)
        return shape, max(shape.height, min(room.cpu_rows, rows))

    # 1. the minimums
    shape, top = top_for(min(WORKERS_MIN_ROOM, max(0, free)))
    free -= top
    # Before the first worker, one lane's room says "waiting for the run to start".
    lanes_min = timeline_min(max(1, n))
    timeline = lanes_min if lanes_min <= free else 0
    free -= timeline
    # 2. every worker on screen, within their share (on a short screen, whatever it
    #    takes: the timeline goes if it must)
    worker_share = int(room.screen_rows * MAX_SHARE)
    every = grid_shape(n, width, rows_for_all(n, width))
    need = every.height - shape.height
    if need > 0 and (short or every.height <= worker_share):
        if need > free and short and need <= free + timeline:
            free, timeline = free + timeline, 0
        if need <= free:
            shape, top = top_for(every.height)
            free = room.rows - output - results - timeline - top
    # 3. every lane, up to the timeline's share
    if timeline:
        lane_share = TIMELINE_SHARE_WITH_RESULTS if room.results else TIMELINE_SHARE
        cap = max(timeline, math.floor(room.rows * lane_share))
        grown = min(timeline_rows(max(1, n)), cap, timeline + free)
        free -= grown - timeline
        timeline = grown
    # 4. taller panels, up to the workers' share (all the rows, if there is no timeline)
    cap = max(top, worker_share) if timeline else top + free
    grown_shape, grown_top = top_for(min(cap, top + free))
    if grown_top >= top:
        free -= grown_top - top
        shape, top = grown_shape, grown_top
    # 5. the rest
    free = max(0, free)
    if room.results:
        results, free = results + free, 0
    return RunLayout(top, shape, timeline, results, output + free)
