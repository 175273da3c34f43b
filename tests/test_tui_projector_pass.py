"""What a tester's pass over issue 9 (projector-ready and truthful) found, pinned down.

Each test is one defect seen by hand in tmux at 80x24 or 120x36, fixed: the compare
screen's heading, its warnings and its conclusion at 80x24; the cancel key after the
run's end; the help's states; the span a ticking worker closes after a long GIL wait.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Static

from tests.test_compare import CPU_FIGURES, IO_FIGURES, FakeMeter, FakeRunner, fake_compare
from tests.test_compare_screen import CompareApp, wait_until
from tests.test_contrast import offenders, screen_cells
from tests.tui_helpers import run_children
from tui.app import InterleaveApp
from tui.screens.compare_screen import CompareScreen, compare_parts
from tui.screens.help_screen import STATES
from tui.screens.pause_marks import PAUSED_NOTE
from tui.screens.run_screen import RunScreen
from tui.themes import THEMES, min_contrast
from workloads import catalog
from workloads.compare import report_text, table_text
from workloads.demos.crash import crashing_thread_first
from workloads.demos.startup import shown_ms
from workloads.events import RunStatus


# -- compare: the heading -------------------------------------------------------------------
def test_compare_heading_says_options_as_the_command_line_does():
    demo = catalog.get("scrape")
    parts = compare_parts(demo, demo.resolve({}), 1.0)
    heading = " · ".join(parts)
    # Empty options (url, urls, scheduler) and the dask mode's defaults are not shown:
    # at 80 columns they pushed the real options off the line.
    assert "scheduler" not in heading and "url" not in heading
    assert "dashboard" not in heading and "threads-per-worker" not in heading
    assert "()" not in heading and "False" not in heading
    assert parts[0] == "workers 8"


def test_compare_heading_keeps_what_the_user_changed():
    demo = catalog.get("cpu-bound")
    params = demo.resolve({"scheduler": "tcp://127.0.0.1:8786", "switch_interval": 5.0})
    parts = compare_parts(demo, params, 0.5)
    assert "switch-interval 5" in parts  # as typed, not "5.0"
    assert "scheduler tcp://127.0.0.1:8786" in parts
    assert parts[-1] == "time ×0.5"


# -- compare: other load on the machine -----------------------------------------------------
def _distorted() -> Any:
    meter = FakeMeter({"threads": 0.9, "processes": 0.95})
    return fake_compare({**CPU_FIGURES, "processes": (3.9, 4.0)}, load_meter=meter)


def test_conclusion_names_the_distorted_modes_instead_of_pointing_elsewhere():
    text = _distorted().conclusion()
    # The screen and the text report have no list called "the warnings" to point at.
    assert "see the warnings" not in text
    assert "Other load on the machine distorted threads and processes." in text


def test_text_report_prints_the_warnings_and_marks_their_rows():
    result = _distorted()
    report = report_text(result)
    assert report.count("warning: other programs kept") == 2
    rows = {line.split()[0]: line for line in table_text(result).splitlines()[1:]}
    assert rows["threads"].endswith("other load 0.9")
    assert rows["processes"].endswith("other load 0.9") or rows["processes"].endswith("1.0")
    assert "other load" not in rows["sequential"]


async def test_compare_screen_marks_distorted_rows_in_the_table():
    screen = CompareScreen("cpu-bound", {"workers": 4}, runner=FakeRunner(CPU_FIGURES))
    app = CompareApp(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: screen.comparison is not None, limit_s=10)
        screen._finished(_distorted())
        await pilot.pause()
        table = screen.query_one("#compare-table", DataTable)
        notes = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[-1]) for i in range(6)}
        assert notes["threads"].startswith("other load") and notes["sequential"] == ""


async def test_compare_conclusion_is_on_screen_at_80x24():
    # At 80x24 the table, the chart and the blank lines between them left the
    # conclusion two lines, cut mid-sentence; it is what the room reads at the end.
    screen = CompareScreen("cpu-bound", {"workers": 4}, runner=FakeRunner(CPU_FIGURES))
    app = InterleaveApp(theme="projector")  # its stylesheet and its breakpoints
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(screen)
        await wait_until(pilot, lambda: screen.comparison is not None, limit_s=10)
        screen._finished(_distorted())
        await pilot.pause()
        await pilot.pause()
        conclusion = screen.query_one("#compare-conclusion", Static)
        placed = screen.find_widget(conclusion)
        body = screen.find_widget(screen.query_one("#compare-body"))
        # Every line of it is inside the part of the screen the body shows.
        assert body.region.contains_region(placed.region)
        assert conclusion.size.height >= 5


# -- the run screen's keys -------------------------------------------------------------------
async def test_cancel_leaves_the_footer_once_the_run_is_over():
    # After x, the footer still offered "x Cancel" (and x did nothing): p left it, x
    # stayed. A presenter reads the footer to know what a key will do.
    app = InterleaveApp(demo_id="threads", time_scale=0.2)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen), limit_s=30)
        screen = app.screen
        assert isinstance(screen, RunScreen)
        assert "x" in screen.active_bindings
        await pilot.press("x")
        await wait_until(pilot, lambda: screen.state.over, limit_s=30)
        await pilot.pause()
        assert screen.state.status == RunStatus.CANCELLED
        assert "x" not in screen.active_bindings and "p" not in screen.active_bindings
        assert "r" in screen.active_bindings
        await pilot.press("q")
    assert not run_children()


def test_help_names_every_state_word_a_panel_shows():
    for word in ("RUNNING", "READY", "WAITING", "GIL", "CORE", "DONE", "FAILED", "CANCELLED"):
        assert f"**{word}**" in STATES


@pytest.mark.parametrize("theme", sorted(THEMES))
async def test_distorted_rows_are_readable_in_every_theme(theme: str) -> None:
    # The "other load" notes are new text in the warning colour on the zebra rows.
    screen = CompareScreen("cpu-bound", {"workers": 4}, runner=FakeRunner(CPU_FIGURES))
    app = InterleaveApp(theme=theme)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(screen)
        await wait_until(pilot, lambda: screen.comparison is not None, limit_s=10)
        screen._finished(_distorted())
        await pilot.pause()
        screen.query_one("#compare-body").scroll_home(animate=False)
        await pilot.pause()
        cells = screen_cells(app)
        assert any("other load" in c.context for c in cells)
        bad = offenders(cells, min_contrast(theme))
        assert not bad, "; ".join(map(str, bad[:5]))


async def test_pause_says_so_under_the_timeline_not_in_a_toast():
    # In tmux at 80x24, a toast over the live run screen (p's note) left the timeline
    # and the output drawn out of place, in about a third of the tries, for the six
    # seconds it stayed. The note now sits under the timeline while the run is paused.
    app = InterleaveApp(demo_id="threads", time_scale=0.5)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, RunScreen), limit_s=30)
        screen = app.screen
        assert isinstance(screen, RunScreen)
        await wait_until(pilot, lambda: len(screen.state.outputs) >= 2, limit_s=30)
        await pilot.press("p")
        await pilot.pause()
        session = screen.session
        assert session is not None and session.paused
        box = screen.query_one("#timeline-box")
        assert box.border_subtitle == PAUSED_NOTE
        assert not list(app._notifications)
        await pilot.press("x")  # cancelled while paused: it is not paused any more
        await wait_until(pilot, lambda: screen.state.over, limit_s=30)
        await pilot.pause()
        assert box.border_subtitle != PAUSED_NOTE
        await pilot.press("q")
    assert not run_children()


def test_the_pause_note_fits_under_an_80_column_timeline():
    assert len(PAUSED_NOTE) <= 80 - 6  # the border's corners and the space around it


def test_startup_prints_its_times_without_an_exponent():
    # On a loaded machine forkserver took 1.29 s: the line said "1.29e+03 ms".
    assert [shown_ms(t) for t in (0.0512, 4.1, 347.2, 1292.4, 25_000.0)] == [
        "0.0512",
        "4.1",
        "347",
        "1,292",
        "25,000",
    ]


def test_a_crash_shows_the_crashing_thread_first():
    # e on the crash demo opened on four of the run's helper threads; the line that
    # crashed was below the fold at 80x24.
    dump = (
        "Fatal Python error: Segmentation fault\n\n"
        'Thread 0x1 (most recent call first):\n  File "queues.py", line 231 in _feed\n\n'
        'Thread 0x2 (most recent call first):\n  File "reporter.py", line 82 in _flush_loop\n\n'
        'Current thread 0x3 (most recent call first):\n  File "crash.py", line 24 in crash\n'
    )
    shown = crashing_thread_first(dump)
    blocks = shown.strip().split("\n\n")
    assert blocks[0] == "Fatal Python error: Segmentation fault"
    assert blocks[1].startswith("Current thread") and "in crash" in blocks[1]
    assert len(blocks) == 4 and "_feed" in blocks[2] and "_flush_loop" in blocks[3]
    assert crashing_thread_first("no threads here") == "no threads here"


def test_a_busy_machine_does_not_hide_a_real_gain():
    # compare io-bound on this loaded machine said "Threads 1.7x, processes 0.5x on 2
    # cores: no mode was much faster than sequential, because other programs kept 1.7
    # of the 2 cores busy": threads were faster, and the reason is the waiting.
    figures = {**IO_FIGURES, "threads": (2.3, 0.01), "processes": (8.0, 0.4)}
    busy = {mode: 1.7 for mode in IO_FIGURES}
    result = fake_compare(figures, "io-bound", load_meter=FakeMeter(busy))
    text = result.conclusion()
    assert "no mode was much faster" not in text
    assert "Threads 1.7x" in text and "wait" in text
    assert "Other load on the machine distorted" in text


def test_screenshots_help_prints_help_and_writes_nothing(tmp_path: Path) -> None:
    # "python -m tui.screenshots --help" ran every run and rewrote the README's SVGs.
    done = subprocess.run(
        [sys.executable, "-m", "tui.screenshots", "--help"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and "screenshots/" in done.stdout
    assert not (tmp_path / "screenshots").exists()
